// The changes the panel's screens send, in the domain's words, and how each becomes edits of
// the tenant's YAML files (through YamlEditor: minimal, verified text replacements).
//
//   {"op": "add_user", "user": {"extension": "007", "first_name": "Gijs", ...}}
//   {"op": "update_user", "extension": "002", "set": {"email": "b@x.nl", "caller_id": null}}
//   {"op": "remove_user", "extension": "002"}
//   {"op": "add_device", "device": {"id": "gijs-desk", "name": "Gijs' desk phone",
//                                   "user": "007", "brand": "yealink", "model": "T54W"}}
//
// A new device gets a generated SIP password, written only as its digest hash (sip_secret.hpp)
// and handed back in `NewCredentials` for the one-time display.
//
// A new user goes into the file that holds the users (after the last one); a changed field is
// edited where it is written, or added to the user's entry; `null` removes a field. The
// values are written as text (the loader and checker judge them, as for a hand edit).
#pragma once

#include <map>
#include <memory>
#include <stdexcept>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "callplan/model.hpp"
#include "panel/tenant_files.hpp"
#include "panel/yaml_edit/yaml_editor.hpp"

namespace callplan::panel {

// A change the request got wrong: unknown op, missing field, no such user. `code` is stable
// ("bad-change", "no-such-user", "user-exists") and the message names the change's index.
struct ChangeError : std::runtime_error {
  ChangeError(std::string c, const std::string& message)
      : std::runtime_error(message), code(std::move(c)) {}
  std::string code;
};

// The user fields a change may set, in the order a new user's entry is written.
const std::vector<std::string>& user_fields();

// A device's SIP login made by this change: shown once, kept nowhere.
struct NewCredentials {
  std::string device;
  std::string username;
  std::string password;
};

// One editor per file that a change touched, created on first use.
class FileEdits {
 public:
  explicit FileEdits(const TenantFiles& files) : files_(files) {}
  YamlEditor& editor(const std::string& name);
  // The edited files' new texts (only the ones that differ).
  std::map<std::string, std::string> changed_texts() const;
  const std::map<std::string, std::unique_ptr<YamlEditor>>& editors() const { return editors_; }

 private:
  const TenantFiles& files_;
  std::map<std::string, std::unique_ptr<YamlEditor>> editors_;
};

// Where plan `id` is written: its file and its index in that file's `plans` list, as the
// edits so far leave them (the user changes and the plan editor's changes share it).
struct PlanPlace {
  std::string file;
  std::size_t index = 0;
};
std::optional<PlanPlace> find_plan(FileEdits& edits, const TenantFiles& files, const std::string& id);

// Appends `entry` to the top-level list `key` (`users`, `numbers`, `plans` ...): after the
// last item of the last file that holds such a list, written like its siblings; when no file
// has one (a new company), as a new `key:` at the end of the top file.
void append_entry(FileEdits& edits, const TenantFiles& files, const std::string& key,
                  const YamlValue& entry);

// A change's value as the text it is written with: a string as is, a number or true/false
// as YAML writes them; anything else is a bad-change naming `what`.
std::string change_text(const nlohmann::json& value, const std::string& what);

// Applies `changes` (a JSON array) in order. Throws ChangeError, or EditError when the
// writer refuses (a read-only node, an unsupported layout).
void apply_changes(const nlohmann::json& changes, const TenantFiles& files, FileEdits& edits,
                   const std::string& tenant_login, std::vector<NewCredentials>& credentials);

}  // namespace callplan::panel
