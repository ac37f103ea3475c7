// Internal: how graphs and diffs name things for people (users, numbers, strategies).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "callplan/model.hpp"

namespace callplan::graph_detail {

// Extension -> "Anna de Vries", for the users of one tenant (first definition wins).
class People {
 public:
  explicit People(const Tenant& tenant);
  // "001 Anna de Vries"; an extension no user has comes back as written.
  std::string user(std::string_view extension) const;
  // A ring target as written in a step: a user ("001 Anna de Vries") or an external number
  // ("+31 6 1234 5678").
  std::string target(std::string_view written) const;
  bool is_user(std::string_view extension) const { return names_.count(extension) != 0; }

 private:
  std::map<std::string, std::string, std::less<>> names_;
};

// "memory hunt", "ring all", ...
std::string strategy_words(Strategy strategy);

// "30 s"; whole rings are not spelled out (one ring is 5 s, SPEC 1).
std::string seconds(std::uint32_t s);

}  // namespace callplan::graph_detail
