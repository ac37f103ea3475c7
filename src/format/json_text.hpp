// Internal: serialise JSON the way every machine format of callplan does — two-space indent,
// keys in insertion order, and invalid UTF-8 from user files replaced rather than thrown on.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace callplan::detail {

inline std::string dump_json(const nlohmann::ordered_json& value) {
  std::string text = value.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  text += '\n';
  return text;
}

}  // namespace callplan::detail
