// CP233-CP235: the `provisioning:` blocks (SPEC 13, docs/provisioning.md "Extra keys").
//
// A key reaches a phone through its level: the tenant's `keys` every provisioned phone, a
// brand's the phones of that brand, a model's the phones of that model (case, blanks and dashes
// ignored), a device's that phone. Whether a key fits depends on the format of the phones that
// get it, so each key is checked against the brand of every phone it reaches, and reported
// once per brand (not once per phone):
//
// - CP233 a setting name the brand's format cannot carry (Grandstream only has P-values, an XML
//   element cannot be named `2nd key`): the file would be refused at render time.
// - CP234 a value the brand's format cannot carry (a line break in a Yealink value would start
//   a new key; XML cannot carry most control characters): refused likewise.
// - CP235 a brand or model level that no provisioned phone gets: a typo (`T45W`) or a brand
//   the tenant has no phones of, whose keys silently do nothing.
#include <map>
#include <set>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "check/rules.hpp"
#include "model/provisioning_syntax.hpp"

namespace callplan::check_detail {
namespace {

std::string_view brand_title(Brand brand) {
  switch (brand) {
    case Brand::yealink: return "Yealink";
    case Brand::snom: return "Snom";
    case Brand::grandstream: return "Grandstream";
    case Brand::polycom: return "Polycom";
    case Brand::other: break;
  }
  return "other";
}

bool provisioned(const Device& d) { return d.brand.value != Brand::other && !d.mac.value.empty(); }

class KeyChecker {
 public:
  explicit KeyChecker(Context& cx) : cx_(cx) {}

  // The keys of one level, as `device` gets them; `level` names it in messages.
  void check(const ProvisioningKeys& keys, const Device& device, std::string_view level) {
    const Brand brand = device.brand.value;
    for (const ProvisioningKey& key : keys.keys) {
      if (auto problem = setting_name_problem(brand, key.name.value);
          problem && reported_.insert({key.name.where, brand}).second) {
        Issue& issue = cx_.report(
            "CP233", fmt::format("{}; it is in {} and device `{}` ({}) gets it", *problem, level,
                                 device.id.value, brand_title(brand)),
            key.name.where, keys.where);
        issue.hints.push_back(name_hint(brand, level));
      }
      if (auto problem = setting_value_problem(brand, key.value.value);
          problem && reported_.insert({key.value.where, brand}).second) {
        Issue& issue = cx_.report(
            "CP234", fmt::format("the value of `{}` in {} {}; device `{}` ({}) gets it",
                                 key.name.value, level, *problem, device.id.value,
                                 brand_title(brand)),
            key.value.where, key.name.where);
        issue.hints.push_back(brand == Brand::yealink
                                  ? "write the value on one line, without control characters "
                                    "or blanks at either end"
                                  : "remove the control character; tab and line breaks are "
                                    "allowed");
      }
    }
  }

 private:
  static std::string name_hint(Brand brand, std::string_view level) {
    std::string hint;
    if (brand == Brand::grandstream) {
      hint = "Grandstream settings are P-values such as P1364";
    } else if (brand == Brand::snom) {
      hint = "Snom settings are names such as `fkey[2]` (an index in brackets)";
    } else {
      hint = "setting names are letters, digits, `_`, `.` and `-`";
    }
    if (level == "the tenant's `provisioning.keys`") {
      hint += "; a key for one brand only goes under `provisioning.brands`";
    }
    return hint;
  }

  Context& cx_;
  std::set<std::pair<SourceId, Brand>> reported_;
};

}  // namespace

void check_provisioning_keys(Context& cx) {
  const Tenant& tenant = cx.tenant();
  const TenantProvisioning& p = tenant.provisioning;
  KeyChecker keys(cx);
  std::set<Brand> brands_used;
  std::set<std::string> models_used;
  for (const Device& d : tenant.devices) {
    if (!provisioned(d)) continue;
    brands_used.insert(d.brand.value);
    models_used.insert(model_key(d.model));
    keys.check(p.keys, d, "the tenant's `provisioning.keys`");
    for (const TenantProvisioning::ByBrand& b : p.brands) {
      if (b.brand.value == d.brand.value) keys.check(b.keys, d, "its brand's `provisioning` keys");
    }
    for (const TenantProvisioning::ByModel& m : p.models) {
      if (model_key(m.model.value) == model_key(d.model)) {
        keys.check(m.keys, d, fmt::format("the model `{}`'s `provisioning` keys", m.model.value));
      }
    }
    keys.check(d.provisioning, d, "the device's `provisioning` keys");
  }
  for (const TenantProvisioning::ByBrand& b : p.brands) {
    if (brands_used.contains(b.brand.value)) continue;
    Issue& issue = cx.report(
        "CP235", fmt::format("no provisioned phone is a {}: the keys for this brand are not used",
                             brand_title(b.brand.value)),
        b.brand.where);
    issue.hints.push_back("a provisioned phone has that `brand` and a `mac`");
  }
  for (const TenantProvisioning::ByModel& m : p.models) {
    if (models_used.contains(model_key(m.model.value))) continue;
    Issue& issue = cx.report(
        "CP235", fmt::format("no provisioned phone has the model `{}`: the keys for this model "
                             "are not used",
                             m.model.value),
        m.model.where);
    std::string known;
    for (const Device& d : tenant.devices) {
      if (provisioned(d) && !d.model.empty() && known.find(d.model) == std::string::npos) {
        known += (known.empty() ? "`" : ", `") + d.model + "`";
      }
    }
    if (!known.empty()) issue.hints.push_back("the provisioned phones' models: " + known);
  }
}

}  // namespace callplan::check_detail
