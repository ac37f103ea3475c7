// sip/companies/companies.hpp — the companies one `callplan serve` serves (SPEC 11), and who
// belongs to which.
//
// Each tenant file is a company with its own Directory (engine, credentials, presence), its
// own round-robin positions and its own digest realm (its login, unless --realm gives one for
// all). A trunk call finds its company by the number dialled, a device by its SIP username:
// both are unique across the companies, because a file that claims a number, SIP username or
// login another company served has (check/companies.hpp, CP600-CP602) is refused while the
// others serve. Extensions stay inside their company: a call from a device routes in its own
// company's engine only.
//
// load() is the start and every SIGHUP: each file on its own. A file that cannot be read, has
// errors or conflicts is refused; its company keeps the version it was serving (if any). Calls
// in progress keep the Directory they started with. A conflict is decided in favour of what is
// served already, then of the earlier file: an edit of one company never takes another one's
// number away. Files no longer listed (a file gone from --tenants DIR) stop being served.
//
// Single-threaded: the server's event loop.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "callplan/session.hpp"
#include "check/companies.hpp"
#include "sip/header_id.hpp"
#include "sip/message.hpp"
#include "sip/proxy/directory.hpp"
#include "sip/registrar/credentials.hpp"
#include "sip/registrar/digest_auth.hpp"
#include "sip/registrar/location.hpp"

namespace callplan::sip {

struct Company {
  std::string path;                      // the tenant file
  std::shared_ptr<Directory> directory;  // the version new calls use
  std::vector<Claim> claims;             // its numbers, SIP usernames and login
  std::string country;                   // tenant.country: its numbers' national form
  // Its ring groups' round robin, kept across reloads; shared with the company's calls in
  // progress, which keep it when the company is removed (Proxy::start_call).
  std::shared_ptr<RoutingState> routing = std::make_shared<RoutingState>();
  std::shared_ptr<const Tenant> tenant;  // as loaded: what its phones are provisioned from
  const std::string& login() const { return directory->company(); }
};

// What load() did with one file, for the server's log.
struct CompanyEvent {
  enum class Kind { served, reloaded, refused, removed };
  Kind kind = Kind::served;
  std::string path;
  std::string company;     // the login served from it ("" when none)
  std::string diagnostics; // refused: why, as `callplan check --format gcc` prints it
  bool kept = false;       // refused: an older version of the company is still served
};

class Companies {
 public:
  using TimePoint = Location::TimePoint;

  // `realm`: one digest realm for every company ("" for each company's login). `secret`: the
  // nonce secret (random_secret()), shared by the realms' authenticators.
  Companies(std::string realm, std::string secret);

  // Loads `paths` (in this order) again; see above. Presence of every new version is taken
  // from `location`. A SIP username that no longer belongs to the company it registered in
  // (its device or company is gone, or it moved to another company) loses its bindings in
  // `location`: a phone of one company is never rung for another.
  std::vector<CompanyEvent> load(const std::vector<std::string>& paths, Location& location,
                                 TimePoint now);

  std::size_t size() const { return companies_.size(); }
  bool empty() const { return companies_.empty(); }
  // Served companies in file order.
  const std::vector<std::unique_ptr<Company>>& all() const { return companies_; }

  // The company with this number; `dialled` in E.164 or national form of the company's
  // country. nullptr when no company has it.
  Company* by_number(std::string_view dialled) const;
  // The company with a device of this SIP username, nullptr when none.
  Company* by_username(std::string_view username) const;

  // Where `username` authenticates: its company's realm and credentials. An unknown username
  // gets one of the served realms, picked by a keyed hash of the name (the same one every
  // time), and no credentials: its challenge looks like any company's and nothing verifies
  // (docs/sip-server.md, "Many companies").
  struct Realm {
    DigestAuthenticator& auth;
    const CredentialStore& credentials;
  };
  Realm realm_of(std::string_view username);
  // The device's secret (for the algorithms a challenge offers), nullptr when unknown.
  const DeviceSecret* secret(std::string_view username) const;

  // A registration of `username` changed: the presence of its user, in its company only.
  void refresh_presence(std::string_view username, const Location& location, TimePoint now);

 private:
  DigestAuthenticator& authenticator(const std::string& realm);
  void index();

  std::string realm_;
  std::string secret_;
  std::vector<std::unique_ptr<Company>> companies_;
  ClaimTable claims_;  // owner = index in companies_
  std::vector<std::string> countries_;  // of the companies, each once: national numbers
  std::map<std::string, std::unique_ptr<DigestAuthenticator>, std::less<>> by_realm_;
  std::vector<std::string> realms_;  // served realms, sorted: for unknown usernames
  CredentialStore nobody_;            // no credentials at all
};

// One tenant file loaded, checked and compiled: a Directory whose realm is `realm` (or the
// login), what the company claims, its country.
struct LoadedCompany {
  std::shared_ptr<Directory> directory;
  std::vector<Claim> claims;
  std::string country;
  std::shared_ptr<const Tenant> tenant;
};
// Throws callplan::Error with the gcc-style diagnostics when the file has errors or cannot be
// read.
LoadedCompany load_company(const std::string& path, const std::string& realm);

// What a request is for: the Request-URI's user part (sip:+31881234567@pbx), or a tel: number.
std::string dialled_number(const Uri& uri);

// The username of the request's Digest credentials in `header` (Authorization or
// Proxy-Authorization), whatever their realm; "" when there are none. It says which company's
// realm checks them: a username of one company never verifies in another's realm.
std::string credentials_username(const Message& request, HeaderId header);

}  // namespace callplan::sip
