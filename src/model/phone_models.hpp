// model/phone_models.hpp — the desk-phone models callplan's provisioning renderers were written
// against, per brand family. Shared by the checker (CP232: a model unknown for its brand) and
// src/provision (which still gives an unknown model its family's file, with a note). Internal.
#pragma once

#include <array>
#include <span>
#include <string_view>
#include <utility>

#include "callplan/model.hpp"

namespace callplan {

// The brands as tenant files name them (`devices[].brand`, `provisioning.brands`), in the
// order messages list them: the four callplan provisions, then `other`. The one table of
// these words: the loader, the checker, the provisioning renderers and the panel use it.
inline constexpr std::array<std::pair<std::string_view, Brand>, 5> kBrandWords = {{
    {"yealink", Brand::yealink},
    {"snom", Brand::snom},
    {"grandstream", Brand::grandstream},
    {"polycom", Brand::polycom},
    {"other", Brand::other},
}};

// The brands callplan provisions: all but `other`.
inline constexpr std::span<const std::pair<std::string_view, Brand>> kProvisionableBrandWords =
    std::span(kBrandWords).first<4>();

// A brand's word ("yealink").
constexpr std::string_view brand_word(Brand brand) {
  for (const auto& [word, value] : kBrandWords) {
    if (value == brand) return word;
  }
  return "other";
}

// Case, blanks and dashes ignored: "VVX 450", "vvx450" and "VVX-450" are the same model.
bool is_known_phone_model(Brand brand, std::string_view model);

}  // namespace callplan
