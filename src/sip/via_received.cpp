#include "sip/via_received.hpp"

#include <fmt/format.h>

#include "sip/scanner.hpp"

using callplan::sip::detail::iequals;

namespace callplan::sip {
namespace {

std::string_view without_brackets(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    return host.substr(1, host.size() - 2);
  return host;
}

}  // namespace

std::string stamp_received(const Message& request, std::string_view source_address,
                           std::uint16_t source_port) {
  const Via& via = request.top_via;
  const bool received_needed =
      via.has_rport || !iequals(without_brackets(via.host), source_address);
  const bool already = (!received_needed || via.received == source_address) &&
                       (!via.has_rport || via.rport == source_port);
  if (already || via.text.empty()) return {};

  // The Via value up to its parameters, the parameters but received and rport, then ours.
  std::string value;
  // sent-by cannot hold a ';' (an IPv6 reference has none), so the first one starts them.
  std::string_view head = via.text.substr(0, via.text.find(';'));
  while (!head.empty() && (head.back() == ' ' || head.back() == '\t' || head.back() == '\r' || head.back() == '\n')) head.remove_suffix(1);
  value.append(head);
  via.params.for_each([&](const Param& p) {
    if (iequals(p.name, "received") || iequals(p.name, "rport")) return true;
    value += ';';
    value.append(p.name);
    if (p.has_value) {
      value += '=';
      value.append(p.value);
    }
    return true;
  });
  if (received_needed) fmt::format_to(std::back_inserter(value), ";received={}", source_address);
  if (via.has_rport) fmt::format_to(std::back_inserter(value), ";rport={}", source_port);

  // Splice it in place of the old value: request.raw is the buffer the views point into.
  const std::string_view raw_message = request.raw;
  const auto begin = static_cast<std::size_t>(via.text.data() - raw_message.data());
  std::string out;
  out.reserve(raw_message.size() + value.size());
  out.append(raw_message.substr(0, begin));
  out.append(value);
  out.append(raw_message.substr(begin + via.text.size()));
  return out;
}

}  // namespace callplan::sip
