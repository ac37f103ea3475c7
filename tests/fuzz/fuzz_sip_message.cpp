// libFuzzer target: the SIP message parser, stream framing, and re-serialisation.
//
// Beyond "no crash, no sanitizer report", it checks properties the server relies on:
//  - every view in an accepted Message lies inside the input;
//  - a reject verdict always yields a 4xx/5xx status and a reason;
//  - an accepted request, copied by the proxy (new Via, Record-Route, Max-Forwards - 1),
//    parses again with the same method, Call-ID, CSeq and body; a response built for it
//    parses too; an accepted response with two Vias relays with one Via fewer;
//  - a complete stream frame lies inside the input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "sip/digest.hpp"
#include "sip/framing.hpp"
#include "sip/message.hpp"
#include "sip/sanity.hpp"
#include "sip/writer.hpp"

namespace {

using namespace callplan::sip;

void require(bool condition) {
  if (!condition) std::abort();
}

bool inside(std::string_view part, std::string_view whole) {
  return part.empty() ||
         (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

void check_accepted(const Message& m, std::string_view input) {
  require(inside(m.raw, input) && inside(m.body, input) && inside(m.call_id, input));
  for (const Header& h : m.headers) require(inside(h.value, input) && inside(h.name, input));
  // Exercise the lazy accessors the server uses.
  m.for_each_value(HeaderId::via, [](std::string_view v) {
    Via via;
    require(parse_via(v, via) == ViaError::none);  // validated during the parse
    return true;
  });
  m.for_each_value(HeaderId::contact, [](std::string_view v) {
    NameAddr na;
    require(parse_name_addr(v, na, {.allow_wildcard = true}) == NameAddrError::none);
    na.params.for_each([](const Param&) { return true; });
    return true;
  });
  for (const Header& h : m.headers) {
    if (h.id == HeaderId::authorization || h.id == HeaderId::proxy_authorization) {
      DigestCredentials c;
      (void)parse_digest_credentials(h.value, c);
    }
  }
  (void)response_can_be_forwarded(m);
}

void round_trip_request(const Message& m) {
  const std::string fwd = build_forwarded_request(
      m, {.via = "SIP/2.0/UDP 198.51.100.1:5060;branch=z9hG4bKfuzz",
          .record_route = "<sip:198.51.100.1;lr>", .pop_route = true});
  Message back;
  const ParseResult r = parse_message(fwd, back);
  require(r.ok());
  require(back.method_text == m.method_text);
  require(back.call_id == m.call_id);
  require(back.cseq.number == m.cseq.number);
  require(back.body == m.body);
  require(back.via_count == m.via_count + 1);
  require(back.max_forwards == (m.max_forwards < 0 ? 70 : (m.max_forwards > 0 ? m.max_forwards - 1 : 0)));

  const std::string response = build_response(m, 486, "Busy Here", {.to_tag = "fz"});
  Message answer;
  require(parse_message(response, answer).ok());
  require(answer.via_count == m.via_count);
  require(answer.call_id == m.call_id);
}

void round_trip_response(const Message& m) {
  if (m.via_count < 2) return;
  const std::string relayed = build_forwarded_response(m);
  Message back;
  require(parse_message(relayed, back).ok());
  require(back.via_count == m.via_count - 1);
  require(back.status_code == m.status_code);
  require(back.body == m.body);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  static Message msg;  // reused, as the server does
  const ParseResult r = parse_message(input, msg);
  (void)describe(r, input);
  if (r.verdict == Verdict::reject) {
    require(r.status >= 400 && r.status <= 599 && !r.reason.empty());
    (void)build_response(msg, r.status, r.reason, {.to_tag = "x"});
  }
  if (r.ok()) {
    check_accepted(msg, input);
    if (msg.is_request) {
      round_trip_request(msg);
    } else {
      round_trip_response(msg);
    }
  }

  StreamFramer framer;
  const Frame f = framer.next(input);
  if (f.status == FrameStatus::complete) {
    require(f.skip + f.length <= input.size());
    ParseOptions options;
    options.framing = Framing::stream;
    Message framed;
    (void)parse_message(input.substr(f.skip, f.length), framed, options);
  }
  return 0;
}
