// `plans:` and their steps (SPEC 2.1). A step is a one-key map: `- transfer: {to: "001"}`;
// its `label`, like every other field, goes inside the step's own map.
#include <algorithm>

#include <fmt/format.h>

#include "diagnostics/make_issue.hpp"
#include "model/phone_number.hpp"
#include "load/readers.hpp"
#include "load/value_syntax.hpp"

namespace callplan::load {

namespace {

constexpr std::string_view kPlanKeys[] = {"id", "label", "steps"};
constexpr std::string_view kStepKinds[] = {"transfer",     "ring_group", "time_condition",
                                           "voicemail",    "announcement", "menu",
                                           "goto",         "hangup"};
constexpr std::string_view kTransferKeys[] = {"to",      "follow_personal_plan", "timeout",
                                              "rings",   "caller_id",            "label"};
constexpr std::string_view kRingGroupKeys[] = {"strategy", "members",      "timeout", "rings",
                                               "max_duration", "caller_id", "label"};
constexpr std::string_view kTimeConditionKeys[] = {"schedule", "then", "else", "label"};
constexpr std::string_view kVoicemailKeys[] = {"user", "label"};
constexpr std::string_view kAnnouncementKeys[] = {"audio", "text", "label"};
constexpr std::string_view kMenuKeys[] = {"prompt",  "prompt_text", "options", "timeout",
                                          "retries", "invalid",     "label"};
constexpr std::string_view kGotoKeys[] = {"plan", "label"};
constexpr std::string_view kHangupKeys[] = {"label"};
constexpr std::string_view kCallerKeyword[] = {"caller"};

constexpr std::pair<std::string_view, Strategy> kStrategies[] = {
    {"ring_all", Strategy::ring_all},       {"memory_hunt", Strategy::memory_hunt},
    {"round_robin", Strategy::round_robin}, {"cascade", Strategy::cascade},
    {"random", Strategy::random}};

constexpr std::uint32_t kMaxSeconds = 24 * 60 * 60;

StepList read_steps(Reader& reader, const YamlNode& node, const std::string& path,
                    std::string_view field);

// `timeout: 20` or `rings: 4` (= 20 s, keeping the place of `rings`), never both.
void read_timeout(MapView& map, Located<std::uint32_t>& timeout) {
  Reader& reader = map.reader();
  if (map.has("timeout") && map.has("rings")) {
    Issue& issue = reader.report(
        "CP108", "`timeout` and `rings` are both given; give one of them", *map.key("rings"));
    issue.notes.push_back(Note{"`timeout` is given here", reader.location(*map.key("timeout"))});
    issue.hints.push_back("one ring is 5 seconds: `rings: 6` is `timeout: 30`");
    read_count(map, "timeout", timeout, 1, kMaxSeconds, "seconds");
    return;
  }
  read_count(map, "timeout", timeout, 1, kMaxSeconds, "seconds");
  Located<std::uint32_t> rings;
  if (read_count(map, "rings", rings, 1, kMaxSeconds / kSecondsPerRing, "rings")) {
    timeout = {rings.value * kSecondsPerRing, rings.where};
  }
}

Transfer read_transfer(MapView& map) {
  Reader& reader = map.reader();
  Transfer t;
  if (const YamlNode* v = map.require("to")) {
    std::string text;
    if (scalar_text(reader, *v, "to", text) && check_target(reader, *v, text, "to")) {
      t.to = {text, reader.where(*v)};
    }
  }
  read_bool(map, "follow_personal_plan", t.follow_personal_plan);
  read_timeout(map, t.timeout);
  if (const YamlNode* v = map.get("caller_id")) {
    std::string text;
    if (scalar_text(reader, *v, "caller_id", text)) {
      if (text == "caller") {
        t.caller_id = {text, reader.where(*v)};
      } else if (is_dialable(text) || looks_like_number(text)) {
        if (check_external_number(reader, *v, text, "caller_id")) {
          t.caller_id = {text, reader.where(*v)};
        }
      } else {
        Issue& issue = reader.report(
            "CP107",
            fmt::format("`{}` is not a valid `caller_id`; use `caller` or one of the tenant's "
                        "numbers",
                        text),
            *v);
        std::string hint = detail::did_you_mean(to_lower(text), kCallerKeyword);
        if (!hint.empty()) issue.hints.push_back(std::move(hint));
      }
    }
  }
  return t;
}

RingGroup read_ring_group(MapView& map) {
  Reader& reader = map.reader();
  RingGroup g;
  read_enum<Strategy>(map, "strategy", g.strategy, kStrategies);
  if (const YamlNode* v = map.get("members")) {
    for (const YamlNode* item : list_items(reader, *v, "members")) {
      std::string text;
      if (scalar_text(reader, *item, "members", text) &&
          check_target(reader, *item, text, "members")) {
        g.members.push_back({text, reader.where(*item)});
      }
    }
  }
  read_timeout(map, g.timeout);
  read_count(map, "max_duration", g.max_duration, 1, kMaxSeconds, "seconds");
  // Not allowed (SPEC 1: only a transfer chooses the caller ID), but kept so that the checker
  // can explain why (CP218).
  read_text(map, "caller_id", g.caller_id);
  return g;
}

TimeCondition read_time_condition(MapView& map, const std::string& path) {
  Reader& reader = map.reader();
  TimeCondition c;
  if (const YamlNode* v = map.require("schedule")) {
    if (v->is_map()) {
      // An inline schedule is named after the step's path, so that traces and diagnostics
      // can name it and the checker treats it like any other.
      Schedule schedule;
      schedule.is_inline = true;
      schedule.name = {path, reader.where(*v)};
      schedule.where = schedule.name.where;
      read_schedule_body(reader, *v, schedule);
      c.schedule = {path, schedule.where};
      reader.state().inline_schedules.push_back(std::move(schedule));
    } else {
      std::string text;
      if (scalar_text(reader, *v, "schedule", text)) c.schedule = {text, reader.where(*v)};
    }
  }
  if (const YamlNode* v = map.get("then")) {
    c.then_steps = read_steps(reader, *v, path + "/then", "then");
    c.then_where = reader.where(*v);
  }
  if (const YamlNode* v = map.get("else")) {
    c.else_steps = read_steps(reader, *v, path + "/else", "else");
    c.else_where = reader.where(*v);
  }
  return c;
}

Menu read_menu(MapView& map, const std::string& path) {
  Reader& reader = map.reader();
  Menu m;
  read_text(map, "prompt", m.prompt);
  read_text(map, "prompt_text", m.prompt_text);
  if (map.has("prompt") && map.has("prompt_text")) {
    Issue& issue = reader.report("CP108",
                                 "`prompt` and `prompt_text` are both given; a menu plays one",
                                 *map.key("prompt_text"));
    issue.notes.push_back(Note{"`prompt` is given here", reader.location(*map.key("prompt"))});
  } else if (!m.prompt.given() && !m.prompt_text.given()) {
    reader.report("CP103", "the `menu` step needs `prompt` (an audio file) or `prompt_text`",
                  map.node());
  }
  if (const YamlNode* v = map.get("options"); v != nullptr && !v->is_null()) {
    if (!v->is_map()) {
      reader.report("CP102",
                    fmt::format("`options` must be a map from digit to steps, not {}",
                                describe(*v)),
                    *v);
    } else {
      for (const YamlEntry& e : v->entries) {
        const std::string& digit = e.key->text;
        if (!is_dtmf_key(digit)) {
          reader.report("CP107",
                        fmt::format("`{}` is not a menu option; use one digit \"0\"-\"9\", "
                                    "\"*\" or \"#\"",
                                    digit),
                        *e.key);
          continue;
        }
        MenuOption option;
        option.digit = {digit, reader.where(*e.key)};
        option.steps = read_steps(reader, *e.value, path + "/" + digit, "options");
        m.options.push_back(std::move(option));
      }
    }
  }
  read_count(map, "timeout", m.timeout, 1, 3600, "seconds");
  read_count(map, "retries", m.retries, 0, 100, "retries");
  if (const YamlNode* v = map.get("invalid")) {
    m.invalid = read_steps(reader, *v, path + "/invalid", "invalid");
    m.invalid_where = reader.where(*v);
  }
  return m;
}

// The step's body map, read by kind. `key` is the step's key node (its place).
std::optional<Step> read_step_body(Reader& reader, const YamlNode& key, const YamlNode& value,
                                   const std::string& path) {
  const std::string& kind = key.text;
  Step step;
  step.where = reader.where(key);
  if (kind == "hangup" && value.is_null()) {
    step.body = Hangup{};
    return step;
  }
  std::string what = fmt::format("the `{}` step", kind);
  auto fields = [&](std::span<const std::string_view> keys) {
    return MapView(reader, value, what, keys);
  };
  if (!value.is_map()) {
    // MapView reports CP102; point at the shape that works.
    MapView map = fields(kHangupKeys);
    if (value.is_scalar()) {
      static constexpr std::pair<std::string_view, std::string_view> kMain[] = {
          {"transfer", "to"}, {"voicemail", "user"}, {"goto", "plan"},
          {"announcement", "audio"}, {"ring_group", "members"}, {"time_condition", "schedule"},
          {"menu", "prompt"}};
      for (const auto& [k, field] : kMain) {
        if (k == kind) {
          reader.state().result.issues.back().hints.push_back(
              fmt::format("write `{}: {{{}: {}}}`", kind, field, value.text));
        }
      }
    }
    return std::nullopt;
  }
  if (kind == "transfer") {
    MapView map = fields(kTransferKeys);
    step.body = read_transfer(map);
    read_text(map, "label", step.label);
  } else if (kind == "ring_group") {
    MapView map = fields(kRingGroupKeys);
    step.body = read_ring_group(map);
    read_text(map, "label", step.label);
  } else if (kind == "time_condition") {
    MapView map = fields(kTimeConditionKeys);
    step.body = read_time_condition(map, path);
    read_text(map, "label", step.label);
  } else if (kind == "voicemail") {
    MapView map = fields(kVoicemailKeys);
    Voicemail vm;
    if (const YamlNode* v = map.require("user")) {
      std::string text;
      if (scalar_text(reader, *v, "user", text) && check_extension(reader, *v, text, "user")) {
        vm.user = {text, reader.where(*v)};
      }
    }
    step.body = vm;
    read_text(map, "label", step.label);
  } else if (kind == "announcement") {
    MapView map = fields(kAnnouncementKeys);
    Announcement a;
    read_text(map, "audio", a.audio);
    read_text(map, "text", a.text);
    if (map.has("audio") && map.has("text")) {
      Issue& issue = reader.report("CP108",
                                   "`audio` and `text` are both given; an announcement plays one",
                                   *map.key("text"));
      issue.notes.push_back(Note{"`audio` is given here", reader.location(*map.key("audio"))});
    } else if (!a.audio.given() && !a.text.given()) {
      reader.report("CP103", "the `announcement` step needs `audio` or `text`", value);
    }
    step.body = a;
    read_text(map, "label", step.label);
  } else if (kind == "menu") {
    MapView map = fields(kMenuKeys);
    step.body = read_menu(map, path);
    read_text(map, "label", step.label);
  } else if (kind == "goto") {
    MapView map = fields(kGotoKeys);
    Goto g;
    if (const YamlNode* v = map.require("plan")) {
      std::string text;
      if (scalar_text(reader, *v, "plan", text)) g.plan = {text, reader.where(*v)};
    }
    step.body = g;
    read_text(map, "label", step.label);
  } else {  // hangup
    MapView map = fields(kHangupKeys);
    step.body = Hangup{};
    read_text(map, "label", step.label);
  }
  return step;
}

bool is_step_kind(std::string_view key) {
  return std::find(std::begin(kStepKinds), std::end(kStepKinds), key) != std::end(kStepKinds);
}

std::optional<Step> read_step(Reader& reader, const YamlNode& node, const std::string& path) {
  if (!node.is_map()) {
    Issue& issue = reader.report(
        "CP109",
        fmt::format("a step must be a one-key map such as `- hangup:` or `- transfer: {{to: "
                    "\"001\"}}`, not {}",
                    describe(node)),
        node);
    if (node.is_scalar() && is_step_kind(node.text)) {
      issue.hints.push_back(fmt::format("write `- {}:` with a colon", node.text));
    }
    return std::nullopt;
  }
  if (node.entries.empty()) {
    reader.report("CP109", "a step must name its kind, e.g. `- hangup:`; this map is empty",
                  node);
    return std::nullopt;
  }
  const YamlEntry* kind = nullptr;
  for (const YamlEntry& e : node.entries) {
    if (is_step_kind(e.key->text)) {
      kind = &e;
      break;
    }
  }
  if (node.entries.size() > 1) {
    std::vector<std::string_view> keys;
    for (const YamlEntry& e : node.entries) keys.push_back(e.key->text);
    bool label_beside = kind != nullptr && node.find("label") != nullptr;
    const YamlNode& second = *node.entries[1].key;
    Issue& issue = reader.report(
        "CP109",
        fmt::format("a step is a map with one key, the step's kind; this one has {}: {}",
                    keys.size(), quoted_list(keys)),
        second);
    if (label_beside) {
      issue.hints.push_back(fmt::format("put `label` inside the step: `- {}: {{..., label: "
                                        "...}}`",
                                        kind->key->text));
    } else if (kind != nullptr) {
      issue.hints.push_back(fmt::format("fields of `{}` go inside its map, indented under it",
                                        kind->key->text));
    } else {
      issue.hints.push_back("start a new step with `- ` for each kind");
    }
  }
  if (kind == nullptr) {
    const YamlNode& key = *node.entries.front().key;
    Issue& issue = reader.report(
        "CP109",
        fmt::format("`{}` is not a kind of step; use one of {}", key.text, quoted_list(kStepKinds)),
        key);
    std::string hint = detail::did_you_mean(key.text, kStepKinds);
    if (hint.empty()) hint = detail::did_you_mean(to_lower(key.text), kStepKinds);
    if (!hint.empty()) issue.hints.push_back(std::move(hint));
    return std::nullopt;
  }
  // Even a step with extra keys is read from its kind, so that the checker sees it.
  return read_step_body(reader, *kind->key, *kind->value, path);
}

StepList read_steps(Reader& reader, const YamlNode& node, const std::string& path,
                    std::string_view field) {
  StepList steps;
  if (node.is_map()) {
    // A single step written without `- `: say how to make it a list.
    Issue& issue = reader.report(
        "CP102", fmt::format("`{}` must be a list of steps, not a map", field), node);
    issue.hints.push_back("start each step with `- `");
    return steps;
  }
  std::vector<const YamlNode*> items = list_items(reader, node, field);
  for (std::size_t i = 0; i < items.size(); ++i) {
    // The index counts written steps, also the ones that could not be read, so that paths
    // match what the user sees in the file.
    if (auto step = read_step(reader, *items[i], fmt::format("{}/{}", path, i))) {
      steps.push_back(std::move(*step));
    }
  }
  return steps;
}

void read_plan(Reader& reader, const YamlNode& node) {
  MapView map(reader, node, "a plan", kPlanKeys);
  if (!map.ok()) return;
  Plan plan;
  plan.where = reader.where(node);
  std::string id = "?";
  if (const YamlNode* v = map.require("id")) {
    std::string text;
    if (scalar_text(reader, *v, "id", text) && check_identifier(reader, *v, text, "plan id")) {
      plan.id = {text, reader.where(*v)};
      id = text;
    }
  }
  read_text(map, "label", plan.label);
  if (const YamlNode* v = map.get("steps")) plan.steps = read_steps(reader, *v, id, "steps");
  reader.tenant().plans.push_back(std::move(plan));
}

}  // namespace

void read_plans(Reader& reader, const YamlNode& node) {
  if (node.is_map()) {
    reader.report("CP102",
                  "`plans` must be a list (each plan starting with `- id: ...`), not a map",
                  node);
    return;
  }
  for (const YamlNode* item : list_items(reader, node, "plans")) read_plan(reader, *item);
}

}  // namespace callplan::load
