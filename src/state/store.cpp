#include "state/store.hpp"

#include <numeric>

namespace callplan::state {

const char* transport_name(Transport t) {
  switch (t) {
    case Transport::udp: return "udp";
    case Transport::tcp: return "tcp";
    case Transport::tls: return "tls";
  }
  return "udp";
}

std::optional<Transport> parse_transport(std::string_view name) {
  if (name == "udp") return Transport::udp;
  if (name == "tcp") return Transport::tcp;
  if (name == "tls") return Transport::tls;
  return std::nullopt;
}

const char* store_error_code(StoreErrorKind kind) {
  switch (kind) {
    case StoreErrorKind::locked: return "state-locked";
    case StoreErrorKind::corrupt: return "state-corrupt";
    case StoreErrorKind::too_new: return "state-too-new";
    case StoreErrorKind::io: return "state-io";
  }
  return "state-io";
}

StoreError::StoreError(StoreErrorKind kind, const std::string& message)
    : std::runtime_error(message), kind_(kind) {}

const char* write_failure_name(WriteFailureKind kind) {
  switch (kind) {
    case WriteFailureKind::disk_full: return "disk full";
    case WriteFailureKind::io_error: return "I/O error";
    case WriteFailureKind::busy: return "database busy";
    case WriteFailureKind::other: return "other error";
  }
  return "other error";
}

Snapshot Store::load(WallClock now) {
  std::vector<Registration> registrations;
  RegistrationReader reader{
      .expect = [&](std::size_t rows) { registrations.reserve(rows); },
      .row = [&](const RegistrationRow& r) {
        registrations.push_back({std::string(r.company), std::string(r.username),
                                 std::string(r.contact), std::string(r.source_address),
                                 r.source_port, r.transport, r.expires, std::string(r.call_id),
                                 r.cseq, r.q_millis, std::string(r.instance), r.reg_id});
      }};
  Snapshot out = load(now, reader);
  out.registrations = std::move(registrations);
  return out;
}

std::uint64_t StoreCounters::write_failures_total() const {
  return std::accumulate(std::begin(write_failures), std::end(write_failures), std::uint64_t{0});
}

}  // namespace callplan::state
