#include "panel/company_claims.hpp"

#include <fmt/format.h>

namespace callplan::panel {
namespace {

std::string_view noun(Claim::Kind kind) {
  switch (kind) {
    case Claim::Kind::number: return "the number";
    case Claim::Kind::sip_username: return "the SIP username";
    case Claim::Kind::login: return "the login";
    case Claim::Kind::mac: return "the phone MAC address";
  }
  return "the number";
}

}  // namespace

Issues claims_taken_by_others(const Tenant& tenant, std::span<const Claim> others) {
  constexpr std::size_t kOthers = 0;
  constexpr std::size_t kSelf = 1;
  ClaimTable table;
  table.add(others, kOthers, "");
  Issues out;
  for (const Claim& claim : claims_of(tenant)) {
    // The check's own issue gives the code (CP600-CP603) and the hint; its message and note
    // name the other company, which this company's administrator is not to see.
    Issues found = table.conflicts(std::span(&claim, 1), kSelf);
    if (found.empty()) continue;
    Issue issue = std::move(found.front());
    issue.message = fmt::format("{} `{}` belongs to another company served by this server",
                                noun(claim.kind), claim.shown);
    issue.notes.clear();
    out.push_back(std::move(issue));
  }
  return out;
}

}  // namespace callplan::panel
