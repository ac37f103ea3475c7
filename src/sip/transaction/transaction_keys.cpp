#include "sip/transaction/transaction_keys.hpp"

#include <charconv>

namespace callplan::sip::transaction_detail {

void branch_key(const Message& request, std::string_view method, std::string& out) {
  const Via& via = request.top_via;
  out.clear();
  out.push_back('b');
  out.append(method).push_back(' ');
  out.append(via.branch).push_back(' ');
  // sent-by: a missing port (0) stays 0, so retransmissions of the same bytes match.
  out.append(via.host).push_back(':');
  char digits[8];
  const auto r = std::to_chars(digits, digits + sizeof digits, via.port);
  out.append(digits, static_cast<std::size_t>(r.ptr - digits));
}

void rfc2543_key(const Message& request, std::string_view method, std::string_view to_tag,
                 std::string& out) {
  out.clear();
  out.push_back('r');
  out.append(method).push_back('\n');
  out.append(request.request_uri_text).push_back('\n');
  out.append(to_tag).push_back('\n');
  out.append(request.from.tag()).push_back('\n');
  out.append(request.call_id).push_back('\n');
  char digits[12];
  const auto r = std::to_chars(digits, digits + sizeof digits, request.cseq.number);
  out.append(digits, static_cast<std::size_t>(r.ptr - digits)).push_back('\n');
  out.append(request.top_via.text);
}

std::string_view transaction_method(const Message& request) {
  return request.method == Method::ack ? method_text(Method::invite) : request.method_text;
}

void client_key(std::string_view branch, std::string_view method, std::string& out) {
  out.clear();
  out.append(branch).push_back(' ');
  out.append(method);
}

std::string_view request_method_token(std::string_view request) noexcept {
  const auto space = request.find(' ');
  return space == std::string_view::npos ? std::string_view{} : request.substr(0, space);
}

}  // namespace callplan::sip::transaction_detail
