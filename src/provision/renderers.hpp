// provision/renderers.hpp — one renderer per brand family (yealink.cpp, snom.cpp,
// grandstream.cpp, polycom.cpp). Each turns the brand-neutral PhoneSettings into the files
// the phone fetches; escaping is each format's own (escape.hpp).
#pragma once

#include <vector>

#include "provision/phone_settings.hpp"

namespace callplan::provision {

std::vector<ProvisioningFile> render_yealink(const PhoneSettings& settings);
std::vector<ProvisioningFile> render_snom(const PhoneSettings& settings);
std::vector<ProvisioningFile> render_grandstream(const PhoneSettings& settings);
std::vector<ProvisioningFile> render_polycom(const PhoneSettings& settings);

// "+1", "0", "-5", "+5:30": a UTC offset in the form Yealink's local_time.time_zone takes.
std::string yealink_offset(int minutes);

}  // namespace callplan::provision
