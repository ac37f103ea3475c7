#include "panel/yaml_edit/yaml_editor.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "panel/yaml_edit/scalar_text.hpp"

namespace callplan::panel {

std::string_view code_name(EditErrorCode code) {
  switch (code) {
    case EditErrorCode::not_yaml: return "not-yaml";
    case EditErrorCode::path_not_found: return "path-not-found";
    case EditErrorCode::wrong_kind: return "wrong-kind";
    case EditErrorCode::read_only: return "read-only";
    case EditErrorCode::key_exists: return "key-exists";
    case EditErrorCode::unsupported_layout: return "unsupported-layout";
    case EditErrorCode::verification_failed: return "verification-failed";
  }
  return "?";
}

EditError::EditError(EditErrorCode c, const std::string& message)
    : std::runtime_error(message), code(c) {}

namespace {

// ---- lines of the text ------------------------------------------------------------------------

std::size_t line_start(std::string_view t, std::size_t pos) {
  std::size_t nl = pos == 0 ? std::string_view::npos : t.rfind('\n', pos - 1);
  return nl == std::string_view::npos ? 0 : nl + 1;
}

// Where the line holding `pos` ends: at its `\r\n` or `\n`, or the end of the text.
std::size_t line_break_at(std::string_view t, std::size_t pos) {
  std::size_t nl = t.find('\n', pos);
  if (nl == std::string_view::npos) return t.size();
  return nl > 0 && t[nl - 1] == '\r' ? nl - 1 : nl;
}

// The start of the line after the one holding `pos` (the text's end for the last line).
std::size_t next_line(std::string_view t, std::size_t pos) {
  std::size_t nl = t.find('\n', pos);
  return nl == std::string_view::npos ? t.size() : nl + 1;
}

bool only_blanks(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t'; });
}

bool first_on_line(std::string_view t, std::size_t pos) {
  return only_blanks(t.substr(line_start(t, pos), pos - line_start(t, pos)));
}

// Nothing but blanks or a comment from `pos` to the end of its line.
bool only_comment_after(std::string_view t, std::size_t pos) {
  std::size_t e = line_break_at(t, pos);
  std::string_view rest = t.substr(pos, e - pos);
  std::size_t k = rest.find_first_not_of(" \t");
  return k == std::string_view::npos || rest[k] == '#';
}

// The comment lines directly above the line starting at `ls` (no blank line between) belong
// to it: the start of the first of them. A comment line indented deeper than that line is not
// among them: it goes on with the comment at the end of the line above it
//   - "04-27"     # King's Day (moved to the 26th when the 27th is a Sunday: a
//                 # Saturday, when the office is closed anyway)
std::size_t comment_block_start(std::string_view t, std::size_t ls) {
  const std::size_t column = t.substr(ls).find_first_not_of(" \t");
  while (ls > 0) {
    std::size_t prev = line_start(t, ls - 1);
    std::string_view line = t.substr(prev, ls - prev);
    std::size_t k = line.find_first_not_of(" \t");
    if (k == std::string_view::npos || line[k] != '#' || k > column) break;
    ls = prev;
  }
  return ls;
}

std::size_t column_of(std::string_view t, std::size_t pos) {
  return pos - line_start(t, pos);
}

// The `-` of a block sequence item: only blanks between it and the item's content.
std::optional<std::size_t> dash_of(std::string_view t, const SpanNode& item) {
  if (!item.has_span) return std::nullopt;
  std::size_t i = item.start;
  while (i > 0 && t[i - 1] == ' ') --i;
  if (i > 0 && t[i - 1] == '-') return i - 1;
  return std::nullopt;
}

// A removed subtree must not take an anchor with it: aliases elsewhere would dangle.
bool holds_anchor(const SpanNode& n) {
  if (n.anchored) return true;
  for (const auto& item : n.items) {
    if (holds_anchor(*item)) return true;
  }
  for (const auto& [key, value] : n.entries) {
    if (holds_anchor(*key) || holds_anchor(*value)) return true;
  }
  return false;
}

// ---- writing new values
// --------------------------------------------------------------------------

// Siblings a new value is written like: for each part of the new value, the nodes at the
// same place in its siblings (the value of the same key, the items of a list, first first). A scalar
// takes the quoting of a like scalar; a collection is written in flow style when a like one is.
using Like = std::vector<const SpanNode*>;

Like like_value_of(const Like& like, std::string_view key) {
  Like out;
  for (const SpanNode* n : like) {
    if (n->kind != SpanNode::Kind::map) continue;
    if (auto i = n->find(key)) out.push_back(n->entries[*i].second.get());
  }
  return out;
}

Like like_items_of(const Like& like) {
  Like out;
  for (const SpanNode* n : like) {
    if (n->kind != SpanNode::Kind::sequence) continue;
    // The first item first; the others after it, for keys the first one lacks (a new
    // `voicemail` step is written like a `voicemail` further down the list).
    for (const auto& item : n->items) out.push_back(item.get());
  }
  return out;
}

std::string scalar_like(const std::string& text, const Like& like, bool in_flow) {
  for (const SpanNode* n : like) {
    if (n->kind == SpanNode::Kind::scalar) return scalar_in_style(text, n->quote, in_flow);
  }
  return minimal_scalar(text, in_flow);
}

bool flow_like(const YamlValue& v, const Like& like) {
  for (const SpanNode* n : like) {
    if (n->is_collection() && (n->kind == SpanNode::Kind::map) == v.is_map()) return n->flow;
  }
  return false;
}

// A new key is quoted like the keys beside it: those of the map it goes into, else those of
// a like map (a menu's new `"3"` beside `"1"` and `"2"`). nullopt: no key to copy.
std::optional<SpanNode::Quote> key_quote_of(const SpanNode& map) {
  if (map.kind != SpanNode::Kind::map || map.entries.empty()) return std::nullopt;
  const SpanNode& key = *map.entries.front().first;
  if (key.kind != SpanNode::Kind::scalar) return std::nullopt;
  return key.quote;
}

std::optional<SpanNode::Quote> key_quote_like(const Like& like) {
  for (const SpanNode* n : like) {
    if (auto q = key_quote_of(*n)) return q;
  }
  return std::nullopt;
}

std::string key_text(std::string_view key, std::optional<SpanNode::Quote> quote, bool in_flow) {
  return quote ? scalar_in_style(key, *quote, in_flow) : minimal_scalar(key, in_flow);
}

std::string inline_value(const YamlValue& v, bool in_flow, const Like& like = {}) {
  switch (v.kind) {
    case YamlValue::Kind::null: return "~";
    case YamlValue::Kind::scalar: return scalar_like(v.text, like, in_flow);
    case YamlValue::Kind::sequence: {
      Like items = like_items_of(like);
      std::string out = "[";
      for (std::size_t i = 0; i < v.items.size(); ++i) {
        if (i > 0) out += ", ";
        out += inline_value(v.items[i], true, items);
      }
      return out + "]";
    }
    case YamlValue::Kind::map: {
      std::string out = "{";
      for (std::size_t i = 0; i < v.entries.size(); ++i) {
        if (i > 0) out += ", ";
        out += key_text(v.entries[i].first, key_quote_like(like), true) + ": " +
               inline_value(v.entries[i].second, true, like_value_of(like, v.entries[i].first));
      }
      return out + "}";
    }
  }
  return "~";
}

bool needs_block(const YamlValue& v, const Like& like) {
  bool non_empty = (v.is_map() && !v.entries.empty()) || (v.is_sequence() && !v.items.empty());
  return non_empty && !flow_like(v, like);
}

struct BlockStyle {
  std::size_t step = 2;  // indentation added per nesting level
  std::size_t gap = 1;   // blanks between a `-` and its item
};

// `key` is written as it comes (already quoted like its siblings).
void entry_lines(std::string_view key, const YamlValue& v, std::size_t indent,
                 const BlockStyle& style, const Like& like, std::vector<std::string>& out);

void item_lines(const YamlValue& v, std::size_t dash_indent, const BlockStyle& style,
                const Like& like, std::vector<std::string>& out) {
  std::string dash = std::string(dash_indent, ' ') + "-" + std::string(style.gap, ' ');
  if (!needs_block(v, like)) {
    out.push_back(dash + inline_value(v, false, like));
    return;
  }
  std::size_t content = dash_indent + 1 + style.gap;
  std::size_t first = out.size();
  if (v.is_map()) {
    const auto quote = key_quote_like(like);
    for (const auto& [k, value] : v.entries) {
      entry_lines(key_text(k, quote, false), value, content, style, like_value_of(like, k), out);
    }
  } else {
    for (const auto& item : v.items) item_lines(item, content, style, like_items_of(like), out);
  }
  out[first].replace(0, content, dash);  // the first line carries the dash
}

void entry_lines(std::string_view key, const YamlValue& v, std::size_t indent,
                 const BlockStyle& style, const Like& like, std::vector<std::string>& out) {
  std::string head = std::string(indent, ' ') + std::string(key) + ":";
  if (!needs_block(v, like)) {
    out.push_back(head + " " + inline_value(v, false, like));
    return;
  }
  out.push_back(head);
  if (v.is_map()) {
    const auto quote = key_quote_like(like);
    for (const auto& [k, value] : v.entries) {
      entry_lines(key_text(k, quote, false), value, indent + style.step, style,
                  like_value_of(like, k), out);
    }
  } else {
    for (const auto& item : v.items)
      item_lines(item, indent + style.step, style, like_items_of(like), out);
  }
}

// A moved item's lines at `column`: its comments, then its own lines (or, when `keep_text` is
// false, the lines `written` anew for it).
std::vector<std::string> moved_lines(const ItemText& moved, std::size_t column, bool keep_text,
                                     std::vector<std::string> written) {
  const std::string indent(column, ' ');
  std::vector<std::string> out;
  for (const std::string& c : moved.comments) out.push_back(indent + c);
  if (!keep_text) {
    out.insert(out.end(), written.begin(), written.end());
    return out;
  }
  for (const std::string& line : moved.lines) out.push_back(line.empty() ? line : indent + line);
  return out;
}

std::string join(const std::vector<std::string>& lines, const std::string& eol) {
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) out += eol;
    out += lines[i];
  }
  return out;
}

// The indentation step the file uses under `map`: the column of a nested block map's keys
// minus the column of its own keys (2 when the map has no nested block map).
std::size_t step_under(std::string_view t, const SpanNode& map) {
  for (const auto& [key, value] : map.entries) {
    if (value->kind == SpanNode::Kind::map && !value->flow) {
      std::size_t kc = column_of(t, key->start);
      std::size_t vc = column_of(t, value->start);
      if (vc > kc && first_on_line(t, value->start)) return vc - kc;
    }
  }
  return 2;
}

}  // namespace

// ---- the editor -------------------------------------------------------------------------------

YamlEditor::YamlEditor(std::string text) : text_(std::move(text)) {
  index_ = index_spans(text_);
  if (!index_.error.empty()) {
    throw EditError(EditErrorCode::not_yaml, "the file cannot be edited: " + index_.error);
  }
  std::string error;
  auto value = parse_value(text_, &error);
  if (!value) throw EditError(EditErrorCode::not_yaml, "the file is not valid YAML: " + error);
  expected_ = std::move(*value);
  std::size_t nl = text_.find('\n');
  eol_ = nl != std::string::npos && nl > 0 && text_[nl - 1] == '\r' ? "\r\n" : "\n";
}

const SpanNode& YamlEditor::resolve(const YamlPath& path) const {
  if (!index_.root) throw EditError(EditErrorCode::path_not_found, "the file is empty");
  const SpanNode* node = index_.root.get();
  YamlPath walked;
  auto refuse_shared = [&](const SpanNode& n) {
    if (n.kind == SpanNode::Kind::alias) {
      throw EditError(EditErrorCode::read_only,
                      fmt::format("{} is an alias (*name) of a node defined elsewhere; it is "
                                  "read-only in the panel, edit the file by hand",
                                  format_path(walked)));
    }
    if (n.anchored) {
      throw EditError(EditErrorCode::read_only,
                      fmt::format("{} carries an anchor (&name) that aliases elsewhere share; it "
                                  "is read-only in the panel, edit the file by hand",
                                  format_path(walked)));
    }
  };
  for (std::size_t s = 0; s < path.size(); ++s) {
    refuse_shared(*node);
    const PathStep& step = path[s];
    if (const auto* key = std::get_if<std::string>(&step)) {
      if (node->kind != SpanNode::Kind::map) {
        throw EditError(
            EditErrorCode::wrong_kind,
            fmt::format("{} is not a map, so it has no key `{}`", format_path(walked), *key));
      }
      if (node->has_merge) {
        throw EditError(EditErrorCode::read_only,
                        fmt::format("{} merges another map (<<); its keys are read-only in the "
                                    "panel, edit the file by hand",
                                    format_path(walked)));
      }
      auto i = node->find(*key);
      walked.push_back(step);
      if (!i)
        throw EditError(EditErrorCode::path_not_found,
                        fmt::format("{} does not exist", format_path(walked)));
      node = node->entries[*i].second.get();
    } else {
      std::size_t index = std::get<std::size_t>(step);
      if (node->kind != SpanNode::Kind::sequence) {
        throw EditError(
            EditErrorCode::wrong_kind,
            fmt::format("{} is not a list, so it has no item {}", format_path(walked), index));
      }
      walked.push_back(step);
      if (index >= node->items.size()) {
        throw EditError(EditErrorCode::path_not_found,
                        fmt::format("{} does not exist (the list has {} items)",
                                    format_path(walked), node->items.size()));
      }
      node = node->items[index].get();
    }
  }
  refuse_shared(*node);
  return *node;
}

YamlValue& YamlEditor::locate(YamlValue& root, const YamlPath& path) {
  YamlValue* v = &root;
  for (const auto& step : path) {
    if (const auto* key = std::get_if<std::string>(&step)) {
      v = v->find(*key);
    } else {
      std::size_t i = std::get<std::size_t>(step);
      v = i < v->items.size() ? &v->items[i] : nullptr;
    }
    if (!v) {
      throw EditError(EditErrorCode::verification_failed,
                      fmt::format("{}: the file and its tree disagree", format_path(path)));
    }
  }
  return *v;
}

void YamlEditor::commit(TextReplacement r, YamlValue intended) {
  std::string written = text_;
  written.replace(r.offset, r.removed, r.inserted);
  SpanDocument index = index_spans(written);
  if (!index.error.empty()) {
    throw EditError(
        EditErrorCode::verification_failed,
        "the edit was refused: the written text cannot be read back (" + index.error + ")");
  }
  verify_text(written, intended);
  text_ = std::move(written);
  index_ = std::move(index);
  expected_ = std::move(intended);
  replacements_.push_back(std::move(r));
}

void YamlEditor::set_scalar(const YamlPath& path, std::string_view value) {
  const SpanNode& node = resolve(path);
  if (node.kind != SpanNode::Kind::scalar && node.kind != SpanNode::Kind::null) {
    throw EditError(EditErrorCode::wrong_kind,
                    fmt::format("{} is a {}, not a single value", format_path(path),
                                node.kind == SpanNode::Kind::map ? "map" : "list"));
  }
  if (node.quote == SpanNode::Quote::literal || node.quote == SpanNode::Quote::folded) {
    throw EditError(EditErrorCode::unsupported_layout,
                    fmt::format("{} is a block text (| or >); the panel does not rewrite those yet",
                                format_path(path)));
  }
  if (!node.has_span) {
    throw EditError(EditErrorCode::unsupported_layout,
                    fmt::format("{} is an empty list item; the panel cannot place a value there",
                                format_path(path)));
  }
  TextReplacement r{node.start, node.end - node.start, {}};
  if (node.kind == SpanNode::Kind::null && node.start == node.end) {
    // `key:` with nothing: the value goes after the `:` (or `{a}` becomes `{a: v}`).
    bool after_colon = node.start > 0 && text_[node.start - 1] == ':';
    r.inserted = (after_colon ? " " : ": ") + minimal_scalar(value, node.in_flow);
  } else {
    r.inserted = scalar_in_style(value, node.quote, node.in_flow);
  }
  YamlValue intended = expected_;
  locate(intended, path) = YamlValue::scalar(std::string(value));
  commit(std::move(r), std::move(intended));
}

void YamlEditor::insert_item(const YamlPath& path, std::size_t index, const YamlValue& value,
                             const std::vector<YamlPath>& like_paths, const ItemText* moved) {
  const SpanNode& seq = resolve(path);
  if (seq.kind != SpanNode::Kind::sequence) {
    throw EditError(EditErrorCode::wrong_kind, fmt::format("{} is not a list", format_path(path)));
  }
  std::size_t n = seq.items.size();
  if (index > n) {
    throw EditError(
        EditErrorCode::path_not_found,
        fmt::format("{} has {} items; cannot insert at {}", format_path(path), n, index));
  }
  for (const auto& item : seq.items) {
    if (!item->has_span) {
      throw EditError(EditErrorCode::unsupported_layout,
                      fmt::format("{} has an empty item; edit it by hand", format_path(path)));
    }
  }
  Like like;
  for (const auto& item : seq.items) like.push_back(item.get());
  for (const YamlPath& p : like_paths) like.push_back(&resolve(p));
  YamlValue intended = expected_;
  auto& items = locate(intended, path).items;
  items.insert(items.begin() + static_cast<std::ptrdiff_t>(index), value);
  TextReplacement r;
  if (seq.flow) {
    std::string v = inline_value(value, true, like);
    if (n == 0) {
      r = {seq.start + 1, 0, v};
    } else if (index < n) {
      r = {seq.items[index]->start, 0, v + ", "};
    } else {
      r = {seq.items[n - 1]->end, 0, ", " + v};
    }
  } else {
    const SpanNode& ref = *seq.items[index > 0 ? index - 1 : 0];
    auto dash = dash_of(text_, ref);
    if (!dash || !first_on_line(text_, *dash)) {
      throw EditError(EditErrorCode::unsupported_layout,
                      fmt::format("{}: the neighbouring item does not start its own line; edit "
                                  "it by hand",
                                  format_path(path)));
    }
    BlockStyle style;
    style.gap = ref.start - *dash - 1;
    style.step = style.gap + 1;
    const std::size_t column = column_of(text_, *dash);
    auto replacement = [&](bool keep_text) {
      std::vector<std::string> lines;
      item_lines(value, column, style, like, lines);
      if (moved) lines = moved_lines(*moved, column, keep_text, std::move(lines));
      if (index > 0) return TextReplacement{line_break_at(text_, ref.end), 0, eol_ + join(lines, eol_)};
      return TextReplacement{comment_block_start(text_, line_start(text_, *dash)), 0,
                             join(lines, eol_) + eol_};
    };
    if (moved && !moved->lines.empty()) {
      // The moved text, re-indented; should it read back otherwise (a layout the shift does
      // not keep), the item is written anew below, its comments still above it.
      try {
        commit(replacement(true), intended);
        return;
      } catch (const EditError& e) {
        if (e.code != EditErrorCode::verification_failed) throw;
      }
    }
    r = replacement(false);
  }
  commit(std::move(r), std::move(intended));
}

ItemText YamlEditor::item_text(const YamlPath& path) const {
  const SpanNode& item = resolve(path);
  if (path.empty() || !std::holds_alternative<std::size_t>(path.back()))
    throw EditError(EditErrorCode::wrong_kind, fmt::format("{} is not a list item", format_path(path)));
  ItemText out;
  const auto dash = dash_of(text_, item);
  if (!dash || !first_on_line(text_, *dash)) return out;  // a flow item, or `- - x`
  const std::size_t first_line = line_start(text_, *dash);
  const std::size_t column = *dash - first_line;
  auto relative = [&](std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::size_t blanks = 0;
    while (blanks < line.size() && blanks < column && line[blanks] == ' ') ++blanks;
    return std::string(line.substr(blanks));
  };
  for (std::size_t at = comment_block_start(text_, first_line); at < first_line;
       at = next_line(text_, at)) {
    std::string_view line(text_.data() + at, line_break_at(text_, at) - at);
    out.comments.emplace_back(line.substr(line.find_first_not_of(" \t")));
  }
  if (!only_comment_after(text_, item.end)) return out;  // another node follows on its line
  const std::string_view own(text_.data() + *dash, line_break_at(text_, item.end) - *dash);
  for (std::size_t at = 0; at <= own.size();) {
    std::size_t nl = own.find('\n', at);
    if (nl == std::string_view::npos) nl = own.size();
    std::string line = at == 0 ? std::string(own.substr(0, nl)) : relative(own.substr(at, nl - at));
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (only_blanks(line)) line.clear();
    out.lines.push_back(std::move(line));
    at = nl + 1;
  }
  return out;
}

// Removing the only item of a block collection would leave `key:` with nothing (null), not an
// empty list or map: the collection is written `[]` / `{}` on its key's line instead, and its
// lines (with the comments among them) go.
TextReplacement YamlEditor::empty_collection(const YamlPath& parent_path, const SpanNode& parent,
                                             const YamlPath& path) const {
  auto refuse = [&] {
    return EditError(
        EditErrorCode::unsupported_layout,
        fmt::format("{} is the only item of a {} that is not the value of a map key; "
                    "edit it by hand",
                    format_path(path), parent.kind == SpanNode::Kind::map ? "map" : "list"));
  };
  if (parent_path.empty() || !std::holds_alternative<std::string>(parent_path.back()))
    throw refuse();
  const SpanNode& holder = resolve(YamlPath(parent_path.begin(), parent_path.end() - 1));
  auto i = holder.find(std::get<std::string>(parent_path.back()));
  if (!i || holder.flow) throw refuse();
  std::size_t colon = holder.entries[*i].first->end;
  while (colon < text_.size() && (text_[colon] == ' ' || text_[colon] == '\t')) ++colon;
  if (colon >= text_.size() || text_[colon] != ':') throw refuse();
  std::size_t key_line_end = line_break_at(text_, colon);
  std::string key_line_rest = text_.substr(colon + 1, key_line_end - colon - 1);
  if (!only_comment_after(text_, colon + 1) || parent.start < key_line_end) throw refuse();
  std::size_t end = line_break_at(text_, parent.end);
  // The key line's own comment stays: `members:  # who` becomes `members: []  # who`.
  std::string inserted = parent.kind == SpanNode::Kind::map ? " {}" : " []";
  if (!only_blanks(key_line_rest)) inserted += key_line_rest;
  return {colon + 1, end - colon - 1, inserted};
}

void YamlEditor::remove_item(const YamlPath& path) {
  if (path.empty())
    throw EditError(EditErrorCode::wrong_kind, "the document itself cannot be removed");
  YamlPath parent_path(path.begin(), path.end() - 1);
  const SpanNode& parent = resolve(parent_path);
  const PathStep& last = path.back();
  // The removed node's span, and the spans of its neighbours (for flow commas).
  std::size_t count = 0;
  std::size_t pos = 0;
  auto span_at = [&](std::size_t i) -> std::pair<std::size_t, std::size_t> {
    if (parent.kind == SpanNode::Kind::sequence)
      return {parent.items[i]->start, parent.items[i]->end};
    return {parent.entries[i].first->start, parent.entries[i].second->end};
  };
  const SpanNode* removed = nullptr;
  if (const auto* key = std::get_if<std::string>(&last)) {
    if (parent.kind != SpanNode::Kind::map) {
      throw EditError(EditErrorCode::wrong_kind,
                      fmt::format("{} is not a map", format_path(parent_path)));
    }
    if (parent.has_merge) {
      throw EditError(EditErrorCode::read_only,
                      fmt::format("{} merges another map (<<); it is read-only in the panel",
                                  format_path(parent_path)));
    }
    auto i = parent.find(*key);
    if (!i)
      throw EditError(EditErrorCode::path_not_found,
                      fmt::format("{} does not exist", format_path(path)));
    pos = *i;
    count = parent.entries.size();
    removed = parent.entries[pos].second.get();
  } else {
    if (parent.kind != SpanNode::Kind::sequence) {
      throw EditError(EditErrorCode::wrong_kind,
                      fmt::format("{} is not a list", format_path(parent_path)));
    }
    pos = std::get<std::size_t>(last);
    count = parent.items.size();
    if (pos >= count)
      throw EditError(EditErrorCode::path_not_found,
                      fmt::format("{} does not exist", format_path(path)));
    removed = parent.items[pos].get();
    if (!removed->has_span) {
      throw EditError(EditErrorCode::unsupported_layout,
                      fmt::format("{} is an empty item; edit it by hand", format_path(path)));
    }
  }
  if (holds_anchor(*removed)) {
    throw EditError(EditErrorCode::read_only,
                    fmt::format("{} holds an anchor (&name) that aliases elsewhere use; removing "
                                "it would break them",
                                format_path(path)));
  }
  TextReplacement r;
  if (parent.flow) {
    auto [start, end] = span_at(pos);
    if (pos + 1 < count) {
      r = {start, span_at(pos + 1).first - start, {}};  // the item and the `, ` after it
    } else if (pos > 0) {
      std::size_t prev_end = span_at(pos - 1).second;
      r = {prev_end, end - prev_end, {}};  // the `, ` before the item and the item
    } else {
      r = {start, end - start, {}};
    }
  } else {
    if (count == 1) {
      r = empty_collection(parent_path, parent, path);
    } else {
      std::size_t first = 0;
      if (parent.kind == SpanNode::Kind::sequence) {
        auto dash = dash_of(text_, *removed);
        if (!dash) {
          throw EditError(EditErrorCode::unsupported_layout,
                          fmt::format("{}: the item's `-` could not be found", format_path(path)));
        }
        first = *dash;
      } else {
        first = parent.entries[pos].first->start;
      }
      std::size_t end = span_at(pos).second;
      if (!first_on_line(text_, first) || !only_comment_after(text_, end)) {
        throw EditError(
            EditErrorCode::unsupported_layout,
            fmt::format("{} shares a line with another node; edit it by hand", format_path(path)));
      }
      std::size_t from = comment_block_start(text_, line_start(text_, first));
      r = {from, next_line(text_, end) - from, {}};
    }
  }
  YamlValue intended = expected_;
  YamlValue& target = locate(intended, parent_path);
  if (const auto* key = std::get_if<std::string>(&last)) {
    auto it = std::find_if(target.entries.begin(), target.entries.end(),
                           [&](const auto& e) { return e.first == *key; });
    target.entries.erase(it);
  } else {
    target.items.erase(target.items.begin() + static_cast<std::ptrdiff_t>(pos));
  }
  commit(std::move(r), std::move(intended));
}

void YamlEditor::set_key(const YamlPath& path, std::string_view key, const YamlValue& value,
                         const std::vector<YamlPath>& like_paths, const ItemText* moved) {
  const SpanNode& map = resolve(path);
  if (map.kind != SpanNode::Kind::map) {
    throw EditError(EditErrorCode::wrong_kind, fmt::format("{} is not a map", format_path(path)));
  }
  if (map.has_merge) {
    throw EditError(
        EditErrorCode::read_only,
        fmt::format("{} merges another map (<<); it is read-only in the panel", format_path(path)));
  }
  if (map.find(key)) {
    YamlPath full = path;
    full.emplace_back(std::string(key));
    throw EditError(EditErrorCode::key_exists, fmt::format("{} already exists", format_path(full)));
  }
  // No sibling holds this key: its value is written like the nodes at `like_paths` when given,
  // else with the least quoting and block style.
  Like like;
  for (const YamlPath& p : like_paths) like.push_back(&resolve(p));
  TextReplacement r;
  // The key is quoted like the map's other keys (`"3":` beside `"1":`).
  const auto key_quote = key_quote_of(map);
  if (map.flow) {
    std::string entry = key_text(key, key_quote, true) + ": " + inline_value(value, true, like);
    if (map.entries.empty()) {
      r = {map.start + 1, 0, entry};
    } else {
      r = {map.entries.back().second->end, 0, ", " + entry};
    }
  } else {
    const SpanNode& first_key = *map.entries.front().first;
    std::size_t end = map.entries.back().second->end;
    if (!only_comment_after(text_, end)) {
      throw EditError(
          EditErrorCode::unsupported_layout,
          fmt::format("{}: the last entry shares its line; edit it by hand", format_path(path)));
    }
    BlockStyle style;
    style.step = step_under(text_, map);
    const std::size_t column = column_of(text_, first_key.start);
    const std::string head = key_text(key, key_quote, false);
    auto replacement = [&](bool keep_text) {
      std::vector<std::string> lines;
      entry_lines(head, value, column, style, like, lines);
      // A moved item as the new list's only item: `key:`, then it at the list's column.
      if (moved && lines.size() > 1 && value.is_sequence() && value.items.size() == 1) {
        std::vector<std::string> item(lines.begin() + 1, lines.end());
        lines.resize(1);
        for (std::string& l : moved_lines(*moved, column + style.step, keep_text, std::move(item)))
          lines.push_back(std::move(l));
      }
      return TextReplacement{line_break_at(text_, end), 0, eol_ + join(lines, eol_)};
    };
    YamlValue intended = expected_;
    locate(intended, path).entries.emplace_back(std::string(key), value);
    if (moved && !moved->lines.empty()) {
      try {
        commit(replacement(true), intended);
        return;
      } catch (const EditError& e) {
        if (e.code != EditErrorCode::verification_failed) throw;
      }
    }
    commit(replacement(false), std::move(intended));
    return;
  }
  YamlValue intended = expected_;
  locate(intended, path).entries.emplace_back(std::string(key), value);
  commit(std::move(r), std::move(intended));
}

void YamlEditor::rename_key(const YamlPath& path, std::string_view key, std::string_view new_key) {
  const SpanNode& map = resolve(path);
  YamlPath full = path;
  full.emplace_back(std::string(key));
  if (map.kind != SpanNode::Kind::map) {
    throw EditError(EditErrorCode::wrong_kind, fmt::format("{} is not a map", format_path(path)));
  }
  if (map.has_merge) {
    throw EditError(
        EditErrorCode::read_only,
        fmt::format("{} merges another map (<<); it is read-only in the panel", format_path(path)));
  }
  const auto i = map.find(key);
  if (!i) throw EditError(EditErrorCode::path_not_found, fmt::format("{} does not exist", format_path(full)));
  if (key == new_key) return;
  if (map.find(new_key)) {
    YamlPath taken = path;
    taken.emplace_back(std::string(new_key));
    throw EditError(EditErrorCode::key_exists, fmt::format("{} already exists", format_path(taken)));
  }
  const SpanNode& old = *map.entries[*i].first;
  if (old.kind != SpanNode::Kind::scalar || old.quote == SpanNode::Quote::literal ||
      old.quote == SpanNode::Quote::folded) {
    throw EditError(EditErrorCode::unsupported_layout,
                    fmt::format("{}: the key is not a plain or quoted text; edit it by hand",
                                format_path(full)));
  }
  TextReplacement r{old.start, old.end - old.start, scalar_in_style(new_key, old.quote, map.flow || old.in_flow)};
  YamlValue intended = expected_;
  for (auto& [k, v] : locate(intended, path).entries) {
    if (k == key) {
      k = std::string(new_key);
      break;
    }
  }
  commit(std::move(r), std::move(intended));
}

void verify_text(std::string_view text, const YamlValue& expected) {
  std::string error;
  auto actual = parse_value(text, &error);
  if (!actual) {
    throw EditError(EditErrorCode::verification_failed,
                    "the edit was refused: the written text is not valid YAML (" + error + ")");
  }
  if (auto diff = first_difference(expected, *actual)) {
    throw EditError(EditErrorCode::verification_failed,
                    "the edit was refused: the written text would read back differently: " + *diff);
  }
}

}  // namespace callplan::panel
