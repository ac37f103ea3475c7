// sip/server/metrics.hpp — what `callplan serve --metrics` exposes (docs/sip-server.md,
// "Metrics"), readable from any thread while the SIP loop runs.
//
// The SIP loop is the only writer: it counts events as they happen (requests, authentication
// failures, reloads, ended calls by disposition) and publishes its gauges (calls in progress,
// dialogs, bindings) once a second from housekeeping, since counting bindings walks the
// location. Everything is a relaxed atomic: a scrape never takes a lock the SIP loop could
// wait on, and a scrape may see one counter a moment ahead of another, which Prometheus
// tolerates.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sip/method.hpp"

namespace callplan::sip {

// The gauges and the counters the SIP loop keeps elsewhere (the proxy's ProxyStats), as one
// publication.
struct PublishedState {
  std::size_t calls_in_progress = 0;  // being set up (no final answer yet)
  std::size_t dialogs = 0;            // established calls
  std::size_t bindings = 0;           // live registrations (contacts) of every device
  std::uint64_t calls_started = 0;    // INVITEs the proxy took on
};

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
  std::atomic<std::size_t> bindings_{0};
};

}  // namespace callplan::sip
