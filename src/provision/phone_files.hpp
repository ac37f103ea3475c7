// provision/phone_files.hpp — what each phone of a tenant would fetch, to see whose file a
// reload changed (the SIP server's `NOTIFY Event: check-sync`, SPEC 13).
//
//   PhoneFiles before = phone_files(old_tenant), after = phone_files(new_tenant);
//   for (const std::string& username : changed_phones(before, after)) ...notify...
//
// Rendered with fixed options (RenderOptions{}): the SIP address, transport and NTP server a
// serve writes into the files do not change on a reload, the tenant does.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "callplan/model.hpp"

namespace callplan::provision {

// By the phone's SIP username: its files' names and contents, in fetch order. A device that
// cannot be provisioned (no MAC, brand `other`, a value its format cannot carry) is absent.
using PhoneFiles = std::map<std::string, std::string>;

PhoneFiles phone_files(const Tenant& tenant);

// The usernames in both whose files differ, sorted. A phone new in `after` is not listed (it
// has no registration that knows the old file), nor one gone from it (nothing to fetch).
std::vector<std::string> changed_phones(const PhoneFiles& before, const PhoneFiles& after);

}  // namespace callplan::provision
