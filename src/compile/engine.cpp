// Engine: the public face of a compiled Program.
#include "callplan/engine.hpp"

#include <fmt/format.h>

#include "compile/program.hpp"

namespace callplan {

namespace {

// The accessors take indexes a host got from find_user() / find_device() (or counted up to
// user_count() / device_count()); one out of range is the host's mistake, reported as
// callplan::Error like every other misuse of the API.
template <class Items>
const auto& checked(const Items& items, std::uint32_t index, const char* accessor,
                    const char* what) {
  if (index >= items.size()) {
    throw Error(fmt::format("Engine::{}: no {} has index {} (the engine has {})", accessor, what,
                            index, items.size()));
  }
  return items[index];
}

}  // namespace

namespace detail {
std::shared_ptr<const Engine> EngineAccess::make(Program program) {
  // Engine's constructor is private: make_shared cannot reach it.
  return std::shared_ptr<const Engine>(
      new Engine(std::make_unique<const Program>(std::move(program))));
}
}  // namespace detail

Engine::Engine(std::unique_ptr<const detail::Program> program) : program_(std::move(program)) {}
Engine::~Engine() = default;

std::shared_ptr<const Engine> Engine::compile(const Tenant& tenant, const Issues& issues) {
  if (has_errors(issues)) {
    Issues errors;
    for (const Issue& i : issues) {
      if (i.severity == Severity::error) errors.push_back(i);
    }
    // The message first: the Issues argument may be moved from before it is evaluated.
    std::string message =
        fmt::format("the tenant has {} error{} and cannot be compiled; the first: {}",
                    errors.size(), errors.size() == 1 ? "" : "s", to_string(errors.front()));
    throw Error(message, std::move(errors));
  }
  return detail::EngineAccess::make(detail::compile_program(tenant));
}

std::string_view Engine::tenant_name() const { return program_->tenant_name; }
std::string_view Engine::timezone() const { return program_->timezone; }

std::size_t Engine::user_count() const { return program_->users.size(); }

std::optional<UserIndex> Engine::find_user(std::string_view extension) const {
  const UserIndex* u = program_->user_by_extension.find(extension);
  if (u == nullptr) return std::nullopt;
  return *u;
}

std::string_view Engine::extension(UserIndex user) const {
  return checked(program_->users, user, "extension", "user").extension;
}
std::string_view Engine::user_caller_id(UserIndex user) const {
  return checked(program_->users, user, "user_caller_id", "user").caller_id;
}
bool Engine::has_voicemail(UserIndex user) const {
  return checked(program_->users, user, "has_voicemail", "user").voicemail;
}
std::span<const DeviceIndex> Engine::devices_of(UserIndex user) const {
  return checked(program_->users, user, "devices_of", "user").devices;
}

std::size_t Engine::device_count() const { return program_->devices.size(); }

std::optional<DeviceIndex> Engine::find_device(std::string_view id) const {
  const DeviceIndex* d = program_->device_by_id.find(id);
  if (d == nullptr) return std::nullopt;
  return *d;
}
std::optional<DeviceIndex> Engine::find_device_by_sip_username(std::string_view username) const {
  const DeviceIndex* d = program_->device_by_sip_username.find(username);
  if (d == nullptr) return std::nullopt;
  return *d;
}
std::string_view Engine::device_id(DeviceIndex device) const {
  return checked(program_->devices, device, "device_id", "device").id;
}
UserIndex Engine::device_user(DeviceIndex device) const {
  return checked(program_->devices, device, "device_user", "device").user;
}

std::optional<std::string_view> Engine::find_number(std::string_view number) const {
  const std::uint32_t* n = program_->number_by_key.find(number);
  if (n == nullptr) {
    n = program_->number_by_key.find(detail::normalise_for_lookup(number, program_->country));
  }
  if (n == nullptr) return std::nullopt;
  return std::string_view(program_->numbers[*n].written);
}

std::string Engine::normalise_number(std::string_view number) const {
  return detail::normalise_for_lookup(number, program_->country);
}

const ScheduleSet& Engine::schedules() const { return program_->schedules; }

}  // namespace callplan
