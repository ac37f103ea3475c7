#include "sip/via_received.hpp"

#include <fmt/format.h>

#include "sip/header_id.hpp"
#include "sip/header_values.hpp"
#include "sip/scanner.hpp"

using callplan::sip::detail::iequals;

namespace callplan::sip {
namespace {

std::string_view without_brackets(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    return host.substr(1, host.size() - 2);
  return host;
}

bool received_needed(const Via& via, std::string_view source_address) {
  return via.has_rport || !iequals(without_brackets(via.host), source_address);
}

// Does the Via not say yet what it should?
bool needs_stamp(const Via& via, std::string_view source_address, std::uint16_t source_port) {
  const bool already =
      (!received_needed(via, source_address) || via.received == source_address) &&
      (!via.has_rport || via.rport == source_port);
  return !already && !via.text.empty();
}

// Appends the Via's value with received and rport written in: the value up to its parameters,
// the parameters but received and rport, then ours.
void append_stamped_value(const Via& via, std::string_view source_address,
                          std::uint16_t source_port, std::string& out) {
  // sent-by cannot hold a ';' (an IPv6 reference has none), so the first one starts them.
  std::string_view head = via.text.substr(0, via.text.find(';'));
  while (!head.empty() && (head.back() == ' ' || head.back() == '\t' || head.back() == '\r' || head.back() == '\n')) head.remove_suffix(1);
  out.append(head);
  via.params.for_each([&](const Param& p) {
    if (iequals(p.name, "received") || iequals(p.name, "rport")) return true;
    out += ';';
    out.append(p.name);
    if (p.has_value) {
      out += '=';
      out.append(p.value);
    }
    return true;
  });
  if (received_needed(via, source_address)) out.append(";received=").append(source_address);
  if (via.has_rport) fmt::format_to(std::back_inserter(out), ";rport={}", source_port);
}

// `raw` with the Via whose value is `via.text` (a view into `raw`) stamped, into `out`.
// Returns the stamped value's place in `out`.
std::string_view splice(std::string_view raw, const Via& via, std::string_view source_address,
                        std::uint16_t source_port, std::string& out) {
  const auto begin = static_cast<std::size_t>(via.text.data() - raw.data());
  out.clear();
  out.reserve(raw.size() + via.text.size() + source_address.size() + 32);
  out.append(raw.substr(0, begin));
  append_stamped_value(via, source_address, source_port, out);
  const std::size_t value_size = out.size() - begin;
  out.append(raw.substr(begin + via.text.size()));
  return std::string_view(out).substr(begin, value_size);
}

// The first value of the first Via header of the request in `bytes`, found as parse_message
// finds it (header lines end with CRLF, folds continue them, the name is a token before ':',
// "Via" or "v" in any case). Empty for a response, a folded Via, or no end of the headers: the
// caller then parses first, as before. A message the parser splits otherwise (a bare CR or
// LF) is caught by the caller's check that the parser's top Via is where this one was.
std::string_view find_top_via(std::string_view bytes) {
  if (bytes.starts_with("SIP/")) return {};  // a response: nothing to stamp
  std::size_t pos = bytes.find("\r\n");
  if (pos == std::string_view::npos) return {};
  pos += 2;
  while (pos < bytes.size()) {
    if (bytes.substr(pos).starts_with("\r\n")) return {};  // end of the headers: no Via
    std::size_t end = bytes.find("\r\n", pos);
    // Folded continuation lines start with SP or HT.
    while (end != std::string_view::npos && end + 2 < bytes.size() && detail::is_ws(bytes[end + 2]))
      end = bytes.find("\r\n", end + 2);
    if (end == std::string_view::npos) return {};
    const std::string_view field = bytes.substr(pos, end - pos);
    pos = end + 2;
    const std::size_t colon = field.find(':');
    if (colon == std::string_view::npos) return {};
    std::string_view name = field.substr(0, colon);
    while (!name.empty() && detail::is_ws(name.back())) name.remove_suffix(1);
    if (header_id_from_name(name) != HeaderId::via) continue;
    if (field.find_first_of("\r\n") != std::string_view::npos) return {};  // folded: rare
    ListSplitter split(detail::trim_lws(field.substr(colon + 1)));
    std::string_view element;
    if (!split.next(element)) return {};
    return element;
  }
  return {};
}

}  // namespace

std::string stamp_received(const Message& request, std::string_view source_address,
                           std::uint16_t source_port) {
  if (!needs_stamp(request.top_via, source_address, source_port)) return {};
  // request.raw is the buffer the views point into.
  std::string out;
  splice(request.raw, request.top_via, source_address, source_port, out);
  return out;
}

std::optional<std::string_view> stamp_received_unparsed(std::string_view bytes,
                                                        std::string_view source_address,
                                                        std::uint16_t source_port,
                                                        std::string& out) {
  const std::string_view element = find_top_via(bytes);
  if (element.empty()) return std::nullopt;
  Via via;
  if (parse_via(element, via) != ViaError::none) return std::nullopt;
  if (!needs_stamp(via, source_address, source_port)) return std::nullopt;
  return splice(bytes, via, source_address, source_port, out);  // out's capacity is reused
}

}  // namespace callplan::sip
