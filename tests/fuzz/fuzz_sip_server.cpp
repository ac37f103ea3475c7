// libFuzzer target: what an unauthenticated peer can reach in the server. The input is a
// sequence of messages separated by 0xFF bytes (never valid in SIP text), all from one UDP
// peer, 200 ms apart. Each goes through the parser and the transaction layer; the transaction
// user challenges every request, verifies digest credentials (nonces, counts, uris chosen by
// the fuzzer), and hands every REGISTER to the registrar as if it had authenticated, so the
// contact, expiry and CSeq rules see hostile input too. Afterwards the timers run out and
// every transaction must be gone: nothing an attacker sends may stay forever.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "callplan/load.hpp"
#include "sip/message.hpp"
#include "sip/registrar/credentials.hpp"
#include "sip/registrar/digest_auth.hpp"
#include "sip/registrar/location.hpp"
#include "sip/registrar/registrar.hpp"
#include "sip/transaction/transaction_layer.hpp"
#include "sip/transport/timer_queue.hpp"
#include "sip/writer.hpp"

namespace {

using namespace callplan::sip;
using namespace std::chrono_literals;

void require(bool condition) {
  if (!condition) std::abort();
}

constexpr std::string_view kTenant = R"(version: 1
tenant: {name: Fuzz, login: acme, timezone: Europe/Amsterdam}
numbers:
  - {number: "+31850000001", plan: main}
users:
  - {extension: "101", first_name: A, last_name: A}
devices:
  - {id: desk, user: "101", sip: {username: acme-desk, password: secret}}
plans:
  - id: main
    steps:
      - transfer: {to: "101", follow_personal_plan: false, timeout: 10}
)";

class NullSender final : public Sender {
 public:
  void send(const Peer&, std::string_view bytes) override { sent += bytes.size(); }
  std::size_t sent = 0;
};

struct Harness final : TransactionUser {
  Harness()
      : store(CredentialStore::from_tenant(callplan::load_string(kTenant).tenant, "acme")),
        auth("acme", std::string(32, 'k')),
        timers(TimerQueue::TimePoint{} + 1h),
        layer(timers, sender, *this),
        registrar(location) {}

  void on_request(ServerId txn, const Message& request, const Peer& from) override {
    AuthResult result = auth.verify(request, request.method == Method::register_
                                                 ? HeaderId::authorization
                                                 : HeaderId::proxy_authorization,
                                    store, timers.now());
    if (request.method == Method::register_) {
      std::string user = unescape(request.to.uri.user);
      RegisterOutcome outcome = registrar.handle(request, user, from, timers.now());
      require(outcome.status >= 200 && outcome.status < 700);
      std::vector<HeaderLine> headers = outcome.headers();
      layer.respond(txn, build_response(request, outcome.status, outcome.reason,
                                        {.to_tag = "t", .extra = headers}));
      return;
    }
    layer.respond(txn, build_response(request, 407, "Proxy Authentication Required",
                                      {.to_tag = "t",
                                       .extra = auth.challenge(ChallengeKind::proxy,
                                                               result.stale(), timers.now())}));
  }
  void on_ack(const Message&, const Peer&) override {}
  void on_cancel(ServerId txn, const Message& cancel, const Peer&) override {
    if (!layer.has_final_response(txn))
      layer.respond(txn, build_response(cancel, 487, "Request Terminated", {.to_tag = "t"}));
  }
  void on_stray_response(const Message&, const Peer&) override {}

  CredentialStore store;
  DigestAuthenticator auth;
  TimerQueue timers;
  NullSender sender;
  TransactionLayer layer;
  Location location;
  Registrar registrar;
  Message message;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Harness* harness = new Harness();  // the tenant is loaded once
  Harness& h = *harness;
  Peer from;
  from.address = asio::ip::make_address("127.0.0.1");
  from.port = 5062;

  std::string_view input(reinterpret_cast<const char*>(data), size);
  while (!input.empty()) {
    std::size_t end = input.find('\xff');
    std::string buffer(input.substr(0, end));  // the Message views it while it is handled
    input = end == std::string_view::npos ? std::string_view{} : input.substr(end + 1);
    ParseResult parsed = parse_message(buffer, h.message);
    if (parsed.ok()) h.layer.receive(h.message, from);
    h.timers.run_due(h.timers.now() + 200ms);
  }
  // Every transaction ends by itself (Timer H/J/L at most 64*T1, unanswered ones at 10 min).
  h.timers.run_due(h.timers.now() + 15min);
  require(h.layer.server_transactions() == 0);
  require(h.layer.client_transactions() == 0);
  h.location.expire(h.timers.now() + 3h);
  return 0;
}
