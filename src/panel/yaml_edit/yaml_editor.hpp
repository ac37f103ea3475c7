// Edits a YAML file in place: each change is one minimal replacement in the original bytes.
//
// A changed value replaces its own text; a new item or key copies the indentation, dash style
// and flow/block style of its siblings; a removed item takes its lines and the comment lines
// directly above it. Everything else (comments, blank lines, key order, quoting, layout, LF or
// CRLF line ends) stays byte for byte. After every edit the text is parsed again and must give
// exactly the intended tree (the previous tree with the edit applied), or the edit is refused
// and the text is left as it was: a writer bug never reaches the disk. Nodes reached through
// anchors, aliases or merge keys are read-only. See docs/panel.md, "How edits are written".
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "panel/yaml_edit/node_spans.hpp"
#include "panel/yaml_edit/yaml_value.hpp"

namespace callplan::panel {

// Stable codes: the panel shows the message and keys its behaviour on the code.
enum class EditErrorCode {
  not_yaml,             // the file does not parse (or a node's end cannot be found exactly)
  path_not_found,       // no such key or index
  wrong_kind,           // e.g. set_scalar on a list, insert_item on a map
  read_only,            // through an anchor, an alias or a merge key
  key_exists,           // set_key with a key the map already has
  unsupported_layout,   // a layout the writer does not edit (block scalars, shared lines ...)
  verification_failed,  // the written text does not parse to the intended tree
};

// "read-only", "path-not-found" ... as shown to users and in logs.
std::string_view code_name(EditErrorCode code);

struct EditError : std::runtime_error {
  EditError(EditErrorCode c, const std::string& message);
  EditErrorCode code;
};

// One replacement in the text: `removed` bytes at `offset` became `inserted`.
struct TextReplacement {
  std::size_t offset = 0;
  std::size_t removed = 0;
  std::string inserted;
};

// A block item's own text, kept when the item moves (YamlEditor::item_text): the comment lines
// directly above it and its lines from its `-` to its end (with a comment on its last line),
// each without the indentation of the `-`, so that they can be written at another column.
struct ItemText {
  std::vector<std::string> comments;  // "# ..." lines, without their indentation
  std::vector<std::string> lines;     // "- transfer: ...", then its lines relative to the `-`
};

class YamlEditor {
 public:
  // Throws EditError(not_yaml) when `text` cannot be indexed.
  explicit YamlEditor(std::string text);

  const std::string& text() const { return text_; }
  // The tree the text is meant to give: the original tree with every edit applied.
  const YamlValue& expected() const { return expected_; }
  // Every replacement made, in order (each against the text as it was before it).
  const std::vector<TextReplacement>& replacements() const { return replacements_; }

  // Replaces a scalar's (or an empty value's) text, keeping its quoting when possible.
  void set_scalar(const YamlPath& path, std::string_view value);
  // Inserts `value` as item `index` (0 .. size) of the sequence at `path`, written like its
  // siblings, then like the nodes at `like` (items of other lists of the same kind).
  // `moved`: the text the item had at its old place (item_text), written instead, re-indented
  // to the list's column, when the list is a block list; its comment lines go above the item
  // in any block list. A flow list gets the value written anew, without the comments.
  void insert_item(const YamlPath& path, std::size_t index, const YamlValue& value,
                   const std::vector<YamlPath>& like = {}, const ItemText* moved = nullptr);
  // The text of the sequence item at `path` with the comment lines directly above it, for
  // moving it. `lines` is empty when the item is not a block item starting its own line (a
  // flow item): it is then written anew where it goes. Refuses (EditError) like remove_item.
  ItemText item_text(const YamlPath& path) const;
  // Removes a sequence item (path ends with an index) or map entry (path ends with a key).
  void remove_item(const YamlPath& path);
  // Adds `key: value` at the end of the map at `path`. The value is written like the nodes at
  // `like` (a new branch of steps like the plan's other step lists); without them, with the
  // least quoting and block style.
  // The key is quoted like the map's other keys. `moved`: `value` is a list of one item that
  // was moved here (a step into a branch that does not exist yet), kept as in insert_item.
  void set_key(const YamlPath& path, std::string_view key, const YamlValue& value,
               const std::vector<YamlPath>& like = {}, const ItemText* moved = nullptr);
  // Renames the key `key` of the map at `path` to `new_key`: only the key's own text changes
  // (quoted as it was when it can be); its value, comments and place stay. Refuses a new key
  // the map already has (key_exists), a merged map and a key that is not a plain scalar.
  void rename_key(const YamlPath& path, std::string_view key, std::string_view new_key);

 private:
  // The node at `path`; refuses a path through an alias, an anchored node or a merge key.
  const SpanNode& resolve(const YamlPath& path) const;
  // The node at `path` in a tree shaped like the file's (the intended tree being built).
  static YamlValue& locate(YamlValue& root, const YamlPath& path);
  TextReplacement empty_collection(const YamlPath& parent_path, const SpanNode& parent,
                                   const YamlPath& path) const;
  // Replaces, re-indexes and verifies against `intended`; restores everything on failure.
  void commit(TextReplacement replacement, YamlValue intended);

  std::string text_;
  std::string eol_;  // "\n" or "\r\n", as the file has them
  SpanDocument index_;
  YamlValue expected_;
  std::vector<TextReplacement> replacements_;
};

// The check the panel runs before any write: `text` parses to exactly `expected`.
// Throws EditError(verification_failed) naming the first difference.
void verify_text(std::string_view text, const YamlValue& expected);

}  // namespace callplan::panel
