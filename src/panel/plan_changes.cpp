#include "panel/plan_changes.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <span>
#include <string_view>
#include <variant>

#include <fmt/format.h>

namespace callplan::panel {
namespace {

using nlohmann::json;

// The fields of each step kind in the order a new step is written (SPEC 2.1), label last.
struct KindFields {
  std::string_view kind;
  std::span<const std::string_view> fields;
};
constexpr std::string_view kTransfer[] = {"to", "follow_personal_plan", "timeout", "rings",
                                          "caller_id", "label"};
constexpr std::string_view kRingGroup[] = {"strategy", "members", "timeout", "rings",
                                           "max_duration", "caller_id", "label"};
constexpr std::string_view kTimeCondition[] = {"schedule", "then", "else", "label"};
constexpr std::string_view kVoicemail[] = {"user", "label"};
constexpr std::string_view kAnnouncement[] = {"audio", "text", "label"};
constexpr std::string_view kMenu[] = {"prompt", "prompt_text", "timeout", "retries",
                                      "options", "invalid", "label"};
constexpr std::string_view kGoto[] = {"plan", "label"};
constexpr std::string_view kHangup[] = {"label"};
constexpr KindFields kKinds[] = {
    {"transfer", kTransfer},   {"ring_group", kRingGroup},       {"time_condition", kTimeCondition},
    {"voicemail", kVoicemail}, {"announcement", kAnnouncement}, {"menu", kMenu},
    {"goto", kGoto},           {"hangup", kHangup}};

// Fields that hold step lists: edited as steps (insert_step ...), never through `set`.
bool holds_steps(std::string_view field) {
  return field == "then" || field == "else" || field == "invalid" || field == "options";
}

const KindFields* kind_fields(std::string_view kind) {
  for (const KindFields& k : kKinds)
    if (k.kind == kind) return &k;
  return nullptr;
}

bool is_digit_branch(std::string_view s) {
  return s.size() == 1 && ((s[0] >= '0' && s[0] <= '9') || s[0] == '*' || s[0] == '#');
}

const YamlValue* value_at(const YamlValue& root, const YamlPath& path) {
  const YamlValue* node = &root;
  for (const PathStep& step : path) {
    if (const auto* key = std::get_if<std::string>(&step)) {
      node = node->is_map() ? node->find(*key) : nullptr;
    } else {
      const std::size_t i = std::get<std::size_t>(step);
      node = node->is_sequence() && i < node->items.size() ? &node->items[i] : nullptr;
    }
    if (!node) return nullptr;
  }
  return node;
}

YamlPath joined(YamlPath path, std::initializer_list<PathStep> more) {
  path.insert(path.end(), more.begin(), more.end());
  return path;
}

std::string scalar_text(const json& value, const std::string& what) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (value.is_number_integer()) return std::to_string(value.get<long long>());
  throw ChangeError("bad-change", fmt::format("{}: a text, number or true/false is expected", what));
}

YamlValue step_value(const json& step, const std::string& where);

YamlValue step_list_value(const json& steps, const std::string& where) {
  if (!steps.is_array() || steps.empty())
    throw ChangeError("bad-change", where + ": a list of at least one step is expected");
  YamlValue list = YamlValue::sequence();
  for (std::size_t i = 0; i < steps.size(); ++i)
    list.items.push_back(step_value(steps[i], fmt::format("{}[{}]", where, i)));
  return list;
}

YamlValue field_value(std::string_view field, const json& value, const std::string& where) {
  if (field == "then" || field == "else" || field == "invalid") return step_list_value(value, where);
  if (field == "options") {
    if (!value.is_object()) throw ChangeError("bad-change", where + ": a map of digits is expected");
    YamlValue options = YamlValue::map();
    for (const auto& [digit, steps] : value.items()) {
      if (!is_digit_branch(digit))
        throw ChangeError("bad-change", fmt::format("{}: `{}` is not a key (0-9, *, #)", where, digit));
      options.entries.emplace_back(digit, step_list_value(steps, where + "." + digit));
    }
    return options;
  }
  if (value.is_array()) {
    YamlValue list = YamlValue::sequence();
    for (std::size_t i = 0; i < value.size(); ++i)
      list.items.push_back(YamlValue::scalar(scalar_text(value[i], fmt::format("{}[{}]", where, i))));
    return list;
  }
  return YamlValue::scalar(scalar_text(value, where));
}

void check_field(const KindFields& kind, const std::string& field, const std::string& where) {
  if (std::find(kind.fields.begin(), kind.fields.end(), field) == kind.fields.end())
    throw ChangeError("bad-change", fmt::format("{}: `{}` is not a field of a `{}` step", where,
                                                field, kind.kind));
}

// `{"transfer": {"to": "001", ...}}` as the YAML step, fields in SPEC 2.1's order.
YamlValue step_value(const json& step, const std::string& where) {
  if (!step.is_object() || step.size() != 1)
    throw ChangeError("bad-change", where + ": a step is a map with one key, its kind");
  // Not a structured binding over `step.items()`: its proxy is a temporary of this line,
  // and the binding's key() read it after its end (ASan: stack-use-after-scope).
  const std::string kind = step.begin().key();
  const json& body = step.begin().value();
  const KindFields* fields = kind_fields(kind);
  if (!fields) throw ChangeError("bad-change", fmt::format("{}: unknown step kind `{}`", where, kind));
  if (!body.is_null() && !body.is_object())
    throw ChangeError("bad-change", fmt::format("{}.{}: the step's fields are a map", where, kind));
  YamlValue out = YamlValue::map();
  if (body.is_object())
    for (const auto& [field, value] : body.items()) check_field(*fields, field, where + "." + kind);
  for (std::string_view field : fields->fields) {
    const std::string key(field);
    if (!body.is_object() || !body.contains(key) || body[key].is_null()) continue;
    out.entries.emplace_back(key, field_value(field, body[key], fmt::format("{}.{}.{}", where, kind, key)));
  }
  return YamlValue::map({{std::string(kind), std::move(out)}});
}

// Where an addressed step is: its list, its index, and the step that owns the list.
struct StepRef {
  YamlPath list;        // the step list (it may not exist yet: a new branch)
  std::size_t index = 0;
  std::string branch;   // "" (the plan's own steps), "then", "else", "invalid" or a digit
  YamlPath owner_body;  // the owning step's fields, for a branch
};

std::string address_text(const json& at) {
  std::string out;
  for (const json& part : at) {
    if (!out.empty()) out += '/';
    out += part.is_string() ? part.get<std::string>() : part.dump();
  }
  return out;
}

// The step's kind and the path of its fields; throws no-such-step when it is not a step.
std::pair<std::string, YamlPath> step_body(const YamlValue& root, const YamlPath& step_path,
                                           const std::string& where) {
  const YamlValue* step = value_at(root, step_path);
  if (!step || !step->is_map() || step->entries.size() != 1)
    throw ChangeError("no-such-step", where + ": no such step");
  return {step->entries.front().first, joined(step_path, {step->entries.front().first})};
}

StepRef resolve(const YamlValue& root, const PlanPlace& plan, const json& at, const std::string& where) {
  if (!at.is_array() || at.empty() || at.size() % 2 == 0)
    throw ChangeError("bad-change", where + ": a step's place is a list like [0, \"else\", 1]");
  StepRef ref;
  ref.list = {std::string("plans"), plan.index, std::string("steps")};
  for (std::size_t i = 0; i < at.size(); ++i) {
    const json& part = at[i];
    if (i % 2 == 0) {
      if (!part.is_number_unsigned() && !(part.is_number_integer() && part.get<long long>() >= 0))
        throw ChangeError("bad-change", fmt::format("{}: `{}` is not a step index", where, part.dump()));
      ref.index = part.get<std::size_t>();
      continue;
    }
    if (!part.is_string())
      throw ChangeError("bad-change", fmt::format("{}: `{}` is not a branch", where, part.dump()));
    const std::string branch = part.get<std::string>();
    const auto [kind, body] = step_body(root, joined(ref.list, {ref.index}),
                                        fmt::format("{} ({})", where, address_text(at)));
    const bool condition = kind == "time_condition" && (branch == "then" || branch == "else");
    const bool menu = kind == "menu" && (branch == "invalid" || is_digit_branch(branch));
    if (!condition && !menu)
      throw ChangeError("bad-change",
                        fmt::format("{}: a `{}` step has no branch `{}`", where, kind, branch));
    ref.owner_body = body;
    ref.branch = branch;
    ref.list = is_digit_branch(branch) ? joined(body, {std::string("options"), branch})
                                       : joined(body, {branch});
    if (i + 2 < at.size() && !value_at(root, ref.list))
      throw ChangeError("no-such-step", fmt::format("{}: no such step ({})", where, address_text(at)));
  }
  return ref;
}

// Every step list of the plan at `plan` (its steps, branches, options), outermost first.
void collect_step_lists(const YamlValue& list, const YamlPath& path, std::vector<YamlPath>& out) {
  if (!list.is_sequence()) return;
  out.push_back(path);
  for (std::size_t i = 0; i < list.items.size(); ++i) {
    const YamlValue& step = list.items[i];
    if (!step.is_map() || step.entries.size() != 1 || !step.entries.front().second.is_map()) continue;
    const auto& [kind, body] = step.entries.front();
    const YamlPath body_path = joined(path, {i, kind});
    for (const char* branch : {"then", "else", "invalid"})
      if (const YamlValue* b = body.find(branch)) collect_step_lists(*b, joined(body_path, {std::string(branch)}), out);
    if (const YamlValue* options = body.find("options"); options && options->is_map())
      for (const auto& [digit, steps] : options->entries)
        collect_step_lists(steps, joined(body_path, {std::string("options"), digit}), out);
  }
}

// The step lists of the plan at `plan`, then those of the file's other plans: what a new
// step is written like.
std::vector<YamlPath> step_lists(const YamlValue& root, const YamlPath& plan) {
  std::vector<YamlPath> out;
  auto add = [&](const YamlPath& p) {
    const YamlPath steps = joined(p, {std::string("steps")});
    if (const YamlValue* list = value_at(root, steps)) collect_step_lists(*list, steps, out);
  };
  add(plan);
  const YamlValue* plans = root.find("plans");
  for (std::size_t i = 0; i < plans->items.size(); ++i)
    if (YamlPath other{std::string("plans"), i}; other != plan) add(other);
  return out;
}

// The `options` maps of the plans' menus: what a menu's first `options` is written like.
std::vector<YamlPath> options_maps(const YamlValue& root, const std::vector<YamlPath>& lists) {
  std::vector<YamlPath> out;
  for (const YamlPath& list : lists) {
    const YamlValue* steps = value_at(root, list);
    for (std::size_t i = 0; steps && i < steps->items.size(); ++i) {
      const YamlPath options = joined(list, {i, std::string("menu"), std::string("options")});
      if (const YamlValue* o = value_at(root, options); o && o->is_map() && !o->entries.empty())
        out.push_back(options);
    }
  }
  return out;
}

// `moved`: the step's text at its old place (move_step), kept with its comments.
void insert_at(YamlEditor& editor, const StepRef& ref, const YamlValue& step, const std::string& where,
               const ItemText* moved = nullptr) {
  const YamlValue& root = editor.expected();
  if (const YamlValue* list = value_at(root, ref.list)) {
    if (!list->is_sequence())
      throw ChangeError("bad-change", where + ": the steps there are not a list");
    if (ref.index > list->items.size())
      throw ChangeError("no-such-step", fmt::format("{}: the list has {} steps; index {} is past its end",
                                                    where, list->items.size(), ref.index));
    // Like its siblings first, then like the plan's other steps (a new ring group in a new
    // branch is written like the ring group of the main timeline).
    std::vector<YamlPath> like_steps;
    for (const YamlPath& list_path : step_lists(root, YamlPath(ref.list.begin(), ref.list.begin() + 2)))
      for (std::size_t i = 0; i < value_at(root, list_path)->items.size(); ++i)
        like_steps.push_back(joined(list_path, {i}));
    editor.insert_item(ref.list, ref.index, step, like_steps, moved);
    return;
  }
  if (ref.index != 0)
    throw ChangeError("no-such-step", where + ": a new branch starts with step 0");
  const YamlValue steps = YamlValue::sequence({step});
  // Written like the plan's other step lists (flow or block, quoting, key by key).
  const std::vector<YamlPath> like = step_lists(root, YamlPath(ref.list.begin(), ref.list.begin() + 2));
  if (ref.branch.empty()) {  // a plan written without `steps`
    editor.set_key(YamlPath(ref.list.begin(), ref.list.end() - 1), "steps", steps, like, moved);
    return;
  }
  const YamlValue* body = value_at(root, ref.owner_body);
  if (!body || !body->is_map())
    throw ChangeError("bad-change", where + ": the step has no fields to add a branch to");
  if (!is_digit_branch(ref.branch)) {
    editor.set_key(ref.owner_body, ref.branch, steps, like, moved);
  } else if (const YamlValue* options = body->find("options"); options && options->is_map()) {
    // The new key is quoted like the menu's other keys (YamlEditor::set_key).
    editor.set_key(joined(ref.owner_body, {std::string("options")}), ref.branch, steps, like, moved);
  } else if (!options) {
    // A menu's first option: its key quoted like the other menus' keys.
    editor.set_key(ref.owner_body, "options", YamlValue::map({{ref.branch, steps}}),
                   options_maps(root, like));
  } else {
    throw ChangeError("bad-change", where + ": the menu's `options` is not a map");
  }
}

// Removes the step; a branch left without steps goes too.
YamlValue remove_at(YamlEditor& editor, const StepRef& ref, const std::string& where) {
  const YamlValue* list = value_at(editor.expected(), ref.list);
  if (!list || !list->is_sequence() || ref.index >= list->items.size())
    throw ChangeError("no-such-step", where + ": no such step");
  YamlValue removed = list->items[ref.index];
  if (list->items.size() == 1 && !ref.branch.empty())
    editor.remove_item(ref.list);
  else
    editor.remove_item(joined(ref.list, {ref.index}));
  return removed;
}

// A list value changed item by item, so that its layout and the items that stay keep their text.
void update_list(YamlEditor& editor, const YamlPath& path, const YamlValue& now, const YamlValue& next) {
  const std::size_t common = std::min(now.items.size(), next.items.size());
  for (std::size_t i = 0; i < common; ++i)
    if (now.items[i] != next.items[i]) editor.set_scalar(joined(path, {i}), next.items[i].text);
  for (std::size_t i = now.items.size(); i > next.items.size(); --i)
    editor.remove_item(joined(path, {i - 1}));
  for (std::size_t i = now.items.size(); i < next.items.size(); ++i)
    editor.insert_item(path, i, next.items[i]);
}

void update_field(YamlEditor& editor, const YamlPath& body, const std::string& field,
                  const json& value, const std::string& where) {
  // Copies: every edit replaces the editor's tree.
  const YamlValue fields = *value_at(editor.expected(), body);
  const std::optional<YamlValue> now =
      fields.find(field) ? std::optional<YamlValue>(*fields.find(field)) : std::nullopt;
  const YamlPath path = joined(body, {field});
  if (value.is_null()) {
    if (now) editor.remove_item(path);
    if (field == "timeout" && fields.find("rings")) editor.remove_item(joined(body, {std::string("rings")}));
    return;
  }
  const YamlValue next = field_value(field, value, where);
  // A time-out written in rings stays in rings when it is whole rings.
  if (field == "timeout" && !now && fields.find("rings") && next.is_scalar()) {
    const long long seconds = value.is_number_integer() ? value.get<long long>() : -1;
    if (seconds > 0 && seconds % 5 == 0) {
      editor.set_scalar(joined(body, {std::string("rings")}), std::to_string(seconds / 5));
      return;
    }
    editor.remove_item(joined(body, {std::string("rings")}));
  }
  if (!now) {
    editor.set_key(body, field, next);
  } else if (now->is_sequence() && next.is_sequence()) {
    update_list(editor, path, *now, next);
  } else if (now->is_scalar() && next.is_scalar()) {
    editor.set_scalar(path, next.text);
  } else {  // a list becomes one value or the other way round: written anew at the end
    editor.remove_item(path);
    editor.set_key(body, field, next);
  }
}

void update_at(YamlEditor& editor, const StepRef& ref, const json& set, const std::string& where) {
  if (!set.is_object() || set.empty())
    throw ChangeError("bad-change", where + ": `set` is missing");
  const auto [kind, body] = step_body(editor.expected(), joined(ref.list, {ref.index}), where);
  const KindFields* fields = kind_fields(kind);
  if (!fields) throw ChangeError("bad-change", fmt::format("{}: unknown step kind `{}`", where, kind));
  const YamlValue* current = value_at(editor.expected(), body);
  if (!current || !current->is_map())
    throw ChangeError("bad-change", fmt::format("{}: the `{}` step has no fields to change", where, kind));
  for (const auto& [field, value] : set.items()) {
    check_field(*fields, field, where + ".set");
    if (holds_steps(field))
      throw ChangeError("bad-change", fmt::format("{}.set: `{}` holds steps; change them with "
                                                  "insert_step, move_step and remove_step", where, field));
    update_field(editor, body, field, value, where + ".set." + field);
  }
}

const json& member(const json& change, const char* key, const std::string& where) {
  if (!change.contains(key)) throw ChangeError("bad-change", fmt::format("{}: `{}` is missing", where, key));
  return change[key];
}

}  // namespace

bool apply_plan_change(const json& change, const TenantFiles& files, FileEdits& edits,
                       const std::string& where) {
  static constexpr std::array<std::string_view, 4> kOps = {"insert_step", "update_step",
                                                           "move_step", "remove_step"};
  const std::string op = change.value("op", "");
  if (std::find(kOps.begin(), kOps.end(), op) == kOps.end()) return false;
  const json& plan_id = member(change, "plan", where);
  if (!plan_id.is_string()) throw ChangeError("bad-change", where + ": `plan` is a plan id");
  const auto plan = find_plan(edits, files, plan_id.get<std::string>());
  if (!plan)
    throw ChangeError("no-such-plan", fmt::format("{}: no plan `{}`", where, plan_id.get<std::string>()));
  YamlEditor& editor = edits.editor(plan->file);
  if (op == "insert_step") {
    const YamlValue step = step_value(member(change, "step", where), where + ".step");
    insert_at(editor, resolve(editor.expected(), *plan, member(change, "at", where), where), step, where);
  } else if (op == "update_step") {
    update_at(editor, resolve(editor.expected(), *plan, member(change, "at", where), where),
              member(change, "set", where), where);
  } else if (op == "remove_step") {
    remove_at(editor, resolve(editor.expected(), *plan, member(change, "at", where), where), where);
  } else {
    const json& to = member(change, "to", where);
    const StepRef from = resolve(editor.expected(), *plan, member(change, "from", where), where);
    // The step keeps its text and the comments above it (the removal takes them).
    std::optional<ItemText> text;
    if (const YamlValue* list = value_at(editor.expected(), from.list);
        list && list->is_sequence() && from.index < list->items.size())
      text = editor.item_text(joined(from.list, {from.index}));
    const YamlValue step = remove_at(editor, from, where);
    insert_at(editor, resolve(editor.expected(), *plan, to, where), step, where,
              text ? &*text : nullptr);
  }
  return true;
}

}  // namespace callplan::panel
