// Reads plan-test files (SPEC section 6) into PlanTestSuite, every problem an Issue with the
// file:line:col of the YAML node. yaml-cpp stays in this file, as it stays in src/load for
// tenants; YAML::Exception is caught in exactly one place (load_plan_tests_string).
#include <array>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "callplan/plan_test.hpp"
#include "diagnostics/make_issue.hpp"
#include "model/words.hpp"
#include "schedule/instant.hpp"

namespace callplan {
namespace {

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

  Location location(const YAML::Node& node) const {
    const YAML::Mark m = node.Mark();
    if (m.is_null()) return Location{suite_.path, 0, 0};
    return Location{suite_.path, static_cast<std::uint32_t>(m.line + 1),
                    static_cast<std::uint32_t>(m.column + 1)};
  }

  SourceId where(const YAML::Node& node) {
    Location at = location(node);
    if (!at.known()) return kNoSource;
    return suite_.sources.add(file_, at.line, at.column);
  }

  Issue& report(std::string_view code, std::string message, const YAML::Node& node) {
    issues_.push_back(detail::make_issue(code, std::move(message), location(node)));
    return issues_.back();
  }

  // Checks that `node` is a map, reports unknown and duplicate keys. False when not a map.
  bool map(const YAML::Node& node, std::string_view what, Keys allowed) {
    if (!node.IsMap()) {
      report("CP501", fmt::format("{} must be a map", what), node);
      return false;
    }
    std::set<std::string> seen;
    for (const auto& kv : node) {
      const std::string key = kv.first.Scalar();
      if (!seen.insert(key).second) {
        report("CP104", fmt::format("`{}` is given twice in {}", key, what), kv.first);
        continue;
      }
      if (!allowed.empty() && !one_of(key, allowed)) {
        Issue& i = report("CP500", fmt::format("unknown key `{}` in {}", key, what), kv.first);
        std::string hint = detail::did_you_mean(key, allowed);
        i.hints.push_back(hint.empty() ? fmt::format("the keys of {} are: {}", what, join(allowed))
                                       : hint);
      }
    }
    return true;
  }

  std::optional<Located<std::string>> text(const YAML::Node& node, std::string_view what) {
    if (!node.IsScalar()) {
      report("CP501", fmt::format("{} must be text", what), node);
      return std::nullopt;
    }
    return Located<std::string>{node.Scalar(), where(node)};
  }

  std::optional<std::uint64_t> whole(const YAML::Node& node, std::string_view what,
                                     std::uint64_t max) {
    const std::string s = node.IsScalar() ? node.Scalar() : std::string();
    std::uint64_t v = 0;
    bool ok = !s.empty() && s.size() <= 19;
    for (char c : s) {
      if (c < '0' || c > '9') ok = false;
      else v = v * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (!ok || v > max) {
      report("CP501", fmt::format("{} must be a whole number from 0 to {}, not `{}`", what, max,
                                  node.IsScalar() ? s : std::string("a list or map")),
             node);
      return std::nullopt;
    }
    return v;
  }

  std::optional<Located<std::uint32_t>> seconds(const YAML::Node& node, std::string_view what) {
    auto v = whole(node, what, 86400);
    if (!v) return std::nullopt;
    return Located<std::uint32_t>{static_cast<std::uint32_t>(*v), where(node)};
  }

  void read_file(const YAML::Node& root) {
    if (root.IsNull()) {
      report("CP502", "the test file is empty: it needs `tenant` and `tests`", root);
      return;
    }
    if (!map(root, "the test file", kFileKeys)) return;
    if (const YAML::Node t = root["tenant"]) {
      if (auto v = text(t, "`tenant`")) {
        suite_.tenant = *v;
        std::filesystem::path base = std::filesystem::path(suite_.path).parent_path();
        suite_.tenant_path = (base / v->value).lexically_normal().string();
      }
    } else {
      report("CP502", "the test file has no `tenant` (the tenant file, relative to this file)",
             root);
    }
    const YAML::Node tests = root["tests"];
    if (!tests) {
      report("CP502", "the test file has no `tests` list", root);
      return;
    }
    if (!tests.IsSequence()) {
      report("CP501", "`tests` must be a list of tests", tests);
      return;
    }
    std::set<std::string> names;
    for (const YAML::Node& node : tests) {
      PlanTest test;
      if (!read_test(node, test)) continue;
      if (!names.insert(test.name.value).second) {
        report("CP505", fmt::format("two tests are named `{}`", test.name.value), node["name"])
            .hints.push_back("give each test its own name so failures can be told apart");
      }
      suite_.tests.push_back(std::move(test));
    }
  }

 private:
  bool read_test(const YAML::Node& node, PlanTest& test) {
    if (!map(node, "a test", kTestKeys)) return false;
    test.where = where(node);
    std::size_t before = issues_.size();

    if (const YAML::Node n = node["name"]) {
      if (auto v = text(n, "`name`")) test.name = *v;
    } else {
      report("CP502", "a test without `name`", node);
    }
    if (const YAML::Node call = node["call"]) {
      read_call(call, test);
    } else {
      report("CP502", "a test without `call` (at least `to`)", node);
    }
    if (const YAML::Node p = node["presence"]) read_presence(p, test);
    if (const YAML::Node a = node["answer"]) read_answer(a, test);
    if (const YAML::Node d = node["digits"]) {
      if (auto v = text(d, "`digits`")) {
        if (!is_scripted_digits(v->value)) {
          report("CP501",
                 fmt::format("`digits` may hold only 0-9, *, # and _ (no digit for that prompt), "
                             "not `{}`",
                             v->value),
                 d);
        } else {
          test.digits = *v;
        }
      }
    }
    if (const YAML::Node h = node["hangup_after"]) test.hangup_after = seconds(h, "`hangup_after`");
    if (const YAML::Node s = node["seed"]) {
      if (auto v = whole(s, "`seed`", std::numeric_limits<std::uint64_t>::max() / 10))
        test.seed = Located<std::uint64_t>{*v, where(s)};
    }
    if (const YAML::Node s = node["state"]) read_state(s, test);
    if (const YAML::Node e = node["expect"]) {
      read_expect(e, test.expect);
    } else {
      report("CP502", "a test without `expect`: it would check nothing", node);
    }
    // A test with problems is still kept when it has a name, so the runner can count it as
    // failed; the file's issues stop the run before that anyway.
    return issues_.size() == before || !test.name.value.empty();
  }

  void read_call(const YAML::Node& call, PlanTest& test) {
    if (!map(call, "`call`", kCallKeys)) return;
    if (const YAML::Node n = call["from"]) {
      if (auto v = text(n, "`call.from`")) test.from = *v;
    }
    if (const YAML::Node n = call["to"]) {
      if (auto v = text(n, "`call.to`")) test.to = *v;
    } else {
      report("CP502", "`call` without `to` (the dialled number or extension)", call);
    }
    if (const YAML::Node n = call["at"]) {
      if (auto v = text(n, "`call.at`")) {
        if (!detail::valid_instant_syntax(v->value)) {
          report("CP501",
                 fmt::format("`call.at` is `{}`; write {}", v->value, detail::kInstantForms), n);
        } else {
          test.at = *v;
        }
      }
    }
  }

  void read_presence(const YAML::Node& p, PlanTest& test) {
    if (!map(p, "`presence`", {})) return;
    for (const auto& kv : p) {
      auto state = text(kv.second, "a presence state");
      if (!state) continue;
      if (!one_of(state->value, kPresenceStates)) {
        Issue& i = report("CP501",
                          fmt::format("unknown presence state `{}` for `{}`", state->value,
                                      kv.first.Scalar()),
                          kv.second);
        std::string hint = detail::did_you_mean(state->value, kPresenceStates);
        i.hints.push_back(hint.empty() ? fmt::format("use one of: {}", join(kPresenceStates))
                                       : hint);
        continue;
      }
      test.presence.push_back({Located<std::string>{kv.first.Scalar(), where(kv.first)}, *state});
    }
  }

  void read_answer(const YAML::Node& a, PlanTest& test) {
    if (!map(a, "`answer`", {})) return;
    for (const auto& kv : a) {
      PlanTestAnswer answer;
      answer.target = Located<std::string>{kv.first.Scalar(), where(kv.first)};
      answer.value_where = where(kv.second);
      if (kv.second.IsScalar() && kv.second.Scalar() == "busy") {
        answer.busy = true;
      } else if (kv.second.IsScalar() &&
                 kv.second.Scalar().find_first_not_of("0123456789") == std::string::npos &&
                 !kv.second.Scalar().empty()) {
        auto v = seconds(kv.second, fmt::format("the answer time of `{}`", kv.first.Scalar()));
        if (!v) continue;
        answer.after_seconds = v->value;
      } else {
        report("CP501",
               fmt::format("the answer of `{}` must be seconds after it starts ringing or `busy`",
                           kv.first.Scalar()),
               kv.second)
            .hints.push_back("e.g. answer: {\"001\": 5, \"002\": busy}");
        continue;
      }
      test.answer.push_back(std::move(answer));
    }
  }

  void read_state(const YAML::Node& s, PlanTest& test) {
    if (!map(s, "`state`", {})) return;
    for (const auto& kv : s) {
      auto member = text(kv.second, "a round-robin position");
      if (!member) continue;
      test.state.push_back({Located<std::string>{kv.first.Scalar(), where(kv.first)}, *member});
    }
  }

  void read_expect(const YAML::Node& e, PlanTestExpect& expect) {
    if (!map(e, "`expect`", kExpectKeys)) return;
    expect.where = where(e);
    if (const YAML::Node d = e["disposition"]) {
      if (auto v = text(d, "`expect.disposition`")) {
        if (one_of(v->value, kDispositions)) {
          expect.disposition = *v;
        } else {
          Issue& i =
              report("CP501", fmt::format("unknown disposition `{}`", v->value), d);
          std::string hint = detail::did_you_mean(v->value, kDispositions);
          i.hints.push_back(hint.empty() ? fmt::format("use one of: {}", join(kDispositions))
                                         : hint);
        }
      }
    }
    if (const YAML::Node n = e["by"]) {
      if (auto v = text(n, "`expect.by`")) expect.by = *v;
    }
    if (const YAML::Node n = e["user"]) {
      if (auto v = text(n, "`expect.user`")) expect.user = *v;
    }
    if (const YAML::Node n = e["reason"]) {
      if (auto v = text(n, "`expect.reason`")) expect.reason = *v;
    }
    if (const YAML::Node n = e["t"]) expect.t = seconds(n, "`expect.t`");
    if (const YAML::Node r = e["rings"]) read_rings(r, expect);
    if (e.size() == 0) {  // keys with bad values have been reported already
      report("CP502", "`expect` checks nothing: give at least `disposition`", e);
    }
  }

  void read_rings(const YAML::Node& r, PlanTestExpect& expect) {
    if (!r.IsSequence()) {
      report("CP501", "`expect.rings` must be a list of ring target lists, e.g. [[\"001\"], [\"002\"]]",
             r);
      return;
    }
    std::vector<std::vector<std::string>> rings;
    for (const YAML::Node& ring : r) {
      std::vector<std::string> targets;
      if (ring.IsScalar()) {
        targets.push_back(ring.Scalar());  // `- "001"` is shorthand for `- ["001"]`
      } else if (ring.IsSequence()) {
        for (const YAML::Node& t : ring) {
          if (!t.IsScalar()) {
            report("CP501", "a ring target must be an extension or number", t);
            return;
          }
          targets.push_back(t.Scalar());
        }
      } else {
        report("CP501", "each entry of `expect.rings` must be a list of targets", ring);
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
  std::uint32_t file = load.suite.sources.add_file(name, std::string(text));
  Reader reader(load.suite, load.issues, file);
  try {
    YAML::Node root = YAML::Load(std::string(text));
    reader.read_file(root);
  } catch (const YAML::Exception& e) {
    Location at{name, static_cast<std::uint32_t>(e.mark.line + 1),
                static_cast<std::uint32_t>(e.mark.column + 1)};
    if (e.mark.is_null()) at = Location{name, 0, 0};
    load.issues.push_back(detail::make_issue("CP100", e.msg, at));
  }
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
