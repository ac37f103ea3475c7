// Digest credentials and challenges (RFC 3261 22.4, RFC 7616, RFC 8760).
#include <string>

#include <gtest/gtest.h>

#include "sip/digest.hpp"

namespace callplan::sip {
namespace {

constexpr std::string_view kCredentials =
    "Digest username=\"201\", realm=\"pbx.example.com\", nonce=\"dcd98b71\", "
    "uri=\"sip:pbx.example.com\", response=\"6629fae49393a05397450978507c4ef1\", "
    "algorithm=MD5, qop=auth, nc=0000000a, cnonce=\"0a4f113b\", opaque=\"5ccc\"";

TEST(Digest, ParsesCredentials) {
  DigestCredentials c;
  ASSERT_EQ(parse_digest_credentials(kCredentials, c), DigestStatus::ok) << c.error;
  EXPECT_EQ(c.username, "201");
  EXPECT_EQ(c.realm, "pbx.example.com");
  EXPECT_EQ(c.nonce, "dcd98b71");
  EXPECT_EQ(c.uri, "sip:pbx.example.com");
  EXPECT_EQ(c.algorithm, DigestAlgorithm::md5);
  EXPECT_EQ(c.qop, "auth");
  EXPECT_EQ(c.nc, 10u);
  EXPECT_EQ(c.cnonce, "0a4f113b");
  EXPECT_TRUE(c.has_opaque);
  EXPECT_EQ(c.opaque, "5ccc");
}

TEST(Digest, Sha256NeedsA64DigitResponse) {
  const std::string ok = "Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"sip:r\", "
                         "response=\"" + std::string(64, 'a') + "\", algorithm=SHA-256";
  DigestCredentials c;
  ASSERT_EQ(parse_digest_credentials(ok, c), DigestStatus::ok) << c.error;
  EXPECT_EQ(c.algorithm, DigestAlgorithm::sha256);
  const std::string short_response = "Digest username=\"u\", realm=\"r\", nonce=\"n\", "
                                     "uri=\"sip:r\", response=\"abcd\", algorithm=SHA-256-sess";
  EXPECT_EQ(parse_digest_credentials(short_response, c), DigestStatus::malformed);
  EXPECT_EQ(c.error, "response is not a hex digest of the algorithm's length");
}

TEST(Digest, UnknownAlgorithmParsesForTheRegistrarToRefuse) {
  DigestCredentials c;
  ASSERT_EQ(parse_digest_credentials("Digest username=\"u\", realm=\"r\", nonce=\"n\", "
                                     "uri=\"sip:r\", response=\"x\", algorithm=SHA-512-256",
                                     c),
            DigestStatus::ok);
  EXPECT_EQ(c.algorithm, DigestAlgorithm::unknown);
}

TEST(Digest, RefusesMalformedCredentials) {
  DigestCredentials c;
  const char* bad[] = {
      "Digest",                                                          // no params
      "Digest username=\"u\"",                                           // missing fields
      "Digest username=\"u\", username=\"v\", realm=\"r\", nonce=\"n\", uri=\"u\", "
      "response=\"6629fae49393a05397450978507c4ef1\"",                   // duplicate
      "Digest username=u, realm=\"r\", nonce=\"n\", uri=\"u\", "
      "response=\"6629fae49393a05397450978507c4ef1\"",                   // username unquoted
      "Digest username=\"u, realm=\"r\"",                                // unterminated quote
      "Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"u\", "
      "response=\"6629fae49393a05397450978507c4ef1\", qop=auth, nc=1, cnonce=\"c\"",  // nc
      "Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"u\", "
      "response=\"6629fae49393a05397450978507c4ef1\", qop=auth",        // qop without cnonce
      "Digest username=\"u\" realm=\"r\"",                               // missing comma
  };
  for (const char* value : bad) {
    EXPECT_EQ(parse_digest_credentials(value, c), DigestStatus::malformed) << value;
    EXPECT_FALSE(c.error.empty()) << value;
  }
  EXPECT_EQ(parse_digest_credentials("Basic dXNlcjpwYXNz", c), DigestStatus::not_digest);
}

TEST(Digest, EscapedUsernameIsFlagged) {
  DigestCredentials c;
  ASSERT_EQ(parse_digest_credentials("Digest username=\"a\\\"b\", realm=\"r\", nonce=\"n\", "
                                     "uri=\"u\", response=\"6629fae49393a05397450978507c4ef1\"",
                                     c),
            DigestStatus::ok);
  EXPECT_TRUE(c.username_escaped);
  EXPECT_EQ(c.username, "a\\\"b");
}

TEST(Digest, ChallengeRoundTrips) {
  DigestChallenge c;
  c.realm = "pbx.example.com";
  c.nonce = "abc123";
  c.opaque = "op";
  c.has_opaque = true;
  c.stale = true;
  c.algorithm = DigestAlgorithm::sha256;
  c.qop_options = "auth";
  const std::string text = format_digest_challenge(c);
  EXPECT_EQ(text, "Digest realm=\"pbx.example.com\", nonce=\"abc123\", opaque=\"op\", "
                  "stale=true, algorithm=SHA-256, qop=\"auth\"");
  DigestChallenge back;
  ASSERT_EQ(parse_digest_challenge(text, back), DigestStatus::ok) << back.error;
  EXPECT_EQ(back.realm, c.realm);
  EXPECT_EQ(back.nonce, c.nonce);
  EXPECT_TRUE(back.stale);
  EXPECT_EQ(back.algorithm, DigestAlgorithm::sha256);
  EXPECT_EQ(back.qop_options, "auth");
  DigestChallenge bad;
  EXPECT_EQ(parse_digest_challenge("Digest realm=\"r\", stale=maybe, nonce=\"n\"", bad),
            DigestStatus::malformed);
}

TEST(Digest, CredentialsRoundTrip) {
  DigestCredentials c;
  ASSERT_EQ(parse_digest_credentials(kCredentials, c), DigestStatus::ok);
  const std::string text = format_digest_credentials(c);
  DigestCredentials back;
  ASSERT_EQ(parse_digest_credentials(text, back), DigestStatus::ok) << back.error << text;
  EXPECT_EQ(back.username, c.username);
  EXPECT_EQ(back.response, c.response);
  EXPECT_EQ(back.nc, c.nc);
  EXPECT_EQ(back.opaque, c.opaque);
}

}  // namespace
}  // namespace callplan::sip
