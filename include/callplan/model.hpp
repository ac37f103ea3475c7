// callplan/model.hpp — the tenant as plain data: what the YAML file says, nothing more.
//
// The loader fills these structs (load.hpp), the checker reads them (check.hpp), the compiler
// turns a checked model into an Engine (engine.hpp). Fields the user wrote carry the place
// they were written (`Located<T>`, see source.hpp); defaults carry kNoSource. Values are
// stored as written after syntax checks (e.g. times are parsed to minutes, but references to
// users, plans and schedules are still names: the checker resolves them).
//
//   callplan::LoadResult r = callplan::load_file("acme.yaml");
//   for (const callplan::User& u : r.tenant.users) fmt::print("{}\n", u.extension.value);
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "callplan/export.hpp"
#include "callplan/source.hpp"

CALLPLAN_PUBLIC_API_BEGIN

namespace callplan {

// ---------------------------------------------------------------------------------------------
// Schedules

enum class Weekday : std::uint8_t { mon = 0, tue, wed, thu, fri, sat, sun };

// Set of weekdays, bit i = Weekday(i).
using WeekdaySet = std::uint8_t;

// Minutes since local midnight, 0..1440 (1440 is "24:00", end of day).
using MinuteOfDay = std::uint16_t;

struct LocalDate {
  std::int32_t year = 0;
  std::uint8_t month = 0;  // 1..12
  std::uint8_t day = 0;    // 1..31
  friend auto operator<=>(const LocalDate&, const LocalDate&) = default;
};

struct LocalDateTime {
  LocalDate date;
  MinuteOfDay minute = 0;  // 0..1439
  friend auto operator<=>(const LocalDateTime&, const LocalDateTime&) = default;
};

// "days: mon-fri, from: 08:30, to: 17:30". `to` is exclusive; from > to wraps past midnight
// (the window belongs to the day it starts on); "24:00" is end of day.
struct WeeklyWindow {
  WeekdaySet days = 0;
  MinuteOfDay from = 0;
  MinuteOfDay to = 0;
  SourceId where = kNoSource;
};

// Local date-times, end exclusive.
struct DateRange {
  LocalDateTime from;
  LocalDateTime to;
  SourceId where = kNoSource;
};

// A day that comes back every year.
struct YearlyDay {
  enum class Kind : std::uint8_t { fixed, easter, nth_weekday };
  Kind kind = Kind::fixed;
  std::uint8_t month = 0;        // fixed, nth_weekday: 1..12
  std::uint8_t day = 0;          // fixed: 1..31
  std::int16_t easter_offset = 0;  // easter: days from Western Easter Sunday
  Weekday weekday = Weekday::mon;  // nth_weekday
  std::int8_t nth = 0;           // nth_weekday: 1..5, or -1..-5 counted from the month's end
  SourceId where = kNoSource;
};

struct Schedule {
  Located<std::string> name;      // the key under `schedules:`, or the step path when inline
  bool is_inline = false;         // written inside a time_condition
  Located<std::string> timezone;  // empty: the tenant's zone
  std::vector<WeeklyWindow> weekly;
  std::vector<Located<LocalDate>> dates;  // whole local days
  std::vector<DateRange> ranges;
  std::vector<YearlyDay> yearly;
  std::vector<Located<std::string>> except;  // names of schedules subtracted from this one
  SourceId where = kNoSource;
};

// ---------------------------------------------------------------------------------------------
// Steps

enum class Strategy : std::uint8_t { ring_all, memory_hunt, round_robin, cascade, random };

struct Step;
using StepList = std::vector<Step>;

inline constexpr std::uint32_t kDefaultTimeoutSeconds = 30;
inline constexpr std::uint32_t kSecondsPerRing = 5;

struct Transfer {
  Located<std::string> to;                          // extension or external number
  Located<bool> follow_personal_plan{true};         // internal targets only
  Located<std::uint32_t> timeout{kDefaultTimeoutSeconds};  // seconds (`rings` is converted)
  Located<std::string> caller_id{"caller"};        // external only: "caller" or a tenant number
};

struct RingGroup {
  Located<Strategy> strategy{Strategy::ring_all};
  std::vector<Located<std::string>> members;       // extensions and external numbers, in order
  Located<std::uint32_t> timeout{kDefaultTimeoutSeconds};  // per step, seconds
  Located<std::uint32_t> max_duration{0};          // 0: no overall cap
  Located<std::string> caller_id;                  // not allowed; kept to report it (CP218)
};

struct TimeCondition {
  Located<std::string> schedule;   // a schedule name; inline schedules get the step's path
  std::optional<StepList> then_steps;
  std::optional<StepList> else_steps;
  SourceId then_where = kNoSource;
  SourceId else_where = kNoSource;
};

struct Voicemail {
  Located<std::string> user;  // extension
};

// How long a prompt plays (SPEC 3.9). The loader cannot know it: measure_prompts()
// (prompts.hpp) fills it in with the host's PromptMeter. nullopt: not measured, or the length
// cannot be known (a missing file); such a prompt counts 0 s.
using PromptSeconds = std::optional<double>;

struct Announcement {
  Located<std::string> audio;  // file name, relative to the YAML file that names it, or
  Located<std::string> text;   // text to speak (in the tenant's speech language)
  PromptSeconds seconds;
};

struct MenuOption {
  Located<std::string> digit;  // "0".."9", "*", "#"
  StepList steps;
};

struct Menu {
  Located<std::string> prompt;       // audio file, relative to the YAML file that names it, or
  Located<std::string> prompt_text;  // text to speak
  PromptSeconds seconds;             // the prompt's length (see Announcement)
  std::vector<MenuOption> options;
  Located<std::uint32_t> timeout{5};  // seconds to wait for a digit
  Located<std::uint32_t> retries{2};
  std::optional<StepList> invalid;
  SourceId invalid_where = kNoSource;
};

struct Goto {
  Located<std::string> plan;
};

struct Hangup {};

struct Step {
  using Body = std::variant<Transfer, RingGroup, TimeCondition, Voicemail, Announcement, Menu,
                            Goto, Hangup>;
  Body body;
  std::string label;
  SourceId where = kNoSource;  // the step's key (`transfer:`, `ring_group:` ...)
};

// "transfer", "ring_group", ... as written in YAML.
std::string_view step_kind_name(const Step& step);
std::string_view to_string(Strategy s);

struct Plan {
  Located<std::string> id;
  std::string label;
  StepList steps;
  SourceId where = kNoSource;
};

// ---------------------------------------------------------------------------------------------
// People, phones, numbers

enum class Role : std::uint8_t { user, admin };
enum class Brand : std::uint8_t { other, yealink, snom, grandstream, polycom };

struct Number {
  Located<std::string> number;  // E.164, "+31881234567"
  Located<std::string> plan;
  std::string label;
  SourceId where = kNoSource;
};

struct User {
  Located<std::string> extension;  // 2-6 digits
  std::string first_name;
  std::string last_name;
  Located<std::string> email;
  Located<Role> role{Role::user};
  Located<std::string> caller_id;  // empty: none
  Located<bool> voicemail{false};
  // The PIN of the mailbox by phone (SPEC 10, `*98`): 4-10 digits, stored as written (the
  // tenant file is a secret like the SIP passwords in it). Empty: none.
  Located<std::string> voicemail_pin;
  Located<std::string> plan;       // empty: the default personal plan (SPEC 3.2)
  std::string avatar;
  SourceId where = kNoSource;
};

struct SipCredentials {
  Located<std::string> username;  // default "<tenant.login>-<device id>" (where = kNoSource)
  Located<std::string> password;
  Located<std::string> ha1_md5;     // lower-case hex, 32 digits
  Located<std::string> ha1_sha256;  // lower-case hex, 64 digits
  SourceId where = kNoSource;

  bool can_register() const {
    return !password.value.empty() || !ha1_md5.value.empty() || !ha1_sha256.value.empty();
  }
};

// One extra setting of a `provisioning:` block (SPEC 13, docs/provisioning.md): the brand's own
// setting name and its value as text ("linekey.2.type": "16").
struct ProvisioningKey {
  Located<std::string> name;
  Located<std::string> value;
};

// The `keys:` of one level; `where` is the level's own place (its `keys:` key).
struct ProvisioningKeys {
  std::vector<ProvisioningKey> keys;
  SourceId where = kNoSource;
};

struct Device {
  Located<std::string> id;
  std::string name;
  Located<std::string> user;  // extension of the linked user; empty: unlinked
  Located<Brand> brand{Brand::other};
  std::string model;
  Located<std::string> mac;
  SipCredentials sip;
  ProvisioningKeys provisioning;  // device level: wins over the tenant's levels
  SourceId where = kNoSource;
};

// The top-level `provisioning:` block: keys for every phone, per brand and per model. For one
// phone the levels apply in this order, a later one replacing an earlier one's key: tenant,
// brand, model, device.
struct TenantProvisioning {
  struct ByBrand {
    Located<Brand> brand;
    ProvisioningKeys keys;
  };
  struct ByModel {
    Located<std::string> model;  // as written; matched ignoring case, blanks and dashes
    ProvisioningKeys keys;
  };
  ProvisioningKeys keys;
  std::vector<ByBrand> brands;
  std::vector<ByModel> models;
  SourceId where = kNoSource;
};

struct TenantInfo {
  Located<std::string> name;
  Located<std::string> login;
  Located<std::string> timezone;
  Located<std::string> country;  // ISO 3166 alpha-2, optional
  // The language of spoken prompts and voicemail mail, as an espeak-ng voice name ("nl",
  // "en", "en-us"); optional: speech_language() (prompts.hpp) gives the default.
  Located<std::string> language;
  SourceId where = kNoSource;
};

struct Tenant {
  Located<int> version;
  TenantInfo info;
  std::vector<Number> numbers;
  std::vector<User> users;
  std::vector<Device> devices;
  std::vector<Schedule> schedules;  // named ones in file order, then inline ones
  std::vector<Plan> plans;
  TenantProvisioning provisioning;
  SourceMap sources;  // every SourceId above points in here
};

}  // namespace callplan

CALLPLAN_PUBLIC_API_END
