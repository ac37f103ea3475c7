// provision/tenant_file.hpp — the tenant file as the provisioning endpoint sees it: loaded and
// checked once, then loaded again when the file changes, so a phone fetches what the tenant
// says now (the SIP server reloads on SIGHUP; the endpoint follows the file itself and needs no
// hook into it). A changed file with errors is refused, the previous tenant stays, and the
// refusal is logged once per change, as the SIP server does.
//
//   TenantFile file(path, stderr);   // throws callplan::Error when the first load has errors
//   std::shared_ptr<const Tenant> t = file.current();  // cheap: stats at most once a second
//
// Thread-safe.
#pragma once

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

#include "callplan/model.hpp"

namespace callplan::provision {

class TenantFile {
 public:
  TenantFile(std::string path, std::FILE* log);
  std::shared_ptr<const Tenant> current();

 private:
  struct Stamp {
    std::filesystem::file_time_type modified{};
    std::uintmax_t size = 0;
    bool operator==(const Stamp&) const = default;
  };
  Stamp stamp() const;
  std::shared_ptr<const Tenant> load(std::string& errors) const;

  std::string path_;
  std::FILE* log_;
  std::mutex mutex_;
  std::shared_ptr<const Tenant> tenant_;
  Stamp loaded_;
  std::chrono::steady_clock::time_point last_check_{};
};

}  // namespace callplan::provision
