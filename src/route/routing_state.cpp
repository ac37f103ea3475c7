// RoutingState: round-robin positions and the random generator, kept across calls and
// written to / read from the CLI's --state files.
#include <nlohmann/json.hpp>

#include "callplan/error.hpp"
#include "callplan/session.hpp"

namespace callplan {

std::optional<std::string_view> RoutingState::round_robin(std::string_view group_path) const {
  auto it = round_robin_.find(group_path);
  if (it == round_robin_.end()) return std::nullopt;
  return std::string_view(it->second);
}

void RoutingState::set_round_robin(std::string_view group_path, std::string_view member) {
  auto it = round_robin_.find(group_path);
  if (it == round_robin_.end()) {
    round_robin_.emplace(std::string(group_path), std::string(member));
  } else {
    it->second.assign(member);  // keeps its capacity: no allocation call after call
  }
}

// splitmix64 (Steele, Lea, Flood 2014): tiny, fast, and the same sequence on every platform,
// unlike std:: distributions.
std::uint64_t RoutingState::next_random() {
  std::uint64_t z = (random_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

std::string RoutingState::to_json() const {
  nlohmann::ordered_json j;
  j["version"] = 1;
  j["round_robin"] = nlohmann::ordered_json::object();
  for (const auto& [group, member] : round_robin_) j["round_robin"][group] = member;
  j["random"] = random_;
  return j.dump(2) + "\n";
}

RoutingState RoutingState::from_json(std::string_view text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    throw Error("routing state: not a JSON object");
  }
  RoutingState s;
  for (const auto& [key, value] : j.items()) {
    if (key == "version") {
      if (!value.is_number_integer() || value.get<int>() != 1) {
        throw Error("routing state: `version` must be 1");
      }
    } else if (key == "round_robin") {
      if (!value.is_object()) throw Error("routing state: `round_robin` must be an object");
      for (const auto& [group, member] : value.items()) {
        if (!member.is_string()) {
          throw Error("routing state: round_robin `" + group + "` must name a member (a string)");
        }
        s.round_robin_.emplace(group, member.get<std::string>());
      }
    } else if (key == "random") {
      if (!value.is_number_unsigned() && !(value.is_number_integer() && value.get<long long>() >= 0)) {
        throw Error("routing state: `random` must be a non-negative integer");
      }
      s.random_ = value.get<std::uint64_t>();
    } else {
      throw Error("routing state: unknown key `" + key + "`");
    }
  }
  return s;
}

}  // namespace callplan
