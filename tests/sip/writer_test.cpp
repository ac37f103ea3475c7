// Serialisation: responses, proxy copies, CANCEL; every output must parse back.
#include <string>

#include <gtest/gtest.h>

#include "sip/writer.hpp"
#include "sample_messages.hpp"

namespace callplan::sip {
namespace {

using test::kInvite;

Message parse_ok(const std::string& text) {
  Message m;
  const ParseResult r = parse_message(text, m);
  EXPECT_TRUE(r.ok()) << describe(r, text) << "\n" << text;
  return m;
}

TEST(SipWriter, ResponseCopiesTransactionHeadersAndAddsToTag) {
  const Message invite = parse_ok(kInvite);
  const HeaderLine extra[] = {{"Contact", "<sip:201@10.0.0.1>"}};
  const std::string out =
      build_response(invite, 180, "Ringing", {.to_tag = "as83kd", .extra = extra});
  EXPECT_EQ(out,
            "SIP/2.0 180 Ringing\r\n"
            "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport\r\n"
            "To: <sip:+31201234567@pbx.example.com>;tag=as83kd\r\n"
            "From: \"Alice\" <sip:201@pbx.example.com>;tag=1928301774\r\n"
            "Call-ID: a84b4c76e66710@192.0.2.10\r\n"
            "CSeq: 314159 INVITE\r\n"
            "Contact: <sip:201@10.0.0.1>\r\n"
            "Content-Length: 0\r\n\r\n");
  const Message back = parse_ok(out);
  EXPECT_EQ(back.status_code, 180);
  EXPECT_EQ(back.to.tag(), "as83kd");
  // 100 Trying never gets a To tag.
  const std::string trying = build_response(invite, 100, "Trying", {.to_tag = "x"});
  EXPECT_EQ(parse_ok(trying).to.tag(), "");
}

TEST(SipWriter, ResponseToARejectedRequestCanBeBuilt) {
  const std::string text =
      "INVITE sip:a@b SIP/7.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nv: SIP/2.0/UDP g\r\n"
      "From: <sip:c@d>;tag=1\r\nTo: <sip:a@b>\r\ni: x@y\r\nCSeq: 1 INVITE\r\n\r\n";
  Message m;
  const ParseResult r = parse_message(text, m);
  ASSERT_EQ(r.verdict, Verdict::reject);
  ASSERT_EQ(r.status, 505);
  const std::string out = build_response(m, r.status, r.reason, {.to_tag = "t"});
  const Message back = parse_ok(out);  // views into `out`: keep it alive
  EXPECT_EQ(back.via_count, 2u);
  EXPECT_EQ(back.call_id, "x@y");
  EXPECT_EQ(back.reason_phrase, "Version Not Supported");
}

TEST(SipWriter, ForwardedRequestFollowsRfc3261Section16_6) {
  const Message invite = parse_ok(kInvite);
  const std::string out = build_forwarded_request(
      invite, {.request_uri = "sip:201@192.0.2.50:5062",
               .via = "SIP/2.0/UDP 198.51.100.1:5060;branch=z9hG4bKproxy1",
               .record_route = "<sip:198.51.100.1;lr>",
               .pop_route = true});
  const Message fwd = parse_ok(out);
  EXPECT_EQ(fwd.request_uri_text, "sip:201@192.0.2.50:5062");
  EXPECT_EQ(fwd.via_count, 2u);
  EXPECT_EQ(fwd.top_via.branch, "z9hG4bKproxy1");
  EXPECT_EQ(fwd.max_forwards, 69);
  EXPECT_EQ(fwd.find(HeaderId::record_route)->value, "<sip:198.51.100.1;lr>");
  EXPECT_EQ(fwd.find(HeaderId::route)->value, "<sip:core.example.com;lr>");
  EXPECT_EQ(fwd.body, invite.body);
  EXPECT_EQ(fwd.content_length, static_cast<std::int64_t>(invite.body.size()));
  EXPECT_EQ(fwd.from.tag(), invite.from.tag());
}

// A media-server job is a request of its own (docs/sip-server.md "Media server"): another
// Call-ID and From, everything else as forwarded.
TEST(SipWriter, ForwardedRequestMayTakeItsOwnCallIdAndFrom) {
  const Message invite = parse_ok(kInvite);
  const std::string out = build_forwarded_request(
      invite, {.via = "SIP/2.0/UDP 198.51.100.1:5060;branch=z9hG4bKjob1",
               .from = "<sip:caller@example.com>;tag=job1",
               .call_id = "0123456789abcdef@callplan"});
  const Message job = parse_ok(out);
  EXPECT_EQ(job.call_id, "0123456789abcdef@callplan");
  EXPECT_EQ(job.from.tag(), "job1");
  EXPECT_NE(job.call_id, invite.call_id);
  EXPECT_EQ(job.cseq.number, invite.cseq.number);
  EXPECT_EQ(job.body, invite.body);
  EXPECT_EQ(out.find(std::string(invite.call_id)), std::string::npos);
}

TEST(SipWriter, ForwardingUnfoldsAndAddsMaxForwardsWhenAbsent) {
  const std::string text =
      "OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"
      "From: <sip:c@d>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\n"
      "Subject: folded\r\n  value\r\n\r\n";
  const Message m = parse_ok(text);
  const std::string out =
      build_forwarded_request(m, {.via = "SIP/2.0/TCP p;branch=z9hG4bK2"});
  EXPECT_NE(out.find("Subject: folded value\r\n"), std::string::npos);
  EXPECT_NE(out.find("Max-Forwards: 70\r\n"), std::string::npos);
  EXPECT_TRUE(out.ends_with("Content-Length: 0\r\n\r\n"));
  parse_ok(out);
}

TEST(SipWriter, ForwardedResponseLosesOnlyTheTopVia) {
  const std::string text =
      "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP p;branch=z9hG4bKp, SIP/2.0/UDP a;branch=z9hG4bKa\r\n"
      "Via: SIP/2.0/UDP b;branch=z9hG4bKb\r\nFrom: <sip:c@d>;tag=1\r\nTo: <sip:a@b>;tag=2\r\n"
      "Call-ID: x\r\nCSeq: 1 INVITE\r\nContent-Length: 2\r\n\r\nok";
  const Message m = parse_ok(text);
  const std::string out = build_forwarded_response(m);
  const Message back = parse_ok(out);
  EXPECT_EQ(back.via_count, 2u);
  EXPECT_EQ(back.top_via.host, "a");
  EXPECT_EQ(back.body, "ok");
}

TEST(SipWriter, CancelMatchesTheInvite) {
  const Message invite = parse_ok(kInvite);
  const std::string text = build_cancel(invite);
  const Message cancel = parse_ok(text);
  EXPECT_EQ(cancel.method, Method::cancel);
  EXPECT_EQ(cancel.request_uri_text, invite.request_uri_text);
  EXPECT_EQ(cancel.top_via.branch, invite.top_via.branch);
  EXPECT_EQ(cancel.via_count, 1u);
  EXPECT_EQ(cancel.cseq.number, invite.cseq.number);
  EXPECT_EQ(cancel.cseq.method, Method::cancel);
  EXPECT_EQ(cancel.call_id, invite.call_id);
  EXPECT_EQ(cancel.count(HeaderId::route), 1u);
}

TEST(SipWriter, HeaderValuesCannotInjectLines) {
  std::string out;
  MessageWriter w(out);
  w.header("X", "a\r\nInjected: yes");
  EXPECT_EQ(out, "X: a Injected: yes\r\n");
}

}  // namespace
}  // namespace callplan::sip
