// callplan/engine.hpp — a checked tenant compiled into an immutable routing engine.
//
//   callplan::CheckedTenant t = callplan::load_and_check("acme.yaml");
//   std::shared_ptr<const callplan::Engine> engine = callplan::Engine::compile(t.tenant, t.issues);
//   callplan::CallSession session(engine);            // see session.hpp
//
// The Engine is flat and index-addressed: plans become vectors of steps with integer ids,
// names are interned, numbers (normalised to E.164) and extensions are found through hash
// maps. Routing never parses strings, touches YAML or allocates in the engine.
//
// Thread safety: an Engine is immutable after compile(); every const member function may be
// called from any number of threads at once. Share it as std::shared_ptr<const Engine>; a
// CallSession keeps its engine alive, so a host may swap in a newly compiled engine while calls
// in progress finish on the old one.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "callplan/diagnostics.hpp"
#include "callplan/error.hpp"
#include "callplan/export.hpp"
#include "callplan/model.hpp"
#include "callplan/schedule.hpp"

CALLPLAN_PUBLIC_API_BEGIN

namespace callplan {

// Index of a user in the engine (users in tenant file order).
using UserIndex = std::uint32_t;
// Index of a device in the engine (devices in tenant file order).
using DeviceIndex = std::uint32_t;

inline constexpr UserIndex kNoUser = 0xFFFFFFFFu;
inline constexpr DeviceIndex kNoDevice = 0xFFFFFFFFu;

// At most this many plans are entered by one call (SPEC 3.7).
inline constexpr std::uint32_t kMaxPlansPerCall = 16;

// How long an outbound call (a user dialling an external number) rings before it ends
// `unanswered`. The SPEC leaves it open; see docs/routing.md.
inline constexpr std::uint32_t kOutboundTimeoutSeconds = 60;

namespace detail {
struct Program;
struct EngineAccess;
}  // namespace detail

class Engine {
 public:
  // Checks `tenant` (callplan::check) and compiles it. Throws callplan::Error carrying every
  // error-severity issue when the checker finds errors: a tenant with errors never compiles.
  static std::shared_ptr<const Engine> compile(const Tenant& tenant);

  // Compiles a tenant its host has already loaded and checked (e.g. load_and_check()), with
  // the issues found then. Throws callplan::Error carrying the errors when `issues` has any,
  // or when the tenant has a dangling reference the issues did not mention (misuse: the
  // issues were not the checker's).
  static std::shared_ptr<const Engine> compile(const Tenant& tenant, const Issues& issues);

  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  std::string_view tenant_name() const;
  std::string_view timezone() const;  // tenant.timezone: the zone of `--at` without offset

  // Users, by extension. Extensions are the strings as written ("001"). The accessors that
  // take a UserIndex throw callplan::Error when it is not below user_count().
  std::size_t user_count() const;
  std::optional<UserIndex> find_user(std::string_view extension) const;
  std::string_view extension(UserIndex user) const;
  std::string_view user_caller_id(UserIndex user) const;  // empty: none
  bool has_voicemail(UserIndex user) const;
  std::span<const DeviceIndex> devices_of(UserIndex user) const;

  // Devices, by id or SIP username. device_user() is kNoUser for an unlinked device. The
  // accessors that take a DeviceIndex throw callplan::Error when it is not below
  // device_count().
  std::size_t device_count() const;
  std::optional<DeviceIndex> find_device(std::string_view id) const;
  std::optional<DeviceIndex> find_device_by_sip_username(std::string_view username) const;
  std::string_view device_id(DeviceIndex device) const;
  UserIndex device_user(DeviceIndex device) const;

  // Is `number` (any form to_e164 accepts for the tenant's country) one of the tenant's
  // numbers? Returns the number as written in the tenant file.
  std::optional<std::string_view> find_number(std::string_view number) const;

  // The number in E.164 form ("+31612345678") using the tenant's country for national forms;
  // the input unchanged when it cannot be normalised (e.g. "anonymous").
  std::string normalise_number(std::string_view number) const;

  const ScheduleSet& schedules() const;

 private:
  friend struct detail::EngineAccess;
  explicit Engine(std::unique_ptr<const detail::Program> program);
  std::unique_ptr<const detail::Program> program_;
};

}  // namespace callplan

CALLPLAN_PUBLIC_API_END
