#include "sip/method.hpp"

#include <array>
#include <utility>

namespace callplan::sip {
namespace {

constexpr std::array<std::pair<std::string_view, Method>, 14> kMethods{{
    {"INVITE", Method::invite},
    {"ACK", Method::ack},
    {"BYE", Method::bye},
    {"CANCEL", Method::cancel},
    {"REGISTER", Method::register_},
    {"OPTIONS", Method::options},
    {"INFO", Method::info},
    {"UPDATE", Method::update},
    {"PRACK", Method::prack},
    {"SUBSCRIBE", Method::subscribe},
    {"NOTIFY", Method::notify},
    {"REFER", Method::refer},
    {"MESSAGE", Method::message},
    {"PUBLISH", Method::publish},
}};

}  // namespace

Method method_from_text(std::string_view text) noexcept {
  for (const auto& [name, method] : kMethods) {
    if (name == text) return method;
  }
  return Method::other;
}

std::string_view method_text(Method method) noexcept {
  for (const auto& [name, m] : kMethods) {
    if (m == method) return name;
  }
  return {};
}

}  // namespace callplan::sip
