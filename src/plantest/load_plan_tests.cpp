// Reads plan-test files (SPEC section 6) into PlanTestSuite, every problem an Issue with the
// file:line:col of the YAML node. The YAML is read by the loader's own tree (load/yaml_tree:
// the one place that sees yaml-cpp), so a syntax error, a duplicate key, a tab or a stray
// byte in a test file gets the same code, position and wording as in a tenant file; this file
// only knows the plan-test keys and their values (CP500-CP505).
#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "callplan/plan_test.hpp"
#include "diagnostics/make_issue.hpp"
#include "load/yaml_tree.hpp"
#include "model/words.hpp"
#include "schedule/instant.hpp"

namespace callplan {
namespace {

using load::YamlNode;
using Keys = std::span<const std::string_view>;

constexpr std::array<std::string_view, 2> kFileKeys = {"tenant", "tests"};
constexpr std::array<std::string_view, 9> kTestKeys = {
    "name", "call", "presence", "answer", "digits", "hangup_after", "seed", "state", "expect"};
constexpr std::array<std::string_view, 3> kCallKeys = {"from", "to", "at"};
constexpr std::array<std::string_view, 6> kExpectKeys = {"disposition", "by", "user",
                                                         "reason", "rings", "t"};
constexpr Keys kPresenceStates = kScriptedPresenceWords;
constexpr Keys kDispositions = kDispositionWords;

bool one_of(std::string_view word, Keys set) {
  return std::find(set.begin(), set.end(), word) != set.end();
}

std::string join(Keys words) {
  std::string out;
  for (std::string_view w : words) {
    if (!out.empty()) out += ", ";
    out += w;
  }
  return out;
}

class Reader {
 public:
  Reader(PlanTestSuite& suite, Issues& issues, std::uint32_t file)
      : suite_(suite), issues_(issues), file_(file) {}

  Location location(const YamlNode& node) const {
    return Location{suite_.path, node.line, node.column};
  }

  SourceId where(const YamlNode& node) {
    if (node.line == 0) return kNoSource;
    return suite_.sources.add(file_, node.line, node.column);
  }

  Issue& report(std::string_view code, std::string message, const YamlNode& node) {
    return report(code, std::move(message), location(node));
  }
  Issue& report(std::string_view code, std::string message, Location at) {
    issues_.push_back(detail::make_issue(code, std::move(message), std::move(at)));
    return issues_.back();
  }

  // Checks that `node` is a map and reports unknown keys. False when not a map. (The tree
  // has reported duplicate keys already, CP104, and kept the first.)
  bool map(const YamlNode& node, std::string_view what, Keys allowed) {
    if (!node.is_map()) {
      report("CP501", fmt::format("{} must be a map", what), node);
      return false;
    }
    if (allowed.empty()) return true;
    for (const load::YamlEntry& kv : node.entries) {
      const std::string& key = kv.key->text;
      if (!one_of(key, allowed)) {
        Issue& i = report("CP500", fmt::format("unknown key `{}` in {}", key, what), *kv.key);
        std::string hint = detail::did_you_mean(key, allowed);
        i.hints.push_back(hint.empty() ? fmt::format("the keys of {} are: {}", what, join(allowed))
                                       : hint);
      }
    }
    return true;
  }

  std::optional<Located<std::string>> text(const YamlNode& node, std::string_view what) {
    if (!node.is_scalar()) {
      report("CP501", fmt::format("{} must be text", what), node);
      return std::nullopt;
    }
    return Located<std::string>{node.text, where(node)};
  }

  std::optional<std::uint64_t> whole(const YamlNode& node, std::string_view what,
                                     std::uint64_t max) {
    const std::string s = node.is_scalar() ? node.text : std::string();
    std::uint64_t v = 0;
    bool ok = !s.empty() && s.size() <= 19;
    for (char c : s) {
      if (c < '0' || c > '9') ok = false;
      else v = v * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (!ok || v > max) {
      report("CP501", fmt::format("{} must be a whole number from 0 to {}, not `{}`", what, max,
                                  node.is_scalar() ? s : std::string("a list or map")),
             node);
      return std::nullopt;
    }
    return v;
  }

  std::optional<Located<std::uint32_t>> seconds(const YamlNode& node, std::string_view what) {
    auto v = whole(node, what, 86400);
    if (!v) return std::nullopt;
    return Located<std::uint32_t>{static_cast<std::uint32_t>(*v), where(node)};
  }

  // `root` is nullptr for an empty file.
  void read_file(const YamlNode* root) {
    if (root == nullptr) {
      report("CP502", "the test file is empty: it needs `tenant` and `tests`",
             Location{suite_.path, 0, 0});
      return;
    }
    if (!map(*root, "the test file", kFileKeys)) return;
    if (const YamlNode* t = get(*root, "tenant")) {
      if (auto v = text(*t, "`tenant`")) {
        suite_.tenant = *v;
        std::filesystem::path base = std::filesystem::path(suite_.path).parent_path();
        suite_.tenant_path = (base / v->value).lexically_normal().string();
      }
    } else {
      report("CP502", "the test file has no `tenant` (the tenant file, relative to this file)",
             *root);
    }
    const YamlNode* tests = get(*root, "tests");
    if (tests == nullptr) {
      report("CP502", "the test file has no `tests` list", *root);
      return;
    }
    if (!tests->is_sequence()) {
      report("CP501", "`tests` must be a list of tests", *tests);
      return;
    }
    std::set<std::string> names;
    for (const load::NodePtr& node : tests->items) {
      PlanTest test;
      if (!read_test(*node, test)) continue;
      if (!names.insert(test.name.value).second) {
        report("CP505", fmt::format("two tests are named `{}`", test.name.value),
               *get(*node, "name"))
            .hints.push_back("give each test its own name so failures can be told apart");
      }
      suite_.tests.push_back(std::move(test));
    }
  }

 private:
  // The value of `key` in the map `node`, or nullptr when the key is not written.
  static const YamlNode* get(const YamlNode& node, std::string_view key) {
    const load::YamlEntry* entry = node.find(key);
    return entry == nullptr ? nullptr : entry->value.get();
  }

  bool read_test(const YamlNode& node, PlanTest& test) {
    if (!map(node, "a test", kTestKeys)) return false;
    test.where = where(node);
    std::size_t before = issues_.size();

    if (const YamlNode* n = get(node, "name")) {
      if (auto v = text(*n, "`name`")) test.name = *v;
    } else {
      report("CP502", "a test without `name`", node);
    }
    if (const YamlNode* call = get(node, "call")) {
      read_call(*call, test);
    } else {
      report("CP502", "a test without `call` (at least `to`)", node);
    }
    if (const YamlNode* p = get(node, "presence")) read_presence(*p, test);
    if (const YamlNode* a = get(node, "answer")) read_answer(*a, test);
    if (const YamlNode* d = get(node, "digits")) {
      if (auto v = text(*d, "`digits`")) {
        if (!is_scripted_digits(v->value)) {
          report("CP501",
                 fmt::format("`digits` may hold only 0-9, *, # and _ (no digit for that prompt), "
                             "not `{}`",
                             v->value),
                 *d);
        } else {
          test.digits = *v;
        }
      }
    }
    if (const YamlNode* h = get(node, "hangup_after")) {
      test.hangup_after = seconds(*h, "`hangup_after`");
    }
    if (const YamlNode* s = get(node, "seed")) {
      if (auto v = whole(*s, "`seed`", std::numeric_limits<std::uint64_t>::max() / 10))
        test.seed = Located<std::uint64_t>{*v, where(*s)};
    }
    if (const YamlNode* s = get(node, "state")) read_state(*s, test);
    if (const YamlNode* e = get(node, "expect")) {
      read_expect(*e, test.expect);
    } else {
      report("CP502", "a test without `expect`: it would check nothing", node);
    }
    // A test with problems is still kept when it has a name, so the runner can count it as
    // failed; the file's issues stop the run before that anyway.
    return issues_.size() == before || !test.name.value.empty();
  }

  void read_call(const YamlNode& call, PlanTest& test) {
    if (!map(call, "`call`", kCallKeys)) return;
    if (const YamlNode* n = get(call, "from")) {
      if (auto v = text(*n, "`call.from`")) test.from = *v;
    }
    if (const YamlNode* n = get(call, "to")) {
      if (auto v = text(*n, "`call.to`")) test.to = *v;
    } else {
      report("CP502", "`call` without `to` (the dialled number or extension)", call);
    }
    if (const YamlNode* n = get(call, "at")) {
      if (auto v = text(*n, "`call.at`")) {
        if (!detail::valid_instant_syntax(v->value)) {
          report("CP501",
                 fmt::format("`call.at` is `{}`; write {}", v->value, detail::kInstantForms), *n);
        } else {
          test.at = *v;
        }
      }
    }
  }

  void read_presence(const YamlNode& p, PlanTest& test) {
    if (!map(p, "`presence`", {})) return;
    for (const load::YamlEntry& kv : p.entries) {
      auto state = text(*kv.value, "a presence state");
      if (!state) continue;
      if (!one_of(state->value, kPresenceStates)) {
        Issue& i = report("CP501",
                          fmt::format("unknown presence state `{}` for `{}`", state->value,
                                      kv.key->text),
                          *kv.value);
        std::string hint = detail::did_you_mean(state->value, kPresenceStates);
        i.hints.push_back(hint.empty() ? fmt::format("use one of: {}", join(kPresenceStates))
                                       : hint);
        continue;
      }
      test.presence.push_back({Located<std::string>{kv.key->text, where(*kv.key)}, *state});
    }
  }

  void read_answer(const YamlNode& a, PlanTest& test) {
    if (!map(a, "`answer`", {})) return;
    for (const load::YamlEntry& kv : a.entries) {
      const YamlNode& value = *kv.value;
      PlanTestAnswer answer;
      answer.target = Located<std::string>{kv.key->text, where(*kv.key)};
      answer.value_where = where(value);
      if (value.is_scalar() && value.text == "busy") {
        answer.busy = true;
      } else if (value.is_scalar() && is_digits(value.text)) {
        auto v = seconds(value, fmt::format("the answer time of `{}`", kv.key->text));
        if (!v) continue;
        answer.after_seconds = v->value;
      } else {
        report("CP501",
               fmt::format("the answer of `{}` must be seconds after it starts ringing or `busy`",
                           kv.key->text),
               value)
            .hints.push_back("e.g. answer: {\"001\": 5, \"002\": busy}");
        continue;
      }
      test.answer.push_back(std::move(answer));
    }
  }

  void read_state(const YamlNode& s, PlanTest& test) {
    if (!map(s, "`state`", {})) return;
    for (const load::YamlEntry& kv : s.entries) {
      auto member = text(*kv.value, "a round-robin position");
      if (!member) continue;
      test.state.push_back({Located<std::string>{kv.key->text, where(*kv.key)}, *member});
    }
  }

  void read_expect(const YamlNode& e, PlanTestExpect& expect) {
    if (!map(e, "`expect`", kExpectKeys)) return;
    expect.where = where(e);
    if (const YamlNode* d = get(e, "disposition")) {
      if (auto v = text(*d, "`expect.disposition`")) {
        if (one_of(v->value, kDispositions)) {
          expect.disposition = *v;
        } else {
          Issue& i = report("CP501", fmt::format("unknown disposition `{}`", v->value), *d);
          std::string hint = detail::did_you_mean(v->value, kDispositions);
          i.hints.push_back(hint.empty() ? fmt::format("use one of: {}", join(kDispositions))
                                         : hint);
        }
      }
    }
    if (const YamlNode* n = get(e, "by")) {
      if (auto v = text(*n, "`expect.by`")) expect.by = *v;
    }
    if (const YamlNode* n = get(e, "user")) {
      if (auto v = text(*n, "`expect.user`")) expect.user = *v;
    }
    if (const YamlNode* n = get(e, "reason")) {
      if (auto v = text(*n, "`expect.reason`")) expect.reason = *v;
    }
    if (const YamlNode* n = get(e, "t")) expect.t = seconds(*n, "`expect.t`");
    if (const YamlNode* r = get(e, "rings")) read_rings(*r, expect);
    if (e.entries.empty()) {  // keys with bad values have been reported already
      report("CP502", "`expect` checks nothing: give at least `disposition`", e);
    }
  }

  void read_rings(const YamlNode& r, PlanTestExpect& expect) {
    if (!r.is_sequence()) {
      report("CP501", "`expect.rings` must be a list of ring target lists, e.g. [[\"001\"], [\"002\"]]",
             r);
      return;
    }
    std::vector<std::vector<std::string>> rings;
    for (const load::NodePtr& ring : r.items) {
      std::vector<std::string> targets;
      if (ring->is_scalar()) {
        targets.push_back(ring->text);  // `- "001"` is shorthand for `- ["001"]`
      } else if (ring->is_sequence()) {
        for (const load::NodePtr& t : ring->items) {
          if (!t->is_scalar()) {
            report("CP501", "a ring target must be an extension or number", *t);
            return;
          }
          targets.push_back(t->text);
        }
      } else {
        report("CP501", "each entry of `expect.rings` must be a list of targets", *ring);
        return;
      }
      rings.push_back(std::move(targets));
    }
    expect.rings = std::move(rings);
    expect.rings_where = where(r);
  }

  PlanTestSuite& suite_;
  Issues& issues_;
  std::uint32_t file_;
};

}  // namespace

PlanTestLoad load_plan_tests_string(std::string_view text, std::string name) {
  PlanTestLoad load;
  load.suite.path = name;
  std::string content = load::without_bom(std::string(text));
  std::uint32_t file = load.suite.sources.add_file(name, content);
  load::YamlDocument doc = load::parse_yaml(content, name, "test file");
  load.issues = std::move(doc.issues);
  if (!doc.ok) return load;  // a syntax error: the tree must not be interpreted
  Reader reader(load.suite, load.issues, file);
  reader.read_file(doc.root.get());
  return load;
}

PlanTestLoad load_plan_tests(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(fmt::format("cannot read test file `{}`", path));
  std::ostringstream text;
  text << in.rdbuf();
  return load_plan_tests_string(text.str(), path);
}

}  // namespace callplan
