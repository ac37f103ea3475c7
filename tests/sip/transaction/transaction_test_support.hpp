// Test doubles for the transaction layer: a Sender that records what was sent and when, a
// TransactionUser that records what it was told (with hooks to re-enter the layer), and
// builders for the SIP messages the tests exchange.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "sip/message.hpp"
#include "sip/writer.hpp"
#include "sip/transaction/transaction_layer.hpp"

namespace callplan::sip::test {

using std::chrono::milliseconds;
inline const TimerQueue::TimePoint kStart{};

inline TimerQueue::TimePoint at(std::int64_t ms) { return kStart + milliseconds(ms); }

inline Peer peer(Protocol protocol, const char* address, std::uint16_t port) {
  Peer p;
  p.protocol = protocol;
  p.address = asio::ip::make_address(address);
  p.port = port;
  return p;
}
inline Peer phone_udp() { return peer(Protocol::udp, "192.0.2.10", 5060); }
inline Peer phone_tcp() { return peer(Protocol::tcp, "192.0.2.10", 5060); }
inline Peer callee_udp() { return peer(Protocol::udp, "192.0.2.20", 5062); }
inline Peer callee_tcp() { return peer(Protocol::tcp, "192.0.2.20", 5062); }

struct Sent {
  Peer to;
  std::string bytes;
  std::int64_t at_ms;
};

class FakeSender final : public Sender {
 public:
  explicit FakeSender(const TimerQueue& timers) : timers_(timers) {}
  void send(const Peer& to, std::string_view bytes) override {
    const auto since = std::chrono::duration_cast<milliseconds>(timers_.now() - kStart);
    sent.push_back({to, std::string(bytes), since.count()});
  }
  // Messages whose first line starts with `prefix` ("INVITE ", "SIP/2.0 100", "ACK ").
  std::vector<Sent> starting_with(std::string_view prefix) const {
    std::vector<Sent> out;
    for (const Sent& s : sent) {
      if (std::string_view(s.bytes).starts_with(prefix)) out.push_back(s);
    }
    return out;
  }
  std::vector<std::int64_t> times_of(std::string_view prefix) const {
    std::vector<std::int64_t> out;
    for (const Sent& s : starting_with(prefix)) out.push_back(s.at_ms);
    return out;
  }
  std::vector<Sent> sent;

 private:
  const TimerQueue& timers_;
};

struct RequestEvent {
  ServerId txn;
  std::string bytes;
  Peer from;
};

class RecordingUser final : public TransactionUser {
 public:
  void on_request(ServerId txn, const Message& request, const Peer& from) override {
    requests.push_back({txn, std::string(request.raw), from});
    if (request_hook) request_hook(txn, request);
  }
  void on_ack(const Message& ack, const Peer&) override { acks.emplace_back(ack.raw); }
  void on_cancel(ServerId invite, const Message& cancel, const Peer&) override {
    cancels.push_back({invite, std::string(cancel.raw), {}});
    if (cancel_hook) cancel_hook(invite);
  }
  void on_stray_response(const Message& response, const Peer&) override {
    strays.emplace_back(response.raw);
  }

  std::vector<RequestEvent> requests;
  std::vector<std::string> acks;
  std::vector<RequestEvent> cancels;
  std::vector<std::string> strays;
  std::function<void(ServerId, const Message&)> request_hook;
  std::function<void(ServerId)> cancel_hook;
};

// A parsed message that owns its buffer (parse_message keeps views into it).
struct Parsed {
  std::string buffer;
  Message message;
};

inline std::unique_ptr<Parsed> parse(std::string text) {
  auto p = std::make_unique<Parsed>();
  p->buffer = std::move(text);
  const ParseResult r = parse_message(p->buffer, p->message);
  EXPECT_TRUE(r.ok()) << r.error << "\n" << p->buffer;
  return p;
}

struct RequestSpec {
  std::string method = "INVITE";
  std::string branch = "z9hG4bKphone1";  // "" for an RFC 2543 request (no branch)
  std::uint32_t cseq = 1;
  std::string cseq_method{};  // "" = method
  std::string to_tag{};
  std::string request_uri = "sip:bob@example.com";
  std::string sent_by = "192.0.2.10:5060";
};

// A request as a phone sends it (one Via).
inline std::string request(const RequestSpec& spec = {}) {
  std::string out = spec.method + " " + spec.request_uri + " SIP/2.0\r\n";
  out += "Via: SIP/2.0/UDP " + spec.sent_by;
  if (!spec.branch.empty()) out += ";branch=" + spec.branch;
  out += "\r\nMax-Forwards: 70\r\n";
  out += "To: <sip:bob@example.com>";
  if (!spec.to_tag.empty()) out += ";tag=" + spec.to_tag;
  out += "\r\nFrom: \"Alice\" <sip:alice@example.com>;tag=alice1\r\n";
  out += "Call-ID: c1@192.0.2.10\r\n";
  out += "CSeq: " + std::to_string(spec.cseq) + " " +
         (spec.cseq_method.empty() ? spec.method : spec.cseq_method) + "\r\n";
  out += "Content-Length: 0\r\n\r\n";
  return out;
}

inline std::string invite(std::string branch = "z9hG4bKphone1") {
  return request({.method = "INVITE", .branch = std::move(branch)});
}

// A request as the proxy sends it downstream: our Via on top of the phone's, two Routes.
inline std::string outgoing(std::string_view method, std::string_view branch,
                            std::uint32_t cseq = 7) {
  std::string out = std::string(method) + " sip:bob@192.0.2.20:5062 SIP/2.0\r\n";
  out += "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=" + std::string(branch) + "\r\n";
  out += "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKphone1\r\n";
  out += "Max-Forwards: 69\r\n";
  out += "Route: <sip:edge.example.com;lr>\r\n";
  out += "Route: <sip:core.example.com;lr>\r\n";
  out += "To: <sip:bob@example.com>\r\n";
  out += "From: \"Alice\" <sip:alice@example.com>;tag=alice1\r\n";
  out += "Call-ID: c1@192.0.2.10\r\n";
  out += "CSeq: " + std::to_string(cseq) + " " + std::string(method) + "\r\n";
  out += "Contact: <sip:alice@192.0.2.10:5060>\r\n";
  out += "Content-Type: application/sdp\r\n";
  out += "Content-Length: 4\r\n\r\nv=0\n";
  return out;
}

// A response from downstream to a request sent with `branch`.
inline std::string response(int status, std::string_view reason, std::string_view branch,
                            std::string_view cseq_method = "INVITE",
                            std::string_view to_tag = "bob1", std::uint32_t cseq = 7) {
  std::string out = "SIP/2.0 " + std::to_string(status) + " " + std::string(reason) + "\r\n";
  out += "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=" + std::string(branch) + "\r\n";
  out += "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKphone1\r\n";
  out += "To: <sip:bob@example.com>";
  if (!to_tag.empty() && status != 100) out += ";tag=" + std::string(to_tag);
  out += "\r\nFrom: \"Alice\" <sip:alice@example.com>;tag=alice1\r\n";
  out += "Call-ID: c1@192.0.2.10\r\n";
  out += "CSeq: " + std::to_string(cseq) + " " + std::string(cseq_method) + "\r\n";
  out += "Content-Length: 0\r\n\r\n";
  return out;
}

// The layer, its queue, sender and user, with T1 = 500 ms, T2 = 4 s, T4 = 5 s (the RFC's).
struct Fixture {
  explicit Fixture(TransactionTimes times = {})
      : timers(kStart), sender(timers), layer(timers, sender, user, times) {}

  // Parses `text` and hands it to the layer; the buffer is overwritten afterwards, so a test
  // fails if the layer kept a view into it.
  void receive(std::string text, const Peer& from) {
    auto p = parse(std::move(text));
    layer.receive(p->message, from);
    std::fill(p->buffer.begin(), p->buffer.end(), '#');
  }
  // Fires timers deadline by deadline, so the sender stamps each message with the time its
  // timer was due, not with `ms`.
  void run_until(std::int64_t ms) {
    for (auto due = timers.next_deadline(); due && *due <= at(ms); due = timers.next_deadline()) {
      timers.run_due(*due);
    }
    timers.run_due(at(ms));
  }

  TimerQueue timers;
  FakeSender sender;
  RecordingUser user;
  TransactionLayer layer;
};

// The response a TU sends to `request_text` (To tag "proxy1"), built as the proxy builds it.
inline std::string answer(const std::string& request_text, int status, const char* reason) {
  auto p = parse(request_text);
  return build_response(p->message, status, reason, {.to_tag = "proxy1"});
}

// Records what a client transaction reports.
struct Leg {
  std::vector<std::string> responses;
  int timeouts = 0;
  ClientCallbacks callbacks() {
    return {.on_response = [this](const Message& r) { responses.emplace_back(r.raw); },
            .on_timeout = [this] { ++timeouts; }};
  }
};

// The value of the first header line named `name` in `message` ("" when none).
inline std::string header_value(std::string_view message, std::string_view name) {
  const std::string needle = "\r\n" + std::string(name) + ": ";
  const auto pos = message.find(needle);
  if (pos == std::string_view::npos) return {};
  const auto start = pos + needle.size();
  return std::string(message.substr(start, message.find("\r\n", start) - start));
}

inline std::size_t count_lines(std::string_view message, std::string_view prefix) {
  std::size_t n = 0;
  for (std::size_t pos = 0; (pos = message.find(prefix, pos)) != std::string_view::npos;
       pos += prefix.size()) {
    if (pos >= 2 && message.substr(pos - 2, 2) == "\r\n") ++n;
  }
  return n;
}

}  // namespace callplan::sip::test
