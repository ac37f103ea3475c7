// The companies one panel serves (SPEC 11 and 14): the tenant files it was given and, under
// `callplan serve --tenants DIR --panel URL`, every tenant main file of that directory.
//
// Each company is a Workspace of its own, found by its login (the `acme` of `001@acme`). A
// session belongs to the company its login named; the API never takes a company from a
// request's path, query or body, so nothing one company's session sends reaches another's.
//
// The directory is listed again when a login names a company the panel does not know (at most
// once per 2 s): a company added to the directory since the start is served, as serve's SIGHUP
// serves it; a company whose file left the directory is dropped, and its sessions end at
// their next request. A listed file whose login is already served is refused, like serve's
// later file of two claiming one login (CP602): the earlier one stays.
//
// A company's change may not take what another claims (a number, a SIP username, a MAC):
// each workspace asks the set for the others' claims (company_claims.hpp).
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "panel/workspace.hpp"

namespace callplan::panel {

class TenantSet {
 public:
  // The tenant main files of the directory, in name order (sip::tenant_files); may throw
  // callplan::Error (the directory cannot be read: the companies served stay).
  using Lister = std::function<std::vector<std::string>()>;
  // Where a refused or unreadable file of the directory is reported (one line, no newline).
  using Notice = std::function<void(const std::string&)>;
  // What the host does with each company of the directory before it is served (as with the
  // given files: saves as git commits).
  using Prepare = std::function<void(Workspace&)>;

  // `given`: the files named on the command line (they always stay). Throws callplan::Error
  // when two of them have one login. With `listed`, the directory's files are read at once.
  explicit TenantSet(std::vector<std::unique_ptr<Workspace>> given, Lister listed = {},
                     Notice notice = {}, Prepare prepare = {});

  // The company with this login, or nullptr. `rescan_if_unknown`: list the directory again
  // first when no company has it (a login; never for a session's own company).
  std::shared_ptr<Workspace> find(const std::string& login, bool rescan_if_unknown = false);
  std::size_t size() const;
  // How soon a login naming an unknown company may list the directory again (2 s; tests
  // make it 0).
  void set_rescan_interval(std::chrono::milliseconds interval) { rescan_interval_ = interval; }

 private:
  struct Entry {
    std::string path;  // as listed ("" for a given file)
    std::shared_ptr<Workspace> workspace;
  };
  void rescan();  // under mutex_
  void add(std::string path, std::shared_ptr<Workspace> ws);  // under mutex_ (or constructing)
  std::vector<Claim> claims_besides(const Workspace* self) const;

  std::vector<Entry> entries_;
  Lister listed_;
  Notice notice_;
  Prepare prepare_;
  std::chrono::steady_clock::time_point last_scan_{};
  std::chrono::milliseconds rescan_interval_{2000};
  mutable std::mutex mutex_;
};

}  // namespace callplan::panel
