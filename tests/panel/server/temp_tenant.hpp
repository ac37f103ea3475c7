// A private copy of examples/acme for a test that writes: the panel saves into it.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace callplan::panel::testing {

class TempTenant {
 public:
  TempTenant() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "callplan-panel-test-XXXXXX").string();
    dir_ = ::mkdtemp(pattern.data());
    std::filesystem::copy(CALLPLAN_EXAMPLES "/acme", dir_ / "acme");
  }
  ~TempTenant() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  TempTenant(const TempTenant&) = delete;
  TempTenant& operator=(const TempTenant&) = delete;

  std::filesystem::path top() const { return dir_ / "acme" / "acme.yaml"; }
  std::filesystem::path state() const { return dir_ / "state"; }
  std::filesystem::path file(const std::string& name) const { return dir_ / "acme" / name; }
  std::string read(const std::string& name) const {
    std::ifstream in(file(name), std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
  }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(file(name), std::ios::binary) << text;
  }

 private:
  std::filesystem::path dir_;
};

}  // namespace callplan::panel::testing
