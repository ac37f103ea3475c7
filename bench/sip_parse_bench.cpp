// SIP message parsing: the zero-copy parser against a naive baseline that splits the message
// into lines and stores the headers in a std::map<std::string, std::string> (what a quick
// hand-written parser does, with no validation at all).
//
//   cmake --preset release && cmake --build --preset release --target sip_parse_bench
//   build/release/bench/sip_parse_bench --benchmark_counters_tabular=true
//
// Counters: `msgs/s` (items per second) and `allocs/msg` (heap allocations per parse in steady
// state, counted by the global operator new below; the target for the parser is 0: a reused
// Message keeps its header array).
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdlib>
#include <map>
#include <new>
#include <string>
#include <string_view>

#include "sip/framing.hpp"
#include "sip/message.hpp"
#include "sip/writer.hpp"

namespace {

std::atomic<long> g_allocations{0};

}  // namespace

void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace {

using namespace callplan::sip;

const std::string kInvite =
    "INVITE sip:+31201234567@pbx.example.com SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport\r\n"
    "Max-Forwards: 70\r\n"
    "To: <sip:+31201234567@pbx.example.com>\r\n"
    "From: \"Alice\" <sip:201@pbx.example.com>;tag=1928301774\r\n"
    "Call-ID: a84b4c76e66710@192.0.2.10\r\n"
    "CSeq: 314159 INVITE\r\n"
    "Contact: <sip:201@192.0.2.10:5060;transport=udp>\r\n"
    "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, REFER, NOTIFY\r\n"
    "Supported: replaces, timer\r\n"
    "User-Agent: Yealink SIP-T46S 66.85.0.5\r\n"
    "Content-Type: application/sdp\r\n"
    "Content-Length: 193\r\n"
    "\r\n"
    "v=0\r\no=- 20518 0 IN IP4 192.0.2.10\r\ns=SDP\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\n"
    "m=audio 11800 RTP/AVP 8 0 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:0 PCMU/8000\r\n"
    "a=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n";

const std::string kRegister =
    "REGISTER sip:pbx.example.com SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKnashds7;rport\r\n"
    "Max-Forwards: 70\r\n"
    "To: <sip:201@pbx.example.com>\r\n"
    "From: <sip:201@pbx.example.com>;tag=456248\r\n"
    "Call-ID: 843817637684230@998sdasdh09\r\n"
    "CSeq: 1826 REGISTER\r\n"
    "Contact: <sip:201@192.0.2.10:5060>;expires=3600;q=0.7\r\n"
    "Authorization: Digest username=\"201\", realm=\"pbx.example.com\", "
    "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", uri=\"sip:pbx.example.com\", "
    "response=\"6629fae49393a05397450978507c4ef1\", algorithm=MD5, qop=auth, nc=00000001, "
    "cnonce=\"0a4f113b\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"\r\n"
    "Expires: 3600\r\n"
    "User-Agent: Yealink SIP-T46S 66.85.0.5\r\n"
    "Content-Length: 0\r\n"
    "\r\n";

// The naive baseline: lines into a map, body after the blank line. No validation, no URI or
// Via parsing — already slower than the validating parser.
struct NaiveMessage {
  std::string start_line;
  std::map<std::string, std::string> headers;
  std::string body;
};

void naive_parse(const std::string& text, NaiveMessage& out) {
  out.headers.clear();
  std::size_t pos = text.find("\r\n");
  out.start_line = text.substr(0, pos);
  pos += 2;
  while (pos < text.size()) {
    const std::size_t end = text.find("\r\n", pos);
    if (end == pos) {
      out.body = text.substr(end + 2);
      break;
    }
    const std::string line = text.substr(pos, end - pos);
    const std::size_t colon = line.find(':');
    std::string name = line.substr(0, colon);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::size_t v = colon + 1;
    while (v < line.size() && line[v] == ' ') ++v;
    out.headers[name] = line.substr(v);
    pos = end + 2;
  }
}

void run_parser(benchmark::State& state, const std::string& text) {
  Message msg;
  if (!parse_message(text, msg).ok()) {  // also warms the header array
    state.SkipWithError("sample message does not parse");
    return;
  }
  const long before = g_allocations.load();
  for (auto _ : state) {
    const ParseResult r = parse_message(text, msg);
    benchmark::DoNotOptimize(r);
    benchmark::DoNotOptimize(msg.top_via.branch.data());
  }
  state.counters["allocs/msg"] = benchmark::Counter(
      static_cast<double>(g_allocations.load() - before) / static_cast<double>(state.iterations()));
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(text.size()));
}

void run_naive(benchmark::State& state, const std::string& text) {
  NaiveMessage msg;
  naive_parse(text, msg);
  const long before = g_allocations.load();
  for (auto _ : state) {
    naive_parse(text, msg);
    benchmark::DoNotOptimize(msg.headers.size());
  }
  state.counters["allocs/msg"] = benchmark::Counter(
      static_cast<double>(g_allocations.load() - before) / static_cast<double>(state.iterations()));
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(text.size()));
}

void BM_SipParse_Invite(benchmark::State& state) { run_parser(state, kInvite); }
void BM_SipParse_Register(benchmark::State& state) { run_parser(state, kRegister); }
void BM_SipNaive_Invite(benchmark::State& state) { run_naive(state, kInvite); }
void BM_SipNaive_Register(benchmark::State& state) { run_naive(state, kRegister); }

void BM_SipFrame_TcpInvite(benchmark::State& state) {
  for (auto _ : state) {
    StreamFramer framer;
    benchmark::DoNotOptimize(framer.next(kInvite));
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_SipForward_Invite(benchmark::State& state) {
  Message msg;
  (void)parse_message(kInvite, msg);
  for (auto _ : state) {
    std::string out = build_forwarded_request(
        msg, {.request_uri = "sip:201@192.0.2.50:5062",
              .via = "SIP/2.0/UDP 198.51.100.1:5060;branch=z9hG4bKproxy1",
              .record_route = "<sip:198.51.100.1;lr>"});
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_SipParse_Invite);
BENCHMARK(BM_SipNaive_Invite);
BENCHMARK(BM_SipParse_Register);
BENCHMARK(BM_SipNaive_Register);
BENCHMARK(BM_SipFrame_TcpInvite);
BENCHMARK(BM_SipForward_Invite);

}  // namespace

BENCHMARK_MAIN();
