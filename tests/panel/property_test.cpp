// Property: over random edit sequences on generated YAML (random layout: block and flow,
// every quoting, comments, blank lines, indentation, LF or CRLF), the written text parses to
// exactly the tree the edits give when applied to the parsed tree, and every byte outside the
// replaced span is unchanged. Seeded loop (a failure prints its seed and the texts).
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "panel/yaml_edit/scalar_text.hpp"
#include "panel/yaml_edit/yaml_editor.hpp"

namespace callplan::panel {
namespace {

using V = YamlValue;

const std::vector<std::string> kScalars = {
    "001",    "Anna",  "de Vries", "30",   "true",        "Sales: NL", "#1",    "a #b",  "it's",
    "- dash", "[x]",   "{y}",      "x, y", "two\nlines",  "",          "~",     "null",  "Zoë",
    "a:b",    "ends:", "  pad",    "q\"q", "back\\slash", "tab\there", "& amp", "*star", "!bang",
    "%",      "@",     "..."};
const std::vector<std::string> kKeys = {"a",  "b",   "name", "label",   "members",
                                        "to", "x y", "k-1",  "timeout", "steps"};

class Gen {
 public:
  explicit Gen(std::uint32_t seed) : rng_(seed) {}
  std::size_t pick(std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_);
  }
  bool chance(int percent) { return static_cast<int>(pick(100)) < percent; }

  V value(int depth) {
    std::size_t r = pick(10);
    if (depth <= 0 || r < 4)
      return chance(8) ? V::null() : V::scalar(kScalars[pick(kScalars.size())]);
    if (r < 7) {
      V s = V::sequence();
      for (std::size_t i = 0, n = pick(4); i < n; ++i) s.items.push_back(value(depth - 1));
      return s;
    }
    return map(depth);
  }

  V map(int depth) {
    V m = V::map();
    for (std::size_t i = 0, n = 1 + pick(3); i < n; ++i) {
      const std::string& k = kKeys[pick(kKeys.size())];
      if (!m.find(k)) m.entries.emplace_back(k, value(depth - 1));
    }
    return m;
  }

 private:
  std::mt19937 rng_;
};

// Writes a tree as YAML in a random layout.
class Writer {
 public:
  Writer(Gen& g, std::string eol)
      : g_(g), eol_(std::move(eol)), step_(g.chance(50) ? 2 : 4), gap_(g.chance(80) ? 1 : 3) {}

  std::string document(const V& root) {
    if (g_.chance(50)) line(0, "# generated");
    block_map(root, 0);
    return out_;
  }

 private:
  void line(std::size_t indent, const std::string& s) {
    out_ += std::string(indent, ' ') + s + eol_;
  }
  std::string comment() { return g_.chance(30) ? "  # note" : ""; }
  void decoration(std::size_t indent) {
    if (g_.chance(10)) out_ += eol_;
    if (g_.chance(15)) line(indent, "# about the next one");
  }

  std::string scalar(const std::string& s, bool in_flow) {
    std::vector<std::string> options{double_quoted(s)};
    if (plain_safe(s, in_flow)) options.push_back(s);
    if (single_quote_safe(s)) options.push_back(single_quoted(s));
    return options[g_.pick(options.size())];
  }

  std::string flow(const V& v) {
    std::string sep = g_.chance(70) ? ", " : ",  ";
    switch (v.kind) {
      case V::Kind::null: return "~";
      case V::Kind::scalar: return scalar(v.text, true);
      case V::Kind::sequence: {
        std::string s = "[";
        for (std::size_t i = 0; i < v.items.size(); ++i) s += (i ? sep : "") + flow(v.items[i]);
        return s + "]";
      }
      case V::Kind::map: {
        std::string s = "{";
        for (std::size_t i = 0; i < v.entries.size(); ++i) {
          s += (i ? sep : "") + scalar(v.entries[i].first, true) + ": " + flow(v.entries[i].second);
        }
        return s + "}";
      }
    }
    return "~";
  }

  bool is_block_candidate(const V& v) {
    return (v.is_map() && !v.entries.empty()) || (v.is_sequence() && !v.items.empty());
  }

  // The lines of `v` as the content of a `-` at `indent`, the first one carrying the dash.
  void block_item(const V& v, std::size_t indent) {
    std::string dash = "-" + std::string(gap_, ' ');
    if (!is_block_candidate(v) || g_.chance(30)) {
      std::string s = v.kind == V::Kind::scalar || v.kind == V::Kind::null
                          ? (v.kind == V::Kind::null ? "~" : scalar(v.text, false))
                          : flow(v);
      line(indent, dash + s + comment());
      return;
    }
    std::size_t content = indent + 1 + gap_;
    std::size_t first = out_.size();
    if (v.is_map()) {
      block_map(v, content);
    } else {
      for (const auto& item : v.items) block_item(item, content);
    }
    out_.replace(first, content, std::string(indent, ' ') + dash);
  }

  void block_map(const V& m, std::size_t indent) {
    bool first = true;
    for (const auto& [k, v] : m.entries) {
      if (!first) decoration(indent);
      first = false;
      std::string head = scalar(k, false) + ":";
      if (v.kind == V::Kind::null) {
        line(indent, head + (g_.chance(50) ? " ~" : "") + comment());
      } else if (v.is_scalar() && v.text.find('\n') != std::string::npos && g_.chance(40) &&
                 v.text.find('\t') == std::string::npos && v.text.front() != ' ') {
        line(indent, head + " |-");  // a block scalar: never edited, must survive edits around it
        std::size_t from = 0;
        while (from <= v.text.size()) {
          std::size_t nl = v.text.find('\n', from);
          std::string part =
              v.text.substr(from, nl == std::string::npos ? std::string::npos : nl - from);
          line(part.empty() ? 0 : indent + step_, part);
          if (nl == std::string::npos) break;
          from = nl + 1;
        }
      } else if (!is_block_candidate(v) || g_.chance(30)) {
        line(indent, head + " " + (v.is_scalar() ? scalar(v.text, false) : flow(v)) + comment());
      } else if (v.is_map()) {
        line(indent, head + comment());
        block_map(v, indent + step_);
      } else {
        line(indent, head + comment());
        std::size_t dash_indent = g_.chance(25) ? indent : indent + step_;
        for (const auto& item : v.items) {
          decoration(dash_indent);
          block_item(item, dash_indent);
        }
      }
    }
  }

  Gen& g_;
  std::string eol_;
  std::size_t step_;
  std::size_t gap_;
  std::string out_;
};

// Every node of the tree, by path.
void collect(const V& v, YamlPath& path, std::vector<std::pair<YamlPath, const V*>>& out) {
  out.emplace_back(path, &v);
  if (v.is_sequence()) {
    for (std::size_t i = 0; i < v.items.size(); ++i) {
      path.emplace_back(i);
      collect(v.items[i], path, out);
      path.pop_back();
    }
  } else if (v.is_map()) {
    for (const auto& [k, child] : v.entries) {
      path.emplace_back(k);
      collect(child, path, out);
      path.pop_back();
    }
  }
}

V& at(V& root, const YamlPath& path) {
  V* v = &root;
  for (const auto& step : path) {
    if (const auto* k = std::get_if<std::string>(&step)) {
      v = v->find(*k);
    } else {
      v = &v->items[std::get<std::size_t>(step)];
    }
  }
  return *v;
}

struct Tally {
  int done = 0;
  int refused = 0;
};

// One random edit on both the editor and the model; checks the property.
void random_edit(Gen& g, YamlEditor& editor, V& model, Tally& tally, const std::string& where) {
  std::vector<std::pair<YamlPath, const V*>> nodes;
  YamlPath path;
  collect(model, path, nodes);
  auto [target, node] = nodes[g.pick(nodes.size())];
  const std::string before = editor.text();
  const std::size_t replacements = editor.replacements().size();
  V next = model;
  try {
    if ((node->is_scalar() || node->kind == V::Kind::null) && g.chance(60)) {
      std::string s = kScalars[g.pick(kScalars.size())];
      editor.set_scalar(target, s);
      at(next, target) = V::scalar(s);
    } else if (node->is_sequence() && g.chance(70)) {
      std::size_t index = g.pick(node->items.size() + 1);
      V item = g.value(2);
      editor.insert_item(target, index, item);
      auto& items = at(next, target).items;
      items.insert(items.begin() + static_cast<std::ptrdiff_t>(index), item);
    } else if (node->is_map() && g.chance(70)) {
      const std::string& k = kKeys[g.pick(kKeys.size())];
      if (node->find(k)) return;
      V value = g.value(2);
      editor.set_key(target, k, value);
      at(next, target).entries.emplace_back(k, value);
    } else if (!target.empty()) {
      editor.remove_item(target);
      YamlPath parent(target.begin(), target.end() - 1);
      V& p = at(next, parent);
      if (const auto* k = std::get_if<std::string>(&target.back())) {
        for (auto it = p.entries.begin(); it != p.entries.end(); ++it) {
          if (it->first == *k) {
            p.entries.erase(it);
            break;
          }
        }
      } else {
        p.items.erase(p.items.begin() +
                      static_cast<std::ptrdiff_t>(std::get<std::size_t>(target.back())));
      }
    } else {
      return;
    }
  } catch (const EditError& e) {
    // Refusing a layout it does not edit is allowed; failing its own verification or losing
    // its way in the tree is a writer bug.
    EXPECT_TRUE(e.code == EditErrorCode::unsupported_layout) << where << ": " << e.what() << "\n"
                                                             << before;
    EXPECT_EQ(editor.text(), before) << where;
    ++tally.refused;
    return;
  }
  ++tally.done;
  model = std::move(next);
  const std::string& after = editor.text();
  auto reread = parse_value(after);
  ASSERT_TRUE(reread.has_value()) << where << "\n" << after;
  EXPECT_EQ(first_difference(model, *reread), std::nullopt) << where << "\nbefore:\n"
                                                            << before << "\nafter:\n"
                                                            << after;
  ASSERT_EQ(editor.replacements().size(), replacements + 1);
  const TextReplacement& r = editor.replacements().back();
  EXPECT_EQ(after.substr(0, r.offset), before.substr(0, r.offset)) << where;
  EXPECT_EQ(after.substr(r.offset + r.inserted.size()), before.substr(r.offset + r.removed))
      << where;
}

TEST(YamlEditProperty, RandomEditSequencesReadBackAsTheEditedTree) {
  Tally tally;
  constexpr std::uint32_t kDocuments = 400;
  for (std::uint32_t seed = 1; seed <= kDocuments; ++seed) {
    Gen g(seed);
    V root = g.map(4);
    std::string text = Writer(g, g.chance(25) ? "\r\n" : "\n").document(root);
    std::string where = "seed " + std::to_string(seed);
    auto parsed = parse_value(text);
    ASSERT_TRUE(parsed.has_value()) << where << "\n" << text;
    ASSERT_EQ(first_difference(root, *parsed), std::nullopt) << where << " (generator)\n" << text;
    YamlEditor editor(text);
    V model = root;
    for (int i = 0; i < 12; ++i) {
      random_edit(g, editor, model, tally, where + " edit " + std::to_string(i));
      if (HasFatalFailure() || HasFailure()) return;
    }
  }
  // Not vacuous: most edits are made, not refused.
  EXPECT_GT(tally.done, 2000);
  EXPECT_LT(tally.refused * 5, tally.done)
      << tally.refused << " refused, " << tally.done << " done";
  RecordProperty("edits_done", tally.done);
  RecordProperty("edits_refused", tally.refused);
}

}  // namespace
}  // namespace callplan::panel
