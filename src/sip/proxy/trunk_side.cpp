#include "sip/proxy/trunk_side.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "sip/scanner.hpp"

namespace callplan::sip {
namespace {

bool named(const Header& h, std::string_view name) { return detail::iequals(h.name, name); }

// Headers that only this hop or the inside may read: never to the carrier.
bool inside_only(const Header& h) {
  switch (h.id) {
    case HeaderId::via:
    case HeaderId::route:
    case HeaderId::record_route:
    case HeaderId::contact:
    case HeaderId::proxy_authorization:
    case HeaderId::content_length:
      return true;
    default:
      return named(h, "P-Asserted-Identity") || named(h, "P-Preferred-Identity");
  }
}

// An SDP body with the origin's username (RFC 4566 5.2: the user's login on the originating
// host; phones write their SIP username there) replaced by "-", which the RFC allows when
// there is none, and without `a=ssrc:... cname:` lines (where baresip writes its SIP URI):
// the device username of the inside stays inside. Other bodies unchanged.
std::string without_origin_user(std::string_view body) {
  if (!body.starts_with("v=0")) return std::string(body);
  std::string out;
  out.reserve(body.size());
  // RFC 5576 source attributes naming the phone: `a=ssrc:<id> cname:sip:<device>@<addr>:<port>`
  // (baresip writes its SIP identity there). RTP works without them; they go.
  for (std::size_t at = 0; at < body.size();) {
    std::size_t end = body.find('\n', at);
    end = end == std::string_view::npos ? body.size() : end + 1;
    std::string_view line = body.substr(at, end - at);
    if (!(line.starts_with("a=ssrc:") && line.find(" cname:") != std::string_view::npos)) out += line;
    at = end;
  }
  std::size_t line = out.find("\no=");
  if (line == std::string::npos) return out;
  const std::size_t user = line + 3;
  const std::size_t end = out.find(' ', user);
  if (end == std::string::npos || out.find('\n', user) < end) return out;
  out.replace(user, end - user, "-");
  return out;
}

void write_max_forwards(MessageWriter& w, const Message& m) {
  w.header("Max-Forwards",
           static_cast<std::uint64_t>(m.max_forwards < 0 ? 70 : (m.max_forwards > 0 ? m.max_forwards - 1 : 0)));
}

// The message's CSeq with its number moved by `shift` (never below 1).
void write_cseq(MessageWriter& w, const Message& m, std::int64_t shift) {
  const std::int64_t number = std::max<std::int64_t>(1, static_cast<std::int64_t>(m.cseq.number) + shift);
  w.header("CSeq", fmt::format("{} {}", number, m.cseq.method_text));
}

}  // namespace

std::vector<std::string> via_values(const Message& request) {
  std::vector<std::string> vias;
  request.for_each_value(HeaderId::via, [&](std::string_view value) {
    vias.emplace_back(value);
    return true;
  });
  return vias;
}

std::string trunk_invite(const Message& invite, const TrunkInvite& parts) {
  std::string out;
  MessageWriter w(out);
  w.request_line(invite.method_text, parts.request_uri);
  w.header("Via", parts.via);
  if (!parts.record_route.empty()) w.header("Record-Route", parts.record_route);
  write_max_forwards(w, invite);
  for (const Header& h : invite.headers) {
    if (inside_only(h) || h.id == HeaderId::max_forwards) continue;
    if (h.id == HeaderId::from) {
      w.header("From", parts.from);
      continue;
    }
    w.header(h.name, h.value);
  }
  w.header("Contact", parts.contact);
  if (!parts.asserted_identity.empty()) w.header("P-Asserted-Identity", parts.asserted_identity);
  w.finish(without_origin_user(invite.body));
  return out;
}

std::string response_for_phone(std::span<const std::string> phone_vias,
                               const Message& carrier_response, std::string_view phone_from,
                               std::uint32_t cseq_shift) {
  std::string out;
  MessageWriter w(out);
  w.status_line(carrier_response.status_code, carrier_response.reason_phrase);
  for (const std::string& via : phone_vias) w.header("Via", via);
  for (const Header& h : carrier_response.headers) {
    if (h.id == HeaderId::via || h.id == HeaderId::content_length) continue;
    if (h.id == HeaderId::from) {
      w.header("From", phone_from);
      continue;
    }
    if (h.id == HeaderId::cseq && cseq_shift != 0) {
      write_cseq(w, carrier_response, -static_cast<std::int64_t>(cseq_shift));
      continue;
    }
    w.header(h.name, h.value);
  }
  w.finish(carrier_response.body);
  return out;
}

std::string request_for_carrier(const Message& phone_request, const TrunkDialog& dialog,
                                std::string_view via, bool pop_route) {
  std::string out;
  MessageWriter w(out);
  w.request_line(phone_request.method_text, phone_request.request_uri_text);
  w.header("Via", via);
  // The phone's route set is our entry, then the carrier's own Record-Route entries: ours
  // goes, the carrier's stay (they are its topology, not ours).
  bool popped = !pop_route;
  phone_request.for_each_value(HeaderId::route, [&](std::string_view value) {
    if (!popped) {
      popped = true;
      return true;
    }
    w.header("Route", value);
    return true;
  });
  write_max_forwards(w, phone_request);
  for (const Header& h : phone_request.headers) {
    if (inside_only(h) || h.id == HeaderId::max_forwards) continue;
    if (h.id == HeaderId::from) {
      w.header("From", dialog.trunk_from);
      continue;
    }
    if (h.id == HeaderId::cseq && dialog.cseq_shift != 0) {
      write_cseq(w, phone_request, dialog.cseq_shift);
      continue;
    }
    w.header(h.name, h.value);
  }
  // ACK, BYE and CANCEL carry no Contact; re-INVITE, UPDATE and the like need ours.
  if (phone_request.find(HeaderId::contact) != nullptr) w.header("Contact", dialog.our_contact);
  w.finish(without_origin_user(phone_request.body));
  return out;
}

std::string request_for_phone(const Message& carrier_request, const TrunkDialog& dialog,
                              std::string_view via) {
  std::string out;
  MessageWriter w(out);
  w.request_line(carrier_request.method_text, dialog.phone_contact);
  w.header("Via", via);
  for (const Header& h : carrier_request.headers) {
    if (h.id == HeaderId::route || h.id == HeaderId::content_length) continue;
    if (h.id == HeaderId::max_forwards) {
      write_max_forwards(w, carrier_request);
      continue;
    }
    if (h.id == HeaderId::to) {
      w.header("To", dialog.phone_from);  // the phone's own identity and tag
      continue;
    }
    w.header(h.name, h.value);
  }
  w.finish(carrier_request.body);
  return out;
}

std::string response_for_carrier(const Message& phone_response, const TrunkDialog& dialog,
                                 bool initial) {
  std::string out;
  MessageWriter w(out);
  w.status_line(phone_response.status_code, phone_response.reason_phrase);
  bool ours = true;  // the top Via is ours: it goes
  for (const Header& h : phone_response.headers) {
    if (h.id == HeaderId::via) {
      // Write this header's values but the very first one of the message.
      std::vector<std::string_view> values;
      ListSplitter split(h.value);
      std::string_view element;
      while (split.next(element))
        if (!element.empty()) values.push_back(element);
      for (std::string_view v : values) {
        if (ours) {
          ours = false;
          continue;
        }
        w.header("Via", v);
      }
      continue;
    }
    if (h.id == HeaderId::content_length) continue;
    if (h.id == HeaderId::record_route) {
      // The route set as the carrier built it, under the header's full name: phones may
      // echo it as "Record-route" (linphone does), which strict carriers do not match.
      if (initial) w.header("Record-Route", h.value);
      continue;
    }
    if (h.id == HeaderId::to) {
      w.header("To", dialog.trunk_from);
      continue;
    }
    if (h.id == HeaderId::contact) {
      w.header("Contact", dialog.our_contact);
      continue;
    }
    if (named(h, "P-Asserted-Identity") || named(h, "P-Preferred-Identity")) continue;
    w.header(h.name, h.value);
  }
  w.finish(without_origin_user(phone_response.body));
  return out;
}

}  // namespace callplan::sip
