// model/phone_models.hpp — the desk-phone models callplan's provisioning renderers were written
// against, per brand family. Shared by the checker (CP232: a model unknown for its brand) and
// src/provision (which still gives an unknown model its family's file, with a note). Internal.
#pragma once

#include <string_view>

#include "callplan/model.hpp"

namespace callplan {

// Case, blanks and dashes ignored: "VVX 450", "vvx450" and "VVX-450" are the same model.
bool is_known_phone_model(Brand brand, std::string_view model);

}  // namespace callplan
