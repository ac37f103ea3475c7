// A small YAML node tree that remembers what yaml-cpp's own Node forgets.
//
// yaml-cpp's YAML::Node merges duplicate keys silently and drops whether a scalar was quoted.
// The loader needs both (duplicate keys are CP104; `extension: 001` must stay "001"), plus the
// exact 1-based line:column of every key and value. So we build our own tree from yaml-cpp's
// event API. In the loader this is the only file that sees yaml-cpp, and parse_yaml() the only
// place that catches YAML::Exception: tenant files (loader.cpp) and plan-test files
// (plantest/load_plan_tests.cpp) are both read through it, so their syntax errors, duplicate
// keys and positions are reported alike. (The panel's in-place writer, src/panel/yaml_edit,
// reads the bytes itself: it needs spans and quoting styles, not a model.)
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "callplan/diagnostics.hpp"

namespace callplan::load {

struct YamlNode;
using NodePtr = std::shared_ptr<const YamlNode>;

struct YamlEntry {
  NodePtr key;
  NodePtr value;
};

struct YamlNode {
  enum class Kind : std::uint8_t { null, scalar, sequence, map };

  Kind kind = Kind::null;
  std::uint32_t line = 0;    // 1-based
  std::uint32_t column = 0;  // 1-based, in bytes
  std::string text;          // scalar: the text as written (no type conversion)
  bool plain = true;         // scalar: written without quotes, block style or !!str
  std::vector<NodePtr> items;       // sequence
  std::vector<YamlEntry> entries;   // map, duplicates removed (the first one is kept)

  bool is_null() const { return kind == Kind::null; }
  bool is_scalar() const { return kind == Kind::scalar; }
  bool is_sequence() const { return kind == Kind::sequence; }
  bool is_map() const { return kind == Kind::map; }

  // Map: the entry whose key is the scalar `key`, or nullptr.
  const YamlEntry* find(std::string_view key) const;
};

struct YamlDocument {
  NodePtr root;   // nullptr when the file is empty or could not be parsed
  bool ok = true; // false after a syntax error: `root` must not be interpreted
  Issues issues;  // CP100 syntax problems and CP104 duplicate keys
};

// Parses `text` (one YAML document, UTF-8, an optional UTF-8 BOM already removed). `file` is
// used in the locations of issues, `kind` ("tenant file", "test file") in their messages. Never
// throws for bad content.
YamlDocument parse_yaml(std::string_view text, const std::string& file,
                        std::string_view kind = "tenant file");

// `text` without a leading UTF-8 byte-order mark (valid YAML, and what Windows editors write),
// so that columns on line 1 count from the first visible character.
std::string without_bom(std::string text);

// "a map", "a list", "nothing", "`abc`" — for messages.
std::string describe(const YamlNode& node);

}  // namespace callplan::load
