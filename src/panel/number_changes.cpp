#include "panel/number_changes.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <string_view>

#include <fmt/format.h>

namespace callplan::panel {
namespace {

using nlohmann::json;

// The fields of a number in the order a new entry is written (SPEC 2).
constexpr std::array<std::string_view, 3> kNumberFields = {"number", "plan", "label"};

struct NumberPlace {
  std::string file;
  std::size_t index = 0;  // in that file's `numbers` list
};

std::optional<NumberPlace> find_number(FileEdits& edits, const TenantFiles& files,
                                       const std::string& number) {
  for (const auto& [name, text] : files.texts) {
    const YamlValue& root = edits.editor(name).expected();
    const YamlValue* numbers = root.is_map() ? root.find("numbers") : nullptr;
    if (!numbers || !numbers->is_sequence()) continue;
    for (std::size_t i = 0; i < numbers->items.size(); ++i) {
      const YamlValue& item = numbers->items[i];
      const YamlValue* n = item.is_map() ? item.find("number") : nullptr;
      if (n && n->is_scalar() && n->text == number) return NumberPlace{name, i};
    }
  }
  return std::nullopt;
}

const json& member(const json& change, const char* key, const std::string& where) {
  if (!change.contains(key))
    throw ChangeError("bad-change", fmt::format("{}: `{}` is missing", where, key));
  return change[key];
}

std::string required_text(const json& object, const char* key, const std::string& where) {
  const json& value = member(object, key, where);
  if (!value.is_string() || value.get<std::string>().empty())
    throw ChangeError("bad-change", fmt::format("{}: `{}` is missing", where, key));
  return value.get<std::string>();
}

void check_number_field(const std::string& field, const std::string& where) {
  if (std::find(kNumberFields.begin(), kNumberFields.end(), field) == kNumberFields.end())
    throw ChangeError("bad-change",
                      fmt::format("{}: `{}` is not a field of a number (number, plan, label)",
                                  where, field));
}

void add_number(const json& change, const TenantFiles& files, FileEdits& edits,
                const std::string& where) {
  const json& number = member(change, "number", where);
  if (!number.is_object()) throw ChangeError("bad-change", where + ": `number` is a map");
  const std::string text = required_text(number, "number", where + ".number");
  // Every number follows a plan (SPEC 1): a number without one is refused here, not saved
  // for the checker to complain about.
  required_text(number, "plan", where + ".number");
  if (find_number(edits, files, text))
    throw ChangeError("number-exists", fmt::format("{}: the number {} exists", where, text));
  for (const auto& [field, value] : number.items()) check_number_field(field, where + ".number");
  YamlValue entry = YamlValue::map();
  for (std::string_view field : kNumberFields) {
    const std::string key(field);
    if (!number.contains(key) || number[key].is_null()) continue;
    const std::string value = change_text(number[key], where + ".number." + key);
    if (!value.empty()) entry.entries.emplace_back(key, YamlValue::scalar(value));
  }
  append_entry(edits, files, "numbers", entry);
}

void update_number(const json& change, const TenantFiles& files, FileEdits& edits,
                   const std::string& where) {
  const std::string text = required_text(change, "number", where);
  const json& set = member(change, "set", where);
  if (!set.is_object() || set.empty()) throw ChangeError("bad-change", where + ": `set` is missing");
  const auto place = find_number(edits, files, text);
  if (!place) throw ChangeError("no-such-number", fmt::format("{}: no number {}", where, text));
  if (set.contains("number") && set["number"].is_string() && set["number"].get<std::string>() != text &&
      find_number(edits, files, set["number"].get<std::string>()))
    throw ChangeError("number-exists", fmt::format("{}: the number {} exists", where,
                                                   set["number"].get<std::string>()));
  YamlEditor& editor = edits.editor(place->file);
  const YamlPath entry_path{std::string("numbers"), place->index};
  for (const auto& [field, value] : set.items()) {
    check_number_field(field, where + ".set");
    YamlPath path = entry_path;
    path.emplace_back(field);
    const YamlValue& entry = editor.expected().find("numbers")->items[place->index];
    const YamlValue* now = entry.find(field);
    if (value.is_null() || (value.is_string() && value.get<std::string>().empty())) {
      if (field != "label")
        throw ChangeError("bad-change", fmt::format("{}.set: a number's `{}` cannot be removed "
                                                    "(every number follows a plan)", where, field));
      if (now) editor.remove_item(path);
      continue;
    }
    const std::string next = change_text(value, where + ".set." + field);
    if (now && now->is_scalar() && now->text == next) continue;
    if (now) editor.set_scalar(path, next);
    else editor.set_key(entry_path, field, YamlValue::scalar(next));
  }
}

void remove_number(const json& change, const TenantFiles& files, FileEdits& edits,
                   const std::string& where) {
  const std::string text = required_text(change, "number", where);
  const auto place = find_number(edits, files, text);
  if (!place) throw ChangeError("no-such-number", fmt::format("{}: no number {}", where, text));
  edits.editor(place->file).remove_item({std::string("numbers"), place->index});
}

void add_plan(const json& change, const TenantFiles& files, FileEdits& edits,
              const std::string& where) {
  const json& plan = member(change, "plan", where);
  if (!plan.is_object()) throw ChangeError("bad-change", where + ": `plan` is a map");
  for (const auto& [field, value] : plan.items())
    if (field != "id" && field != "label")
      throw ChangeError("bad-change", fmt::format("{}.plan: `{}` is not set here (a new plan is "
                                                  "empty; add its steps with insert_step)",
                                                  where, field));
  const std::string id = required_text(plan, "id", where + ".plan");
  if (find_plan(edits, files, id))
    throw ChangeError("plan-exists", fmt::format("{}: a plan `{}` exists", where, id));
  YamlValue entry = YamlValue::map({{"id", YamlValue::scalar(id)}});
  if (plan.contains("label") && !plan["label"].is_null()) {
    const std::string label = change_text(plan["label"], where + ".plan.label");
    if (!label.empty()) entry.entries.emplace_back("label", YamlValue::scalar(label));
  }
  append_entry(edits, files, "plans", entry);
}

void remove_plan(const json& change, const TenantFiles& files, FileEdits& edits,
                 const std::string& where) {
  const std::string id = required_text(change, "plan", where);
  const auto place = find_plan(edits, files, id);
  if (!place) throw ChangeError("no-such-plan", fmt::format("{}: no plan `{}`", where, id));
  edits.editor(place->file).remove_item({std::string("plans"), place->index});
}

}  // namespace

bool apply_number_change(const json& change, const TenantFiles& files, FileEdits& edits,
                         const std::string& where) {
  const std::string op = change.value("op", "");
  if (op == "add_number") add_number(change, files, edits, where);
  else if (op == "update_number") update_number(change, files, edits, where);
  else if (op == "remove_number") remove_number(change, files, edits, where);
  else if (op == "add_plan") add_plan(change, files, edits, where);
  else if (op == "remove_plan") remove_plan(change, files, edits, where);
  else return false;
  return true;
}

}  // namespace callplan::panel
