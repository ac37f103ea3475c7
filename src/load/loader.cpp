// load_file / load_string: reads the top-level file and its includes into one tenant, then
// does what needs the whole tenant (defaults, tenant-number syntax, missing sections).
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <system_error>

#include <fmt/format.h>

#include "callplan/load.hpp"
#include "diagnostics/make_issue.hpp"
#include "load/load_internal.hpp"
#include "model/phone_number.hpp"
#include "load/reader.hpp"
#include "load/readers.hpp"
#include "load/value_syntax.hpp"
#include "load/yaml_tree.hpp"

namespace callplan {

namespace load {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view kRootKeys[] = {"version", "include", "tenant",    "numbers",
                                          "users",   "devices", "schedules", "plans",
                                          "provisioning"};
constexpr std::size_t kMaxIncludeDepth = 32;
constexpr std::uintmax_t kMaxFileBytes = 256u * 1024 * 1024;

// The file's text, or an explanation of why it cannot be read.
struct FileText {
  bool ok = false;
  std::string text;
  std::string error;
};

FileText read_whole_file(const std::string& path) {
  FileText out;
  std::error_code ec;
  fs::file_status status = fs::status(path, ec);
  if (ec || !fs::exists(status)) {
    out.error = "the file does not exist";
    return out;
  }
  if (fs::is_directory(status)) {
    out.error = "it is a directory, not a file";
    return out;
  }
  if (!fs::is_regular_file(status)) {
    out.error = "it is not a regular file";
    return out;
  }
  std::uintmax_t size = fs::file_size(path, ec);
  if (!ec && size > kMaxFileBytes) {
    out.error = fmt::format("it is larger than {} MiB", kMaxFileBytes / (1024 * 1024));
    return out;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    out.error = "it cannot be opened (check its permissions)";
    return out;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) {
    out.error = "reading it failed";
    return out;
  }
  out.ok = true;
  out.text = std::move(buffer).str();
  return out;
}

std::string canonical_path(const std::string& path) {
  std::error_code ec;
  fs::path p = fs::weakly_canonical(fs::path(path), ec);
  return ec ? path : p.string();
}

class Loader {
 public:
  explicit Loader(LoadOptions options) : options_(options) {}

  void load_top(std::string path, std::string text) {
    std::string canonical = canonical_path(path);
    top_ok_ = load(std::move(path), without_bom(std::move(text)), canonical, /*top=*/true);
  }

  LoadResult finish() &&;

 private:
  struct Frame {
    std::string canonical;
    std::string path;
  };

  // Reads one file; returns false when the file could not be interpreted at all (syntax
  // error, empty, not a map), so that "missing `version`" is not piled on top.
  bool load(std::string path, std::string text, const std::string& canonical, bool top);
  void read_root(Reader& reader, const YamlNode& root, bool top);
  void read_version(Reader& reader, const YamlNode& key, const YamlNode& value);
  void include(Reader& reader, const YamlNode& entry);

  LoadOptions options_;
  LoadState state_;
  std::vector<Frame> stack_;
  std::map<std::string, Location> included_;  // canonical path -> where first included
  std::uint32_t top_file_ = 0;
  bool top_ok_ = false;
};

bool Loader::load(std::string path, std::string text, const std::string& canonical, bool top) {
  SourceMap& sources = state_.result.tenant.sources;
  std::uint32_t file = sources.add_file(path, text);
  if (top) top_file_ = file;
  YamlDocument doc = parse_yaml(text, path);
  Issues& issues = state_.result.issues;
  issues.insert(issues.end(), doc.issues.begin(), doc.issues.end());
  if (!doc.ok) return false;
  Reader reader(state_, file);
  if (!doc.root) {
    // An empty included file adds nothing, which is fine; an empty tenant is a mistake.
    if (!top) return true;
    Issue& issue = reader.report(
        "CP102", "the file is empty; a tenant file is a map with `version: 1`, `tenant` and more",
        Location{path, 1, 1});
    issue.hints.push_back("start with `version: 1` and a `tenant:` section (see SPEC 2)");
    return false;
  }
  if (!doc.root->is_map()) {
    Issue& issue = reader.report(
        "CP102",
        fmt::format("a tenant file must be a map of sections (`version`, `tenant`, `users`, "
                    "...), not {}",
                    describe(*doc.root)),
        *doc.root);
    if (doc.root->is_sequence()) {
      issue.hints.push_back("put the list under a section, e.g. `users:` or `plans:`");
    }
    return false;
  }
  stack_.push_back(Frame{canonical, path});
  read_root(reader, *doc.root, top);
  stack_.pop_back();
  return true;
}

void Loader::read_version(Reader& reader, const YamlNode& key, const YamlNode& value) {
  Tenant& tenant = reader.tenant();
  if (state_.version_where != kNoSource) {
    Issue& issue = reader.report("CP104", "`version` is given twice", key);
    issue.notes.push_back(
        Note{"first given here", tenant.sources.location(state_.version_where)});
    return;
  }
  state_.version_where = reader.where(key);
  if (value.is_scalar() && value.text == "1") {
    tenant.version = {1, reader.where(value)};
    return;
  }
  Issue& issue = reader.report(
      "CP105",
      fmt::format("version {} is not supported; this callplan reads tenant files of version 1",
                  describe(value)),
      value);
  issue.hints.push_back("write `version: 1`");
  int number = 0;
  if (value.is_scalar() && is_digits(value.text) && value.text.size() < 6) {
    number = std::stoi(value.text);
  }
  tenant.version = {number, reader.where(value)};
}

void Loader::read_root(Reader& reader, const YamlNode& root, bool top) {
  MapView map(reader, root, top ? "the tenant file" : "an included file", kRootKeys);
  for (const YamlEntry& e : root.entries) {
    const std::string& section = e.key->text;
    const YamlNode& value = *e.value;
    if (section == "version") {
      read_version(reader, *e.key, value);
    } else if (section == "tenant") {
      if (state_.tenant_where != kNoSource) {
        Issue& issue = reader.report("CP104", "`tenant` is given twice", *e.key);
        issue.notes.push_back(Note{"first given here",
                                   reader.tenant().sources.location(state_.tenant_where)});
        continue;
      }
      state_.tenant_where = reader.where(*e.key);
      read_tenant_info(reader, value);
    } else if (section == "numbers") {
      read_numbers(reader, value);
    } else if (section == "users") {
      read_users(reader, value);
    } else if (section == "devices") {
      read_devices(reader, value);
    } else if (section == "schedules") {
      read_schedules(reader, value);
    } else if (section == "plans") {
      read_plans(reader, value);
    } else if (section == "provisioning") {
      read_provisioning(reader, *e.key, value);
    }
  }
  // Included files are read after the including file's own sections, in the order listed.
  if (const YamlNode* includes = map.get("include")) {
    for (const YamlNode* entry : list_items(reader, *includes, "include", true)) {
      include(reader, *entry);
    }
  }
}

void Loader::include(Reader& reader, const YamlNode& entry) {
  std::string name;
  if (!scalar_text(reader, entry, "include", name)) return;
  if (!options_.allow_includes) {
    reader.report("CP106", fmt::format("`{}` is not read: includes are disabled here", name),
                  entry);
    return;
  }
  if (name.empty()) {
    reader.report("CP106", "an include entry names no file", entry);
    return;
  }
  fs::path base = fs::path(reader.path()).parent_path();
  fs::path target = fs::path(name).is_absolute() ? fs::path(name) : base / name;
  std::string path = target.lexically_normal().generic_string();
  std::string canonical = canonical_path(path);
  for (std::size_t i = 0; i < stack_.size(); ++i) {
    if (stack_[i].canonical != canonical) continue;
    std::string chain;
    for (std::size_t j = i; j < stack_.size(); ++j) chain += stack_[j].path + " -> ";
    chain += path;
    Issue& issue = reader.report("CP106", fmt::format("`{}` includes itself: {}", name, chain),
                                 entry);
    issue.hints.push_back("remove one of the includes in the cycle");
    return;
  }
  if (auto it = included_.find(canonical); it != included_.end()) {
    Issue& issue = reader.report(
        "CP106", fmt::format("`{}` is included a second time; its contents are read once", name),
        entry);
    issue.notes.push_back(Note{"first included here", it->second});
    return;
  }
  if (stack_.size() >= kMaxIncludeDepth) {
    reader.report("CP106",
                  fmt::format("`{}` is not read: includes are nested more than {} deep", name,
                              kMaxIncludeDepth),
                  entry);
    return;
  }
  FileText file = read_whole_file(path);
  if (!file.ok) {
    Issue& issue = reader.report(
        "CP106", fmt::format("cannot include `{}`: {}", name, file.error), entry);
    issue.hints.push_back(
        fmt::format("include paths are relative to the including file ({})", reader.path()));
    return;
  }
  included_.emplace(canonical, reader.location(entry));
  load(path, without_bom(std::move(file.text)), canonical, /*top=*/false);
}

// Tenant numbers are E.164, or national numbers of tenant.country (SPEC 2), written as such.
void check_tenant_numbers(LoadState& state) {
  Tenant& tenant = state.result.tenant;
  const std::string& country = tenant.info.country.value;
  for (const Number& n : tenant.numbers) {
    if (!n.number.given()) continue;
    const std::string& text = n.number.value;
    Location at = tenant.sources.location(n.number.where);
    auto report = [&](std::string message) -> Issue& {
      state.result.issues.push_back(detail::make_issue("CP121", std::move(message), at));
      return state.result.issues.back();
    };
    if (is_e164(text)) continue;
    if (!is_dialable(text)) {
      if (looks_like_number(text)) {
        Issue& issue = report(
            fmt::format("tenant number `{}` has characters a phone cannot dial; write digits "
                        "only",
                        text));
        issue.hints.push_back(fmt::format("write it without spaces: {}", clean_number(text)));
      } else {
        report(fmt::format("`{}` is not a phone number", text));
      }
      continue;
    }
    if (text.front() == '+') {
      report(fmt::format("tenant number `{}` is not E.164: write + and 8 to 15 digits, the "
                         "first not 0",
                         text));
      continue;
    }
    if (country.empty()) {
      Issue& issue = report(fmt::format(
          "tenant number `{}` is not in E.164 form; write it with + and the country code, or "
          "set `tenant.country` for national numbers",
          text));
      if (text.rfind("00", 0) == 0 && is_e164("+" + text.substr(2))) {
        issue.hints.push_back(fmt::format("write `+{}`", text.substr(2)));
      }
      continue;
    }
    if (!is_supported_country(country)) continue;  // cannot judge; kept as written
    if (!to_e164(text, country)) {
      report(fmt::format("`{}` is not a valid {} number; write it in E.164 (+ and the country "
                         "code) or as a full national number",
                         text, country));
    }
  }
}

LoadResult Loader::finish() && {
  Tenant& tenant = state_.result.tenant;
  if (top_ok_) {
    Location top{tenant.sources.file_path(top_file_), 1, 1};
    if (state_.version_where == kNoSource) {
      Issue issue = detail::make_issue(
          "CP105", "`version` is missing; this callplan reads tenant files of version 1", top);
      issue.hints.push_back("add `version: 1` at the top of the file");
      state_.result.issues.push_back(std::move(issue));
    }
    if (state_.tenant_where == kNoSource) {
      Issue issue = detail::make_issue(
          "CP103", "the tenant file needs a `tenant` section (name, login, timezone)", top);
      state_.result.issues.push_back(std::move(issue));
    }
  }
  check_tenant_numbers(state_);
  // SIP usernames default to "<login>-<id>" (SPEC 2); a default has no place in any file.
  if (!tenant.info.login.value.empty()) {
    for (Device& d : tenant.devices) {
      if (!d.sip.username.given() && !d.id.value.empty()) {
        d.sip.username = {fmt::format("{}-{}", tenant.info.login.value, d.id.value), kNoSource};
      }
    }
  }
  for (Schedule& s : state_.inline_schedules) tenant.schedules.push_back(std::move(s));
  return std::move(state_.result);
}

}  // namespace

LoadResult load_text(std::string_view text, std::string name, const LoadOptions& options) {
  Loader loader(options);
  loader.load_top(std::move(name), std::string(text));
  return std::move(loader).finish();
}

}  // namespace load

LoadResult load_file(const std::string& path) {
  load::FileText file = load::read_whole_file(path);
  if (!file.ok) throw Error(fmt::format("cannot read {}: {}", path, file.error));
  load::Loader loader(load::LoadOptions{});
  loader.load_top(path, std::move(file.text));
  return std::move(loader).finish();
}

LoadResult load_string(std::string_view text, std::string name) {
  return load::load_text(text, std::move(name), load::LoadOptions{});
}

}  // namespace callplan
