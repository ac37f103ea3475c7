// sip/events/notifier.hpp — the server's side of SUBSCRIBE/NOTIFY (RFC 6665) for the event
// packages it serves (event_package.hpp): subscriptions with their expiry, refresh and
// un-subscribe, and a NOTIFY whenever a resource's state changes.
//
//   Notifier notifier(layer, timers, transport);
//   notifier.add(std::make_unique<MessageSummaryPackage>(...));
//   notifier.subscribe(txn, request, from, username);  // new SUBSCRIBE, authenticated
//   notifier.in_dialog(txn, request, from);             // SUBSCRIBE with a To tag: refresh
//   notifier.poll(now);                                 // periodically: expiry and changes
//
// The server is the notifier, the phone the subscriber; each subscription is a dialog of its
// own (Call-ID, the phone's From tag, our To tag). NOTIFYs go where the phone is reached
// (reach.hpp: its Contact, or its flow behind NAT / on TCP). A NOTIFY answered 481, 404, 410
// or not at all ends the subscription (RFC 6665 4.2.2). State changes are found by polling
// the packages (poll(), and at once through changed()): serve's own media side reports the
// messages it stores and the mailbox by phone what it changes (changed()); polling catches
// what any other writer of the voicemail store does.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sip/events/event_package.hpp"
#include "sip/message.hpp"
#include "sip/transaction/transaction_layer.hpp"
#include "sip/transport/peer.hpp"
#include "sip/transport/timer_queue.hpp"
#include "sip/transport/transport.hpp"

namespace callplan::sip {

struct SubscriptionLimits {
  std::chrono::seconds minimum{60};      // less: 423 Interval Too Brief
  std::chrono::seconds maximum{7200};    // more is lowered
  std::chrono::seconds default_expiry{3600};  // no Expires header
  std::size_t per_subscriber = 64;       // subscriptions one SIP username may hold
};

class Notifier {
 public:
  using TimePoint = TimerQueue::TimePoint;

  Notifier(TransactionLayer& layer, TimerQueue& timers, Transport& transport,
           SubscriptionLimits limits = {});
  ~Notifier();
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  void add(std::unique_ptr<EventPackage> package);
  // "message-summary, dialog": the Allow-Events value.
  std::string allow_events() const;

  // A SUBSCRIBE without To tag from the authenticated device `subscriber`: 489 for an
  // unknown package, 404 for an unknown resource, 403 when not allowed, 423 too brief,
  // else 200 (202 is deprecated, RFC 6665 8.3.1) and a NOTIFY with the state now.
  void subscribe(ServerId txn, const Message& request, const Peer& from,
                 std::string_view subscriber);
  // Is this in-dialog request (To tag) one of our subscriptions' dialogs?
  bool owns(const Message& request) const;
  // A SUBSCRIBE inside a subscription: refresh, or Expires: 0 to end it (a last NOTIFY
  // "terminated"). Anything else inside it: 405 (the phone sends nothing else in it).
  void in_dialog(ServerId txn, const Message& request, const Peer& from);
  // The state of `resource` of `package` may have changed: NOTIFY its watchers if it did.
  void changed(std::string_view package, std::string_view resource);
  // Every resource of every package that `subscriber` watches: NOTIFY them the state now
  // (a phone that registers anew gets the current state, SPEC 10).
  void refresh_subscriber(std::string_view subscriber);
  // Ends expired subscriptions (a last NOTIFY, reason timeout) and notifies changed states.
  void poll(TimePoint now);
  // Notifies the watchers of `package` ("" for all) whose resource's state changed.
  void recheck(std::string_view package, TimePoint now);
  // Does anyone watch something of `package`?
  bool watching(std::string_view package) const;

  std::size_t size() const { return subscriptions_.size(); }

 private:
  struct Subscription;
  EventPackage* package(std::string_view name) const;
  void notify(Subscription& s, bool terminated, std::string_view reason = {});
  void end(const std::string& key);

  TransactionLayer& layer_;
  TimerQueue& timers_;
  Transport& transport_;
  SubscriptionLimits limits_;
  std::vector<std::unique_ptr<EventPackage>> packages_;
  std::unordered_map<std::string, std::unique_ptr<Subscription>> subscriptions_;
  std::uint64_t next_tag_ = 0;
};

}  // namespace callplan::sip
