#include "panel/yaml_edit/node_spans.hpp"

#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <sstream>
#include <stdexcept>

namespace callplan::panel {

std::optional<std::size_t> SpanNode::find(std::string_view key) const {
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const SpanNode& k = *entries[i].first;
    if (k.kind == Kind::scalar && k.text == key) return i;
  }
  return std::nullopt;
}

namespace {

struct SpanError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}
bool is_break(char c) {
  return c == '\n' || c == '\r';
}
bool is_flow_indicator(char c) {
  return c == ',' || c == '[' || c == ']' || c == '{' || c == '}';
}

class Scanner {
 public:
  explicit Scanner(std::string_view text) : t_(text) {}

  // Skips a tag (`!x`) and an anchor (`&a`) before a node's content.
  std::size_t skip_properties(std::size_t i) const {
    for (int round = 0; round < 2 && i < t_.size() && (t_[i] == '!' || t_[i] == '&'); ++round) {
      while (i < t_.size() && !is_blank(t_[i]) && !is_break(t_[i])) ++i;
      while (i < t_.size() && (is_blank(t_[i]) || is_break(t_[i]))) ++i;
    }
    return i;
  }

  std::size_t double_quoted_end(std::size_t i) const {
    for (++i; i < t_.size(); ++i) {
      if (t_[i] == '\\') {
        ++i;
      } else if (t_[i] == '"') {
        return i + 1;
      }
    }
    throw SpanError("a double-quoted scalar has no closing quote");
  }

  std::size_t single_quoted_end(std::size_t i) const {
    for (++i; i < t_.size(); ++i) {
      if (t_[i] == '\'') {
        if (i + 1 < t_.size() && t_[i + 1] == '\'') {
          ++i;
        } else {
          return i + 1;
        }
      }
    }
    throw SpanError("a single-quoted scalar has no closing quote");
  }

  // The end (past the last non-blank byte) of one line of a plain scalar starting at `i`.
  std::size_t plain_segment_end(std::size_t i, bool in_flow) const {
    std::size_t last = i;
    for (std::size_t j = i; j < t_.size(); ++j) {
      char c = t_[j];
      if (is_break(c)) break;
      if (c == '#' && j > i && is_blank(t_[j - 1])) break;
      if (c == ':' && (j + 1 == t_.size() || is_blank(t_[j + 1]) || is_break(t_[j + 1]) ||
                       (in_flow && is_flow_indicator(t_[j + 1])))) {
        break;
      }
      if (in_flow && is_flow_indicator(c)) break;
      if (!is_blank(c)) last = j + 1;
    }
    return last;
  }

  // A plain scalar may fold over lines: add lines until they spell `value`.
  std::size_t plain_end(std::size_t i, bool in_flow, const std::string& value) const {
    std::size_t end = plain_segment_end(i, in_flow);
    std::string spelled(t_.substr(i, end - i));
    while (spelled.size() < value.size() && value.compare(0, spelled.size(), spelled) == 0) {
      std::size_t j = end;
      std::size_t empty_lines = 0;
      bool found = false;
      while (j < t_.size()) {
        while (j < t_.size() && !is_break(t_[j])) ++j;  // to the end of this line
        if (j < t_.size() && t_[j] == '\r') ++j;
        if (j < t_.size() && t_[j] == '\n') ++j;
        std::size_t k = j;
        while (k < t_.size() && is_blank(t_[k])) ++k;
        if (k >= t_.size()) break;
        if (is_break(t_[k])) {
          ++empty_lines;
          j = k;
          continue;
        }
        if (t_[k] == '#') break;
        j = k;
        found = true;
        break;
      }
      if (!found) break;
      std::size_t seg_end = plain_segment_end(j, in_flow);
      spelled += empty_lines > 0 ? std::string(empty_lines, '\n') : std::string(" ");
      spelled.append(t_.substr(j, seg_end - j));
      end = seg_end;
    }
    if (spelled != value) {
      throw SpanError(fmt::format("the plain scalar `{}` could not be located exactly", value));
    }
    return end;
  }

  // A block scalar: the header line, then every line that is blank or indented at least as
  // much as its first non-blank line. The span ends after the last non-blank line's text.
  std::size_t block_scalar_end(std::size_t i) const {
    std::size_t j = i;
    while (j < t_.size() && t_[j] != '\n') ++j;
    std::size_t end = j;
    if (end > i && t_[end - 1] == '\r') --end;
    std::size_t content_indent = 0;
    while (j < t_.size()) {
      std::size_t line = j + 1;
      std::size_t k = line;
      while (k < t_.size() && t_[k] == ' ') ++k;
      if (k >= t_.size()) break;
      if (is_break(t_[k])) {
        j = t_.find('\n', k);
        if (j == std::string_view::npos) break;
        continue;
      }
      std::size_t indent = k - line;
      if (content_indent == 0) content_indent = indent;
      if (indent < content_indent || indent == 0) break;
      std::size_t eol = t_.find('\n', k);
      std::size_t line_end = eol == std::string_view::npos ? t_.size() : eol;
      end = line_end > k && t_[line_end - 1] == '\r' ? line_end - 1 : line_end;
      if (eol == std::string_view::npos) break;
      j = eol;
    }
    return end;
  }

  // After the last child of a flow collection: the position past its closing bracket.
  std::size_t flow_close(std::size_t i, char bracket) const {
    while (i < t_.size()) {
      char c = t_[i];
      if (c == bracket) return i + 1;
      if (c == '#') {
        while (i < t_.size() && t_[i] != '\n') ++i;
        continue;
      }
      if (is_blank(c) || is_break(c) || c == ',' || c == ':' || c == '?') {
        ++i;
        continue;
      }
      break;
    }
    throw SpanError(
        fmt::format("the closing `{}` of a flow collection could not be found", bracket));
  }

  // After a map key ending at `i`: the position just past its `:`.
  std::size_t after_colon(std::size_t i) const {
    while (i < t_.size() && is_blank(t_[i])) ++i;
    if (i < t_.size() && t_[i] == ':') return i + 1;
    throw SpanError("the `:` after a map key could not be found");
  }

  std::size_t after_colon_or(std::size_t i) const {
    std::size_t j = i;
    while (j < t_.size() && is_blank(t_[j])) ++j;
    return j < t_.size() && t_[j] == ':' ? j + 1 : i;
  }

  char at(std::size_t i) const { return i < t_.size() ? t_[i] : '\0'; }
  std::string_view text() const { return t_; }

 private:
  std::string_view t_;
};

bool is_null_word(std::string_view w) {
  return w == "~" || w == "null" || w == "Null" || w == "NULL";
}

class SpanBuilder : public YAML::EventHandler {
 public:
  // `base`: bytes before what yaml-cpp reads (a byte order mark), added to its offsets.
  SpanBuilder(std::string_view text, std::size_t base) : scan_(text), base_(base) {}

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto node = make(SpanNode::Kind::null, anchor);
    std::size_t i = scan_.skip_properties(offset(mark));
    // Only an explicit `~` / `null` has text of its own; an empty value is placed later.
    std::size_t e = i;
    while (e < scan_.text().size() && !is_blank(scan_.at(e)) && !is_break(scan_.at(e)) &&
           !(in_flow() && is_flow_indicator(scan_.at(e)))) {
      ++e;
    }
    if (is_null_word(scan_.text().substr(i, e - i))) {
      node->has_span = true;
      node->start = i;
      node->end = e;
    }
    add(std::move(node));
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override {
    auto node = make(SpanNode::Kind::alias, YAML::NullAnchor);
    std::size_t i = offset(mark);
    std::size_t e = i + 1;
    while (e < scan_.text().size() && !is_blank(scan_.at(e)) && !is_break(scan_.at(e)) &&
           !(in_flow() && is_flow_indicator(scan_.at(e)))) {
      ++e;
    }
    node->has_span = true;
    node->start = i;
    node->end = e;
    add(std::move(node));
  }

  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                const std::string& value) override {
    auto node = make(SpanNode::Kind::scalar, anchor);
    node->text = value;
    std::size_t i = scan_.skip_properties(offset(mark));
    node->start = i;
    node->has_span = true;
    switch (scan_.at(i)) {
      case '"':
        node->quote = SpanNode::Quote::double_;
        node->end = scan_.double_quoted_end(i);
        break;
      case '\'':
        node->quote = SpanNode::Quote::single;
        node->end = scan_.single_quoted_end(i);
        break;
      case '|':
      case '>':
        node->quote = scan_.at(i) == '|' ? SpanNode::Quote::literal : SpanNode::Quote::folded;
        node->end = scan_.block_scalar_end(i);
        break;
      default: node->end = scan_.plain_end(i, in_flow(), value);
    }
    add(std::move(node));
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value style) override {
    open(SpanNode::Kind::sequence, mark, anchor, style);
  }
  void OnSequenceEnd() override { close(']'); }

  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value style) override {
    open(SpanNode::Kind::map, mark, anchor, style);
  }
  void OnMapEnd() override { close('}'); }

  std::unique_ptr<SpanNode> take_root() { return std::move(root_); }

 private:
  std::size_t offset(const YAML::Mark& mark) const {
    return base_ + static_cast<std::size_t>(mark.pos);
  }

  bool in_flow() const {
    return !stack_.empty() && (stack_.back()->flow || stack_.back()->in_flow);
  }

  std::unique_ptr<SpanNode> make(SpanNode::Kind kind, YAML::anchor_t anchor) {
    auto node = std::make_unique<SpanNode>();
    node->kind = kind;
    node->anchored = anchor != YAML::NullAnchor;
    node->in_flow = in_flow();
    return node;
  }

  void open(SpanNode::Kind kind, const YAML::Mark& mark, YAML::anchor_t anchor,
            YAML::EmitterStyle::value style) {
    auto node = make(kind, anchor);
    std::size_t i = scan_.skip_properties(offset(mark));
    node->flow = style == YAML::EmitterStyle::Flow || scan_.at(i) == '[' || scan_.at(i) == '{';
    node->start = i;
    node->has_span = true;
    SpanNode* raw = node.get();
    add(std::move(node));
    stack_.push_back(raw);
  }

  // The end of a collection; an empty value in a map gets its place after the key's `:`.
  void close(char bracket) {
    SpanNode* node = stack_.back();
    stack_.pop_back();
    std::size_t last = node->flow ? node->start + 1 : node->start;
    if (node->kind == SpanNode::Kind::map) {
      if (pending_key_) throw SpanError("a map ends after a key without value");
      for (auto& [key, value] : node->entries) {
        if (!value->has_span) {
          // `{a}` has no `:`; its empty value sits right after the key.
          value->start = value->end =
              node->flow ? scan_.after_colon_or(key->end) : scan_.after_colon(key->end);
          value->has_span = true;
        }
        last = std::max(last, value->end);
      }
    } else {
      for (auto& item : node->items) {
        if (item->has_span) last = std::max(last, item->end);
      }
    }
    node->end = node->flow ? scan_.flow_close(last, bracket) : last;
  }

  void add(std::unique_ptr<SpanNode> node) {
    if (stack_.empty()) {
      if (!root_) root_ = std::move(node);
      return;
    }
    SpanNode* parent = stack_.back();
    if (parent->kind == SpanNode::Kind::sequence) {
      parent->items.push_back(std::move(node));
    } else if (!pending_key_) {
      if (node->kind != SpanNode::Kind::scalar) {
        throw SpanError("a map key is not a plain value (complex keys are not editable)");
      }
      if (node->text == "<<" && node->quote == SpanNode::Quote::plain) parent->has_merge = true;
      pending_key_ = std::move(node);
    } else {
      parent->entries.emplace_back(std::move(pending_key_), std::move(node));
    }
  }

  Scanner scan_;
  std::size_t base_;
  std::unique_ptr<SpanNode> root_;
  std::vector<SpanNode*> stack_;
  std::unique_ptr<SpanNode> pending_key_;
};

}  // namespace

SpanDocument index_spans(std::string_view text) {
  SpanDocument doc;
  try {
    // yaml-cpp's offsets do not count a UTF-8 byte order mark: it reads the text without it.
    std::size_t base = text.starts_with("\xEF\xBB\xBF") ? 3 : 0;
    std::istringstream in{std::string(text.substr(base))};
    YAML::Parser parser(in);
    SpanBuilder builder(text, base);
    parser.HandleNextDocument(builder);
    doc.root = builder.take_root();
  } catch (const YAML::Exception& e) {
    doc.error = e.what();
  } catch (const SpanError& e) {
    doc.error = e.what();
  }
  return doc;
}

}  // namespace callplan::panel
