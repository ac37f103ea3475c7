// The tree a YAML file means, without its layout: what an edit is checked against.
//
// A scalar is its text as written (no type conversion: `001` stays "001", as the loader reads
// it); only a plain `~`, `null` or nothing is null. Map entries keep their order. Aliases are
// expanded. This is the "intended tree" the writer compares a re-parsed file with.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace callplan::panel {

struct YamlValue {
  enum class Kind : std::uint8_t { null, scalar, sequence, map };
  Kind kind = Kind::null;
  std::string text;                                        // scalar
  std::vector<YamlValue> items;                            // sequence
  std::vector<std::pair<std::string, YamlValue>> entries;  // map (keys are scalars)

  static YamlValue null() { return {}; }
  static YamlValue scalar(std::string s);
  static YamlValue sequence(std::vector<YamlValue> items = {});
  static YamlValue map(std::vector<std::pair<std::string, YamlValue>> entries = {});

  bool is_scalar() const { return kind == Kind::scalar; }
  bool is_sequence() const { return kind == Kind::sequence; }
  bool is_map() const { return kind == Kind::map; }
  // Map: the value of the first entry with `key`, or nullptr.
  const YamlValue* find(std::string_view key) const;
  YamlValue* find(std::string_view key);

  friend bool operator==(const YamlValue&, const YamlValue&) = default;
};

// One step of a path: a map key or a sequence index.
using PathStep = std::variant<std::string, std::size_t>;
using YamlPath = std::vector<PathStep>;

// "plans[0].steps[2].transfer" — for messages.
std::string format_path(const YamlPath& path);

// Parses `text` (the first document) with yaml-cpp. nullopt and `error` set when it is not
// valid YAML or a map key is not a scalar.
std::optional<YamlValue> parse_value(std::string_view text, std::string* error = nullptr);

// Where `actual` first differs from `expected` ("plans[0].label: `A` instead of `B`"), or
// nullopt when they are equal.
std::optional<std::string> first_difference(const YamlValue& expected, const YamlValue& actual);

}  // namespace callplan::panel
