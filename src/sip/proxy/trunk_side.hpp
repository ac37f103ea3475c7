// sip/proxy/trunk_side.hpp — topology hiding toward the trunk: the one place where the proxy
// rewrites what crosses between a phone and the carrier (docs/sip-server.md, "What the
// carrier sees"). Everything else in the proxy relays messages as RFC 3261 section 16 says.
//
// Toward the carrier, every request and response of a call through the trunk carries only
// the server: one Via (ours), our own Contact (`<sip:TOKEN@server>`, the token names the
// call), no Record-Route or Route of the inside, and the caller ID of SPEC 3.8 as From (To
// in what the carrier sends back). Toward the phone, the carrier's answers get the phone's
// own Via stack back and the phone's own From. The Call-ID and the tags cross unchanged
// (random values of the phone and the carrier; they name the same dialog on both sides).
//
// This is header rewriting in the relay with a little state per dialog (TrunkDialog), not a
// B2BUA: bodies (SDP) cross untouched, so media flows between the phone and the carrier. A
// phone's REFER never crosses: serve takes the call over (src/sip/proxy/takeover.cpp, the
// B2BUA's src/sip/b2bua/takeover.cpp), and the dialog leaves this table.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "callplan/session.hpp"
#include "sip/message.hpp"
#include "sip/proxy/directory.hpp"
#include "sip/transport/peer.hpp"
#include "sip/writer.hpp"

namespace callplan::sip {

// What the relay needs to translate one dialog between a phone and the carrier.
struct TrunkDialog {
  std::string phone_from;     // the From value the phone sent, with its tag
  std::string trunk_from;     // the From value the carrier knows (caller ID, the same tag)
  std::string phone_contact;  // the phone's Contact URI: where requests to the phone go
  std::string our_contact;    // "<sip:TOKEN@server>": our Contact toward the carrier (a
                              // random token per call: a carrier request names its dialog
                              // by Call-ID and tags, the token only keeps it unique)
  Peer phone;                 // where the phone's INVITE came from (its flow)

  // What serve needs to take the call over at the phone's REFER (takeover.cpp). A dialog
  // known again after a restart (dialog_adopt.cpp) has none of it: it cannot be taken over.
  std::uint64_t call = 0;              // the proxy's call number
  std::string device{};                // the phone's SIP username
  std::string carrier{};               // the carrier's identity in the dialog, with its tag
  std::string carrier_target{};        // its remote target (a target refresh updates it)
  std::vector<std::string> carrier_routes{};  // its route set beyond us, in Route order
  std::uint32_t carrier_cseq = 0;      // the last CSeq of the carrier's requests
  std::uint32_t phone_cseq = 0;        // the last CSeq of the phone's requests
  // CSeq numbers serve used itself in the carrier's dialog (a take-over the carrier refused):
  // added to the phone's requests relayed to the carrier, taken off the answers back, so the
  // carrier still sees its remote CSeq grow (RFC 3261 12.2.2).
  std::uint32_t cseq_shift = 0;
  std::shared_ptr<Directory> directory{};  // the company the call was routed in
  std::shared_ptr<RoutingState> routing{};
};

// The trunk dialogs, by DialogSet::key (a request from either side names its dialog by the
// Call-ID and the two tags, which cross unchanged).
class TrunkDialogs {
 public:
  void add(const std::string& key, TrunkDialog dialog) { by_key_[key] = std::move(dialog); }
  const TrunkDialog* find(const std::string& key) const {
    auto it = by_key_.find(key);
    return it == by_key_.end() ? nullptr : &it->second;
  }
  TrunkDialog* find(const std::string& key) {
    auto it = by_key_.find(key);
    return it == by_key_.end() ? nullptr : &it->second;
  }
  void remove(const std::string& key) { by_key_.erase(key); }
  std::size_t size() const { return by_key_.size(); }

 private:
  std::unordered_map<std::string, TrunkDialog> by_key_;
};

// The INVITE of a trunk leg (RFC 3261 16.6 with the inside taken out): our Via alone, no
// Route, no Record-Route but ours, our Contact, the caller-ID From and P-Asserted-Identity;
// Proxy-Authorization, P-Preferred-Identity and the caller's P-Asserted-Identity dropped;
// the other headers and the body as the phone sent them.
struct TrunkInvite {
  std::string_view request_uri;
  std::string_view via;
  std::string_view record_route;
  std::string_view from;
  std::string_view asserted_identity;
  std::string_view contact;  // "<sip:TOKEN@server>"
};
std::string trunk_invite(const Message& invite, const TrunkInvite& parts);

// The Via values of a request, in order (kept to answer it later, when the Message is gone).
std::vector<std::string> via_values(const Message& request);

// A response of the carrier for the phone: the phone's own Via stack (`phone_vias`, from the
// phone's request) instead of ours, and the phone's own From; `cseq_shift` taken off its CSeq
// (the number the phone's request had).
std::string response_for_phone(std::span<const std::string> phone_vias,
                               const Message& carrier_response, std::string_view phone_from,
                               std::uint32_t cseq_shift = 0);

// An in-dialog request of the phone for the carrier: our Via alone, our Route entry popped
// (the carrier's own Route entries stay), no Record-Route, the caller-ID From, our Contact,
// the CSeq number moved up by the dialog's cseq_shift.
std::string request_for_carrier(const Message& phone_request, const TrunkDialog& dialog,
                                std::string_view via, bool pop_route);

// An in-dialog request of the carrier for the phone: the phone's Contact as Request-URI,
// our Via on top of the carrier's, the phone's own From as To, Route taken out.
std::string request_for_phone(const Message& carrier_request, const TrunkDialog& dialog,
                              std::string_view via);

// The phone's response to a carrier's request: our Via popped, the caller-ID From as To,
// our Contact instead of the phone's. `initial`: the answer to the carrier's INVITE, whose
// Record-Route (what the INVITE carried: the carrier's entries and ours, copied back by the
// phone, RFC 3261 12.1.1) stays; in-dialog answers carry none.
std::string response_for_carrier(const Message& phone_response, const TrunkDialog& dialog,
                                 bool initial = false);

}  // namespace callplan::sip
