#include "load/yaml_tree.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include "diagnostics/make_issue.hpp"

namespace callplan::load {

namespace {

// Deeper than any sensible tenant (a time condition inside a menu inside a time condition is
// about 10 levels); the limit keeps our recursive interpreter far from the stack's end.
constexpr std::size_t kMaxDepth = 96;
// Aliases share nodes, but the interpreter walks the expanded tree: a "billion laughs" file
// must not make it walk forever. Only nodes reached through aliases count: written nodes are
// bounded by the file size, and a 100k-user tenant has millions of them.
constexpr std::size_t kMaxAliasedNodes = 250'000;

Location location_of(const std::string& file, std::uint32_t line, std::uint32_t column) {
  return Location{file, line, column};
}

// Line and column (1-based, bytes) of byte `offset` in `text`.
std::pair<std::uint32_t, std::uint32_t> position_of(std::string_view text, std::size_t offset) {
  std::uint32_t line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return {line, static_cast<std::uint32_t>(offset - line_start + 1)};
}

// Length of the UTF-8 sequence at `i`, or 0 when it is not valid UTF-8 (overlong forms,
// surrogates and code points above U+10FFFF included).
std::size_t utf8_sequence_length(std::string_view text, std::size_t i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char b = byte(i);
  if (b < 0x80) return 1;
  std::size_t n = 0;
  std::uint32_t cp = 0;
  if ((b & 0xE0) == 0xC0) {
    n = 2;
    cp = b & 0x1Fu;
  } else if ((b & 0xF0) == 0xE0) {
    n = 3;
    cp = b & 0x0Fu;
  } else if ((b & 0xF8) == 0xF0) {
    n = 4;
    cp = b & 0x07u;
  } else {
    return 0;
  }
  if (i + n > text.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3Fu);
  }
  static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

// Problems yaml-cpp reports badly or not at all: UTF-16, bytes that are not UTF-8, NUL bytes
// and tabs used for indentation. Returns the first one found.
std::optional<Issue> check_text(std::string_view text, const std::string& file,
                                std::string_view kind) {
  if (text.size() >= 2 && ((text[0] == '\xFF' && text[1] == '\xFE') ||
                           (text[0] == '\xFE' && text[1] == '\xFF'))) {
    Issue issue = detail::make_issue("CP100", fmt::format("the file is UTF-16; {}s must be UTF-8", kind),
                                     location_of(file, 1, 1));
    issue.hints.push_back("save the file as UTF-8 (most editors: \"Save with encoding\")");
    return issue;
  }
  bool at_line_start = true;
  for (std::size_t i = 0; i < text.size();) {
    char c = text[i];
    if (c == '\0') {
      auto [line, column] = position_of(text, i);
      return detail::make_issue("CP100", "the file contains a NUL byte; is it a text file?",
                                location_of(file, line, column));
    }
    if (c == '\t' && at_line_start) {
      // A tab in the indentation: YAML forbids it, and yaml-cpp's own message is cryptic.
      std::size_t j = i;
      while (j < text.size() && (text[j] == ' ' || text[j] == '\t')) ++j;
      bool content = j < text.size() && text[j] != '\n' && text[j] != '\r' && text[j] != '#';
      if (content) {
        auto [line, column] = position_of(text, i);
        Issue issue = detail::make_issue("CP100", "a tab is used for indentation; YAML allows only spaces",
                                         location_of(file, line, column));
        issue.hints.push_back("indent with spaces (2 per level is usual)");
        return issue;
      }
    }
    if (c == '\n') {
      at_line_start = true;
    } else if (c != ' ' && c != '\t') {
      at_line_start = false;
    }
    std::size_t n = utf8_sequence_length(text, i);
    if (n == 0) {
      auto [line, column] = position_of(text, i);
      Issue issue = detail::make_issue(
          "CP100",
          fmt::format("byte 0x{:02X} is not valid UTF-8; {}s must be UTF-8",
                      static_cast<unsigned char>(c), kind),
          location_of(file, line, column));
      issue.hints.push_back(
          "the file is probably Latin-1 or Windows-1252: save it as UTF-8");
      return issue;
    }
    i += n;
  }
  return std::nullopt;
}

class TreeBuilder final : public YAML::EventHandler {
 public:
  TreeBuilder(std::string_view text, const std::string& file, std::string_view kind)
      : text_(text), file_(file), kind_(kind) {}

  void OnDocumentStart(const YAML::Mark& mark) override {
    ++documents_;
    if (documents_ == 1) first_document_pos_ = mark.pos;
    if (documents_ == 2 && !failed_ && mark.pos == first_document_pos_) {
      // yaml-cpp 0.7 "starts" a new document at the same place when it cannot make sense of
      // a character outside any value (e.g. a stray `,`): that is a syntax error.
      std::size_t pos = static_cast<std::size_t>(std::max(0, mark.pos));
      std::string what = pos < text_.size() ? fmt::format("`{}`", text_[pos]) : "end of file";
      fail(mark, fmt::format("YAML syntax error: unexpected {}", what), {});
    } else if (documents_ == 2 && !failed_) {
      fail(mark,
           fmt::format("a {} holds one YAML document; this is a second one (after `---`)", kind_),
           kind_ == "tenant file" ? "split the documents into separate files and use `include`"
                                  : "split the documents into separate files");
    }
  }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto node = make(YamlNode::Kind::null, mark);
    complete(std::move(node), anchor);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (skipping()) return;
    auto it = anchors_.find(anchor);
    if (it == anchors_.end()) {
      // The anchor is still open: the alias sits inside the node it names.
      fail(mark, "an alias refers to the node that contains it (a recursive alias)", {});
      return;
    }
    aliased_nodes_ += it->second.weight;
    if (aliased_nodes_ > kMaxAliasedNodes) {
      fail(mark, "aliases expand this file to too many nodes (is it a \"billion laughs\" file?)",
           {});
      return;
    }
    attach(it->second.node, it->second.weight, mark);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    auto node = make(YamlNode::Kind::scalar, mark);
    if (!node) return;
    node->text = value;
    // yaml-cpp gives plain scalars the non-specific tag "?", quoted and block ones "!".
    node->plain = tag == "?";
    if (tag == "tag:yaml.org,2002:str") node->plain = false;
    complete(std::move(node), anchor);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(YamlNode::Kind::sequence, mark, anchor);
  }
  void OnSequenceEnd() override { close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(YamlNode::Kind::map, mark, anchor);
  }
  void OnMapEnd() override { close(); }

  // After yaml-cpp threw: report its error once.
  void syntax_error(const YAML::Mark& mark, const std::string& message) {
    if (failed_) return;
    fail(mark, fmt::format("YAML syntax error: {}", message), {});
  }

  YamlDocument finish() && {
    YamlDocument doc;
    doc.ok = !failed_;
    doc.issues = std::move(issues_);
    if (!failed_ && root_ && !root_->is_null()) doc.root = std::move(root_);
    return doc;
  }

 private:
  struct Open {
    std::shared_ptr<YamlNode> node;
    YAML::anchor_t anchor;
    std::size_t weight = 1;
    NodePtr pending_key;  // map: the key whose value comes next
  };

  bool skipping() const { return failed_ || documents_ > 1 || skipped_depth_ > 0; }

  std::shared_ptr<YamlNode> make(YamlNode::Kind kind, const YAML::Mark& mark) {
    if (skipping()) return nullptr;
    auto node = std::make_shared<YamlNode>();
    node->kind = kind;
    node->line = static_cast<std::uint32_t>(mark.line + 1);
    node->column = static_cast<std::uint32_t>(mark.column + 1);
    return node;
  }

  void open(YamlNode::Kind kind, const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (skipping()) {
      if (skipped_depth_ > 0) ++skipped_depth_;
      return;
    }
    if (stack_.size() >= kMaxDepth) {
      fail(mark, fmt::format("the YAML is nested more than {} levels deep", kMaxDepth), {});
      return;
    }
    stack_.push_back(Open{make(kind, mark), anchor, 1, nullptr});
  }

  void close() {
    if (skipped_depth_ > 0) {
      --skipped_depth_;
      return;
    }
    if (skipping() || stack_.empty()) return;
    Open top = std::move(stack_.back());
    stack_.pop_back();
    if (top.node->kind == YamlNode::Kind::map) finish_map(*top.node, top.weight);
    NodePtr done = std::move(top.node);
    if (top.anchor != YAML::NullAnchor) anchors_[top.anchor] = Anchored{done, top.weight};
    attach(done, top.weight, {});
  }

  void complete(std::shared_ptr<YamlNode> node, YAML::anchor_t anchor) {
    if (!node) return;
    NodePtr done = std::move(node);
    if (anchor != YAML::NullAnchor) anchors_[anchor] = Anchored{done, 1};
    attach(done, 1, {});
  }

  // Adds a finished node to its parent (or makes it the root).
  void attach(const NodePtr& node, std::size_t weight, const YAML::Mark&) {
    if (skipping()) return;
    if (stack_.empty()) {
      root_ = node;
      return;
    }
    Open& parent = stack_.back();
    parent.weight += weight;
    if (parent.node->kind == YamlNode::Kind::sequence) {
      parent.node->items.push_back(node);
    } else if (!parent.pending_key) {
      parent.pending_key = node;
    } else if (node->is_null() && node->line != 0) {
      // yaml-cpp marks an empty value (`label:`) at the next token, often lines further
      // down; the key is the place a user recognises.
      auto placed = std::make_shared<YamlNode>(*node);
      placed->line = parent.pending_key->line;
      placed->column = parent.pending_key->column;
      parent.node->entries.push_back(YamlEntry{std::move(parent.pending_key), std::move(placed)});
      parent.pending_key = nullptr;
    } else {
      parent.node->entries.push_back(YamlEntry{std::move(parent.pending_key), node});
      parent.pending_key = nullptr;
    }
  }

  // Drops duplicate keys (keeping the first, as a reader of the file would expect the first
  // to count) after reporting them, and applies `<<` merge keys.
  void finish_map(YamlNode& map, std::size_t& weight) {
    std::vector<YamlEntry> kept;
    std::map<std::string, const YamlNode*, std::less<>> seen;
    std::vector<NodePtr> merges;
    for (YamlEntry& e : map.entries) {
      if (!e.key->is_scalar()) {
        Issue issue = detail::make_issue(
            "CP102", fmt::format("a key must be a name, not {}", describe(*e.key)),
            location_of(file_, e.key->line, e.key->column));
        issues_.push_back(std::move(issue));
        continue;
      }
      if (e.key->plain && e.key->text == "<<") {
        merges.push_back(e.value);
        continue;
      }
      auto [it, inserted] = seen.emplace(e.key->text, e.key.get());
      if (!inserted) {
        Issue issue = detail::make_issue("CP104", fmt::format("duplicate key `{}`", e.key->text),
                                         location_of(file_, e.key->line, e.key->column));
        issue.notes.push_back(Note{"first defined here",
                                   location_of(file_, it->second->line, it->second->column)});
        issue.hints.push_back("YAML keeps only one of them; remove or rename the other");
        issues_.push_back(std::move(issue));
        continue;
      }
      kept.push_back(std::move(e));
    }
    // `<<: *defaults` (or a list of them): keys not written in this map come from the merged
    // maps, earlier ones first.
    for (const NodePtr& m : merges) {
      std::vector<NodePtr> sources;
      if (m->is_map()) {
        sources.push_back(m);
      } else if (m->is_sequence()) {
        sources = m->items;
      }
      if (sources.empty() || !std::all_of(sources.begin(), sources.end(),
                                          [](const NodePtr& s) { return s->is_map(); })) {
        issues_.push_back(detail::make_issue(
            "CP102", fmt::format("`<<` merges a map or a list of maps, not {}", describe(*m)),
            location_of(file_, m->line, m->column)));
        continue;
      }
      for (const NodePtr& s : sources) {
        for (const YamlEntry& e : s->entries) {
          if (seen.emplace(e.key->text, e.key.get()).second) {
            kept.push_back(e);
            weight += 2;
          }
        }
      }
    }
    map.entries = std::move(kept);
  }

  void fail(const YAML::Mark& mark, std::string message, std::string hint) {
    std::uint32_t line = mark.is_null() ? 0 : static_cast<std::uint32_t>(mark.line + 1);
    std::uint32_t column = mark.is_null() ? 0 : static_cast<std::uint32_t>(mark.column + 1);
    fail_at(line, column, std::move(message));
    if (!hint.empty()) issues_.back().hints.push_back(std::move(hint));
  }

  void fail_at(std::uint32_t line, std::uint32_t column, std::string message) {
    issues_.push_back(detail::make_issue("CP100", std::move(message), location_of(file_, line, column)));
    failed_ = true;
  }

  std::string_view text_;
  const std::string& file_;
  std::string_view kind_;  // "tenant file", "test file": for messages
  int first_document_pos_ = -1;
  std::vector<Open> stack_;
  struct Anchored {
    NodePtr node;
    std::size_t weight;  // nodes in the expanded subtree: what each alias of it adds
  };
  std::map<YAML::anchor_t, Anchored> anchors_;
  std::size_t aliased_nodes_ = 0;
  NodePtr root_;
  Issues issues_;
  int documents_ = 0;
  std::size_t skipped_depth_ = 0;
  bool failed_ = false;
};

}  // namespace

const YamlEntry* YamlNode::find(std::string_view key) const {
  for (const YamlEntry& e : entries) {
    if (e.key->is_scalar() && e.key->text == key) return &e;
  }
  return nullptr;
}

std::string describe(const YamlNode& node) {
  switch (node.kind) {
    case YamlNode::Kind::null: return "nothing";
    case YamlNode::Kind::map: return "a map";
    case YamlNode::Kind::sequence: return "a list";
    case YamlNode::Kind::scalar: break;
  }
  std::string_view text = node.text;
  if (text.empty()) return "empty text";
  if (text.size() > 40) return fmt::format("`{}...`", text.substr(0, 37));
  return fmt::format("`{}`", text);
}

std::string without_bom(std::string text) {
  if (text.size() >= 3 && text.compare(0, 3, "\xEF\xBB\xBF") == 0) text.erase(0, 3);
  return text;
}

YamlDocument parse_yaml(std::string_view text, const std::string& file, std::string_view kind) {
  if (std::optional<Issue> problem = check_text(text, file, kind)) {
    YamlDocument doc;
    doc.ok = false;
    doc.issues.push_back(std::move(*problem));
    return doc;
  }
  TreeBuilder builder(text, file, kind);
  std::istringstream in{std::string(text)};
  // The one place where yaml-cpp's exceptions are caught: syntax errors, and its recursion
  // guard on absurdly deep input. Everything after this works on our own tree.
  try {
    YAML::Parser parser(in);
    // Two documents at most: the second is an error already, and yaml-cpp 0.7 can return
    // "another document" forever on some broken input (found by fuzz_load: ",-~").
    for (int document = 0; document < 2 && parser.HandleNextDocument(builder); ++document) {
    }
  } catch (const YAML::Exception& e) {
    builder.syntax_error(e.mark, e.msg);
  }
  return std::move(builder).finish();
}

}  // namespace callplan::load
