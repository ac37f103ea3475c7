// HTTP digest of the provisioning endpoint: correct answers, wrong and unknown alike, stale and
// replayed nonces. Responses are computed here independently (OpenSSL MD5).
#include <openssl/evp.h>

#include <chrono>
#include <string>

#include <gtest/gtest.h>

#include "provision/device_auth.hpp"
#include "provision/device_secret.hpp"

namespace callplan::provision {
namespace {

using namespace std::chrono_literals;

std::string md5(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), digest, &length, EVP_md5(), nullptr);
  std::string out;
  for (unsigned i = 0; i < length; ++i) {
    static constexpr char hex[] = "0123456789abcdef";
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

std::string nonce_of(const std::string& challenge) {
  const auto start = challenge.find("nonce=\"") + 7;
  return challenge.substr(start, challenge.find('"', start) - start);
}

std::string credentials(const std::string& user, const std::string& password,
                        const std::string& uri, const std::string& nonce, unsigned nc,
                        const std::string& realm = "callplan-provisioning") {
  char nc_text[9];
  std::snprintf(nc_text, sizeof nc_text, "%08x", nc);
  const std::string response = md5(md5(user + ":" + realm + ":" + password) + ":" + nonce +
                                   ":" + nc_text + ":c0ffee:auth:" + md5("GET:" + uri));
  return "Digest username=\"" + user + "\", realm=\"" + realm + "\", nonce=\"" + nonce +
         "\", uri=\"" + uri + "\", qop=auth, nc=" + nc_text +
         ", cnonce=\"c0ffee\", response=\"" + response + "\"";
}

struct Verify : ::testing::Test {
  const std::string secret = std::string(32, 's');
  DigestVerifier verifier{secret, 300s, 8};
  std::chrono::steady_clock::time_point now{1000s};
  const std::string uri = "/805ec0112233.cfg";
  const std::string password = device_password(secret, "805ec0112233");
};

TEST_F(Verify, AcceptsTheDerivedPasswordForAnySpellingOfTheMac) {
  for (const std::string user : {"805ec0112233", "80:5E:C0:11:22:33"}) {
    const std::string nonce = nonce_of(verifier.challenge(false, now));
    const DigestVerdict v = verifier.verify(credentials(user, password, uri, nonce, 1), "GET",
                                            uri, now);
    EXPECT_EQ(v.status, DigestVerdict::ok) << user;
    EXPECT_EQ(v.username, user);
  }
}

TEST_F(Verify, WrongPasswordAndUnknownMacAreBothWrong) {
  const std::string nonce = nonce_of(verifier.challenge(false, now));
  EXPECT_EQ(verifier.verify(credentials("805ec0112233", "guess", uri, nonce, 1), "GET", uri, now)
                .status,
            DigestVerdict::wrong);
  EXPECT_EQ(verifier.verify(credentials("805ec0ffffff", "guess", uri, nonce, 2), "GET", uri, now)
                .status,
            DigestVerdict::wrong);
  EXPECT_EQ(verifier.verify(credentials("not-a-mac", "guess", uri, nonce, 3), "GET", uri, now)
                .status,
            DigestVerdict::wrong);
}

TEST_F(Verify, RefusesAReplayedNonceCount) {
  const std::string nonce = nonce_of(verifier.challenge(false, now));
  const std::string first = credentials("805ec0112233", password, uri, nonce, 1);
  EXPECT_EQ(verifier.verify(first, "GET", uri, now).status, DigestVerdict::ok);
  EXPECT_EQ(verifier.verify(first, "GET", uri, now).status, DigestVerdict::replayed);
  EXPECT_EQ(verifier.verify(credentials("805ec0112233", password, uri, nonce, 2), "GET", uri, now)
                .status,
            DigestVerdict::ok);
}

TEST_F(Verify, AnExpiredNonceIsStaleAndAForgedOneWrong) {
  const std::string nonce = nonce_of(verifier.challenge(false, now));
  EXPECT_EQ(verifier.verify(credentials("805ec0112233", password, uri, nonce, 1), "GET", uri,
                            now + 301s)
                .status,
            DigestVerdict::stale);
  std::string forged = nonce;
  forged[0] = forged[0] == '0' ? '1' : '0';
  EXPECT_EQ(verifier.verify(credentials("805ec0112233", password, uri, forged, 1), "GET", uri,
                            now)
                .status,
            DigestVerdict::wrong);
  DigestVerifier other(std::string(32, 'o'));  // another server's (or a restarted one's) secret
  const std::string theirs = nonce_of(other.challenge(false, now));
  EXPECT_EQ(verifier.verify(credentials("805ec0112233", password, uri, theirs, 1), "GET", uri,
                            now)
                .status,
            DigestVerdict::wrong);
}

TEST_F(Verify, MalformedOrMisdirectedCredentials) {
  const std::string nonce = nonce_of(verifier.challenge(false, now));
  EXPECT_EQ(verifier.verify("", "GET", uri, now).status, DigestVerdict::missing);
  EXPECT_EQ(verifier.verify("Basic dXNlcjpwYXNz", "GET", uri, now).status,
            DigestVerdict::missing);
  EXPECT_EQ(verifier.verify("Digest username=", "GET", uri, now).status,
            DigestVerdict::malformed);
  // Credentials for another file than the one requested, or another realm.
  EXPECT_EQ(verifier.verify(credentials("805ec0112233", password, "/other.cfg", nonce, 1), "GET",
                            uri, now)
                .status,
            DigestVerdict::malformed);
  EXPECT_EQ(verifier.verify(credentials("805ec0112233", password, uri, nonce, 1, "sip"), "GET",
                            uri, now)
                .status,
            DigestVerdict::malformed);
}

TEST_F(Verify, AFullNonceTableForgetsAndAnswersStaleNeverUnchecked) {
  const std::string old_nonce = nonce_of(verifier.challenge(false, now));
  EXPECT_EQ(verifier.verify(credentials("805ec0112233", password, uri, old_nonce, 1), "GET", uri,
                            now)
                .status,
            DigestVerdict::ok);
  for (int i = 0; i < 8; ++i) {
    const std::string n = nonce_of(verifier.challenge(false, now));
    verifier.verify(credentials("805ec0112233", password, uri, n, 1), "GET", uri, now);
  }
  EXPECT_LE(verifier.tracked_nonces(), 8u);
  // The first nonce's count was forgotten: replaying it must not pass.
  EXPECT_EQ(verifier.verify(credentials("805ec0112233", password, uri, old_nonce, 1), "GET", uri,
                            now)
                .status,
            DigestVerdict::stale);
}

}  // namespace
}  // namespace callplan::provision
