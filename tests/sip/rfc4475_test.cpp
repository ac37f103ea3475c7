// One test per RFC 4475 torture message; the expectations are the table in
// tests/sip/torture/README.md (copied from ../shared/rfc4475/README.md) with the choices
// written down in docs/sip-message.md.
#include <array>
#include <string_view>

#include <gtest/gtest.h>

#include "sip/digest.hpp"
#include "sip/sanity.hpp"
#include "torture_support.hpp"

namespace callplan::sip {
namespace {

using test::Parsed;

Parsed parse(const char* file) {
  Parsed p;
  test::parse_torture(std::string("rfc4475/") + file, p);
  return p;
}

void expect_reject(const char* file, int status) {
  Parsed p = parse(file);
  EXPECT_EQ(p.result.verdict, Verdict::reject) << p.why();
  EXPECT_EQ(p.result.status, status) << p.why();
  EXPECT_FALSE(p.result.error.empty());
}

void expect_drop(const char* file) {
  Parsed p = parse(file);
  EXPECT_EQ(p.result.verdict, Verdict::drop) << p.why();
  EXPECT_EQ(p.result.status, 0);
}

// --- 3.1.1 valid messages

TEST(Rfc4475, WsinvParsesWhitespaceFoldsAndCompactForms) {
  Parsed p = parse("wsinv.dat");
  ASSERT_TRUE(p.result.ok()) << p.why();
  const Message& m = p.msg;
  EXPECT_EQ(m.method, Method::invite);
  EXPECT_EQ(m.request_uri.host, "chair-dnrc.example.com");
  EXPECT_TRUE(m.request_uri.params.has("unknownparam"));
  EXPECT_EQ(m.max_forwards, 68);  // "0068"
  EXPECT_EQ(m.cseq.number, 9u);   // "0009\r\n  INVITE"
  EXPECT_EQ(m.cseq.method, Method::invite);
  EXPECT_EQ(m.to.tag(), "1918181833n");
  EXPECT_EQ(m.from.tag(), "98asjd8");
  EXPECT_TRUE(m.from.display_quoted);
  EXPECT_EQ(unquote(m.from.display_name), "J Rosenberg \\\"");
  EXPECT_EQ(m.via_count, 3u);
  EXPECT_EQ(m.top_via.protocol_name, "SIP");
  EXPECT_EQ(m.top_via.transport, "UDP");
  EXPECT_EQ(m.top_via.host, "192.0.2.2");
  EXPECT_EQ(m.top_via.branch, "390skdjuw");
  ASSERT_NE(m.find("s"), nullptr);
  EXPECT_EQ(m.find(HeaderId::subject)->value, "");
  ASSERT_NE(m.find("newfangledheader"), nullptr);
  EXPECT_EQ(unfold(m.find("NewFangledHeader")->value), "newfangled value continued newfangled value");
  std::vector<std::string_view> branches;
  m.for_each_value(HeaderId::via, [&](std::string_view v) {
    Via via;
    EXPECT_EQ(parse_via(v, via), ViaError::none) << v;
    branches.push_back(via.branch);
    return true;
  });
  EXPECT_EQ(branches, (std::vector<std::string_view>{"390skdjuw", "z9hG4bK9ikj8", "z9hG4bK30239"}));
  NameAddr contact;
  ASSERT_EQ(parse_name_addr(m.find(HeaderId::contact)->value, contact, {}), NameAddrError::none);
  EXPECT_EQ(contact.params.value("q"), "0.33");
  EXPECT_EQ(contact.params.value("newparam"), "newvalue");
  EXPECT_TRUE(contact.params.has("secondparam"));
  EXPECT_EQ(m.body.size(), 150u);
}

TEST(Rfc4475, IntmethAcceptsAnUnknownMethodAndOddCharacters) {
  Parsed p = parse("intmeth.dat");
  ASSERT_TRUE(p.result.ok()) << p.why();
  EXPECT_EQ(p.msg.method, Method::other);
  EXPECT_EQ(p.msg.method_text, "!interesting-Method0123456789_*+`.%indeed'~");
  EXPECT_EQ(p.msg.request_uri.user, "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
  EXPECT_EQ(p.msg.request_uri.password, "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
  EXPECT_EQ(p.msg.request_uri.host, "example.com");
  // The quoted display name holds escaped BEL, NUL and DEL: nothing cuts it short.
  EXPECT_EQ(p.msg.to.display_name, std::string_view("BEL:\\\a NUL:\\\0 DEL:\\\x7f", 20));
  EXPECT_EQ(p.msg.from.display_name, "token1~` token2'+_ token3*%!.-");
  EXPECT_EQ(p.msg.call_id, "intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{");
  EXPECT_EQ(p.msg.max_forwards, 255);
}

TEST(Rfc4475, Esc01KeepsEscapedUserParts) {
  Parsed p = parse("esc01.dat");
  ASSERT_TRUE(p.result.ok()) << p.why();
  EXPECT_EQ(p.msg.request_uri.user, "sips%3Auser%40example.com");
  EXPECT_EQ(p.msg.request_uri.host, "example.net");
  EXPECT_EQ(unescape(p.msg.request_uri.user), "sips:user@example.com");
  EXPECT_EQ(p.msg.to.uri.user, "%75se%72");
  EXPECT_EQ(unescape(p.msg.to.uri.user), "user");
  NameAddr contact;
  ASSERT_EQ(parse_name_addr(p.msg.find(HeaderId::contact)->value, contact, {}), NameAddrError::none);
  EXPECT_EQ(contact.uri.user, "cal%6Cer");
  EXPECT_TRUE(contact.uri.params.has("%6C%72"));
  EXPECT_EQ(contact.uri.params.value("n%61me"), "v%61lue%25%34%31");
}

TEST(Rfc4475, EscnullKeepsNulEscapesWhole) {
  Parsed p = parse("escnull.dat");
  ASSERT_TRUE(p.result.ok()) << p.why();
  EXPECT_EQ(p.msg.to.uri.user, "null-%00-null");
  const std::string user = unescape(p.msg.to.uri.user);
  EXPECT_EQ(user.size(), 11u);
  EXPECT_EQ(user, std::string("null-\0-null", 11));
  EXPECT_EQ(p.msg.count(HeaderId::contact), 2u);
  EXPECT_EQ(p.msg.content_length, 0);
}

TEST(Rfc4475, Esc02EscapedMethodIsNotRegister) {
  Parsed p = parse("esc02.dat");
  ASSERT_TRUE(p.result.ok()) << p.why();
  EXPECT_EQ(p.msg.method, Method::other);
  EXPECT_EQ(p.msg.method_text, "RE%47IST%45R");
  EXPECT_EQ(p.msg.cseq.method, Method::other);
  // "C%6Fntact" is an unknown header, not a Contact.
  EXPECT_EQ(p.msg.count(HeaderId::contact), 2u);
  ASSERT_NE(p.msg.find("C%6Fntact"), nullptr);
  EXPECT_EQ(p.msg.find("C%6Fntact")->id, HeaderId::other);
  EXPECT_EQ(p.msg.from.display_name, "%Z%45");
}

TEST(Rfc4475, LwsdispAcceptsTokenDisplayNameWithoutSpace) {
  Parsed p = parse("lwsdisp.dat");
  ASSERT_TRUE(p.result.ok()) << p.why();
  EXPECT_EQ(p.msg.from.display_name, "caller");
  EXPECT_FALSE(p.msg.from.display_quoted);
  EXPECT_EQ(p.msg.from.uri.user, "caller");
}

TEST(Rfc4475, LongreqFitsTheDefaultLimits) {
  Parsed p = parse("longreq.dat");
  ASSERT_TRUE(p.result.ok()) << p.why();
  EXPECT_EQ(p.msg.via_count, 34u);
  EXPECT_EQ(p.msg.top_via.host, "sip33.example.com");
  EXPECT_EQ(p.msg.to.uri.port, 6000);
  EXPECT_TRUE(p.msg.to.uri.params.has("unknownparam1"));
  EXPECT_EQ(p.msg.from.uri.user.substr(0, 26), "amazinglylongcallernameama");
  EXPECT_EQ(p.msg.body.size(), 150u);
}

TEST(Rfc4475, DblreqProcessesOnlyTheFirstMessageOfADatagram) {
  Parsed p = parse("dblreq.dat");
  ASSERT_TRUE(p.result.ok()) << p.why();
  EXPECT_EQ(p.msg.method, Method::register_);
  EXPECT_EQ(p.msg.call_id, "dblreq.0ha0isndaksdj99sdfafnl3lk233412");
  EXPECT_TRUE(p.msg.body.empty());
  EXPECT_LT(p.msg.raw.size(), p.bytes.size());
  EXPECT_TRUE(p.msg.raw.ends_with("Content-Length: 0\r\n\r\n"));
}

TEST(Rfc4475, SemiuriSemicolonBelongsToTheUser) {
  Parsed p = parse("semiuri.dat");
  ASSERT_TRUE(p.result.ok()) << p.why();
  EXPECT_EQ(p.msg.request_uri.user, "user;par=u%40example.net");
  EXPECT_EQ(p.msg.request_uri.host, "example.com");
  EXPECT_TRUE(p.msg.request_uri.params.empty());
}

TEST(Rfc4475, TransportsAcceptsUnknownViaTransports) {
  Parsed p = parse("transports.dat");
  ASSERT_TRUE(p.result.ok()) << p.why();
  std::vector<std::string_view> transports;
  p.msg.for_each_value(HeaderId::via, [&](std::string_view v) {
    Via via;
    EXPECT_EQ(parse_via(v, via), ViaError::none);
    transports.push_back(via.transport);
    return true;
  });
  EXPECT_EQ(transports, (std::vector<std::string_view>{"UDP", "SCTP", "TLS", "UNKNOWN", "TCP"}));
}

TEST(Rfc4475, Mpart01KeepsTheMultipartBodyIntact) {
  Parsed p = parse("mpart01.dat");
  ASSERT_TRUE(p.result.ok()) << p.why();
  EXPECT_EQ(p.msg.method, Method::message);
  EXPECT_EQ(p.msg.body.size(), 553u);
  EXPECT_TRUE(p.msg.body.starts_with("--7a9cbec02ceef655\r\n"));
  EXPECT_EQ(p.msg.content_type, "multipart/mixed;boundary=7a9cbec02ceef655");
  EXPECT_TRUE(p.msg.top_via.has_rport);
  EXPECT_EQ(p.msg.top_via.rport, 0);
}

TEST(Rfc4475, UnreasonAcceptsAUtf8ReasonPhrase) {
  Parsed p = parse("unreason.dat");
  ASSERT_TRUE(p.result.ok()) << p.why();
  EXPECT_FALSE(p.msg.is_request);
  EXPECT_EQ(p.msg.status_code, 200);
  EXPECT_TRUE(p.msg.reason_phrase.starts_with("= 2**3 * 5**2 "));
  EXPECT_GT(p.msg.reason_phrase.size(), 40u);
}

TEST(Rfc4475, NoreasonAcceptsAnEmptyReasonPhrase) {
  Parsed p = parse("noreason.dat");
  ASSERT_TRUE(p.result.ok()) << p.why();
  EXPECT_EQ(p.msg.status_code, 100);
  EXPECT_EQ(p.msg.reason_phrase, "");
}

// --- 3.1.2 invalid messages

TEST(Rfc4475, Badinv01WithoutAUsableViaIsDropped) {
  // "SIP/2.0/UDP 192.0.2.15;;,;,,": no Via to answer to, so the 400 cannot be sent.
  expect_drop("badinv01.dat");
}
TEST(Rfc4475, ClerrContentLengthBeyondTheDatagramIs400) { expect_reject("clerr.dat", 400); }
TEST(Rfc4475, NclNegativeContentLengthIs400) { expect_reject("ncl.dat", 400); }
TEST(Rfc4475, Scalar02OverlargeNumbersAre400) { expect_reject("scalar02.dat", 400); }
TEST(Rfc4475, ScalarlgOverlargeResponseIsDropped) { expect_drop("scalarlg.dat"); }
TEST(Rfc4475, QuotbalUnterminatedQuoteIs400) { expect_reject("quotbal.dat", 400); }
TEST(Rfc4475, LtgtruriAngleBracketsAroundRequestUriAre400) { expect_reject("ltgtruri.dat", 400); }
TEST(Rfc4475, LwsruriWhitespaceInRequestUriIs400) { expect_reject("lwsruri.dat", 400); }
TEST(Rfc4475, LwsstartSeveralSpacesInRequestLineAre400) { expect_reject("lwsstart.dat", 400); }
TEST(Rfc4475, TrwsTrailingSpaceOnRequestLineIs400) { expect_reject("trws.dat", 400); }

TEST(Rfc4475, EscruriHeadersInRequestUriAre400) {
  Parsed p = parse("escruri.dat");
  EXPECT_EQ(p.result.verdict, Verdict::reject) << p.why();
  EXPECT_EQ(p.result.status, 400);
  EXPECT_EQ(p.msg.count(HeaderId::route), 0u);  // never turned into a Route header
}

TEST(Rfc4475, BaddateIsAcceptedBecauseDateIsNeverRead) {
  Parsed p = parse("baddate.dat");
  EXPECT_TRUE(p.result.ok()) << p.why();
  ASSERT_NE(p.msg.find(HeaderId::date), nullptr);
}

TEST(Rfc4475, RegbadctQuestionMarkOutsideAngleBracketsIs400) { expect_reject("regbadct.dat", 400); }
TEST(Rfc4475, BadaspecSpacesInsideAngleBracketsAre400) { expect_reject("badaspec.dat", 400); }
TEST(Rfc4475, BaddnNonTokenDisplayNameIs400) { expect_reject("baddn.dat", 400); }

TEST(Rfc4475, BadversSip7Is505) {
  Parsed p = parse("badvers.dat");
  EXPECT_EQ(p.result.verdict, Verdict::reject) << p.why();
  EXPECT_EQ(p.result.status, 505);
  EXPECT_EQ(p.result.reason, "Version Not Supported");
}

TEST(Rfc4475, Mismatch01CseqMethodMismatchIs400) { expect_reject("mismatch01.dat", 400); }
TEST(Rfc4475, Mismatch02UnknownMethodWithMismatchIs400Not501) {
  expect_reject("mismatch02.dat", 400);
}
TEST(Rfc4475, BigcodeHugeStatusCodeIsDropped) { expect_drop("bigcode.dat"); }

// --- 3.2 / 3.3 / 3.4

TEST(Rfc4475, BadbranchIsProcessedWithRfc2543Matching) {
  Parsed p = parse("badbranch.dat");
  ASSERT_TRUE(p.result.ok()) << p.why();
  EXPECT_EQ(p.msg.top_via.branch, "z9hG4bK");
  EXPECT_FALSE(p.msg.top_via.rfc3261_branch());
}

TEST(Rfc4475, InsufMissingRequiredHeadersIs400) {
  Parsed p = parse("insuf.dat");
  EXPECT_EQ(p.result.verdict, Verdict::reject) << p.why();
  EXPECT_EQ(p.result.status, 400);
  EXPECT_EQ(p.result.error, "missing To header");
}

TEST(Rfc4475, UnkscmUnknownRequestUriSchemeIs416) { expect_reject("unkscm.dat", 416); }
TEST(Rfc4475, NovelscUnsupportedSchemeIs416) { expect_reject("novelsc.dat", 416); }

TEST(Rfc4475, Unksm2UnknownSchemesInHeadersAreNot400) {
  Parsed p = parse("unksm2.dat");
  ASSERT_TRUE(p.result.ok()) << p.why();
  EXPECT_EQ(p.msg.to.uri.scheme, Scheme::other);
  EXPECT_EQ(p.msg.to.uri.scheme_text, "isbn");
  EXPECT_EQ(p.msg.from.uri.scheme_text, "http");
  NameAddr contact;
  ASSERT_EQ(parse_name_addr(p.msg.find(HeaderId::contact)->value, contact, {}), NameAddrError::none);
  EXPECT_EQ(contact.uri.scheme_text, "name");
  EXPECT_FALSE(contact.uri.is_sip());  // the registrar refuses to bind it
}

TEST(Rfc4475, Bext01UnknownProxyRequireGives420Data) {
  Parsed p = parse("bext01.dat");
  ASSERT_TRUE(p.result.ok()) << p.why();
  constexpr std::array<std::string_view, 1> kSupported{"path"};
  EXPECT_EQ(unsupported_option_tags(p.msg, HeaderId::proxy_require, kSupported),
            "noProxiesSupportThis, norDoAnyProxiesSupportThis");
  EXPECT_EQ(unsupported_option_tags(p.msg, HeaderId::require, kSupported),
            "nothingSupportsThis, nothingSupportsThisEither");
}

TEST(Rfc4475, InvutUnknownContentTypeIsForwarded) {
  Parsed p = parse("invut.dat");
  ASSERT_TRUE(p.result.ok()) << p.why();
  EXPECT_EQ(p.msg.content_type, "application/unknownformat");
  EXPECT_EQ(p.msg.body.size(), 40u);
}

TEST(Rfc4475, Regaut01UnknownAuthorizationSchemeIsIgnored) {
  Parsed p = parse("regaut01.dat");
  ASSERT_TRUE(p.result.ok()) << p.why();
  DigestCredentials c;
  EXPECT_EQ(parse_digest_credentials(p.msg.find(HeaderId::authorization)->value, c),
            DigestStatus::not_digest);
}

TEST(Rfc4475, Multi01RepeatedSingleValueHeadersAre400) { expect_reject("multi01.dat", 400); }
TEST(Rfc4475, Mcl01RepeatedContentLengthIs400) { expect_reject("mcl01.dat", 400); }

TEST(Rfc4475, BcastResponseToBroadcastViaIsNotForwarded) {
  Parsed p = parse("bcast.dat");
  ASSERT_TRUE(p.result.ok()) << p.why();
  EXPECT_FALSE(response_can_be_forwarded(p.msg));
}

TEST(Rfc4475, ZeromfMaxForwardsZeroMeans483WhenForwarding) {
  Parsed p = parse("zeromf.dat");
  ASSERT_TRUE(p.result.ok()) << p.why();
  EXPECT_EQ(p.msg.max_forwards, 0);
  EXPECT_TRUE(max_forwards_exhausted(p.msg));
}

TEST(Rfc4475, Cparam01ParamOutsideBracketsBelongsToTheBinding) {
  Parsed p = parse("cparam01.dat");
  ASSERT_TRUE(p.result.ok()) << p.why();
  NameAddr contact;
  ASSERT_EQ(parse_name_addr(p.msg.find(HeaderId::contact)->value, contact, {}), NameAddrError::none);
  EXPECT_TRUE(contact.params.has("unknownparam"));
  EXPECT_TRUE(contact.uri.params.empty());
  EXPECT_EQ(contact.uri.text, "sip:+19725552222@gw1.example.net");
}

TEST(Rfc4475, Cparam02ParamInsideBracketsBelongsToTheUri) {
  Parsed p = parse("cparam02.dat");
  ASSERT_TRUE(p.result.ok()) << p.why();
  NameAddr contact;
  ASSERT_EQ(parse_name_addr(p.msg.find(HeaderId::contact)->value, contact, {}), NameAddrError::none);
  EXPECT_TRUE(contact.uri.params.has("unknownparam"));
  EXPECT_TRUE(contact.params.empty());
}

TEST(Rfc4475, RegescrtEscapedHeaderInContactIsKeptForTheRegistrar) {
  Parsed p = parse("regescrt.dat");
  ASSERT_TRUE(p.result.ok()) << p.why();
  NameAddr contact;
  ASSERT_EQ(parse_name_addr(p.msg.find(HeaderId::contact)->value, contact, {}), NameAddrError::none);
  EXPECT_EQ(contact.uri.headers, "Route=%3Csip:sip.example.com%3E");
  EXPECT_EQ(p.msg.count(HeaderId::route), 0u);
}

TEST(Rfc4475, Sdp01AcceptWithoutSdpIsForwarded) {
  Parsed p = parse("sdp01.dat");
  ASSERT_TRUE(p.result.ok()) << p.why();
  EXPECT_EQ(p.msg.find(HeaderId::accept)->value, "text/nobodyKnowsThis");
}

TEST(Rfc4475, Inv2543Rfc2543StyleInviteIsAccepted) {
  Parsed p = parse("inv2543.dat");
  ASSERT_TRUE(p.result.ok()) << p.why();
  EXPECT_EQ(p.msg.max_forwards, -1);
  EXPECT_TRUE(p.msg.top_via.branch.empty());
  EXPECT_EQ(p.msg.content_length, -1);
  EXPECT_TRUE(p.msg.body.starts_with("v=0"));
}

}  // namespace
}  // namespace callplan::sip
