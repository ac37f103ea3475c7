#include "sip/events/notifier.hpp"
#include "sip/first_contact.hpp"

#include <algorithm>
#include <array>
#include <map>

#include <fmt/format.h>

#include "sip/name_addr.hpp"
#include "sip/proxy/dialogs.hpp"
#include "sip/proxy/reach.hpp"
#include "sip/scanner.hpp"
#include "sip/writer.hpp"

namespace callplan::sip {

struct Notifier::Subscription {
  std::string key;
  std::string call_id;
  std::string local_tag;
  std::string remote;    // the phone's From value (with its tag): the To of our NOTIFYs
  std::string local;     // the SUBSCRIBE's To value: our From
  std::string contact;   // the phone's Contact URI: the Request-URI of our NOTIFYs
  Peer flow;             // where the NOTIFYs go (reach.hpp)
  std::string package;
  std::string event;     // the Event value to echo (with its id parameter)
  std::string resource;
  std::string subscriber;
  TimePoint expires{};
  std::uint32_t cseq = 0;
  std::string last_body;
};

namespace {

std::string_view event_package(std::string_view event) {
  event = event.substr(0, event.find(';'));
  while (!event.empty() && (event.back() == ' ' || event.back() == '\t')) event.remove_suffix(1);
  return event;
}

}  // namespace

Notifier::Notifier(TransactionLayer& layer, TimerQueue& timers, Transport& transport,
                   SubscriptionLimits limits)
    : layer_(layer), timers_(timers), transport_(transport), limits_(limits) {}

Notifier::~Notifier() = default;

void Notifier::add(std::unique_ptr<EventPackage> package) { packages_.push_back(std::move(package)); }

std::string Notifier::allow_events() const {
  std::string out;
  for (const auto& p : packages_) {
    if (!out.empty()) out += ", ";
    out.append(p->name());
  }
  return out;
}

EventPackage* Notifier::package(std::string_view name) const {
  for (const auto& p : packages_)
    if (detail::iequals(p->name(), name)) return p.get();
  return nullptr;
}

void Notifier::subscribe(ServerId txn, const Message& request, const Peer& from,
                         std::string_view subscriber) {
  const Header* event = request.find(HeaderId::event);
  EventPackage* pkg = event ? package(event_package(event->value)) : nullptr;
  if (pkg == nullptr) {
    const std::string allow = allow_events();
    HeaderLine line{"Allow-Events", allow};
    layer_.respond(txn, build_response(request, 489, "Bad Event", {.to_tag = "ev", .extra = std::span(&line, 1)}));
    return;
  }
  const std::string resource = pkg->resource(subscriber, unescape(request.request_uri.user));
  if (resource.empty()) {
    layer_.respond(txn, build_response(request, 404, "Not Found", {.to_tag = "ev"}));
    return;
  }
  if (int refusal = pkg->authorize(subscriber, resource); refusal != 0) {
    layer_.respond(txn, build_response(request, refusal, "Forbidden", {.to_tag = "ev"}));
    return;
  }
  const std::string contact(first_contact_uri(request));
  const std::size_t held = static_cast<std::size_t>(std::count_if(
      subscriptions_.begin(), subscriptions_.end(),
      [&](const auto& entry) { return entry.second->subscriber == subscriber; }));
  if (contact.empty() || held >= limits_.per_subscriber) {
    layer_.respond(txn, build_response(request, contact.empty() ? 400 : 403,
                                       contact.empty() ? "Missing Contact" : "Too Many Subscriptions",
                                       {.to_tag = "ev"}));
    return;
  }
  std::chrono::seconds expiry = request.expires < 0 ? limits_.default_expiry
                                                    : std::chrono::seconds(request.expires);
  if (expiry.count() > 0 && expiry < limits_.minimum) {
    const std::string minimum = std::to_string(limits_.minimum.count());
    HeaderLine line{"Min-Expires", minimum};
    layer_.respond(txn, build_response(request, 423, "Interval Too Brief",
                                       {.to_tag = "ev", .extra = std::span(&line, 1)}));
    return;
  }
  expiry = std::min(expiry, limits_.maximum);

  auto s = std::make_unique<Subscription>();
  s->call_id.assign(request.call_id);
  s->local_tag = fmt::format("ev{:x}{:x}", ++next_tag_, timers_.now().time_since_epoch().count());
  s->key = DialogSet::key(request.call_id, request.from.tag(), s->local_tag);
  s->remote.assign(request.from.text);
  s->local.assign(request.to.text);
  s->contact = contact;
  s->flow = reach(contact, from);
  s->package.assign(pkg->name());
  s->event.assign(event->value);
  s->resource = resource;
  s->subscriber.assign(subscriber);
  s->expires = timers_.now() + expiry;

  const std::string expires = std::to_string(expiry.count());
  const std::string our_contact =
      fmt::format("<sip:{}{}>", transport_.local(from.protocol).host_port(),
                  from.protocol == Protocol::tcp ? ";transport=tcp" : "");
  const std::array<HeaderLine, 2> headers{{{"Expires", expires}, {"Contact", our_contact}}};
  layer_.respond(txn, build_response(request, 200, "OK", {.to_tag = s->local_tag, .extra = headers}));
  // RFC 6665 4.2.1.2: a NOTIFY at once; an un-SUBSCRIBE (fetch) gets its one terminated NOTIFY.
  Subscription& stored = *s;
  const std::string key = s->key;
  subscriptions_[key] = std::move(s);
  notify(stored, expiry.count() == 0, expiry.count() == 0 ? "timeout" : "");
  if (expiry.count() == 0) end(key);
}

bool Notifier::owns(const Message& request) const {
  return subscriptions_.contains(DialogSet::key(request.call_id, request.from.tag(), request.to.tag()));
}

void Notifier::in_dialog(ServerId txn, const Message& request, const Peer& from) {
  const std::string key = DialogSet::key(request.call_id, request.from.tag(), request.to.tag());
  auto it = subscriptions_.find(key);
  if (it == subscriptions_.end()) {
    layer_.respond(txn, build_response(request, 481, "Subscription Does Not Exist"));
    return;
  }
  if (request.method != Method::subscribe) {
    HeaderLine allow{"Allow", "SUBSCRIBE"};
    layer_.respond(txn, build_response(request, 405, "Method Not Allowed", {.extra = std::span(&allow, 1)}));
    return;
  }
  Subscription& s = *it->second;
  std::chrono::seconds expiry = request.expires < 0 ? limits_.default_expiry
                                                    : std::chrono::seconds(request.expires);
  if (expiry.count() > 0 && expiry < limits_.minimum) {
    const std::string minimum = std::to_string(limits_.minimum.count());
    HeaderLine line{"Min-Expires", minimum};
    layer_.respond(txn, build_response(request, 423, "Interval Too Brief", {.extra = std::span(&line, 1)}));
    return;
  }
  expiry = std::min(expiry, limits_.maximum);
  if (std::string contact(first_contact_uri(request)); !contact.empty()) s.contact = contact;
  s.flow = reach(s.contact, from);
  s.expires = timers_.now() + expiry;
  const std::string expires = std::to_string(expiry.count());
  HeaderLine line{"Expires", expires};
  layer_.respond(txn, build_response(request, 200, "OK", {.extra = std::span(&line, 1)}));
  notify(s, expiry.count() == 0);
  if (expiry.count() == 0) end(key);
}

void Notifier::notify(Subscription& s, bool terminated, std::string_view reason) {
  EventPackage* pkg = package(s.package);
  if (pkg == nullptr) return;
  std::string body = pkg->body(s.resource);
  s.last_body = body;
  std::string state;
  if (terminated) {
    state = reason.empty() ? "terminated" : fmt::format("terminated;reason={}", reason);
  } else {
    const auto left = std::chrono::duration_cast<std::chrono::seconds>(s.expires - timers_.now());
    state = fmt::format("active;expires={}", std::max<std::int64_t>(left.count(), 0));
  }
  const std::string branch = layer_.new_branch();
  const Peer& local = transport_.local(s.flow.protocol);
  std::string out;
  MessageWriter w(out);
  w.request_line("NOTIFY", s.contact);
  w.header("Via", fmt::format("SIP/2.0/{} {};branch={}", via_transport(s.flow.protocol),
                              local.host_port(), branch));
  w.header("Max-Forwards", std::uint64_t{70});
  w.header("From", fmt::format("{};tag={}", s.local, s.local_tag));
  w.header("To", s.remote);
  w.header("Call-ID", s.call_id);
  w.header("CSeq", fmt::format("{} NOTIFY", ++s.cseq));
  w.header("Contact", fmt::format("<sip:{}{}>", local.host_port(),
                                  s.flow.protocol == Protocol::tcp ? ";transport=tcp" : ""));
  w.header("Event", s.event);
  w.header("Subscription-State", state);
  w.finish(pkg->versioned(body, s.cseq - 1), pkg->content_type());
  const std::string key = s.key;
  ClientCallbacks callbacks{
      .on_response =
          [this, key](const Message& response) {
            // RFC 6665 4.2.2: the subscriber no longer knows it.
            const int status = response.status_code;
            if (status == 481 || status == 404 || status == 410 || status == 480) end(key);
          },
      .on_timeout = [this, key] { end(key); }};
  layer_.send_request(s.flow, std::move(out), branch, Method::notify, std::move(callbacks));
}

void Notifier::end(const std::string& key) { subscriptions_.erase(key); }

void Notifier::changed(std::string_view package_name, std::string_view resource) {
  std::vector<Subscription*> watching;
  for (auto& [key, s] : subscriptions_)
    if (s->package == package_name && s->resource == resource) watching.push_back(s.get());
  if (watching.empty()) return;
  EventPackage* pkg = package(package_name);
  if (pkg == nullptr) return;
  const std::string body = pkg->body(resource);
  for (Subscription* s : watching)
    if (s->last_body != body) notify(*s, false);
}

void Notifier::refresh_subscriber(std::string_view subscriber) {
  std::vector<Subscription*> theirs;
  for (auto& [key, s] : subscriptions_)
    if (s->subscriber == subscriber) theirs.push_back(s.get());
  for (Subscription* s : theirs) notify(*s, false);
}

void Notifier::recheck(std::string_view only_package, TimePoint now) {
  // One body per resource and package (a mailbox is counted once, however many phones watch
  // it); expired subscriptions are left to poll().
  std::map<std::pair<std::string, std::string>, std::string> bodies;
  std::vector<Subscription*> stale;
  for (auto& [key, s] : subscriptions_) {
    if (s->expires <= now || (!only_package.empty() && s->package != only_package)) continue;
    auto [at, fresh] = bodies.try_emplace({s->package, s->resource});
    if (fresh) {
      EventPackage* pkg = package(s->package);
      at->second = pkg ? pkg->body(s->resource) : s->last_body;
    }
    if (at->second != s->last_body) stale.push_back(s.get());
  }
  for (Subscription* s : stale) notify(*s, false);
}

bool Notifier::watching(std::string_view package_name) const {
  return std::any_of(subscriptions_.begin(), subscriptions_.end(),
                     [&](const auto& entry) { return entry.second->package == package_name; });
}

void Notifier::poll(TimePoint now) {
  recheck({}, now);
  std::vector<std::string> expired;
  for (auto& [key, s] : subscriptions_)
    if (s->expires <= now) expired.push_back(key);
  for (const std::string& key : expired) {
    auto it = subscriptions_.find(key);
    if (it == subscriptions_.end()) continue;
    notify(*it->second, true, "timeout");
    end(key);
  }
}

}  // namespace callplan::sip
