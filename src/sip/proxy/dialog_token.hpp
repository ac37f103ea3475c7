// sip/proxy/dialog_token.hpp — dialogs that survive a restart without stored state
// (docs/sip-server.md, "Calls across a restart").
//
// The proxy writes a signed token as the user part of the URIs the two sides of a dialog send
// their in-dialog requests to: its Record-Route entry (`<sip:cp1.TOKEN@server;lr>`, copied
// into both sides' route sets) and, toward the carrier, its own Contact (`<sip:cp1.TOKEN@server>`,
// the carrier's remote target). After a restart, an in-dialog request of a dialog the proxy
// no longer knows is relayed when it carries a valid token of that dialog: the token holds
// what the relay needs (for a dialog through the trunk, the topology-hiding state of
// trunk_side.hpp), so nothing was written to disk for it.
//
// Token = "cp1." base64url(nonce || AES-256-CTR(key, nonce, payload) || mac), mac =
// HMAC-SHA256(secret, call_id || 0 || nonce || ciphertext) cut to 16 bytes, key derived from
// the secret: encrypted, since the payload names the phone (the carrier sees this token). The payload holds the expiry (Unix seconds), the caller's From tag, and for
// trunk dialogs the phone's From, the caller-ID From, the phone's Contact and the phone's
// flow. The Call-ID is signed but not carried (the request has it): a token is only good for
// its own call, and only in a request whose From or To tag is the caller's tag. A token that
// is forged, altered, signed with another key, expired, or from another dialog is refused.
//
// Thread safety: issue() and verify() may run on several threads at once: the prepared
// OpenSSL objects are only read (each call works on its own copy), the nonce counter is atomic.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "sip/transport/peer.hpp"

namespace callplan::sip {

enum class DialogSide : std::uint8_t {
  inside = 0,     // between phones (or trunk to trunk): nothing to translate
  trunk_out = 1,  // a phone calling the carrier
  trunk_in = 2,   // the carrier calling a phone
};

// What a token carries.
struct DialogTicket {
  DialogSide side = DialogSide::inside;
  std::int64_t expires = 0;  // Unix seconds
  std::string caller_tag;    // the caller's From tag: names the dialog with the Call-ID
  // Dialogs through the trunk (trunk_side.hpp's TrunkDialog); empty when not known when the
  // token was issued (the Record-Route of the carrier's INVITE toward the phones, before
  // anyone answered).
  std::string phone_from;
  std::string trunk_from;
  std::string phone_contact;
  std::optional<Peer> phone;  // the phone's flow (UDP address and port; TCP ends at a restart)
};

// Why a token was refused (for the debug log and the tests).
enum class TokenRefusal : std::uint8_t { none, not_a_token, malformed, bad_signature, expired,
                                         other_dialog };
const char* to_string(TokenRefusal refusal);

class DialogTokens {
 public:
  static constexpr std::string_view prefix = "cp1.";
  static constexpr std::size_t mac_bytes = 16;

  // `secret`: at least 16 bytes (the server keeps 32 random bytes in its state directory).
  explicit DialogTokens(std::string secret);
  ~DialogTokens();
  DialogTokens(const DialogTokens&) = delete;
  DialogTokens& operator=(const DialogTokens&) = delete;

  // "cp1.<base64url>": the user part of a URI (only unreserved characters).
  std::string issue(std::string_view call_id, const DialogTicket& ticket) const;

  // The ticket of `token` when it is ours, intact, not expired at `now` (Unix seconds), and
  // for this dialog: signed with `call_id`, and `tag1` or `tag2` is its caller tag.
  std::optional<DialogTicket> verify(std::string_view token, std::string_view call_id,
                                     std::string_view tag1, std::string_view tag2,
                                     std::int64_t now, TokenRefusal* why = nullptr) const;

  static bool looks_like_token(std::string_view user) { return user.starts_with(prefix); }

 private:
  struct Prepared;  // OpenSSL's algorithms fetched and keyed once (dialog_token.cpp)

  std::string mac(std::string_view call_id, std::string_view payload) const;
  std::string aes_ctr(std::string_view nonce, std::string_view in) const;
  std::string next_nonce() const;

  std::string secret_;
  std::unique_ptr<Prepared> prepared_;
  // Nonces: 96 random bits drawn once, then the low 64 counted up per token (NIST SP 800-38D
  // 8.2.1's deterministic construction), instead of asking the DRBG for every token, which
  // cost a system call and a lock per call. Processes sharing a secret (restarts, cluster
  // nodes) start from independent random points, so their nonces do not meet.
  std::uint32_t nonce_high_ = 0;
  mutable std::atomic<std::uint64_t> nonce_low_{0};
};

// 32 random bytes from OpenSSL (a per-process secret when nothing is kept).
std::string random_dialog_secret();

}  // namespace callplan::sip
