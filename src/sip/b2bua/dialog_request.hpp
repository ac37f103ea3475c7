// sip/b2bua/dialog_request.hpp — serve's own requests inside a dialog it is a party to, and
// the parts of a REFER that name where a call goes (internal to src/sip/b2bua; pure functions,
// tested in tests/sip/b2bua/dialog_request_test.cpp).
//
//   DialogPath carrier{...};                                     // RFC 3261 12.2.1.1
//   std::string bye = dialog_request(carrier, "BYE", ++carrier.cseq, via);
//   auto where = parse_refer_to(refer.find("Refer-To")->value); // RFC 3515, RFC 3891
//   if (where && where->replaces) ... attended transfer (RFC 5589)
//
// A call serve takes over from the proxy (takeover.cpp) goes on in the dialogs the proxy
// relayed: the carrier's and the phone's share one Call-ID and one pair of tags, and serve
// plays the phone toward the carrier and the carrier toward the phone, each with what that
// side already knows (its remote target, route set and CSeq numbers).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sip/transport/peer.hpp"
#include "sip/writer.hpp"

namespace callplan::sip {

// Where serve's requests in one dialog go, and as whom.
struct DialogPath {
  std::string call_id;
  std::string from;                 // our identity in it, with our tag
  std::string to;                   // theirs, with their tag
  std::string target;               // their remote target (the URI of their Contact)
  std::vector<std::string> routes;  // the route set, in the order Route headers are written
  Peer peer;                        // where requests go (their flow, or the next hop)
  std::string contact;              // our Contact (written in INVITE and UPDATE), "" for none
  std::uint32_t cseq = 0;           // the last CSeq number we used in it
};

// A request of ours in `path` with CSeq `cseq` (an ACK takes its INVITE's number) and our
// Via `via`: Request-URI the remote target, the route set, From/To/Call-ID of the dialog,
// `extra` headers, our Contact for INVITE and UPDATE, then the body.
std::string dialog_request(const DialogPath& path, std::string_view method, std::uint32_t cseq,
                           std::string_view via, std::span<const HeaderLine> extra = {},
                           std::string_view body = {}, std::string_view content_type = {});

// A dialog serve did not answer (the proxy relayed it) written as the INVITE a UAS would
// have kept of it (RFC 3261 12.1.1): From = the remote side with its tag, To = our identity
// without tag, its remote target as Contact, its route set as Record-Route in order, `cseq`
// its last CSeq. What AnsweredDialog keeps of the caller's dialog, so a call taken over is
// ended, held and transferred like a call serve answered.
struct DialogAsInvite {
  std::string_view call_id;
  std::string_view remote;          // with its tag
  std::string_view local;           // ours, without a tag
  std::string_view remote_target;
  std::span<const std::string> routes;
  std::uint32_t cseq = 1;
  const Peer* remote_peer = nullptr;  // its Via (where it is reached)
};
std::string dialog_as_invite(const DialogAsInvite& dialog);

// A From/To value without its parameters (the tag goes), display name kept: an identity to
// show in a request of another dialog. The tag of such a value ("" for none).
std::string identity_of(std::string_view value);
std::string tag_of(std::string_view value);

// Replaces (RFC 3891 6.1): the dialog an INVITE replaces, named as its recipient knows it
// (to-tag: the recipient's own tag, from-tag: the other side's).
struct ReplacesId {
  std::string call_id;
  std::string to_tag;
  std::string from_tag;
  bool early_only = false;
};
std::optional<ReplacesId> parse_replaces(std::string_view value);
std::string replaces_value(const ReplacesId& id);

// The Refer-To of a REFER (RFC 3515 2.1): where the call goes, and for an attended transfer
// (RFC 5589) the dialog it replaces, from the URI's `?Replaces=` header (escaped, RFC 3261
// 19.1.1). nullopt: not a name-addr with a SIP URI, or a Replaces that does not parse.
struct ReferTarget {
  std::string uri;   // the URI without its headers
  std::string user;  // its user part, unescaped ("" for none)
  std::optional<ReplacesId> replaces;
};
std::optional<ReferTarget> parse_refer_to(std::string_view value);

}  // namespace callplan::sip
