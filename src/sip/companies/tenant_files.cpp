#include "sip/companies/tenant_files.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <system_error>

#include <fmt/format.h>

#include "callplan/error.hpp"
#include "load/yaml_tree.hpp"

namespace callplan::sip {
namespace {

namespace fs = std::filesystem;

bool yaml_name(const fs::path& p) {
  std::string ext = p.extension().string();
  return ext == ".yaml" || ext == ".yml";
}

// A file's YAML through the loader's one reader (load/yaml_tree.hpp): its root, or nullptr
// when it is empty; `broken` when it cannot be read or parsed (the loader then says why).
load::NodePtr top_level(const fs::path& file, bool& broken) {
  broken = false;
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in || in.bad()) {
    broken = true;
    return nullptr;
  }
  load::YamlDocument doc = load::parse_yaml(load::without_bom(std::move(text).str()), file.string());
  broken = !doc.ok;
  return doc.ok ? doc.root : nullptr;
}

// The value of `key` in a map, or nullptr.
const load::YamlNode* value_of(const load::NodePtr& root, std::string_view key) {
  if (root == nullptr || !root->is_map()) return nullptr;
  const load::YamlEntry* entry = root->find(key);
  return entry != nullptr ? entry->value.get() : nullptr;
}

// Every file `file` includes, directly or not (paths relative to the including file).
void collect_includes(const fs::path& file, std::set<fs::path>& out) {
  bool broken = false;
  load::NodePtr root = top_level(file, broken);
  const load::YamlNode* include = value_of(root, "include");
  if (include == nullptr) return;
  std::vector<std::string> names;
  if (include->is_scalar()) names.push_back(include->text);
  if (include->is_sequence())
    for (const load::NodePtr& n : include->items)
      if (n->is_scalar()) names.push_back(n->text);
  for (const std::string& name : names) {
    fs::path target = (file.parent_path() / name).lexically_normal();
    if (out.insert(target).second) collect_includes(target, out);  // a cycle stops here
  }
}

}  // namespace

std::vector<std::string> tenant_files(const std::string& dir) {
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) throw Error(fmt::format("--tenants {}: {}", dir, ec.message()));
  std::vector<fs::path> candidates;
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec) throw Error(fmt::format("--tenants {}: {}", dir, ec.message()));
    const fs::path& p = it->path();
    if (!yaml_name(p) || !it->is_regular_file(ec)) continue;
    bool broken = false;
    load::NodePtr root = top_level(p, broken);
    // A plan-test file names its tenant as text (`tenant: acme.yaml`): only a map counts.
    const load::YamlNode* tenant = value_of(root, "tenant");
    if (broken || (tenant != nullptr && tenant->is_map()))
      candidates.push_back(p.lexically_normal());
  }
  std::set<fs::path> included;
  for (const fs::path& p : candidates) collect_includes(p, included);
  std::vector<std::string> out;
  for (const fs::path& p : candidates)
    if (!included.count(p)) out.push_back(p.string());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace callplan::sip
