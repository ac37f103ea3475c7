// Where each node of a YAML file is, in bytes: the index the in-place writer edits through.
//
// yaml-cpp's event API gives the start of every node (YAML::Mark::pos, a byte offset into the
// UTF-8 text) but not its end, nor its quoting. We build a tree from the events and find each
// end by scanning the bytes from the start with the node's own rules (docs/panel.md, "How
// edits are written"):
//   - a double-quoted scalar ends after the first `"` not escaped by `\`;
//   - a single-quoted scalar ends after the first `'` not doubled;
//   - a plain scalar ends where its folded lines spell the value yaml-cpp reported (each line
//     stops at ` #`, `: ` and, in flow context, at `,[]{}`), so multi-line plain scalars work;
//   - a block scalar (`|`, `>`) ends with the last non-blank line indented like its content;
//   - a flow collection ends after its closing bracket, found by skipping blanks, comments,
//     `,` and `:` after its last child; a block collection ends where its last child ends.
// An empty value (`key:` with nothing) has an empty span right after the key's `:`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace callplan::panel {

struct SpanNode {
  enum class Kind : std::uint8_t { null, scalar, sequence, map, alias };
  // How a scalar is written: plain, 'single', "double", | literal or > folded.
  enum class Quote : std::uint8_t { plain, single, double_, literal, folded };

  Kind kind = Kind::null;
  Quote quote = Quote::plain;
  bool flow = false;       // a collection written [..] / {..}
  bool in_flow = false;    // inside a flow collection (plain scalars end at ,[]{})
  bool anchored = false;   // carries &anchor: aliases elsewhere share it
  bool has_merge = false;  // a map with a `<<` key
  bool has_span = false;   // false only for an empty sequence item (`-` with nothing)
  std::size_t start = 0;   // first byte of the node's own text (after tag and anchor)
  std::size_t end = 0;     // one past its last byte
  std::string text;        // scalar: the value as yaml-cpp reported it
  std::vector<std::unique_ptr<SpanNode>> items;                                          // sequence
  std::vector<std::pair<std::unique_ptr<SpanNode>, std::unique_ptr<SpanNode>>> entries;  // map

  bool is_collection() const { return kind == Kind::sequence || kind == Kind::map; }
  // Map: the index of the first entry whose key is the scalar `key`.
  std::optional<std::size_t> find(std::string_view key) const;
};

struct SpanDocument {
  std::unique_ptr<SpanNode> root;  // nullptr for an empty file
  std::string error;               // not empty when the text could not be indexed
};

// Indexes `text` (the first document). Never throws; a YAML error or a node whose end cannot
// be found exactly is reported in `error`.
SpanDocument index_spans(std::string_view text);

}  // namespace callplan::panel
