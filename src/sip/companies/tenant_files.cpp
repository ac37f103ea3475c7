#include "sip/companies/tenant_files.hpp"

#include <algorithm>
#include <filesystem>
#include <set>
#include <system_error>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "callplan/error.hpp"

namespace callplan::sip {
namespace {

namespace fs = std::filesystem;

bool yaml_name(const fs::path& p) {
  std::string ext = p.extension().string();
  return ext == ".yaml" || ext == ".yml";
}

// The top-level map of a file, or a null node when it cannot be read or parsed.
YAML::Node top_level(const fs::path& file, bool& broken) {
  broken = false;
  try {
    return YAML::LoadFile(file.string());
  } catch (const YAML::Exception&) {
    broken = true;
    return {};
  }
}

// Every file `file` includes, directly or not (paths relative to the including file).
void collect_includes(const fs::path& file, std::set<fs::path>& out) {
  bool broken = false;
  YAML::Node root = top_level(file, broken);
  if (!root.IsMap() || !root["include"]) return;
  YAML::Node include = root["include"];
  std::vector<std::string> names;
  if (include.IsScalar()) names.push_back(include.as<std::string>());
  if (include.IsSequence())
    for (const YAML::Node& n : include)
      if (n.IsScalar()) names.push_back(n.as<std::string>());
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
    YAML::Node root = top_level(p, broken);
    // A plan-test file names its tenant as text (`tenant: acme.yaml`): only a map counts.
    if (broken || (root.IsMap() && root["tenant"] && root["tenant"].IsMap()))
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
