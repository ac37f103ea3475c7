// The company registry: loading every tenant file on its own, deciding conflicts, and
// finding a call's or a device's company.
#include "sip/companies/companies.hpp"

#include <algorithm>
#include <filesystem>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "callplan/check.hpp"
#include "callplan/engine.hpp"
#include "callplan/error.hpp"
#include "callplan/report.hpp"
#include "media/prompt/prompt_meter.hpp"
#include "model/phone_number.hpp"
#include "sip/digest.hpp"
#include "sip/name_addr.hpp"
#include "sip/uri.hpp"

namespace callplan::sip {

LoadedCompany load_company(const std::string& path, const std::string& realm) {
  // Prompts are measured with the cache the media side plays them from, so the session times
  // each announcement and menu prompt as long as it really plays (SPEC 3.9). The session keeps
  // its own clock (PromptClock::session): a prompt that cannot be played still ends on time.
  static const PromptMeter meter = media::prompt_meter(media::default_prompt_cache());
  CheckedTenant checked = load_and_check(path, {.prompts = &meter});  // throws Error when unreadable
  if (has_errors(checked.issues)) {
    std::string report =
        format_gcc({FileReport{path, checked.issues, &checked.tenant.sources}});
    throw Error(fmt::format("{}`{}` has errors", report, path));
  }
  auto engine = Engine::compile(checked.tenant, checked.issues);
  std::string folder = std::filesystem::absolute(path).parent_path().string();
  auto directory =
      std::make_shared<Directory>(checked.tenant, std::move(engine), realm, std::move(folder));
  std::vector<Claim> claims = claims_of(checked.tenant);
  std::string country = checked.tenant.info.country.value;
  return {std::move(directory), std::move(claims), std::move(country),
          std::make_shared<const Tenant>(std::move(checked.tenant))};
}

namespace {

// One file of a load: what is served from it now, and its new version if that loaded.
struct Slot {
  std::string path;
  std::unique_ptr<Company> current;
  LoadedCompany next;
  std::string error;    // it could not be loaded (diagnostics)
  Issues conflicts;     // it loaded but claims what another company has
  bool taken = false;
};

}  // namespace

Companies::Companies(std::string realm, std::string secret)
    : realm_(std::move(realm)), secret_(std::move(secret)) {}

std::vector<CompanyEvent> Companies::load(const std::vector<std::string>& paths,
                                          Location& location, TimePoint now) {
  std::vector<CompanyEvent> events;
  // Who had which username before: bindings whose username changes hands are dropped below.
  std::vector<std::pair<std::string, std::string>> had;  // username, login
  for (const auto& company : companies_)
    for (const Claim& claim : company->claims)
      if (claim.kind == Claim::Kind::sip_username) had.emplace_back(claim.key, company->login());
  std::map<std::string, std::unique_ptr<Company>> served;
  for (auto& company : companies_) {
    std::string path = company->path;
    served.emplace(std::move(path), std::move(company));
  }
  companies_.clear();

  std::vector<Slot> slots;
  std::set<std::string> seen;
  for (const std::string& path : paths) {
    if (!seen.insert(path).second) continue;  // the same file twice is one company
    Slot& slot = slots.emplace_back();
    slot.path = path;
    if (auto it = served.find(path); it != served.end()) {
      slot.current = std::move(it->second);
      served.erase(it);
    }
    try {
      slot.next = load_company(path, realm_);
    } catch (const Error& e) {
      slot.error = e.what();
    }
  }
  for (const auto& [path, company] : served)
    events.push_back({CompanyEvent::Kind::removed, path, company->login(), {}, false});

  // What is served stays served: a new version may only claim what nobody else has. New
  // versions are taken in file order; a round that takes one may free what a refused one
  // wanted (two companies moving a number between them), so go round until nothing changes.
  ClaimTable table;
  for (std::size_t i = 0; i < slots.size(); ++i)
    if (slots[i].current) table.add(slots[i].current->claims, i, slots[i].current->login());
  for (bool progress = true; progress;) {
    progress = false;
    for (std::size_t i = 0; i < slots.size(); ++i) {
      Slot& slot = slots[i];
      if (!slot.next.directory || slot.taken) continue;
      table.remove(i);
      slot.conflicts = table.conflicts(slot.next.claims, i);
      if (slot.conflicts.empty()) {
        table.add(slot.next.claims, i, slot.next.directory->company());
        slot.taken = progress = true;
      } else if (slot.current) {
        table.add(slot.current->claims, i, slot.current->login());
      }
    }
  }

  for (Slot& slot : slots) {
    if (slot.taken) {
      bool fresh = !slot.current;
      std::unique_ptr<Company> company = fresh ? std::make_unique<Company>() : std::move(slot.current);
      company->path = slot.path;
      company->directory = std::move(slot.next.directory);
      company->claims = std::move(slot.next.claims);
      company->country = std::move(slot.next.country);
      company->tenant = std::move(slot.next.tenant);
      company->directory->refresh_presence(location, now);
      events.push_back({fresh ? CompanyEvent::Kind::served : CompanyEvent::Kind::reloaded,
                        slot.path, company->login(), {}, false});
      companies_.push_back(std::move(company));
      continue;
    }
    std::string why = slot.error;
    if (why.empty()) {
      why = format_gcc({FileReport{slot.path, slot.conflicts, nullptr}});
      why += fmt::format("`{}` claims what another company has", slot.path);
    }
    events.push_back({CompanyEvent::Kind::refused, slot.path,
                      slot.current ? slot.current->login() : std::string(), std::move(why),
                      slot.current != nullptr});
    if (slot.current) companies_.push_back(std::move(slot.current));
  }
  index();
  for (const auto& [username, login] : had) {
    Company* now_with = by_username(username);
    if (now_with != nullptr && now_with->login() == login) continue;
    if (location.stored(username).empty()) continue;
    bool was_registered = location.registered(username, now);
    location.bindings_of(username).clear();
    location.notify(username, was_registered, now);  // presence follows (on_change)
  }
  return events;
}

void Companies::index() {
  claims_ = ClaimTable{};
  countries_.clear();
  realms_.clear();
  for (std::size_t i = 0; i < companies_.size(); ++i) {
    const Company& company = *companies_[i];
    claims_.add(company.claims, i, company.login());
    const std::string& country = company.country;
    if (!country.empty() &&
        std::find(countries_.begin(), countries_.end(), country) == countries_.end())
      countries_.push_back(country);
    realms_.push_back(company.directory->realm());
  }
  std::sort(realms_.begin(), realms_.end());
  realms_.erase(std::unique(realms_.begin(), realms_.end()), realms_.end());
  // Authenticators of realms no longer served go (their nonces answer `stale` then).
  std::erase_if(by_realm_, [this](const auto& entry) {
    return !std::binary_search(realms_.begin(), realms_.end(), entry.first);
  });
}

Company* Companies::by_number(std::string_view dialled) const {
  std::string text(dialled);
  std::size_t owner = claims_.owner(Claim::Kind::number, text);
  if (owner != ClaimTable::kNobody) return companies_[owner].get();
  // A national form: it is a company's number only in that company's own country.
  for (const std::string& country : countries_) {
    std::optional<std::string> e164 = to_e164(text, country);
    if (!e164) continue;
    owner = claims_.owner(Claim::Kind::number, *e164);
    if (owner != ClaimTable::kNobody && companies_[owner]->country == country)
      return companies_[owner].get();
  }
  return nullptr;
}

Company* Companies::by_username(std::string_view username) const {
  std::size_t owner = claims_.owner(Claim::Kind::sip_username, std::string(username));
  return owner == ClaimTable::kNobody ? nullptr : companies_[owner].get();
}

DigestAuthenticator& Companies::authenticator(const std::string& realm) {
  auto it = by_realm_.find(realm);
  if (it == by_realm_.end())
    it = by_realm_.emplace(realm, std::make_unique<DigestAuthenticator>(realm, secret_)).first;
  return *it->second;
}

Companies::Realm Companies::realm_of(std::string_view username) {
  // Keyed by the process's secret, so a prober cannot tell which realm a name will get, and
  // the same name always gets the same one (a second probe shows nothing new). Computed for
  // known names too, so both take the same time.
  std::string digest = sha256_hex(secret_ + std::string(username));
  if (Company* company = by_username(username))
    return {authenticator(company->directory->realm()), company->directory->credentials()};
  if (realms_.empty()) return {authenticator(realm_.empty() ? "callplan" : realm_), nobody_};
  std::size_t pick = std::stoull(digest.substr(0, 12), nullptr, 16) % realms_.size();
  return {authenticator(realms_[pick]), nobody_};
}

const DeviceSecret* Companies::secret(std::string_view username) const {
  Company* company = by_username(username);
  return company ? company->directory->credentials().find(username) : nullptr;
}

void Companies::refresh_presence(std::string_view username, const Location& location,
                                 TimePoint now) {
  if (Company* company = by_username(username))
    company->directory->refresh_presence(username, location, now);
}

std::string dialled_number(const Uri& uri) {
  if (uri.scheme == Scheme::tel) return std::string(uri.opaque.substr(0, uri.opaque.find(';')));
  return unescape(uri.user);
}

std::string credentials_username(const Message& request, HeaderId header) {
  // Whole header values: credentials are one comma-separated list of parameters, not a list
  // of values (for_each_value would split them and find no username, so the company would
  // be guessed from the From user: wrong for a phone whose From is its extension).
  for (const Header& h : request.headers) {
    if (h.id != header) continue;
    DigestCredentials credentials;
    if (parse_digest_credentials(h.value, credentials) != DigestStatus::ok) continue;
    return credentials.username_escaped ? unquote(credentials.username)
                                        : std::string(credentials.username);
  }
  return {};
}

}  // namespace callplan::sip
