// provision/tenant_file.cpp — see tenant_file.hpp.
#include "provision/tenant_file.hpp"

#include <system_error>

#include <fmt/format.h>

#include "callplan/check.hpp"
#include "callplan/error.hpp"
#include "callplan/report.hpp"

namespace callplan::provision {

TenantFile::TenantFile(std::string path, std::FILE* log) : path_(std::move(path)), log_(log) {
  loaded_ = stamp();
  std::string errors;
  tenant_ = load(errors);
  if (!tenant_) throw Error(errors);
  last_check_ = std::chrono::steady_clock::now();
}

TenantFile::Stamp TenantFile::stamp() const {
  std::error_code ec;
  Stamp s;
  s.modified = std::filesystem::last_write_time(path_, ec);
  s.size = std::filesystem::file_size(path_, ec);
  return s;
}

std::shared_ptr<const Tenant> TenantFile::load(std::string& errors) const {
  try {
    CheckedTenant checked = load_and_check(path_);
    if (has_errors(checked.issues)) {
      errors = format_gcc({FileReport{path_, checked.issues, &checked.tenant.sources}});
      return nullptr;
    }
    return std::make_shared<const Tenant>(std::move(checked.tenant));
  } catch (const Error& e) {
    errors = e.what();
    return nullptr;
  }
}

std::shared_ptr<const Tenant> TenantFile::current() {
  std::lock_guard lock(mutex_);
  const auto now = std::chrono::steady_clock::now();
  if (now - last_check_ < std::chrono::seconds(1)) return tenant_;
  last_check_ = now;
  const Stamp s = stamp();
  if (s == loaded_) return tenant_;
  loaded_ = s;  // a refused change is reported once, not on every request
  std::string errors;
  if (std::shared_ptr<const Tenant> fresh = load(errors)) {
    tenant_ = std::move(fresh);
    if (log_ != nullptr) fmt::print(log_, "provision: reloaded {}\n", path_);
  } else if (log_ != nullptr) {
    fmt::print(log_, "{}provision: {} has errors; the phones keep getting the previous files\n",
               errors, path_);
  }
  return tenant_;
}

}  // namespace callplan::provision
