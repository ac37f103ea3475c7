#include "panel/changes.hpp"

#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "panel/number_changes.hpp"
#include "panel/plan_changes.hpp"
#include "panel/schedule_changes.hpp"
#include "panel/sip_secret.hpp"

namespace callplan::panel {
namespace {

struct UserPlace {
  std::string file;
  std::size_t index = 0;  // in that file's `users` list
};

const YamlValue* users_list(const YamlValue& root) {
  const YamlValue* users = root.is_map() ? root.find("users") : nullptr;
  return users && users->is_sequence() ? users : nullptr;
}

// The file that holds the `key` list (the last such), or nullopt.
std::optional<std::string> holder(FileEdits& edits, const TenantFiles& files, const char* key) {
  std::optional<std::string> target;
  for (const auto& [name, text] : files.texts) {
    const YamlValue& root = edits.editor(name).expected();
    const YamlValue* list = root.is_map() ? root.find(key) : nullptr;
    if (list && list->is_sequence()) target = name;
  }
  return target;
}

std::optional<UserPlace> find_user(FileEdits& edits, const TenantFiles& files,
                                   const std::string& extension) {
  for (const auto& [name, text] : files.texts) {
    const YamlValue* users = users_list(edits.editor(name).expected());
    if (!users) continue;
    for (std::size_t i = 0; i < users->items.size(); ++i) {
      const YamlValue* ext = users->items[i].is_map() ? users->items[i].find("extension") : nullptr;
      if (ext && ext->is_scalar() && ext->text == extension) return UserPlace{name, i};
    }
  }
  return std::nullopt;
}

std::string text_of(const nlohmann::json& value, const std::string& what) {
  return change_text(value, what);
}

void check_field(const std::string& field, const std::string& where) {
  for (const std::string& f : user_fields())
    if (f == field) return;
  throw ChangeError("bad-change", fmt::format("{}: `{}` is not a user field the panel edits",
                                              where, field));
}

std::string required_string(const nlohmann::json& change, const char* key, const std::string& where) {
  if (!change.contains(key) || !change[key].is_string() || change[key].get<std::string>().empty())
    throw ChangeError("bad-change", fmt::format("{}: `{}` is missing", where, key));
  return change[key].get<std::string>();
}

void add_user(const nlohmann::json& change, const TenantFiles& files, FileEdits& edits,
              const std::string& where) {
  if (!change.contains("user") || !change["user"].is_object())
    throw ChangeError("bad-change", where + ": `user` is missing");
  const nlohmann::json& user = change["user"];
  const std::string extension = required_string(user, "extension", where + ".user");
  if (find_user(edits, files, extension))
    throw ChangeError("user-exists", fmt::format("{}: a user with extension {} exists", where,
                                                 extension));
  for (const auto& [key, value] : user.items()) check_field(key, where + ".user");
  YamlValue entry = YamlValue::map();
  for (const std::string& field : user_fields()) {
    if (!user.contains(field) || user[field].is_null()) continue;
    const std::string text = text_of(user[field], where + ".user." + field);
    if (text.empty()) continue;
    entry.entries.emplace_back(field, YamlValue::scalar(text));
  }
  append_entry(edits, files, "users", entry);
}

void update_user(const nlohmann::json& change, const TenantFiles& files, FileEdits& edits,
                 const std::string& where) {
  const std::string extension = required_string(change, "extension", where);
  if (!change.contains("set") || !change["set"].is_object())
    throw ChangeError("bad-change", where + ": `set` is missing");
  const auto place = find_user(edits, files, extension);
  if (!place) throw ChangeError("no-such-user", fmt::format("{}: no user {}", where, extension));
  YamlEditor& editor = edits.editor(place->file);
  const YamlPath user_path{std::string("users"), place->index};
  for (const auto& [field, value] : change["set"].items()) {
    check_field(field, where + ".set");
    YamlPath path = user_path;
    path.emplace_back(field);
    const YamlValue& entry = editor.expected().find("users")->items[place->index];
    const bool present = entry.find(field) != nullptr;
    if (value.is_null()) {
      if (field == "extension")
        throw ChangeError("bad-change", where + ".set: the extension cannot be removed");
      if (present) editor.remove_item(path);
    } else if (present) {
      editor.set_scalar(path, text_of(value, where + ".set." + field));
    } else {
      editor.set_key(user_path, field, YamlValue::scalar(text_of(value, where + ".set." + field)));
    }
  }
}

void remove_user(const nlohmann::json& change, const TenantFiles& files, FileEdits& edits,
                 const std::string& where) {
  const std::string extension = required_string(change, "extension", where);
  const auto place = find_user(edits, files, extension);
  if (!place) throw ChangeError("no-such-user", fmt::format("{}: no user {}", where, extension));
  edits.editor(place->file).remove_item({std::string("users"), place->index});
}

void add_device(const nlohmann::json& change, const TenantFiles& files, FileEdits& edits,
                const std::string& where, const std::string& tenant_login,
                std::vector<NewCredentials>& credentials) {
  if (!change.contains("device") || !change["device"].is_object())
    throw ChangeError("bad-change", where + ": `device` is missing");
  const nlohmann::json& device = change["device"];
  static const std::vector<std::string> fields = {"id", "name", "user", "brand", "model", "mac"};
  for (const auto& [key, value] : device.items())
    if (std::find(fields.begin(), fields.end(), key) == fields.end())
      throw ChangeError("bad-change",
                        fmt::format("{}.device: `{}` is not a device field the panel sets", where, key));
  const std::string id = required_string(device, "id", where + ".device");
  for (const auto& [name, text] : files.texts) {
    const YamlValue& root = edits.editor(name).expected();
    const YamlValue* list = root.is_map() ? root.find("devices") : nullptr;
    if (!list || !list->is_sequence()) continue;
    for (const YamlValue& d : list->items)
      if (const YamlValue* i = d.is_map() ? d.find("id") : nullptr; i && i->text == id)
        throw ChangeError("device-exists", fmt::format("{}: a device `{}` exists", where, id));
  }
  YamlValue entry = YamlValue::map();
  for (const std::string& field : fields) {
    if (!device.contains(field) || device[field].is_null()) continue;
    const std::string text = text_of(device[field], where + ".device." + field);
    if (!text.empty()) entry.entries.emplace_back(field, YamlValue::scalar(text));
  }
  // The username is the loader's default, "<tenant login>-<device id>".
  NewCredentials made{id, tenant_login + "-" + id, generate_sip_password()};
  entry.entries.emplace_back(
      "sip", YamlValue::map({{"ha1_md5", YamlValue::scalar(digest_ha1_md5(
                                             made.username, tenant_login, made.password))}}));
  credentials.push_back(std::move(made));
  append_entry(edits, files, "devices", entry);
}

std::uint32_t seconds_in(const nlohmann::json& change, const char* key, const std::string& where) {
  if (!change.contains(key) || !change[key].is_number_integer())
    throw ChangeError("bad-change", fmt::format("{}: `{}` (seconds) is missing", where, key));
  const long long s = change[key].get<long long>();
  if (s < 5 || s > 600 || s % 5 != 0)
    throw ChangeError("bad-change", fmt::format("{}: `{}` is {}: rings of 5 s, 5 to 600", where,
                                                key, s));
  return static_cast<std::uint32_t>(s);
}

YamlValue transfer_step(const std::string& to, bool own_phones, std::uint32_t seconds) {
  std::vector<std::pair<std::string, YamlValue>> t{{"to", YamlValue::scalar(to)}};
  if (own_phones) t.emplace_back("follow_personal_plan", YamlValue::scalar("false"));
  t.emplace_back("timeout", YamlValue::scalar(std::to_string(seconds)));
  return YamlValue::map({{"transfer", YamlValue::map(std::move(t))}});
}

// "My settings": the user's own plan `personal-<extension>`: ring their phones, optionally
// forward to another number, then voicemail or nothing. `{"default": true}` goes back to the
// default personal plan (SPEC 3.2). A user following a plan of another name (a shared plan an
// administrator set) is refused: that plan is edited under Plans.
void set_personal_plan(const nlohmann::json& change, const TenantFiles& files, FileEdits& edits,
                       const std::string& where) {
  const std::string extension = required_string(change, "extension", where);
  const auto user = find_user(edits, files, extension);
  if (!user) throw ChangeError("no-such-user", fmt::format("{}: no user {}", where, extension));
  const std::string id = "personal-" + extension;
  YamlEditor& user_file = edits.editor(user->file);
  const YamlPath user_path{std::string("users"), user->index};
  const YamlValue* current = user_file.expected().find("users")->items[user->index].find("plan");
  if (current && current->is_scalar() && !current->text.empty() && current->text != id)
    throw ChangeError("shared-plan",
                      fmt::format("{}: user {} follows the plan `{}`, which an administrator "
                                  "edits under Plans", where, extension, current->text));
  const bool follows = current && current->is_scalar() && current->text == id;
  const auto place = find_plan(edits, files, id);
  // A plan of that name the user does not follow is someone else's (numbers may use it).
  if (place && !follows)
    throw ChangeError("shared-plan", fmt::format("{}: a plan `{}` exists that user {} does not "
                                                 "follow; an administrator edits it under Plans",
                                                 where, id, extension));
  if (change.value("default", false)) {
    if (current) user_file.remove_item({std::string("users"), user->index, std::string("plan")});
    if (place) edits.editor(place->file).remove_item({std::string("plans"), place->index});
    return;
  }
  std::vector<YamlValue> steps{transfer_step(extension, true, seconds_in(change, "ring_seconds", where))};
  const std::string forward = change.value("forward_to", "");
  if (!forward.empty())
    steps.push_back(transfer_step(forward, false, seconds_in(change, "forward_seconds", where)));
  if (change.value("voicemail", false))
    steps.push_back(YamlValue::map({{"voicemail", YamlValue::map({{"user", YamlValue::scalar(extension)}})}}));
  YamlValue plan = YamlValue::map({{"id", YamlValue::scalar(id)},
                                   {"label", YamlValue::scalar("Personal plan of " + extension)},
                                   {"steps", YamlValue::sequence(std::move(steps))}});
  if (place) {
    YamlEditor& editor = edits.editor(place->file);
    editor.remove_item({std::string("plans"), place->index});
    editor.insert_item({std::string("plans")}, place->index, plan);
  } else if (const auto target = holder(edits, files, "plans")) {
    YamlEditor& editor = edits.editor(*target);
    editor.insert_item({std::string("plans")}, editor.expected().find("plans")->items.size(), plan);
  } else {
    const std::string top = files.top.lexically_relative(files.root).string();
    edits.editor(top).set_key({}, "plans", YamlValue::sequence({plan}));
  }
  if (!current) user_file.set_key(user_path, "plan", YamlValue::scalar(id));
}

}  // namespace

std::optional<PlanPlace> find_plan(FileEdits& edits, const TenantFiles& files, const std::string& id) {
  for (const auto& [name, text] : files.texts) {
    const YamlValue& root = edits.editor(name).expected();
    const YamlValue* plans = root.is_map() ? root.find("plans") : nullptr;
    if (!plans || !plans->is_sequence()) continue;
    for (std::size_t i = 0; i < plans->items.size(); ++i) {
      const YamlValue* pid = plans->items[i].is_map() ? plans->items[i].find("id") : nullptr;
      if (pid && pid->is_scalar() && pid->text == id) return PlanPlace{name, i};
    }
  }
  return std::nullopt;
}

std::string change_text(const nlohmann::json& value, const std::string& what) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (value.is_number_integer()) return std::to_string(value.get<long long>());
  throw ChangeError("bad-change", fmt::format("{}: a text, number or true/false is expected", what));
}

void append_entry(FileEdits& edits, const TenantFiles& files, const std::string& key,
                  const YamlValue& entry) {
  if (const auto target = holder(edits, files, key.c_str())) {
    YamlEditor& editor = edits.editor(*target);
    editor.insert_item({key}, editor.expected().find(key)->items.size(), entry);
    return;
  }
  const std::string top = files.top.lexically_relative(files.root).string();
  edits.editor(top).set_key({}, key, YamlValue::sequence({entry}));
}

const std::vector<std::string>& user_fields() {
  static const std::vector<std::string> fields = {
      "extension", "first_name", "last_name", "email", "role",
      "caller_id", "voicemail",  "plan",      "avatar"};
  return fields;
}

YamlEditor& FileEdits::editor(const std::string& name) {
  auto it = editors_.find(name);
  if (it == editors_.end())
    it = editors_.emplace(name, std::make_unique<YamlEditor>(files_.texts.at(name))).first;
  return *it->second;
}

std::map<std::string, std::string> FileEdits::changed_texts() const {
  std::map<std::string, std::string> out;
  for (const auto& [name, editor] : editors_)
    if (editor->text() != files_.texts.at(name)) out[name] = editor->text();
  return out;
}

void apply_changes(const nlohmann::json& changes, const TenantFiles& files, FileEdits& edits,
                   const std::string& tenant_login, std::vector<NewCredentials>& credentials) {
  if (!changes.is_array())
    throw ChangeError("bad-change", "`changes` must be a list of changes");
  for (std::size_t i = 0; i < changes.size(); ++i) {
    const nlohmann::json& change = changes[i];
    const std::string where = fmt::format("changes[{}]", i);
    if (!change.is_object() || !change.contains("op") || !change["op"].is_string())
      throw ChangeError("bad-change", where + ": `op` is missing");
    const std::string op = change["op"].get<std::string>();
    if (op == "add_user") add_user(change, files, edits, where);
    else if (op == "update_user") update_user(change, files, edits, where);
    else if (op == "set_personal_plan") set_personal_plan(change, files, edits, where);
    else if (op == "remove_user") remove_user(change, files, edits, where);
    else if (op == "add_device") add_device(change, files, edits, where, tenant_login, credentials);
    else if (apply_plan_change(change, files, edits, where)) continue;
    else if (apply_number_change(change, files, edits, where)) continue;
    else if (apply_schedule_change(change, files, edits, where)) continue;
    else throw ChangeError("bad-change", fmt::format("{}: unknown op `{}`", where, op));
  }
}

}  // namespace callplan::panel
