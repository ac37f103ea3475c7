// model/phone_models.cpp — see phone_models.hpp.
#include "model/phone_models.hpp"

#include "model/provisioning_syntax.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

namespace callplan {
namespace {

// The models each family's renderer was written against. Another model of a known brand still
// gets its family's file (the settings are the family's, not the model's), with a note.
constexpr std::array<std::string_view, 11> kYealink = {
    "t31p", "t33g", "t43u", "t46u", "t48u", "t53", "t53w", "t54w", "t57w", "t58w", "t46s"};
constexpr std::array<std::string_view, 9> kSnom = {"d120", "d315", "d335", "d385", "d713",
                                                   "d717", "d735", "d785", "d865"};
constexpr std::array<std::string_view, 11> kGrandstream = {
    "grp2601", "grp2602", "grp2603", "grp2604", "grp2612", "grp2613",
    "grp2614", "grp2615", "grp2616", "gxp2160", "gxp2170"};
constexpr std::array<std::string_view, 6> kPolycom = {"vvx150", "vvx250", "vvx350",
                                                      "vvx450", "vvx501", "vvx601"};

}  // namespace

bool is_known_phone_model(Brand brand, std::string_view model) {
  const std::string m = model_key(model);
  const auto in = [&](const auto& list) {
    return std::find(list.begin(), list.end(), m) != list.end();
  };
  switch (brand) {
    case Brand::yealink: return in(kYealink);
    case Brand::snom: return in(kSnom);
    case Brand::grandstream: return in(kGrandstream);
    case Brand::polycom: return in(kPolycom);
    case Brand::other: break;
  }
  return false;
}

}  // namespace callplan
