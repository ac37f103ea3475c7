#include "provision/escape.hpp"

#include <fmt/format.h>

#include "model/provisioning_syntax.hpp"
#include "provision/provision.hpp"

namespace callplan::provision {
namespace {

[[noreturn]] void refuse(std::string_view key, std::string_view why) {
  throw NotProvisionable(fmt::format("the value of `{}` {}", key, why));
}

}  // namespace

std::string xml_escape(std::string_view value, std::string_view key) {
  // The rules of every XML brand are the same; Snom stands for them.
  if (auto problem = setting_value_problem(Brand::snom, value)) refuse(key, *problem);
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {  // valid UTF-8: multi-byte sequences pass byte by byte
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      case '\t': out += "&#9;"; break;
      case '\n': out += "&#10;"; break;
      case '\r': out += "&#13;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string key_value_text(std::string_view value, std::string_view key) {
  if (auto problem = setting_value_problem(Brand::yealink, value)) refuse(key, *problem);
  return std::string(value);
}

void check_key_name(std::string_view key) {
  if (auto problem = setting_name_problem(Brand::other, key)) throw NotProvisionable(*problem);
}

}  // namespace callplan::provision
