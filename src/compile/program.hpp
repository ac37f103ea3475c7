// The compiled form of a tenant: what an Engine holds and a CallSession walks.
//
// Everything is flat and index-addressed. Step lists (a plan's timeline, a then/else branch, a
// menu option) are ranges in `list_items`; steps refer to lists, users, plans and schedules by
// index. Strings that routing hands out (paths, targets, labels) are stored once here, so that
// trace events and actions can be string_views into the Program.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "callplan/engine.hpp"
#include "callplan/model.hpp"
#include "callplan/schedule.hpp"
#include "compile/string_table.hpp"

namespace callplan::detail {

using StepId = std::uint32_t;
using ListId = std::uint32_t;
using PlanId = std::uint32_t;
inline constexpr ListId kNoList = 0xFFFFFFFFu;
inline constexpr PlanId kNoPlan = 0xFFFFFFFFu;

// Hash for string keys that can be looked up with a string_view without building a string
// (maps used while compiling; the Engine's own lookups are StringTables).
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept {
    return std::hash<std::string_view>{}(s);
  }
};
template <class V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

enum class StepKind : std::uint8_t {
  ring,            // ring_group, transfer without following the plan, the default personal ring
  enter_plan,      // transfer following the personal plan, goto
  time_condition,
  voicemail,
  announcement,
  menu,
  hangup,
};

// A ring-group member or transfer target. Its kind becomes the kind of the leg that rings it
// (Leg::Kind, callplan/session.hpp) when the router adds one.
struct Member {
  enum class Kind : std::uint8_t { user, external };
  Kind kind = Kind::user;
  UserIndex user = kNoUser;  // user members
  std::string target;        // extension, or the number as written
  std::string dial;          // extension, or E.164 (as written when it cannot be normalised)
  std::uint32_t first = 0;   // index (within the step) of the first member with this target
};

struct MenuChoice {
  char digit = 0;
  ListId list = kNoList;
};

struct CompiledStep {
  StepKind kind = StepKind::hangup;
  std::string path;    // "main/0/else/1"
  std::string source;  // "file:line:col"; empty when not written in a file
  std::string label;

  // ring
  Strategy strategy = Strategy::ring_all;
  std::uint32_t members_begin = 0;  // into Program::members
  std::uint32_t members_count = 0;
  std::uint32_t timeout = kDefaultTimeoutSeconds;  // ring: per stage; menu: digit wait
  std::uint32_t max_duration = 0;                  // 0: none
  bool fixed_caller_id = false;  // transfer to an external number showing a tenant number
  std::string caller_id;         // ... that number

  // enter_plan
  PlanId plan = kNoPlan;

  // time_condition
  ScheduleIndex schedule = 0;
  std::string schedule_name;
  ListId then_list = kNoList;
  ListId else_list = kNoList;

  // voicemail
  UserIndex user = kNoUser;

  // announcement (audio or text), menu (audio = prompt, text = prompt_text)
  std::string audio;
  std::string text;
  std::uint32_t prompt_seconds = 0;  // how long it plays (SPEC 3.9), whole seconds rounded up

  // menu
  std::uint32_t retries = 2;
  std::uint32_t choices_begin = 0;  // into Program::menu_choices
  std::uint32_t choices_count = 0;
  ListId invalid_list = kNoList;
};

struct StepListRange {
  std::uint32_t begin = 0;  // into Program::list_items
  std::uint32_t count = 0;
};

struct CompiledPlan {
  std::string id;      // "main"; "personal:001" for a user's default personal plan
  std::string source;
  ListId steps = kNoList;
};

struct CompiledUser {
  std::string extension;
  std::string caller_id;  // empty: none
  bool voicemail = false;
  PlanId personal_plan = kNoPlan;
  std::vector<DeviceIndex> devices;
};

struct CompiledDevice {
  std::string id;
  std::string sip_username;
  UserIndex user = kNoUser;
};

struct NumberEntry {
  std::string written;
  PlanId plan = kNoPlan;
};

struct Program {
  std::string tenant_name;
  std::string timezone;
  std::string country;

  std::vector<CompiledUser> users;
  std::vector<CompiledDevice> devices;
  std::vector<CompiledPlan> plans;
  std::vector<CompiledStep> steps;
  std::vector<StepId> list_items;
  std::vector<StepListRange> lists;
  std::vector<Member> members;
  std::vector<MenuChoice> menu_choices;

  StringTable<UserIndex> user_by_extension;
  StringTable<DeviceIndex> device_by_id;
  StringTable<DeviceIndex> device_by_sip_username;
  StringTable<std::uint32_t> number_by_key;  // written and E.164 forms -> index in `numbers`
  std::vector<NumberEntry> numbers;

  ScheduleSet schedules;

  // Sizes for pre-reserving a session's buffers.
  std::uint32_t max_members = 1;     // members of the largest ring step
  std::uint32_t max_list_depth = 1;  // deepest nesting of branches in one plan

  std::span<const StepId> list(ListId id) const {
    const StepListRange& r = lists[id];
    return {list_items.data() + r.begin, r.count};
  }
  std::span<const Member> members_of(const CompiledStep& s) const {
    return {members.data() + s.members_begin, s.members_count};
  }
  std::span<const MenuChoice> choices_of(const CompiledStep& s) const {
    return {menu_choices.data() + s.choices_begin, s.choices_count};
  }
};

// Builds the Program. Throws callplan::Error on a dangling reference (a tenant the checker
// would have refused).
Program compile_program(const Tenant& tenant);

struct EngineAccess {
  static const Program& program(const Engine& e) { return *e.program_; }
  static std::shared_ptr<const Engine> make(Program program);
};

// E.164 form of `number` for `country`, or the cleaned number when it cannot be normalised.
std::string normalise_for_lookup(std::string_view number, std::string_view country);

}  // namespace callplan::detail
