// Shared machinery of the readers that turn the YAML tree of one file into model structs:
// source ids, issues, maps with a known set of keys, and typed fields.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "callplan/load.hpp"
#include "callplan/model.hpp"
#include "load/yaml_tree.hpp"

namespace callplan::load {

// What the readers of all files of one load share.
struct LoadState {
  LoadResult result;
  std::vector<Schedule> inline_schedules;  // appended after the named ones at the end
  SourceId version_where = kNoSource;      // where `version` / `tenant` were first given
  SourceId tenant_where = kNoSource;
};

// The readers' view of one file.
class Reader {
 public:
  Reader(LoadState& state, std::uint32_t file) : state_(state), file_(file) {}

  Tenant& tenant() { return state_.result.tenant; }
  LoadState& state() { return state_; }
  const std::string& path() const { return state_.result.tenant.sources.file_path(file_); }

  // A new source id for the node's position.
  SourceId where(const YamlNode& node) {
    return state_.result.tenant.sources.add(file_, node.line, node.column);
  }
  Location location(const YamlNode& node) const { return Location{path(), node.line, node.column}; }

  // Adds an issue at `at` and returns it, so that callers can add notes and hints.
  Issue& report(std::string_view code, std::string message, const YamlNode& at);
  Issue& report(std::string_view code, std::string message, Location at);

 private:
  LoadState& state_;
  std::uint32_t file_;
};

// A YAML map whose keys are known. Constructing it reports CP102 when the node is not a map
// (then ok() is false and every get() is nullptr) and CP101, with a "did you mean" hint, for
// each key not in `keys`. `what` names the thing in messages: "a user", "the transfer step".
class MapView {
 public:
  MapView(Reader& reader, const YamlNode& node, std::string what,
          std::span<const std::string_view> keys);

  bool ok() const { return ok_; }
  const YamlNode& node() const { return node_; }
  const std::string& what() const { return what_; }

  // The value of `key`, or nullptr when the key is not written.
  const YamlNode* get(std::string_view key) const;
  // The key node itself (for "the step's key" locations), or nullptr.
  const YamlNode* key(std::string_view key) const;
  bool has(std::string_view key) const { return get(key) != nullptr; }
  // Like get(), but reports CP103 at the map when the key is missing or has no value.
  const YamlNode* require(std::string_view key);

  Reader& reader() { return reader_; }

 private:
  Reader& reader_;
  const YamlNode& node_;
  std::string what_;
  bool ok_ = false;
};

// Typed fields. Each reports what is wrong and leaves `out` untouched on failure. A key that
// is not written, or written with no value (`label:`), leaves `out` as its default too.

// Any scalar, as written.
bool read_text(MapView& map, std::string_view key, Located<std::string>& out);
bool read_text(MapView& map, std::string_view key, std::string& out);
// true/false (also yes/no, on/off).
bool read_bool(MapView& map, std::string_view key, Located<bool>& out);
// A whole number in [min, max]; "seconds", "rings"... name the unit in messages.
bool read_count(MapView& map, std::string_view key, Located<std::uint32_t>& out,
                std::uint32_t min, std::uint32_t max, std::string_view unit);

// The scalar text of `node`, reporting CP102 (naming `field`) when it is a map or a list.
// Returns false without an issue for null.
bool scalar_text(Reader& reader, const YamlNode& node, std::string_view field, std::string& out);

// A sequence's items, or the node itself when `allow_single` and it is a scalar. Reports
// CP102 when it is neither.
std::vector<const YamlNode*> list_items(Reader& reader, const YamlNode& node,
                                        std::string_view field, bool allow_single = false);

// One value of an enumeration; CP107 with "did you mean" when `text` is not in `names`.
template <class E>
bool read_enum(MapView& map, std::string_view key, Located<E>& out,
               std::span<const std::pair<std::string_view, E>> names);

std::string quoted_list(std::span<const std::string_view> names);

bool report_unknown_enum(Reader& reader, const YamlNode& at, std::string_view field,
                         std::string_view text, std::span<const std::string_view> names);

template <class E>
bool read_enum(MapView& map, std::string_view key, Located<E>& out,
               std::span<const std::pair<std::string_view, E>> names) {
  const YamlNode* v = map.get(key);
  std::string text;
  if (v == nullptr || !scalar_text(map.reader(), *v, key, text)) return false;
  for (const auto& [name, value] : names) {
    if (name == text) {
      out = Located<E>{value, map.reader().where(*v)};
      return true;
    }
  }
  std::vector<std::string_view> all;
  for (const auto& [name, value] : names) all.push_back(name);
  return report_unknown_enum(map.reader(), *v, key, text, all);
}

}  // namespace callplan::load
