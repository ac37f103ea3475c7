// check/companies.hpp — conflicts between companies served together (SPEC 11).
//
// One `callplan serve` serves several tenant files; a trunk call finds its company by the
// number dialled, a phone by its SIP username, a digest realm names a company by its login.
// So no two companies may claim the same tenant number (compared in E.164, each written in
// its own company's country), the same SIP username (explicit or the "<login>-<id>" default),
// or the same login; and the provisioning endpoint finds a phone by its MAC, so no two
// companies may have a provisioned phone with the same MAC. The later file is the one in
// conflict: CP600 (number), CP601 (SIP username), CP602 (login), CP603 (MAC), with a note at
// the earlier file's place.
//
// Used by `callplan check FILE...` (every file's issues) and by the server's company registry
// (src/sip/companies), which refuses a file that conflicts with the companies it serves.
//
//   ClaimTable served;
//   for (const Tenant* t : tenants) {
//     std::vector<Claim> claims = claims_of(*t);
//     Issues issues = served.conflicts(claims, *t);
//     served.add(claims, /*owner=*/index);   // or only when `issues` is empty (serve)
//   }
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "callplan/diagnostics.hpp"
#include "callplan/model.hpp"

namespace callplan {

// What a company claims for itself alone.
struct Claim {
  enum class Kind : std::uint8_t { number, sip_username, login, mac };
  Kind kind = Kind::number;
  std::string key;    // compared: E.164 for numbers (as written when it cannot be normalised)
  std::string shown;  // as the file writes it
  Location where;     // the node in the file (a default SIP username: the device's id)
};

// Every number, SIP username, provisioned phone's MAC and the login of `tenant`, in file order.
std::vector<Claim> claims_of(const Tenant& tenant);

// The claims of the companies accepted so far, each with its owner (a caller's index) and
// the company's login (for messages).
class ClaimTable {
 public:
  // One issue per claim of `claims` that another owner already holds (CP600-CP603), placed
  // at the claim, with a note at the holder's place. Claims held by `self` do not count
  // (a company reloading its own numbers).
  Issues conflicts(std::span<const Claim> claims, std::size_t self = kNobody) const;
  // Takes every claim of `claims` that nobody holds yet for `owner`.
  void add(std::span<const Claim> claims, std::size_t owner, const std::string& company);
  // Forgets everything `owner` holds.
  void remove(std::size_t owner);

  // The owner of a claim, kNobody when none.
  std::size_t owner(Claim::Kind kind, const std::string& key) const;

  static constexpr std::size_t kNobody = static_cast<std::size_t>(-1);

 private:
  struct Holder {
    std::size_t owner;
    std::string company;
    Location where;
  };
  static std::string slot(Claim::Kind kind, const std::string& key);
  std::unordered_map<std::string, Holder> held_;
};

// `callplan check a.yaml b.yaml ...`: for each tenant, in order, the conflicts with the
// tenants before it (every earlier tenant's claims count, even one that has conflicts itself,
// so each conflict is reported once, at the later file).
std::vector<Issues> check_companies(std::span<const Tenant* const> tenants);

}  // namespace callplan
