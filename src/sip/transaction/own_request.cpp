#include "sip/transaction/own_request.hpp"

#include <string>

#include "sip/header_id.hpp"
#include "sip/header_values.hpp"
#include "sip/scanner.hpp"
#include "sip/writer.hpp"

namespace callplan::sip::transaction_detail {

bool read_own_request(std::string_view request, OwnRequest& out) {
  out = OwnRequest{};
  std::size_t end = request.find("\r\n");
  if (end == std::string_view::npos) return false;
  const std::string_view line = request.substr(0, end);
  const std::size_t sp1 = line.find(' ');
  const std::size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos) return false;
  out.request_uri = line.substr(sp1 + 1, sp2 - sp1 - 1);

  std::size_t routes = 0;
  bool have_cseq = false;
  for (std::size_t pos = end + 2;; pos = end + 2) {
    end = request.find("\r\n", pos);
    if (end == std::string_view::npos) return false;
    if (end == pos) break;  // the empty line: end of the headers
    if (end + 2 < request.size() && detail::is_ws(request[end + 2])) return false;  // a fold
    const std::string_view field = request.substr(pos, end - pos);
    const std::size_t colon = field.find(':');
    if (colon == std::string_view::npos) return false;
    std::string_view name = field.substr(0, colon);
    while (!name.empty() && detail::is_ws(name.back())) name.remove_suffix(1);
    const HeaderId id = header_id_from_name(name);
    const std::string_view value = detail::trim_lws(field.substr(colon + 1));
    switch (id) {
      case HeaderId::via:
        if (out.top_via.empty()) {
          ListSplitter split(value);
          std::string_view first;
          if (!split.next(first)) return false;
          out.top_via = detail::trim_lws(first);
          if (out.top_via.empty()) return false;
        }
        break;
      case HeaderId::cseq:
        if (!have_cseq) {
          CSeq cseq;
          if (!parse_cseq(value, cseq)) return false;
          out.cseq = cseq.number;
          have_cseq = true;
        }
        break;
      case HeaderId::route:
      case HeaderId::from:
      case HeaderId::to:
      case HeaderId::call_id:
        if (id == HeaderId::route && ++routes > OwnRequest::kMaxRoutes) return false;
        if (out.copied_count == out.copied.size()) return false;
        out.copied[out.copied_count++] = {header_canonical_name(id), value};
        if (id == HeaderId::from && out.from.empty()) out.from = value;
        if (id == HeaderId::to && out.to.empty()) out.to = value;
        if (id == HeaderId::call_id && out.call_id.empty()) out.call_id = value;
        break;
      default:
        break;
    }
  }
  return !out.top_via.empty() && have_cseq && !out.from.empty() && !out.call_id.empty();
}

std::string own_cancel(const OwnRequest& invite) {
  std::string out;
  out.reserve(512);
  MessageWriter w(out);
  w.request_line("CANCEL", invite.request_uri);
  w.header("Via", invite.top_via);
  for (std::size_t i = 0; i < invite.copied_count; ++i)
    w.header(invite.copied[i].name, invite.copied[i].value);
  std::string cseq = std::to_string(invite.cseq);  // at most 10 digits + " CANCEL": no heap
  cseq.append(" CANCEL");
  w.header("CSeq", cseq);
  w.header("Max-Forwards", std::uint64_t{70});
  w.finish();
  return out;
}

std::string own_ack(const OwnRequest& invite, std::string_view response_to) {
  std::string out;
  out.reserve(512);
  MessageWriter w(out);
  w.request_line("ACK", invite.request_uri);
  w.header("Via", invite.top_via);
  w.header("Max-Forwards", std::uint64_t{70});
  for (std::size_t i = 0; i < invite.copied_count; ++i)
    if (invite.copied[i].name == header_canonical_name(HeaderId::route))
      w.header("Route", invite.copied[i].value);
  w.header("From", invite.from);
  if (!response_to.empty()) w.header("To", response_to);
  w.header("Call-ID", invite.call_id);
  std::string cseq = std::to_string(invite.cseq);
  cseq.append(" ACK");
  w.header("CSeq", cseq);
  w.finish();
  return out;
}

}  // namespace callplan::sip::transaction_detail
