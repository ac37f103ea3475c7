// `provisioning:` blocks (SPEC 13, docs/provisioning.md): extra settings in a phone brand's own
// names, at the tenant, brand, model and device levels. The loader reads their shape (maps of
// text); whether a name or value fits a brand's file format is the checker's (CP233, CP234),
// because it depends on which phones get the key.
#include <array>
#include <vector>

#include <fmt/format.h>

#include "load/readers.hpp"
#include "model/phone_models.hpp"

namespace callplan::load {
namespace {

constexpr std::string_view kTopKeys[] = {"keys", "brands", "models"};
constexpr std::string_view kLevelKeys[] = {"keys"};

// `keys: {name: value, ...}`: every value is text as written (a YAML number or boolean keeps
// its spelling: `"16"` and `16` are the same); an empty value (`name:`) is the empty text.
void read_keys(Reader& reader, const YamlNode& keys_key, const YamlNode& node,
               ProvisioningKeys& out) {
  out.where = reader.where(keys_key);
  if (node.is_null()) return;
  if (!node.is_map()) {
    Issue& issue = reader.report(
        "CP102", fmt::format("`keys` must be a map of setting names to values, not {}",
                             describe(node)),
        node);
    issue.hints.push_back("for example `keys: {linekey.2.type: \"16\"}`");
    return;
  }
  for (const YamlEntry& e : node.entries) {
    if (!e.key->is_scalar()) {
      reader.report("CP102", fmt::format("a setting name must be text, not {}", describe(*e.key)),
                    *e.key);
      continue;
    }
    ProvisioningKey key;
    key.name = {e.key->text, reader.where(*e.key)};
    if (!e.value->is_null()) {
      std::string text;
      if (!scalar_text(reader, *e.value, e.key->text, text)) continue;
      key.value = {std::move(text), reader.where(*e.value)};
    } else {
      key.value = {std::string(), reader.where(*e.key)};
    }
    out.keys.push_back(std::move(key));
  }
}

// One level's map, `{keys: {...}}`, under `what` ("the brand `snom`").
void read_level(Reader& reader, const YamlNode& node, std::string what, ProvisioningKeys& out) {
  MapView map(reader, node, std::move(what), kLevelKeys);
  if (!map.ok()) return;
  if (const YamlNode* keys = map.get("keys")) read_keys(reader, *map.key("keys"), *keys, out);
}

// `brands:` / `models:`: a map whose keys name the level.
const std::vector<YamlEntry>* level_map(Reader& reader, const YamlNode& node,
                                        std::string_view field, std::string_view example) {
  if (node.is_null()) return nullptr;
  if (!node.is_map()) {
    Issue& issue = reader.report(
        "CP102", fmt::format("`{}` must be a map, not {}", field, describe(node)), node);
    issue.hints.push_back(std::string(example));
    return nullptr;
  }
  return &node.entries;
}

}  // namespace

void read_device_provisioning(Reader& reader, const YamlNode& node, ProvisioningKeys& out) {
  read_level(reader, node, "a device's `provisioning`", out);
}

void read_provisioning(Reader& reader, const YamlNode& key, const YamlNode& node) {
  TenantProvisioning& p = reader.tenant().provisioning;
  if (p.where != kNoSource) {
    Issue& issue = reader.report("CP104", "`provisioning` is given twice", key);
    issue.notes.push_back(Note{"first given here", reader.tenant().sources.location(p.where)});
    return;
  }
  p.where = reader.where(key);
  MapView map(reader, node, "the `provisioning` section", kTopKeys);
  if (!map.ok()) return;
  if (const YamlNode* keys = map.get("keys")) read_keys(reader, *map.key("keys"), *keys, p.keys);
  if (const YamlNode* brands = map.get("brands")) {
    if (const auto* entries =
            level_map(reader, *brands, "brands", "for example `brands: {yealink: {keys: {...}}}`")) {
      for (const YamlEntry& e : *entries) {
        TenantProvisioning::ByBrand level;
        bool known = false;
        for (const auto& [name, brand] : kProvisionableBrandWords) {
          if (e.key->is_scalar() && e.key->text == name) {
            level.brand = {brand, reader.where(*e.key)};
            known = true;
          }
        }
        if (!known) {
          std::vector<std::string_view> names;
          for (const auto& [name, brand] : kProvisionableBrandWords) names.push_back(name);
          report_unknown_enum(reader, *e.key, "brands", e.key->text, names);
          continue;
        }
        read_level(reader, *e.value, fmt::format("the brand `{}`", e.key->text), level.keys);
        p.brands.push_back(std::move(level));
      }
    }
  }
  if (const YamlNode* models = map.get("models")) {
    if (const auto* entries =
            level_map(reader, *models, "models", "for example `models: {T54W: {keys: {...}}}`")) {
      for (const YamlEntry& e : *entries) {
        if (!e.key->is_scalar() || e.key->text.empty()) {
          reader.report("CP102", "a model name must be text", *e.key);
          continue;
        }
        TenantProvisioning::ByModel level;
        level.model = {e.key->text, reader.where(*e.key)};
        read_level(reader, *e.value, fmt::format("the model `{}`", e.key->text), level.keys);
        p.models.push_back(std::move(level));
      }
    }
  }
}

}  // namespace callplan::load
