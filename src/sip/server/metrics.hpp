// sip/server/metrics.hpp — what `callplan serve --metrics` exposes (docs/sip-server.md,
// "Metrics"), readable from any thread while the SIP loop runs.
//
// The SIP loop is the only writer: it counts events as they happen (requests, authentication
// failures, reloads, ended calls by disposition) and publishes its gauges (calls in progress,
// dialogs, bindings) once a second from housekeeping, since counting bindings walks the
// location. Everything is a relaxed atomic: a scrape never takes a lock the SIP loop could
// wait on, and a scrape may see one counter a moment ahead of another, which Prometheus
// tolerates. The registrations per company are a list whose companies come and go with
// reloads: it sits behind a mutex that the SIP loop only ever try_locks (a publication that
// meets a scrape copying the list is skipped, the next second's goes through).
#pragma once

#include <array>
#include <atomic>
#include <mutex>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sip/method.hpp"

namespace callplan::sip {

class Companies;
class Location;

// The gauges and the counters the SIP loop keeps elsewhere (the proxy's ProxyStats), as one
// publication.
struct PublishedState {
  std::size_t calls_in_progress = 0;  // being set up (no final answer yet)
  std::size_t dialogs = 0;            // established calls
  std::uint64_t calls_started = 0;    // INVITEs the proxy took on
  std::size_t media_legs = 0;         // legs open on serve's own media side (OwnMedia)
};

// Live registrations (contact bindings) of one served company's devices.
struct CompanyRegistrations {
  std::string company;  // its login
  std::size_t bindings = 0;
};

// The bindings stored for each served company's devices (its SIP usernames), in file order,
// 0 for a company with none: one hash lookup per device, once a second.
std::vector<CompanyRegistrations> company_registrations(const Companies& companies,
                                                        const Location& location);

class ServerMetrics {
 public:
  // The dispositions of SPEC's call records, in the order they are exposed; anything else
  // (a disposition added later) is counted as "other".
  static constexpr std::array<std::string_view, 6> kDispositions = {
      "answered", "voicemail", "hangup", "unanswered", "abandoned", "rejected"};

  // --- the SIP loop
  void request(Method method) noexcept { add(requests_[static_cast<std::size_t>(method)]); }
  void rate_limited() noexcept { add(rate_limited_); }
  void auth_failure() noexcept { add(auth_failures_); }
  void reload(bool taken) noexcept { add(taken ? reloads_ : failed_reloads_); }
  void call_ended(std::string_view disposition) noexcept;
  void publish(const PublishedState& state) noexcept;
  // Every served company, also those with no registration (a 0 sample). Returns false (and
  // keeps the previous list) when a scrape is copying the list right now.
  bool publish(std::vector<CompanyRegistrations> companies) noexcept;

  // --- any thread: the Prometheus text exposition format 0.0.4 of everything above, plus
  // the mail outbox size when the caller measured one.
  std::string exposition(std::optional<std::size_t> outbox_files) const;

 private:
  using Counter = std::atomic<std::uint64_t>;
  static void add(Counter& c) noexcept { c.fetch_add(1, std::memory_order_relaxed); }

  static constexpr std::size_t kMethods = static_cast<std::size_t>(Method::publish) + 1;
  std::array<Counter, kMethods> requests_{};
  Counter rate_limited_{0};
  Counter auth_failures_{0};
  Counter reloads_{0};
  Counter failed_reloads_{0};
  std::array<Counter, kDispositions.size() + 1> ended_{};  // last: "other"
  Counter calls_started_{0};
  std::atomic<std::size_t> calls_in_progress_{0};
  std::atomic<std::size_t> dialogs_{0};
  std::atomic<std::size_t> media_legs_{0};
  mutable std::mutex companies_mutex_;  // SIP loop: try_lock only
  std::vector<CompanyRegistrations> companies_;
};

}  // namespace callplan::sip
