// CP600-CP603: a number, SIP username, login or phone MAC that two companies served together
// claim.
#include "check/companies.hpp"

#include <cctype>

#include <fmt/format.h>

#include "diagnostics/make_issue.hpp"
#include "model/phone_number.hpp"

namespace callplan {
namespace {

std::string_view code_of(Claim::Kind kind) {
  switch (kind) {
    case Claim::Kind::number:
      return "CP600";
    case Claim::Kind::sip_username:
      return "CP601";
    case Claim::Kind::login:
      return "CP602";
    case Claim::Kind::mac:
      return "CP603";
  }
  return "CP600";
}

std::string_view noun(Claim::Kind kind) {
  switch (kind) {
    case Claim::Kind::number:
      return "number";
    case Claim::Kind::sip_username:
      return "SIP username";
    case Claim::Kind::login:
      return "login";
    case Claim::Kind::mac:
      return "MAC address";
  }
  return "number";
}

std::string_view hint(Claim::Kind kind) {
  switch (kind) {
    case Claim::Kind::number:
      return "a number rings in one company only: remove it from one of the two files";
    case Claim::Kind::sip_username:
      return "phones log in by SIP username alone, so it must be unique across all "
             "companies: set `sip.username` (or change the device id) in one of the files";
    case Claim::Kind::login:
      return "the login is the company's digest realm and its default SIP usernames: give "
             "each company its own";
    case Claim::Kind::mac:
      return "the provisioning server knows a phone by its MAC alone, so one phone would get "
             "the other company's file: copy the MAC from the phone's label again, or remove "
             "`mac` where the phone is configured by hand";
  }
  return {};
}

Location place(const Tenant& tenant, SourceId where, SourceId fallback) {
  return tenant.sources.location(where != kNoSource ? where : fallback);
}

}  // namespace

std::vector<Claim> claims_of(const Tenant& tenant) {
  std::vector<Claim> out;
  const std::string& login = tenant.info.login.value;
  const std::string& country = tenant.info.country.value;
  if (!login.empty())
    out.push_back({Claim::Kind::login, login, login,
                   place(tenant, tenant.info.login.where, tenant.info.where)});
  for (const Number& n : tenant.numbers) {
    if (n.number.value.empty()) continue;
    std::string key = to_e164(n.number.value, country).value_or(n.number.value);
    out.push_back({Claim::Kind::number, std::move(key), n.number.value,
                   place(tenant, n.number.where, n.where)});
  }
  for (const Device& d : tenant.devices) {
    // The username the server knows the device by (sip/proxy/directory.hpp): a default one
    // has no place of its own, so it points at the device's id.
    std::string username = d.sip.username.value.empty() ? login + "-" + d.id.value
                                                         : d.sip.username.value;
    if (d.id.value.empty() && d.sip.username.value.empty()) continue;
    out.push_back({Claim::Kind::sip_username, username, username,
                   place(tenant, d.sip.username.where, d.id.where)});
  }
  // A provisioned phone's MAC (SPEC 13): the endpoint finds the phone, and so its company, by
  // the MAC alone. Compared as 12 lower-case hex digits; a malformed one is CP122 already.
  for (const Device& d : tenant.devices) {
    if (d.brand.value == Brand::other || d.mac.value.empty()) continue;
    std::string key;
    for (char c : d.mac.value) {
      if (c != ':' && c != '-') key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    if (key.size() != 12) continue;
    out.push_back({Claim::Kind::mac, std::move(key), d.mac.value,
                   place(tenant, d.mac.where, d.where)});
  }
  return out;
}

std::string ClaimTable::slot(Claim::Kind kind, const std::string& key) {
  std::string s(1, static_cast<char>('0' + static_cast<int>(kind)));
  s += key;
  return s;
}

Issues ClaimTable::conflicts(std::span<const Claim> claims, std::size_t self) const {
  Issues out;
  for (const Claim& claim : claims) {
    auto it = held_.find(slot(claim.kind, claim.key));
    if (it == held_.end() || it->second.owner == self) continue;
    const Holder& holder = it->second;
    std::string message =
        claim.kind == Claim::Kind::login
            ? fmt::format("login `{}` is already the login of another company ({})", claim.shown,
                          holder.where.file)
            : fmt::format("{} `{}` already belongs to company `{}` ({})", noun(claim.kind),
                          claim.shown, holder.company, holder.where.file);
    Issue issue = detail::make_issue(code_of(claim.kind), std::move(message), claim.where);
    issue.notes.push_back(Note{fmt::format("company `{}` has it here", holder.company),
                               holder.where});
    issue.hints.emplace_back(hint(claim.kind));
    out.push_back(std::move(issue));
  }
  return out;
}

void ClaimTable::add(std::span<const Claim> claims, std::size_t owner, const std::string& company) {
  for (const Claim& claim : claims)
    held_.try_emplace(slot(claim.kind, claim.key), Holder{owner, company, claim.where});
}

void ClaimTable::remove(std::size_t owner) {
  std::erase_if(held_, [owner](const auto& entry) { return entry.second.owner == owner; });
}

std::size_t ClaimTable::owner(Claim::Kind kind, const std::string& key) const {
  auto it = held_.find(slot(kind, key));
  return it == held_.end() ? kNobody : it->second.owner;
}

std::vector<Issues> check_companies(std::span<const Tenant* const> tenants) {
  std::vector<Issues> out(tenants.size());
  ClaimTable table;
  for (std::size_t i = 0; i < tenants.size(); ++i) {
    std::vector<Claim> claims = claims_of(*tenants[i]);
    out[i] = table.conflicts(claims, i);
    table.add(claims, i, tenants[i]->info.login.value);
  }
  return out;
}

}  // namespace callplan
