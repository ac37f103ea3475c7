// Helpers shared by the state store tests: a private temporary state directory and sample
// records.
#pragma once

#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "state/records.hpp"

namespace callplan::state::testing {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "callplan-state-XXXXXX");
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// A fixed wall-clock instant, to the millisecond (the store keeps milliseconds).
inline WallClock at(std::int64_t unix_ms) {
  return WallClock(std::chrono::duration_cast<WallClock::duration>(
      std::chrono::milliseconds(unix_ms)));
}

inline constexpr std::int64_t t0 = 1'800'000'000'000;  // 2027-01-15

inline Registration registration(int i, Transport transport = Transport::udp,
                                 std::int64_t expires_ms = t0 + 3'600'000) {
  Registration r;
  r.company = "acme";
  r.username = "dev" + std::to_string(i);
  r.contact = "sip:dev" + std::to_string(i) + "@192.0.2.10:5062;transport=udp";
  r.source_address = "192.0.2.10";
  r.source_port = static_cast<std::uint16_t>(5062 + i % 1000);
  r.transport = transport;
  r.expires = at(expires_ms);
  r.call_id = "reg-" + std::to_string(i) + "@phone";
  r.cseq = static_cast<std::uint32_t>(100 + i);
  r.q_millis = 700;
  r.instance = "<urn:uuid:00000000-0000-0000-0000-" + std::to_string(100000000000 + i) + ">";
  r.reg_id = 1;
  return r;
}

}  // namespace callplan::state::testing
