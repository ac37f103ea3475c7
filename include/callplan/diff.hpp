// callplan/diff.hpp — what a change to a tenant really changes for callers.
//
//   callplan::CheckedTenant before = callplan::load_and_check("old/acme.yaml");
//   callplan::CheckedTenant after = callplan::load_and_check("new/acme.yaml");
//   callplan::TenantDiff d = callplan::diff_tenants(before.tenant, after.tenant, {});
//   fmt::print("{}", callplan::format_diff(d, callplan::DiffFormat::markdown));
//   if (d.routing_changed()) ...
//
// Both versions are routed over the same calls: every number of either version and every
// extension, at the start of every time slice of the window (the week from `from`, split at
// local midnight and at every instant any schedule of either version changes, found with
// ScheduleSet::next_change), with everyone available, then with each user the call rang busy
// in turn, and for calls that reach a menu with every digit either version knows (plus one it
// does not) at every prompt. Nobody answers, so each call shows its whole path.
//
// "Routing changed" means a caller or a phone can notice it: which phones or numbers ring,
// together or one after the other, when and for how long, the caller ID they show, the
// announcements and prompts the caller hears, the mailbox or disposition the call ends in and
// when. Plan ids, step labels, file layout (includes), the order of users, devices and
// schedules, and schedule names are not routing: renaming or reordering them reports nothing.
// See docs/diff.md.
//
// Pure function of its arguments; safe to call concurrently.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "callplan/export.hpp"
#include "callplan/model.hpp"
#include "callplan/schedule.hpp"

CALLPLAN_PUBLIC_API_BEGIN

namespace callplan {

struct DiffOptions {
  std::optional<Instant> from;  // start of the window; default: default_diff_start(after, now)
  std::uint32_t days = 7;       // length of the window, 1..366
  // Route every call. By default a call is routed only when something it can consult (its
  // number, plans, users, devices, schedules, the tenant's zone) differs between the versions:
  // the result is the same, and a one-step change on a large tenant routes a few calls instead
  // of all of them (docs/diff.md). For tests that prove exactly that.
  bool every_call = false;
};

// One call as routed by one version: a readable summary and the events compared.
struct RoutedCall {
  std::string summary;               // "Reception [001 30 s], then voicemail 001"
  std::vector<std::string> events;   // what is compared, label- and order-free
};

struct RoutingChange {
  std::string when;  // "Mon–Fri 17:30–18:00"; several parts separated by "; "
  struct Interval {
    std::string from;  // ISO 8601 local time with offset
    std::string to;
  };
  std::vector<Interval> intervals;  // the merged time slices, in order
  std::string entry;          // what was dialled: "+31881234567", or an extension "003"
  std::string entry_display;  // "+31 88 123 4567 (Main line)", "extension 003 (Carla Visser)"
  std::string busy;           // the user busy in this call; empty: everyone available
  std::string digits;         // digits pressed at the menu prompts; empty: none
  RoutedCall before;
  RoutedCall after;
  std::string statement;  // one readable sentence: when, which call, now what, instead of what
};

struct TenantDiff {
  std::string before_name;  // as given to diff_tenants' caller (file names); may be empty
  std::string after_name;
  std::string timezone;     // the zone `when` is written in (the new version's tenant zone)
  std::string from;         // ISO 8601 local
  std::string to;
  std::uint32_t days = 7;
  std::vector<RoutingChange> changes;
  std::vector<std::string> users_added, users_removed;
  std::vector<std::string> numbers_added, numbers_removed;
  std::vector<std::string> plans_added, plans_removed;

  // Exit-code semantics of `callplan diff --exit-code`: some call is routed differently.
  bool routing_changed() const { return !changes.empty(); }
};

// Routes both versions (each must have no checker errors) and compares. Throws
// callplan::Error when a version has errors (with the issues), or days is out of range.
TenantDiff diff_tenants(const Tenant& before, const Tenant& after, const DiffOptions& options);

// The first Monday 00:00, local time in the tenant's zone, at or after `now`.
Instant default_diff_start(const Tenant& tenant, Instant now);

enum class DiffFormat : std::uint8_t { human, json, markdown };
std::string format_diff(const TenantDiff& diff, DiffFormat format);

}  // namespace callplan

CALLPLAN_PUBLIC_API_END
