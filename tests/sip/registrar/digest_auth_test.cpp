#include "sip/registrar/digest_auth.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <string>
#include <utility>
#include <vector>

#include "register_request.hpp"
#include "sip/digest.hpp"

namespace callplan::sip {
namespace {

using std::chrono::seconds;
using TimePoint = DigestAuthenticator::TimePoint;

const TimePoint kT0 = TimePoint{} + std::chrono::hours(1000);
const std::string kSecret(32, 's');

// What a UAC computes (RFC 7616 3.4.1), written out independently of the server code.
struct Answer {
  std::string user = "acme-desk";
  std::string password = "secret-1";
  std::string realm = "acme";
  std::string uri = "sip:acme";
  std::string method = "REGISTER";
  std::string nonce;
  std::string cnonce = "0a4f113b";
  std::string nc = "00000001";
  std::string algorithm = "MD5";
  std::string qop = "auth";
};

Answer answer(std::string user, std::string password, std::string algorithm = "MD5") {
  Answer a;
  a.user = std::move(user);
  a.password = std::move(password);
  a.algorithm = std::move(algorithm);
  return a;
}

std::string h(const std::string& algorithm, const std::string& text) {
  return algorithm.rfind("SHA-256", 0) == 0 ? sha256_hex(text) : md5_hex(text);
}

std::string response_for(const Answer& a) {
  std::string ha1 = h(a.algorithm, a.user + ":" + a.realm + ":" + a.password);
  if (a.algorithm.ends_with("-sess")) ha1 = h(a.algorithm, ha1 + ":" + a.nonce + ":" + a.cnonce);
  const std::string ha2 = h(a.algorithm, a.method + ":" + a.uri);
  if (a.qop.empty()) return h(a.algorithm, ha1 + ":" + a.nonce + ":" + ha2);
  return h(a.algorithm, ha1 + ":" + a.nonce + ":" + a.nc + ":" + a.cnonce + ":" + a.qop + ":" + ha2);
}

std::string authorization(const Answer& a, std::string response = {}) {
  if (response.empty()) response = response_for(a);
  std::string v = "Digest username=\"" + a.user + "\", realm=\"" + a.realm + "\", nonce=\"" +
                  a.nonce + "\", uri=\"" + a.uri + "\", response=\"" + response +
                  "\", algorithm=" + a.algorithm;
  if (!a.qop.empty()) v += ", qop=" + a.qop + ", nc=" + a.nc + ", cnonce=\"" + a.cnonce + "\"";
  return v;
}

class DigestAuth : public ::testing::Test {
 protected:
  DigestAuth()
      : store_(CredentialStore::from_tenant(test::load_test_tenant(), "acme")),
        auth_("acme", kSecret) {}

  // A fresh nonce from a challenge at `when`.
  std::string nonce_at(TimePoint when) {
    const auto lines = auth_.challenge(ChallengeKind::www, false, when);
    DigestChallenge c;
    EXPECT_EQ(parse_digest_challenge(lines[0].value, c), DigestStatus::ok);
    return std::string(c.nonce);
  }

  AuthResult verify(std::vector<std::string> authorization_values, TimePoint now,
                    const std::string& method = "REGISTER",
                    const std::string& request_uri = "sip:acme") {
    test::RegisterSpec spec;
    spec.method = method;
    spec.request_uri = request_uri;
    spec.authorization = std::move(authorization_values);
    const test::ParsedRequest request = test::make_register(spec);
    return auth_.verify(request.message, HeaderId::authorization, store_, now);
  }

  AuthResult check(const Answer& a, TimePoint now) { return verify({authorization(a)}, now); }

  CredentialStore store_;
  DigestAuthenticator auth_;
};

TEST(DigestAuthVectors, TestResponseMatchesRfc2617AndRfc7616Examples) {
  // Proves the test's own UAC computation before it is used against the server.
  Answer md5{.user = "Mufasa", .password = "Circle Of Life", .realm = "testrealm@host.com",
             .uri = "/dir/index.html", .method = "GET",
             .nonce = "dcd98b7102dd2f0e8b11d0f600bfb0c093"};
  EXPECT_EQ(response_for(md5), "6629fae49393a05397450978507c4ef1");
  Answer sha{.user = "Mufasa", .password = "Circle of Life", .realm = "http-auth@example.org",
             .uri = "/dir/index.html", .method = "GET",
             .nonce = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
             .cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", .algorithm = "SHA-256"};
  EXPECT_EQ(response_for(sha), "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
}

TEST_F(DigestAuth, ChallengeOffersMd5AloneByDefault) {
  // libre 1.x (baresip) stops at the first challenge it cannot answer: MD5 alone unless the
  // policy says otherwise (docs/sip-server.md, "Which algorithms are offered").
  const auto lines = auth_.challenge(ChallengeKind::www, false, kT0);
  ASSERT_EQ(lines.size(), 1u);
  DigestChallenge only;
  ASSERT_EQ(parse_digest_challenge(lines[0].value, only), DigestStatus::ok);
  EXPECT_EQ(only.algorithm, DigestAlgorithm::md5);
}

TEST_F(DigestAuth, ChallengeOffersTheGivenAlgorithmsInOrderWithOneNonce) {
  const DigestAlgorithm offer[] = {DigestAlgorithm::sha256, DigestAlgorithm::md5};
  const auto lines = auth_.challenge(ChallengeKind::www, false, kT0, offer);
  ASSERT_EQ(lines.size(), 2u);
  DigestChallenge first;
  DigestChallenge second;
  ASSERT_EQ(parse_digest_challenge(lines[0].value, first), DigestStatus::ok);
  ASSERT_EQ(parse_digest_challenge(lines[1].value, second), DigestStatus::ok);
  EXPECT_EQ(lines[0].name, "WWW-Authenticate");
  EXPECT_EQ(lines[1].name, "WWW-Authenticate");
  EXPECT_EQ(first.algorithm, DigestAlgorithm::sha256);
  EXPECT_EQ(second.algorithm, DigestAlgorithm::md5);
  EXPECT_EQ(first.realm, "acme");
  EXPECT_EQ(first.qop_options, "auth");
  EXPECT_EQ(second.qop_options, "auth");
  EXPECT_FALSE(first.stale);
  EXPECT_EQ(first.nonce, second.nonce);
  EXPECT_EQ(first.nonce.size(), 64u);
  EXPECT_EQ(first.realm, second.realm);
}

TEST_F(DigestAuth, ProxyChallengeUsesProxyAuthenticateAndCarriesStale) {
  const DigestAlgorithm both[] = {DigestAlgorithm::md5, DigestAlgorithm::sha256};
  const auto lines = auth_.challenge(ChallengeKind::proxy, true, kT0, both);
  ASSERT_EQ(lines.size(), 2u);
  for (const HeaderLine& line : lines) {
    EXPECT_EQ(line.name, "Proxy-Authenticate");
    DigestChallenge c;
    ASSERT_EQ(parse_digest_challenge(line.value, c), DigestStatus::ok);
    EXPECT_TRUE(c.stale);
  }
}

TEST_F(DigestAuth, EveryChallengeHasItsOwnNonce) {
  const std::string a = nonce_at(kT0);
  EXPECT_NE(a, nonce_at(kT0));  // same second, still unique
  EXPECT_NE(a, nonce_at(kT0 + seconds(1)));
  DigestAuthenticator other("acme", std::string(32, 't'));
  const auto lines = other.challenge(ChallengeKind::www, false, kT0);
  DigestChallenge c;
  ASSERT_EQ(parse_digest_challenge(lines[0].value, c), DigestStatus::ok);
  EXPECT_NE(a, c.nonce);
  EXPECT_EQ(a.substr(0, 16), std::string(c.nonce.substr(0, 16)));  // same time, other MAC
}

TEST_F(DigestAuth, AcceptsMd5Response) {
  Answer a;
  a.nonce = nonce_at(kT0);
  const AuthResult r = check(a, kT0 + seconds(2));
  EXPECT_EQ(r.status, AuthStatus::ok) << to_string(r.status);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.username, "acme-desk");
}

TEST_F(DigestAuth, AcceptsSha256Response) {
  Answer a;
  a.algorithm = "SHA-256";
  a.nonce = nonce_at(kT0);
  EXPECT_EQ(check(a, kT0).status, AuthStatus::ok);
}

TEST_F(DigestAuth, AcceptsSessVariants) {
  for (const char* algorithm : {"MD5-sess", "SHA-256-sess"}) {
    Answer a;
    a.algorithm = algorithm;
    a.nonce = nonce_at(kT0);  // a new nonce each time: nc=1 is fresh again
    EXPECT_EQ(check(a, kT0).status, AuthStatus::ok) << algorithm;
  }
}

TEST_F(DigestAuth, AcceptsStoredHa1AndUpperCaseHex) {
  Answer a = answer("carla", "carla-pw");
  a.nonce = nonce_at(kT0);
  std::string response = response_for(a);
  for (char& c : response) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(verify({authorization(a, response)}, kT0).status, AuthStatus::ok);
  Answer s = answer("shaun", "shaun-pw", "SHA-256");
  s.nonce = nonce_at(kT0);
  EXPECT_EQ(check(s, kT0).status, AuthStatus::ok);
}

TEST_F(DigestAuth, AlgorithmWithoutStoredHashIsWrong) {
  Answer a = answer("carla", "carla-pw", "SHA-256");  // MD5 HA1 only
  a.nonce = nonce_at(kT0);
  const AuthResult r = check(a, kT0);
  EXPECT_EQ(r.status, AuthStatus::wrong);
  EXPECT_TRUE(r.failure());
}

TEST_F(DigestAuth, WrongPasswordIsWrong) {
  Answer a = answer("acme-desk", "guess");
  a.nonce = nonce_at(kT0);
  const AuthResult r = check(a, kT0);
  EXPECT_EQ(r.status, AuthStatus::wrong);
  EXPECT_TRUE(r.failure());
  EXPECT_EQ(r.username, "acme-desk");
}

TEST_F(DigestAuth, UnknownUserLooksLikeAWrongPassword) {
  Answer known = answer("acme-desk", "guess");
  Answer unknown = answer("acme-nobody", "guess");
  Answer mute = answer("acme-mute", "");  // a device without credentials
  known.nonce = unknown.nonce = mute.nonce = nonce_at(kT0);
  const AuthResult rk = check(known, kT0);
  const AuthResult ru = check(unknown, kT0);
  const AuthResult rm = check(mute, kT0);
  EXPECT_EQ(rk.status, AuthStatus::wrong);
  EXPECT_EQ(ru.status, rk.status);
  EXPECT_EQ(rm.status, rk.status);
  EXPECT_EQ(ru.username, "acme-nobody");
  // The challenge that follows does not depend on the user or the outcome: the same bytes
  // apart from the nonce, which is fresh for every challenge.
  auto shape = [&](const AuthResult& r) {
    std::vector<std::string> out;
    for (const HeaderLine& l : auth_.challenge(ChallengeKind::www, r.stale(), kT0)) {
      DigestChallenge c;
      EXPECT_EQ(parse_digest_challenge(l.value, c), DigestStatus::ok);
      std::string text(l.value);
      text.replace(text.find(c.nonce), c.nonce.size(), "NONCE");
      out.push_back(std::string(l.name) + ": " + text);
    }
    return out;
  };
  EXPECT_EQ(shape(rk), shape(ru));
  EXPECT_EQ(shape(rk), shape(rm));
  EXPECT_EQ(shape(rk)[0], "WWW-Authenticate: Digest realm=\"acme\", nonce=\"NONCE\", "
                          "algorithm=MD5, qop=\"auth\"");
}

TEST_F(DigestAuth, TwoClientsChallengedInTheSameSecondKeepSeparateCounts) {
  Answer desk;
  desk.nonce = nonce_at(kT0);
  Answer carla = answer("carla", "carla-pw");
  carla.nonce = nonce_at(kT0);
  EXPECT_EQ(check(desk, kT0).status, AuthStatus::ok);
  EXPECT_EQ(check(carla, kT0).status, AuthStatus::ok);  // nc=1 again, but its own nonce
}

TEST_F(DigestAuth, ExpiredNonceWithRightPasswordIsStale) {
  Answer a;
  a.nonce = nonce_at(kT0);
  EXPECT_EQ(check(a, kT0 + seconds(301)).status, AuthStatus::stale);
  a.nc = "00000002";
  EXPECT_EQ(check(a, kT0 + seconds(300)).status, AuthStatus::ok);  // the last valid second
}

TEST_F(DigestAuth, ExpiredNonceWithWrongPasswordIsWrongNotStale) {
  Answer a = answer("acme-desk", "guess");
  a.nonce = nonce_at(kT0);
  EXPECT_EQ(check(a, kT0 + seconds(301)).status, AuthStatus::wrong);
}

TEST_F(DigestAuth, ForeignNonceIsStaleOnlyWithTheRightPassword) {
  Answer a;
  a.nonce = "dcd98b7102dd2f0e8b11d0f600bfb0c093";
  EXPECT_EQ(check(a, kT0).status, AuthStatus::stale);
  a.password = "guess";
  EXPECT_EQ(check(a, kT0).status, AuthStatus::wrong);
}

TEST_F(DigestAuth, NonceFromBeforeARestartIsStale) {
  DigestAuthenticator before_restart("acme", std::string(32, 'x'));
  const auto lines = before_restart.challenge(ChallengeKind::www, false, kT0);
  DigestChallenge c;
  ASSERT_EQ(lines.size(), 1u);
  ASSERT_EQ(parse_digest_challenge(lines[0].value, c), DigestStatus::ok);
  Answer a;
  a.nonce = std::string(c.nonce);
  EXPECT_EQ(check(a, kT0).status, AuthStatus::stale);
}

TEST_F(DigestAuth, NonceWithAlteredTimeIsStale) {
  Answer a;
  a.nonce = nonce_at(kT0);
  a.nonce[15] = a.nonce[15] == '0' ? '1' : '0';  // claims another issue time, same MAC
  EXPECT_EQ(check(a, kT0).status, AuthStatus::stale);
}

TEST_F(DigestAuth, NonceCountMustGrow) {
  Answer a;
  a.nonce = nonce_at(kT0);
  EXPECT_EQ(check(a, kT0).status, AuthStatus::ok);
  const AuthResult again = check(a, kT0);  // the same request replayed
  EXPECT_EQ(again.status, AuthStatus::replayed);
  EXPECT_TRUE(again.failure());
  a.nc = "00000003";
  EXPECT_EQ(check(a, kT0).status, AuthStatus::ok);  // gaps are fine
  a.nc = "00000002";
  EXPECT_EQ(check(a, kT0).status, AuthStatus::replayed);
  a.nc = "0000000A";
  a.cnonce = "another";
  EXPECT_EQ(check(a, kT0).status, AuthStatus::ok);
}

TEST_F(DigestAuth, NonceCountZeroIsReplayed) {
  Answer a;
  a.nonce = nonce_at(kT0);
  a.nc = "00000000";
  EXPECT_EQ(check(a, kT0).status, AuthStatus::replayed);
}

TEST_F(DigestAuth, DigestUriMustNameTheRequestUrisHost) {
  // Correctly hashed, but for another resource than the request's.
  for (const char* other : {"sip:elsewhere", "sip:acme:5070", "sip:bob@acme", "sips:acme",
                            "tel:+31201234567"}) {
    Answer a;
    a.nonce = nonce_at(kT0);
    a.uri = other;
    EXPECT_EQ(check(a, kT0).status, AuthStatus::wrong) << other;
  }
}

TEST_F(DigestAuth, DigestUriMayBeTheHostWithoutUserOrParameters) {
  // What sipp and many phones send (docs: digest_uri_matches in digest_auth.cpp).
  Answer a;
  a.nonce = nonce_at(kT0);
  a.uri = "sip:acme;transport=tcp";
  EXPECT_EQ(check(a, kT0).status, AuthStatus::ok);
  Answer b;
  b.nonce = nonce_at(kT0);
  b.uri = "sip:ACME:5060";
  EXPECT_EQ(check(b, kT0).status, AuthStatus::ok);
  Answer c;
  c.nonce = nonce_at(kT0);
  c.method = "INVITE";
  c.uri = "sip:acme";
  EXPECT_EQ(verify({authorization(c)}, kT0, "INVITE", "sip:002@acme").status, AuthStatus::ok);
  Answer d;
  d.nonce = nonce_at(kT0);
  d.method = "INVITE";
  d.uri = "sip:003@acme";
  EXPECT_EQ(verify({authorization(d)}, kT0, "INVITE", "sip:002@acme").status, AuthStatus::wrong);
}

TEST_F(DigestAuth, MethodIsPartOfTheResponse) {
  Answer a;
  a.nonce = nonce_at(kT0);
  a.method = "INVITE";  // hashed for INVITE, sent on a REGISTER
  EXPECT_EQ(check(a, kT0).status, AuthStatus::wrong);
}

TEST_F(DigestAuth, QopOtherThanAuthIsWrong) {
  Answer a;
  a.nonce = nonce_at(kT0);
  a.qop = "";  // RFC 2069 style: no nonce-count, so no replay protection
  EXPECT_EQ(check(a, kT0).status, AuthStatus::wrong);
  a.qop = "auth-int";
  EXPECT_EQ(check(a, kT0).status, AuthStatus::wrong);
}

TEST_F(DigestAuth, UnknownAlgorithmIsWrong) {
  Answer a;
  a.nonce = nonce_at(kT0);
  a.algorithm = "MD5x";  // hashed as MD5 by the test, unknown to the server
  EXPECT_EQ(check(a, kT0).status, AuthStatus::wrong);
}

TEST_F(DigestAuth, OtherRealmsAndSchemesAreIgnored) {
  Answer ours;
  ours.nonce = nonce_at(kT0);
  Answer theirs = ours;
  theirs.realm = "proxy.example.net";
  EXPECT_EQ(verify({authorization(theirs)}, kT0).status, AuthStatus::missing);
  EXPECT_EQ(verify({"Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="}, kT0).status, AuthStatus::missing);
  const AuthResult r =
      verify({"Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", authorization(theirs), authorization(ours)},
             kT0);
  EXPECT_EQ(r.status, AuthStatus::ok);
}

TEST_F(DigestAuth, NoCredentialsIsMissing) {
  const AuthResult r = verify(std::vector<std::string>{}, kT0);
  EXPECT_EQ(r.status, AuthStatus::missing);
  EXPECT_FALSE(r.failure());
  EXPECT_EQ(r.username, "");
}

TEST_F(DigestAuth, OnlyTheAskedHeaderCounts) {
  Answer a;
  a.nonce = nonce_at(kT0);
  test::RegisterSpec spec;
  spec.authorization = {authorization(a)};
  const test::ParsedRequest request = test::make_register(spec);
  EXPECT_EQ(auth_.verify(request.message, HeaderId::proxy_authorization, store_, kT0).status,
            AuthStatus::missing);
}

TEST_F(DigestAuth, MalformedCredentialsAreMalformed) {
  Answer a;
  a.nonce = nonce_at(kT0);
  const std::string bad = "Digest username=\"acme-desk\", realm=\"acme\"";  // no nonce etc.
  const AuthResult r = verify({bad}, kT0);
  EXPECT_EQ(r.status, AuthStatus::malformed);
  EXPECT_FALSE(r.failure());
  // A short response is malformed for MD5.
  EXPECT_EQ(verify({authorization(a, "abc")}, kT0).status, AuthStatus::malformed);
  // A good header next to a malformed one still counts.
  EXPECT_EQ(verify({bad, authorization(a)}, kT0).status, AuthStatus::ok);
}

TEST_F(DigestAuth, EscapedUsernameIsUnquotedBeforeHashing) {
  Answer a;
  a.nonce = nonce_at(kT0);
  std::string value = authorization(a);
  value.replace(value.find("acme-desk"), 9, "acme\\-desk");  // "\-" is a quoted-pair for '-'
  const AuthResult r = verify({value}, kT0);
  EXPECT_EQ(r.status, AuthStatus::ok);
  EXPECT_EQ(r.username, "acme-desk");
}

TEST_F(DigestAuth, NonceTableForgetsExpiredNonces) {
  for (int i = 0; i < 5; ++i) {
    Answer a;
    a.nonce = nonce_at(kT0 + seconds(i));
    ASSERT_EQ(check(a, kT0 + seconds(i)).status, AuthStatus::ok);
  }
  EXPECT_EQ(auth_.tracked_nonces(), 5u);
  Answer later;
  later.nonce = nonce_at(kT0 + seconds(400));
  ASSERT_EQ(check(later, kT0 + seconds(400)).status, AuthStatus::ok);
  EXPECT_EQ(auth_.tracked_nonces(), 1u);
}

TEST_F(DigestAuth, FullNonceTableDropsOldestAndMakesThemStale) {
  auth_.set_max_tracked_nonces(8);
  std::vector<Answer> answers;
  for (int i = 0; i < 20; ++i) {
    Answer a;
    a.nonce = nonce_at(kT0 + seconds(i));
    ASSERT_EQ(check(a, kT0 + seconds(i)).status, AuthStatus::ok) << i;
    EXPECT_LE(auth_.tracked_nonces(), 8u);
    answers.push_back(a);
  }
  // The first nonce's count history is gone: it must not be accepted with an old count again,
  // nor with a new one; the client is sent for a fresh nonce.
  Answer first = answers.front();
  EXPECT_EQ(check(first, kT0 + seconds(20)).status, AuthStatus::stale);
  first.nc = "00000002";
  EXPECT_EQ(check(first, kT0 + seconds(20)).status, AuthStatus::stale);
  // The newest is still tracked: a replay is caught.
  EXPECT_EQ(check(answers.back(), kT0 + seconds(20)).status, AuthStatus::replayed);
}

TEST(DigestAuthText, StatusNamesAndSecret) {
  EXPECT_EQ(to_string(AuthStatus::ok), "ok");
  EXPECT_EQ(to_string(AuthStatus::stale), "stale");
  EXPECT_EQ(to_string(AuthStatus::replayed), "replayed");
  const std::string a = random_secret();
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, random_secret());
}

TEST(DigestAuthText, RealmWithQuoteIsEscapedInTheChallenge) {
  DigestAuthenticator auth("ac\"me", std::string(32, 's'));
  const auto lines = auth.challenge(ChallengeKind::www, false, kT0);
  EXPECT_NE(lines[0].value.find("realm=\"ac\\\"me\""), std::string_view::npos) << lines[0].value;
}

}  // namespace
}  // namespace callplan::sip
