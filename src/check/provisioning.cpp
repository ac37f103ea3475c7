// CP230-CP232: devices callplan provisions (a `mac` and a brand of yealink, snom, grandstream or
// polycom; SPEC 13, docs/provisioning.md). A malformed MAC is the loader's (CP122).
//
// - CP230 two devices with one MAC: the endpoint identifies a phone by its MAC, so one of them
//   would get the other's file (its SIP password included).
// - CP231 only an HA1 hash: the registrar can verify the phone, but its configuration file must
//   carry the password itself, so the phone cannot be provisioned.
// - CP232 a model the renderers do not know: the phone gets its family's file, which most
//   likely fits; a note so that a typo ("T45W") is seen.
#include <cctype>
#include <map>
#include <string>

#include <fmt/format.h>

#include "check/rules.hpp"
#include "model/phone_models.hpp"

namespace callplan::check_detail {
namespace {

// 12 lower-case hex digits, whatever separators the tenant used ("" when not a MAC: CP122).
std::string mac_key(std::string_view written) {
  std::string out;
  for (char c : written) {
    if (c == ':' || c == '-') continue;
    if (std::isxdigit(static_cast<unsigned char>(c)) == 0) return {};
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out.size() == 12 ? out : std::string();
}

bool provisionable(const Device& d) { return d.brand.value != Brand::other && !d.mac.value.empty(); }

}  // namespace

void check_provisioning(Context& cx) {
  std::map<std::string, const Device*> by_mac;
  for (const Device& d : cx.tenant().devices) {
    if (d.mac.value.empty()) continue;
    const std::string key = mac_key(d.mac.value);
    if (key.empty()) continue;
    auto [it, inserted] = by_mac.emplace(key, &d);
    if (!inserted) {
      Issue& issue = cx.report(
          "CP230", fmt::format("devices `{}` and `{}` have the same MAC address {}; a phone is "
                               "known by its MAC, so one would get the other's file",
                               it->second->id.value, d.id.value, d.mac.value),
          d.mac.where, d.where);
      cx.note(issue, "first defined here", it->second->mac.where, it->second->where);
    }
  }
  for (const Device& d : cx.tenant().devices) {
    if (!provisionable(d)) continue;
    if (d.sip.password.value.empty() &&
        (!d.sip.ha1_md5.value.empty() || !d.sip.ha1_sha256.value.empty())) {
      Issue& issue = cx.report(
          "CP231", fmt::format("device `{}` is provisioned ({} with a MAC) but has only an HA1 "
                               "hash; its configuration file needs the SIP password itself",
                               d.id.value, brand_word(d.brand.value)),
          !d.sip.ha1_md5.value.empty() ? d.sip.ha1_md5.where : d.sip.ha1_sha256.where, d.where);
      issue.hints.push_back("add `sip.password`, or remove `mac` if the phone is configured by hand");
    }
    if (!d.model.empty() && !is_known_phone_model(d.brand.value, d.model)) {
      cx.report("CP232", fmt::format("model `{}` is not one the {} renderer knows; device `{}` "
                                     "gets the {} family's file",
                                     d.model, brand_word(d.brand.value), d.id.value,
                                     brand_word(d.brand.value)),
                d.where);
    }
  }
}

}  // namespace callplan::check_detail
