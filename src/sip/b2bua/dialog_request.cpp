// Serve's own in-dialog requests, and the Refer-To and Replaces of a transfer
// (dialog_request.hpp).
#include "sip/b2bua/dialog_request.hpp"

#include <fmt/format.h>

#include "sip/name_addr.hpp"
#include "sip/params.hpp"
#include "sip/scanner.hpp"
#include "sip/uri.hpp"

namespace callplan::sip {

std::string dialog_request(const DialogPath& path, std::string_view method, std::uint32_t cseq,
                           std::string_view via, std::span<const HeaderLine> extra,
                           std::string_view body, std::string_view content_type) {
  std::string out;
  MessageWriter w(out);
  w.request_line(method, path.target);
  w.header("Via", via);
  for (const std::string& route : path.routes) w.header("Route", route);
  w.header("Max-Forwards", std::uint64_t{70});
  w.header("From", path.from);
  w.header("To", path.to);
  w.header("Call-ID", path.call_id);
  w.header("CSeq", fmt::format("{} {}", cseq, method));
  // A target refresh carries our Contact (RFC 3261 12.2.1.1; RFC 3311 5.1).
  if (!path.contact.empty() && (method == "INVITE" || method == "UPDATE"))
    w.header("Contact", path.contact);
  for (const HeaderLine& h : extra) w.header(h.name, h.value);
  w.finish(body, content_type);
  return out;
}

std::string dialog_as_invite(const DialogAsInvite& d) {
  std::string out;
  MessageWriter w(out);
  w.request_line("INVITE", d.remote_target);
  std::string via = d.remote_peer != nullptr
                        ? fmt::format("SIP/2.0/{} {};branch=z9hG4bK-taken-over",
                                      via_transport(d.remote_peer->protocol), d.remote_peer->host_port())
                        : std::string("SIP/2.0/UDP invalid;branch=z9hG4bK-taken-over");
  w.header("Via", via);
  w.header("From", d.remote);
  w.header("To", d.local);
  w.header("Call-ID", d.call_id);
  w.header("CSeq", fmt::format("{} INVITE", d.cseq));
  w.header("Contact", fmt::format("<{}>", d.remote_target));
  for (const std::string& route : d.routes) w.header("Record-Route", route);
  w.finish();
  return out;
}

std::string identity_of(std::string_view value) {
  NameAddr na;
  if (parse_name_addr(value, na, {}) != NameAddrError::none) return std::string(value);
  if (na.display_name.empty()) return fmt::format("<{}>", na.uri.text);
  if (na.display_quoted) return fmt::format("\"{}\" <{}>", na.display_name, na.uri.text);
  return fmt::format("{} <{}>", na.display_name, na.uri.text);
}

std::string tag_of(std::string_view value) {
  NameAddr na;
  if (parse_name_addr(value, na, {}) != NameAddrError::none) return {};
  return std::string(na.tag());
}

std::optional<ReplacesId> parse_replaces(std::string_view value) {
  value = detail::trim_lws(value);
  const std::size_t semi = value.find(';');
  ReplacesId id;
  id.call_id = std::string(detail::trim_lws(value.substr(0, semi)));
  if (id.call_id.empty() || semi == std::string_view::npos) return std::nullopt;
  ParamList params(value.substr(semi + 1), /*lws=*/true);
  bool to = false, from = false;
  params.for_each([&](const Param& p) {
    if (detail::iequals(p.name, "to-tag")) {
      id.to_tag = std::string(p.value);
      to = true;
    } else if (detail::iequals(p.name, "from-tag")) {
      id.from_tag = std::string(p.value);
      from = true;
    } else if (detail::iequals(p.name, "early-only")) {
      id.early_only = true;
    }
    return true;
  });
  if (!to || !from || id.to_tag.empty() || id.from_tag.empty()) return std::nullopt;
  return id;
}

std::string replaces_value(const ReplacesId& id) {
  return fmt::format("{};to-tag={};from-tag={}{}", id.call_id, id.to_tag, id.from_tag,
                     id.early_only ? ";early-only" : "");
}

std::optional<ReferTarget> parse_refer_to(std::string_view value) {
  NameAddr to;
  if (parse_name_addr(value, to, {}) != NameAddrError::none || !is_sip_scheme(to.uri.scheme_text))
    return std::nullopt;
  ReferTarget target;
  std::string_view uri = to.uri.text;
  if (const std::size_t q = uri.find('?'); q != std::string_view::npos) uri = uri.substr(0, q);
  target.uri = std::string(uri);
  target.user = unescape(to.uri.user);
  // hname=hvalue *("&" hname=hvalue), each escaped (RFC 3261 19.1.1).
  std::string_view headers = to.uri.headers;
  while (!headers.empty()) {
    const std::size_t amp = headers.find('&');
    std::string_view one = headers.substr(0, amp);
    headers = amp == std::string_view::npos ? std::string_view{} : headers.substr(amp + 1);
    const std::size_t eq = one.find('=');
    if (eq == std::string_view::npos || !detail::iequals(unescape(one.substr(0, eq)), "Replaces")) continue;
    std::string replaces = unescape(one.substr(eq + 1));
    target.replaces = parse_replaces(replaces);
    if (!target.replaces) return std::nullopt;
  }
  return target;
}

}  // namespace callplan::sip
