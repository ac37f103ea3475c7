// The message parser beyond the torture corpus: limits, framing of headers, compact forms,
// list headers, and the verdict rules.
#include <string>

#include <gtest/gtest.h>

#include "sip/message.hpp"
#include "sample_messages.hpp"

namespace callplan::sip {
namespace {

using test::kInvite;
using test::kRegister;

TEST(SipMessage, ParsesATypicalInvite) {
  Message m;
  const ParseResult r = parse_message(kInvite, m);
  ASSERT_TRUE(r.ok()) << describe(r, kInvite);
  EXPECT_TRUE(m.is_request);
  EXPECT_EQ(m.method, Method::invite);
  EXPECT_EQ(m.request_uri.user, "+31201234567");
  EXPECT_EQ(m.top_via.branch, "z9hG4bK776asdhds");
  EXPECT_TRUE(m.top_via.rfc3261_branch());
  EXPECT_EQ(m.top_via.port, 5060);
  EXPECT_EQ(m.from.display_name, "Alice");
  EXPECT_EQ(m.from.tag(), "1928301774");
  EXPECT_EQ(m.to.tag(), "");
  EXPECT_EQ(m.cseq.number, 314159u);
  EXPECT_EQ(m.body, "v=0\r\no=- 1 1 IN IP4 x\r\n");
  std::vector<std::string_view> routes;
  m.for_each_value(HeaderId::route, [&](std::string_view v) {
    routes.push_back(v);
    return true;
  });
  EXPECT_EQ(routes, (std::vector<std::string_view>{"<sip:edge.example.com;lr>",
                                                    "<sip:core.example.com;lr>"}));
}

TEST(SipMessage, EveryViewPointsIntoTheBuffer) {
  Message m;
  ASSERT_TRUE(parse_message(kRegister, m).ok());
  const char* begin = kRegister.data();
  const char* end = begin + kRegister.size();
  for (const Header& h : m.headers) {
    EXPECT_GE(h.value.data(), begin);
    EXPECT_LE(h.value.data() + h.value.size(), end);
  }
  EXPECT_GE(m.call_id.data(), begin);
  EXPECT_LE(m.call_id.data() + m.call_id.size(), end);
}

TEST(SipMessage, ReusedMessageKeepsItsHeaderCapacity) {
  Message m;
  ASSERT_TRUE(parse_message(kInvite, m).ok());
  const Header* first = m.headers.data();
  const std::size_t capacity = m.headers.capacity();
  ASSERT_TRUE(parse_message(kRegister, m).ok());
  EXPECT_EQ(m.headers.data(), first);  // no reallocation: the array is reused
  EXPECT_EQ(m.headers.capacity(), capacity);
  EXPECT_EQ(m.method, Method::register_);
  EXPECT_EQ(m.headers.size(), 10u);
}

TEST(SipMessage, CompactFormsMapToTheSameHeaders) {
  const std::string text =
      "OPTIONS sip:a@example.com SIP/2.0\r\n"
      "v: SIP/2.0/TCP h.example.com;branch=z9hG4bK1\r\n"
      "f: <sip:b@example.com>;tag=1\r\nt: sip:a@example.com\r\ni: abc@h\r\n"
      "CSeq: 1 OPTIONS\r\nm: <sip:b@h>\r\nk: path\r\ns: hi\r\ne: gzip\r\n"
      "c: text/plain\r\nl: 2\r\n\r\nhi";
  Message m;
  const ParseResult r = parse_message(text, m);
  ASSERT_TRUE(r.ok()) << describe(r, text);
  EXPECT_EQ(m.call_id, "abc@h");
  EXPECT_EQ(m.content_type, "text/plain");
  EXPECT_EQ(m.content_length, 2);
  EXPECT_EQ(m.find(HeaderId::supported)->value, "path");
  EXPECT_EQ(m.find(HeaderId::content_encoding)->value, "gzip");
  EXPECT_EQ(m.find("Contact")->value, "<sip:b@h>");
  EXPECT_EQ(m.body, "hi");
}

TEST(SipMessage, ContactWildcardMustStandAlone) {
  auto reg = [](std::string contact) {
    return "REGISTER sip:example.com SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"
           "From: <sip:a@example.com>;tag=1\r\nTo: <sip:a@example.com>\r\nCall-ID: x\r\n"
           "CSeq: 2 REGISTER\r\nContact: " + contact + "\r\nExpires: 0\r\nContent-Length: 0\r\n\r\n";
  };
  Message m;
  const std::string alone = reg("*");
  EXPECT_TRUE(parse_message(alone, m).ok());
  const std::string mixed = reg("*, <sip:a@h>");
  const ParseResult r = parse_message(mixed, m);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.error, "Contact '*' must be the only Contact value");
  const std::string bad_q = reg("<sip:a@h>;q=1.5");
  EXPECT_EQ(parse_message(bad_q, m).status, 400);
}

TEST(SipMessage, LimitsAreEnforcedWithClearErrors) {
  Message m;
  ParseOptions small;
  small.limits.max_headers = 5;
  ParseResult r = parse_message(kInvite, m, small);
  EXPECT_EQ(r.verdict, Verdict::reject);  // the Via came first, so a 400 can be sent
  EXPECT_EQ(r.error, "more header lines than the limit");

  ParseOptions tiny;
  tiny.limits.max_message_size = 100;
  r = parse_message(kInvite, m, tiny);
  EXPECT_EQ(r.verdict, Verdict::drop);
  EXPECT_EQ(r.error, "message larger than the size limit");

  ParseOptions short_uri;
  short_uri.limits.max_uri_length = 20;
  r = parse_message(kInvite, m, short_uri);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.error, "Request-URI longer than the limit");

  ParseOptions short_line;
  short_line.limits.max_header_line = 30;
  r = parse_message(kRegister, m, short_line);
  EXPECT_EQ(r.error, "header line longer than the limit");
}

TEST(SipMessage, ManyHeadersStayLinearAndBounded) {
  // 100k one-byte headers: refused at the header limit, never a quadratic scan.
  std::string text = "OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n";
  for (int i = 0; i < 20000; ++i) text += "X: y\r\n";
  text += "\r\n";
  Message m;
  ParseOptions options;
  options.limits.max_message_size = 1 << 20;
  const ParseResult r = parse_message(text, m, options);
  EXPECT_EQ(r.error, "more header lines than the limit");
  EXPECT_EQ(m.headers.size(), options.limits.max_headers);
}

TEST(SipMessage, BareLineFeedsAndMissingTerminatorAreErrors) {
  Message m;
  const std::string bare = "OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nTo: a\nb\r\n\r\n";
  EXPECT_EQ(parse_message(bare, m).error, "bare CR or LF inside a header line");
  const std::string cut = "OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n";
  EXPECT_EQ(parse_message(cut, m).error, "headers not terminated by an empty line");
  EXPECT_EQ(parse_message("", m).verdict, Verdict::drop);
  EXPECT_EQ(parse_message("\r\n\r\n", m).error, "empty message");
}

TEST(SipMessage, ResponsesWithFaultsAreDroppedNeverAnswered) {
  const std::string text =
      "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\n"
      "To: <sip:a@b>;tag=2\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\nMax-Forwards: 999\r\n\r\n";
  Message m;
  const ParseResult r = parse_message(text, m);
  EXPECT_EQ(r.verdict, Verdict::drop);
  EXPECT_EQ(r.status, 0);
}

TEST(SipMessage, DescribeGivesLineAndColumn) {
  const std::string text =
      "OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\n"
      "To: <sip:a@b>\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: ten\r\n\r\n";
  Message m;
  const ParseResult r = parse_message(text, m);
  EXPECT_EQ(describe(r, text),
            "line 7, column 15: Max-Forwards is not a number from 0 to 255 (near 'ten') -> 400 "
            "Bad Request");
}

TEST(SipMessage, HeaderIdsAreCaseInsensitive) {
  EXPECT_EQ(header_id_from_name("vIA"), HeaderId::via);
  EXPECT_EQ(header_id_from_name("V"), HeaderId::via);
  EXPECT_EQ(header_id_from_name("call-id"), HeaderId::call_id);
  EXPECT_EQ(header_id_from_name("WWW-AUTHENTICATE"), HeaderId::www_authenticate);
  EXPECT_EQ(header_id_from_name("Viaa"), HeaderId::other);
  EXPECT_EQ(header_canonical_name(HeaderId::cseq), "CSeq");
  EXPECT_EQ(method_from_text("invite"), Method::other);  // methods are case-sensitive
  EXPECT_EQ(method_from_text("INVITE"), Method::invite);
}

}  // namespace
}  // namespace callplan::sip
