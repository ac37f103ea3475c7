// Dialog tokens (dialog_token.hpp): what a restart leaves to recognise a dialog by. A token
// is only good for its own dialog, with its own key, until it expires; any change is refused.
#include "sip/proxy/dialog_token.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <set>
#include <string>

#include "sip/uri.hpp"

namespace callplan::sip {
namespace {

const std::string kKey(32, 'k');
constexpr std::int64_t kNow = 1'800'000'000;
constexpr std::string_view kCallId = "a84b4c76e66710@pc33.example.com";

DialogTicket trunk_ticket() {
  return {.side = DialogSide::trunk_out,
          .expires = kNow + 3600,
          .caller_tag = "1928301774",
          .phone_from = "\"Desk\" <sip:e2e-bob-desk@127.0.0.1:5060>;tag=1928301774",
          .trunk_from = "<sip:+31850000002@127.0.0.1:5060>;tag=1928301774",
          .phone_contact = "sip:bob@127.0.0.1:23020;transport=udp",
          .phone = Peer{.protocol = Protocol::udp,
                        .address = asio::ip::make_address("127.0.0.1"),
                        .port = 23020}};
}

// The bytes under a token's base64url (RFC 4648 section 5, no padding).
std::optional<std::string> from_token_bytes(std::string_view token) {
  constexpr std::string_view alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  if (!token.starts_with(DialogTokens::prefix)) return std::nullopt;
  token.remove_prefix(DialogTokens::prefix.size());
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : token) {
    const auto pos = alphabet.find(c);
    if (pos == std::string_view::npos) return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(pos);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return out;
}

DialogTicket inside_ticket(std::int64_t expires, std::string caller_tag) {
  DialogTicket t;
  t.expires = expires;
  t.caller_tag = std::move(caller_tag);
  return t;
}

TEST(SipDialogToken, ATrunkTicketComesBackWhole) {
  DialogTokens tokens(kKey);
  const std::string token = tokens.issue(kCallId, trunk_ticket());
  TokenRefusal why = TokenRefusal::malformed;
  auto ticket = tokens.verify(token, kCallId, "1928301774", "314159", kNow, &why);
  ASSERT_TRUE(ticket) << to_string(why);
  EXPECT_EQ(why, TokenRefusal::none);
  const DialogTicket want = trunk_ticket();
  EXPECT_EQ(ticket->side, want.side);
  EXPECT_EQ(ticket->expires, want.expires);
  EXPECT_EQ(ticket->caller_tag, want.caller_tag);
  EXPECT_EQ(ticket->phone_from, want.phone_from);
  EXPECT_EQ(ticket->trunk_from, want.trunk_from);
  EXPECT_EQ(ticket->phone_contact, want.phone_contact);
  ASSERT_TRUE(ticket->phone);
  EXPECT_TRUE(ticket->phone->same_endpoint(*want.phone));
  // Either tag order: requests travel both ways.
  EXPECT_TRUE(tokens.verify(token, kCallId, "314159", "1928301774", kNow));
}

TEST(SipDialogToken, IsAPlainUriUserPart) {
  DialogTokens tokens(kKey);
  const std::string token = tokens.issue(kCallId, trunk_ticket());
  EXPECT_TRUE(DialogTokens::looks_like_token(token));
  const std::string text = "sip:" + token + "@127.0.0.1:5060;lr";
  Uri uri;
  ASSERT_EQ(parse_uri(text, uri), UriError::none);
  EXPECT_EQ(uri.user, token);  // nothing escaped: base64url is unreserved
  EXPECT_LT(token.size(), 400u);
}

TEST(SipDialogToken, NamesNothingOfTheInsideToWhoeverDecodesIt) {
  // The carrier sees the token (our Contact toward it): base64 alone would show the phone.
  DialogTokens tokens(kKey);
  const std::string token = tokens.issue(kCallId, trunk_ticket());
  const std::string decoded = from_token_bytes(token).value();  // as anyone can decode it
  for (std::string_view inside : {"e2e-bob-desk", "sip:bob@127.0.0.1:23020", "127.0.0.1"})
    EXPECT_EQ(decoded.find(inside), std::string::npos) << inside;
  // A fresh nonce per token: the same ticket twice gives two tokens, both valid.
  const std::string again = tokens.issue(kCallId, trunk_ticket());
  EXPECT_NE(again, token);
  EXPECT_TRUE(tokens.verify(again, kCallId, "1928301774", "", kNow));
}

TEST(SipDialogToken, AnyChangedCharacterIsRefused) {
  DialogTokens tokens(kKey);
  const std::string token = tokens.issue(kCallId, trunk_ticket());
  // Every position after the prefix, payload and MAC alike.
  for (std::size_t i = DialogTokens::prefix.size(); i < token.size(); ++i) {
    std::string forged = token;
    forged[i] = forged[i] == 'A' ? 'B' : 'A';
    TokenRefusal why = TokenRefusal::none;
    EXPECT_FALSE(tokens.verify(forged, kCallId, "1928301774", "x", kNow, &why)) << i;
    EXPECT_TRUE(why == TokenRefusal::bad_signature || why == TokenRefusal::malformed)
        << i << ": " << to_string(why);
  }
}

// The nonces are counted, not drawn per token: never the same twice in one process, and two
// processes with one secret (a restart, cluster nodes) read each other's tokens.
TEST(SipDialogToken, EveryTokenHasItsOwnNonceAndAnotherInstanceReadsIt) {
  DialogTokens first(kKey);
  DialogTokens second(kKey);
  std::set<std::string> nonces;
  for (int i = 0; i < 1000; ++i) {
    const std::string token = (i % 2 == 0 ? first : second).issue(kCallId, trunk_ticket());
    const std::optional<std::string> raw = from_token_bytes(token);
    ASSERT_TRUE(raw);
    EXPECT_TRUE(nonces.insert(raw->substr(0, 12)).second) << "nonce used twice at token " << i;
    EXPECT_TRUE((i % 2 == 0 ? second : first)
                    .verify(token, kCallId, "1928301774", "", kNow))
        << "token " << i << " refused by the other instance";
  }
}

TEST(SipDialogToken, AnotherKeyIsRefused) {
  const std::string token = DialogTokens(kKey).issue(kCallId, trunk_ticket());
  TokenRefusal why = TokenRefusal::none;
  EXPECT_FALSE(DialogTokens(std::string(32, 'o')).verify(token, kCallId, "1928301774", "x", kNow,
                                                         &why));
  EXPECT_EQ(why, TokenRefusal::bad_signature);
}

TEST(SipDialogToken, IsOnlyGoodForItsOwnDialog) {
  DialogTokens tokens(kKey);
  const std::string token = tokens.issue(kCallId, trunk_ticket());
  TokenRefusal why = TokenRefusal::none;
  // Another call: the Call-ID is signed.
  EXPECT_FALSE(tokens.verify(token, "other@pc33", "1928301774", "x", kNow, &why));
  EXPECT_EQ(why, TokenRefusal::bad_signature);
  // The right call, but neither tag is the caller's (a made-up dialog in that call).
  EXPECT_FALSE(tokens.verify(token, kCallId, "made-up", "x", kNow, &why));
  EXPECT_EQ(why, TokenRefusal::other_dialog);
}

TEST(SipDialogToken, ExpiresAtItsTime) {
  DialogTokens tokens(kKey);
  const std::string token = tokens.issue(kCallId, inside_ticket(kNow + 10, "a"));
  EXPECT_TRUE(tokens.verify(token, kCallId, "a", "b", kNow + 9));
  TokenRefusal why = TokenRefusal::none;
  EXPECT_FALSE(tokens.verify(token, kCallId, "a", "b", kNow + 10, &why));
  EXPECT_EQ(why, TokenRefusal::expired);
}

TEST(SipDialogToken, GarbageIsRefusedNotTrusted) {
  DialogTokens tokens(kKey);
  const std::string token = tokens.issue(kCallId, inside_ticket(kNow + 10, "a"));
  for (std::string bad : {std::string("cp1."), std::string("cp1.!!!!"), std::string("e2e-bob"),
                          token.substr(0, token.size() - 1), token + "A",
                          token.substr(0, 12)}) {
    TokenRefusal why = TokenRefusal::none;
    EXPECT_FALSE(tokens.verify(bad, kCallId, "a", "b", kNow, &why)) << bad;
    EXPECT_NE(why, TokenRefusal::none) << bad;
  }
  EXPECT_THROW(DialogTokens("short"), std::invalid_argument);
}

TEST(SipDialogToken, ARandomSecretIsThirtyTwoFreshBytes) {
  const std::string a = random_dialog_secret();
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, random_dialog_secret());
}

}  // namespace
}  // namespace callplan::sip
