// sip/b2bua/mailbox_call.hpp — the mailbox by phone (SPEC 10; docs/voicemail.md "The mailbox
// by phone"): a user dials `*97` from their own device (their own mailbox, no PIN) or `*98`
// from any device of the company (the extension, then the PIN). serve answers the call itself
// and drives the media process through a small state machine per call:
//
//   *98: extension + '#' ─► PIN + '#' ──(3 wrong: security line, BYE)
//   *97 ────────────────────────┴─► main menu: "N new, M saved; 1 listen, 0 greeting"
//        1 ─► each new message, then each saved one; during or after it:
//             1 repeat   2 save   7 delete   # next      (played to its end: heard, saved)
//        0 ─► the tone, the greeting recorded ('#' ends) ─► 1 keeps it, anything else not
//
// The media process plays, collects and records (`play`, `collect`, `record` kind greeting);
// the store's operations (list, save, delete, keep the greeting) are its `mailbox` command,
// which runs them on its worker thread: nothing here touches the disk. Every change to a
// mailbox is reported through on_changed, so message waiting (RFC 3842) follows at once.
//
// Thread safety: serve's event loop.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "sip/b2bua/dialog_offer.hpp"
#include "sip/media_side/control_client.hpp"
#include "sip/message.hpp"
#include "sip/security/security_log.hpp"
#include "sip/transaction/transaction_layer.hpp"
#include "sip/transport/peer.hpp"
#include "sip/transport/timer_queue.hpp"
#include "sip/transport/transport.hpp"

namespace callplan::sip {

// The dialled codes (SPEC 10).
inline constexpr std::string_view kOwnMailboxCode = "*97";
inline constexpr std::string_view kAnyMailboxCode = "*98";

// A mailbox as the call sees it: its user, the PIN, where the store keeps it.
struct MailboxOwner {
  std::string company;    // tenant.login
  std::string extension;  // the user's
  std::string pin;        // users[].voicemail_pin; "" for none (*98 cannot open it then)
  std::string time_zone;  // the tenant's IANA zone (the greeting's record)
};

// What a *97 or *98 call knows when it starts.
struct MailboxDial {
  bool own = false;                    // *97: `mine` is opened without a PIN
  std::optional<MailboxOwner> mine;    // the calling device's user, when it has voicemail
  // *98: the mailbox of an extension of the caller's company (nullopt: none, or no voicemail).
  std::function<std::optional<MailboxOwner>(std::string_view extension)> find;
  std::string language = "en";         // of the spoken prompts: "nl" or "en"
  std::string device;                  // the caller's SIP username, for the log
  std::string company;                 // the caller's company (tenant.login)
  std::string caller;                  // the extension of the device's user ("" for none)
};

// A *97 / *98 call that is over, once: what its call detail record needs (the server writes
// the record and the log line, as for every call: docs/sip-server.md "Call detail records").
struct MailboxCallOver {
  using Clock = std::chrono::system_clock;
  std::string call_id;
  std::string_view dialled;  // kOwnMailboxCode or kAnyMailboxCode
  const MailboxDial* dial = nullptr;  // the caller, the company
  std::string opened;        // the extension whose mailbox was opened; "" when none was
  int status = 0;            // the final status the caller got: 200, 404, 480, 487, 488
  std::string ended_by;      // answered calls: "caller", "callee" (our BYE) or "stopped"
  Clock::time_point start;
  std::optional<Clock::time_point> answer;
  Clock::time_point end;
};

class MailboxCalls {
 public:
  using Log = std::function<void(std::string_view line)>;
  using Changed = std::function<void(std::string_view company, std::string_view extension)>;
  using Over = std::function<void(const MailboxCallOver& call)>;

  static constexpr int kPinTries = 3;

  MailboxCalls(TransactionLayer& layer, Transport& transport, TimerQueue& timers,
               MediaControl& control, SecurityLog& security, Log log);
  ~MailboxCalls();
  MailboxCalls(const MailboxCalls&) = delete;
  MailboxCalls& operator=(const MailboxCalls&) = delete;

  // A message saved, deleted or a greeting kept in `company`/`extension`.
  void on_changed(Changed handler) { changed_ = std::move(handler); }
  // Every call, however it ends (refused, cancelled, either side's BYE, the server stopping),
  // exactly once.
  void on_over(Over handler) { over_ = std::move(handler); }

  // Is `dialled` (the Request-URI user of a device's INVITE) a mailbox code?
  static bool is_mailbox_code(std::string_view dialled) {
    return dialled == kOwnMailboxCode || dialled == kAnyMailboxCode;
  }
  // A device's INVITE to *97 or *98 (authenticated): answered here, 200 with the media
  // process's SDP; 480 when the media side is down, 404 for *97 from a user without voicemail.
  void start(ServerId txn, const Message& invite, const Peer& from, MailboxDial dial);
  // In-dialog requests and the ACK of our 200: true when the dialog is one of ours.
  bool in_dialog(ServerId txn, const Message& request, const Peer& from);
  bool ack(const Message& ack);
  // The caller CANCELled before our 200.
  bool cancelled(ServerId txn);

  std::size_t calls() const { return calls_.size(); }

 private:
  struct Call;
  using CallPtr = std::shared_ptr<Call>;

  // mailbox_dialog.cpp: the caller's dialog (answered_dialog.hpp: our 200 until the ACK,
  // BYE both ways, hold and resume).
  void answer(const CallPtr& call, std::string_view sdp);
  void refuse(const CallPtr& call, int status, std::string_view reason, std::string_view why);
  void hang_up(const CallPtr& call, std::string_view why);
  void end(const CallPtr& call);
  void report(const CallPtr& call, int status);  // on_over, once per call

  // mailbox_call.cpp: the state machine.
  void on_event(const CallPtr& call, const nlohmann::json& event);
  void say(const CallPtr& call, std::string_view text);  // play (barge-in), then collect
  void collect(const CallPtr& call, std::uint32_t timeout_ms);
  void on_digit(const CallPtr& call, char digit);
  void on_silence(const CallPtr& call);  // a collect timed out
  void ask_extension(const CallPtr& call);
  void ask_pin(const CallPtr& call);
  void check_pin(const CallPtr& call);
  void main_menu(const CallPtr& call);
  void play_message(const CallPtr& call);
  void after_message(const CallPtr& call);
  void next_message(const CallPtr& call);
  void update_message(const CallPtr& call, std::string_view action);
  void record_greeting(const CallPtr& call);
  void goodbye(const CallPtr& call, std::string_view why);
  void mailbox_request(const CallPtr& call, nlohmann::json request,
                       std::function<void(const nlohmann::json& reply)> then);

  TransactionLayer& layer_;
  Transport& transport_;
  TimerQueue& timers_;
  MediaControl& control_;
  SecurityLog& security_;
  Log log_;
  Changed changed_;
  Over over_;
  std::uint64_t next_ = 0;
  std::unordered_map<std::string, CallPtr> calls_;      // answered: Call-ID + tags
  std::unordered_map<ServerId, CallPtr> unanswered_;    // INVITEs not answered yet
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace callplan::sip
