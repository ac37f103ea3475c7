#include "panel/schedule_changes.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "load/value_syntax.hpp"

namespace callplan::panel {
namespace {

using nlohmann::json;

// The keys of a schedule in the order a new one is written (SPEC 2).
constexpr std::array<std::string_view, 6> kScheduleKeys = {"timezone", "weekly", "dates",
                                                           "ranges",   "yearly", "except"};
constexpr std::array<std::string_view, 7> kDayNames = {"mon", "tue", "wed", "thu",
                                                       "fri", "sat", "sun"};
constexpr std::array<std::string_view, 7> kDayWords = {"Monday", "Tuesday",  "Wednesday",
                                                       "Thursday", "Friday", "Saturday", "Sunday"};
constexpr int kMinutesPerDay = 24 * 60;
constexpr int kMinutesPerWeek = 7 * kMinutesPerDay;

bool is_list_key(std::string_view key) { return key != "timezone"; }

void check_schedule_key(const std::string& key, const std::string& where) {
  if (std::find(kScheduleKeys.begin(), kScheduleKeys.end(), key) == kScheduleKeys.end())
    throw ChangeError("bad-change",
                      fmt::format("{}: `{}` is not a field of a schedule (timezone, weekly, dates, "
                                  "ranges, yearly, except)",
                                  where, key));
}

std::string required_text(const json& object, const char* key, const std::string& where) {
  if (!object.contains(key) || !object[key].is_string() || object[key].get<std::string>().empty())
    throw ChangeError("bad-change", fmt::format("{}: `{}` is missing", where, key));
  return object[key].get<std::string>();
}

// ---- what a value means: equal meanings are the same item however they are written ----------

std::optional<WeekdaySet> days_of(const YamlValue& days) {
  std::vector<const YamlValue*> parts;
  if (days.is_scalar()) parts.push_back(&days);
  else if (days.is_sequence())
    for (const YamlValue& item : days.items) parts.push_back(&item);
  else return std::nullopt;
  WeekdaySet set = 0;
  for (const YamlValue* part : parts) {
    if (!part->is_scalar()) return std::nullopt;
    std::string_view rest = part->text;
    while (true) {
      const std::size_t comma = rest.find(',');
      std::string_view piece = rest.substr(0, comma);
      while (!piece.empty() && piece.front() == ' ') piece.remove_prefix(1);
      while (!piece.empty() && piece.back() == ' ') piece.remove_suffix(1);
      std::string bad;
      const auto range = load::parse_day_range(piece, bad);
      if (!range) return std::nullopt;
      set = static_cast<WeekdaySet>(set | *range);
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return set;
}

// A field's meaning: days as a set, times and dates as numbers, names of months and weekdays
// as their number; anything that does not parse as its text (the checker will say why).
std::string field_meaning(std::string_view field, const YamlValue& v) {
  if (field == "days") {
    if (auto days = days_of(v)) return fmt::format("days:{}", *days);
  }
  if (!v.is_scalar()) return "?";
  if (field == "from" || field == "to") {
    if (auto minute = load::parse_time(v.text)) return fmt::format("t:{}", *minute);
    if (auto dt = load::parse_date_time(v.text))
      return fmt::format("dt:{}-{}-{}T{}", dt->date.year, dt->date.month, dt->date.day, dt->minute);
    if (auto d = load::parse_date(v.text)) return fmt::format("dt:{}-{}-{}T0", d->year, d->month, d->day);
  }
  if (field == "month") {
    if (auto m = load::parse_month(v.text)) return fmt::format("m:{}", *m);
  }
  if (field == "weekday") {
    if (auto d = load::parse_weekday(v.text)) return fmt::format("w:{}", static_cast<int>(*d));
  }
  return "=" + v.text;
}

std::string meaning(std::string_view list, const YamlValue& v) {
  if (v.is_map()) {
    std::string out = "{";
    std::vector<std::string> keys;
    for (const auto& [k, value] : v.entries) keys.push_back(k + ":" + field_meaning(k, value));
    std::sort(keys.begin(), keys.end());
    for (const std::string& k : keys) out += k + ";";
    // A weekly window without from/to is the whole day.
    if (list == "weekly" && !v.find("from") && !v.find("to")) out += "from:t:0;to:t:1440;";
    return out + "}";
  }
  if (!v.is_scalar()) return "?";
  if (list == "dates") {
    if (auto d = load::parse_date(v.text)) return fmt::format("d:{}-{}-{}", d->year, d->month, d->day);
  }
  if (list == "yearly") {
    if (auto md = load::parse_month_day(v.text)) return fmt::format("md:{}-{}", md->first, md->second);
    if (auto e = load::parse_easter(v.text)) return fmt::format("e:{}", *e);
  }
  return "=" + v.text;
}

// ---- from the request to the values written ---------------------------------------------------

// `mon-fri`, `sat`, `"mon, wed, fri-sun"`: each run of days as a range (a run over Sunday
// wraps: `sat-mon`), as the SPEC writes them.
std::string days_text(WeekdaySet set) {
  if (set == 0x7F) return "mon-sun";
  // Start after a day that is off, so that a run over Sunday is one run.
  int start = 0;
  while (set & (1u << start)) ++start;
  std::vector<std::string> runs;
  for (int k = 1; k <= 7; ++k) {
    const int d = (start + k) % 7;
    if (!(set & (1u << d))) continue;
    int last = d;
    while (k < 7 && (set & (1u << ((start + k + 1) % 7)))) {
      ++k;
      last = (start + k) % 7;
    }
    runs.push_back(last == d ? std::string(kDayNames[d])
                             : fmt::format("{}-{}", kDayNames[d], kDayNames[last]));
  }
  return fmt::format("{}", fmt::join(runs, ", "));
}

std::string text_of(const json& value, const std::string& what) { return change_text(value, what); }

YamlValue weekly_item(const json& w, const std::string& where) {
  if (!w.is_object()) throw ChangeError("bad-change", where + ": a weekly window is a map");
  for (const auto& [k, v] : w.items())
    if (k != "days" && k != "from" && k != "to")
      throw ChangeError("bad-change",
                        fmt::format("{}: `{}` is not a field of weekly hours (days, from, to)", where, k));
  if (!w.contains("days")) throw ChangeError("bad-change", where + ": `days` is missing");
  // The days as given; written compactly when every one is a weekday (else as given, for the
  // checker to point at the one that is not, CP112).
  std::vector<std::string> given;
  if (w["days"].is_array()) {
    for (const json& d : w["days"]) given.push_back(text_of(d, where + ".days"));
  } else {
    given.push_back(text_of(w["days"], where + ".days"));
  }
  if (given.empty()) throw ChangeError("bad-change", where + ": `days` is empty");
  std::string joined = fmt::format("{}", fmt::join(given, ", "));
  const auto set = days_of(YamlValue::scalar(joined));
  YamlValue item = YamlValue::map({{"days", YamlValue::scalar(set ? days_text(*set) : joined)}});
  item.entries.emplace_back("from", YamlValue::scalar(required_text(w, "from", where)));
  item.entries.emplace_back("to", YamlValue::scalar(required_text(w, "to", where)));
  return item;
}

YamlValue range_item(const json& r, const std::string& where) {
  if (!r.is_object()) throw ChangeError("bad-change", where + ": a date range is a map {from, to}");
  for (const auto& [k, v] : r.items())
    if (k != "from" && k != "to")
      throw ChangeError("bad-change", fmt::format("{}: `{}` is not a field of a date range (from, to)", where, k));
  return YamlValue::map({{"from", YamlValue::scalar(required_text(r, "from", where))},
                         {"to", YamlValue::scalar(required_text(r, "to", where))}});
}

YamlValue yearly_item(const json& y, const std::string& where) {
  if (!y.is_object()) return YamlValue::scalar(text_of(y, where));
  for (const auto& [k, v] : y.items())
    if (k != "month" && k != "weekday" && k != "nth")
      throw ChangeError("bad-change",
                        fmt::format("{}: `{}` is not a field of a yearly weekday (month, weekday, nth)", where, k));
  YamlValue item = YamlValue::map();
  for (const char* k : {"month", "weekday", "nth"}) {
    if (!y.contains(k)) throw ChangeError("bad-change", fmt::format("{}: `{}` is missing", where, k));
    item.entries.emplace_back(k, YamlValue::scalar(text_of(y[k], fmt::format("{}.{}", where, k))));
  }
  return item;
}

YamlValue list_value(const std::string& key, const json& list, const std::string& where) {
  if (!list.is_array()) throw ChangeError("bad-change", fmt::format("{}: `{}` is a list", where, key));
  YamlValue out = YamlValue::sequence();
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string at = fmt::format("{}.{}[{}]", where, key, i);
    if (key == "weekly") out.items.push_back(weekly_item(list[i], at));
    else if (key == "ranges") out.items.push_back(range_item(list[i], at));
    else if (key == "yearly") out.items.push_back(yearly_item(list[i], at));
    else out.items.push_back(YamlValue::scalar(text_of(list[i], at)));
  }
  return out;
}

// ---- the panel writes each hour once -----------------------------------------------------------

std::string hhmm(int minute) { return fmt::format("{:02}:{:02}", minute / 60, minute % 60); }

// Refuses weekly windows that share a minute (`from` > `to` runs into the next day, as the
// engine reads it). Windows that do not parse are left to the checker.
void refuse_overlaps(const YamlValue& weekly, const std::string& where) {
  std::vector<int> owner(kMinutesPerWeek, -1);
  struct Window {
    int from, to;
  };
  std::vector<Window> windows;
  for (const YamlValue& item : weekly.items) {
    const YamlValue* d = item.find("days");
    const YamlValue* f = item.find("from");
    const YamlValue* t = item.find("to");
    const auto days = d ? days_of(*d) : std::nullopt;
    const auto from = f && f->is_scalar() ? load::parse_time(f->text) : std::nullopt;
    const auto to = t && t->is_scalar() ? load::parse_time(t->text) : std::nullopt;
    const int index = static_cast<int>(windows.size());
    windows.push_back({from ? *from : 0, to ? *to : 0});
    if (!days || !from || !to || *from == *to) continue;  // the checker's (CP110, CP112, CP301)
    for (int day = 0; day < 7; ++day) {
      if (!(*days & (1u << day))) continue;
      const int start = day * kMinutesPerDay + *from;
      const int end = day * kMinutesPerDay + (*to > *from ? *to : kMinutesPerDay + *to);
      for (int m = start; m < end; ++m) {
        int& who = owner[static_cast<std::size_t>(m % kMinutesPerWeek)];
        if (who >= 0) {
          const Window& a = windows[static_cast<std::size_t>(who)];
          const Window& b = windows.back();
          throw ChangeError(
              "overlapping-hours",
              fmt::format("{}: the hours {}-{} and {}-{} overlap on {} at {}; join them into one "
                          "or correct one of them",
                          where, hhmm(a.from), hhmm(a.to), hhmm(b.from), hhmm(b.to),
                          kDayWords[static_cast<std::size_t>((m % kMinutesPerWeek) / kMinutesPerDay)],
                          hhmm(m % kMinutesPerDay)));
        }
        who = index;
      }
    }
  }
}

// ---- where schedules and their names are written -----------------------------------------------

const YamlValue* schedules_map(const YamlValue& root) {
  const YamlValue* s = root.is_map() ? root.find("schedules") : nullptr;
  return s && s->is_map() ? s : nullptr;
}

std::optional<std::string> find_schedule(FileEdits& edits, const TenantFiles& files,
                                         const std::string& name) {
  for (const auto& [file, text] : files.texts) {
    const YamlValue* s = schedules_map(edits.editor(file).expected());
    if (s && s->find(name)) return file;
  }
  return std::nullopt;
}

// A place that names a schedule: a time condition's `schedule`, or an `except` item.
struct Reference {
  std::string file;
  YamlPath path;   // the scalar that holds the name
  std::string by;  // "plan main (time condition main/0)", "schedule office_hours (except)"
};

void except_references(const YamlValue& schedule, const std::string& name, const std::string& file,
                       const YamlPath& path, const std::string& by, std::vector<Reference>& out) {
  const YamlValue* except = schedule.is_map() ? schedule.find("except") : nullptr;
  if (!except) return;
  YamlPath at = path;
  at.emplace_back(std::string("except"));
  if (except->is_scalar() && except->text == name) out.push_back({file, at, by});
  if (!except->is_sequence()) return;
  for (std::size_t i = 0; i < except->items.size(); ++i) {
    if (!except->items[i].is_scalar() || except->items[i].text != name) continue;
    YamlPath item = at;
    item.emplace_back(i);
    out.push_back({file, item, by});
  }
}

void step_references(const YamlValue& steps, const std::string& name, const std::string& file,
                     const YamlPath& path, const std::string& plan, const std::string& address,
                     std::vector<Reference>& out) {
  if (!steps.is_sequence()) return;
  for (std::size_t i = 0; i < steps.items.size(); ++i) {
    const YamlValue& step = steps.items[i];
    if (!step.is_map()) continue;
    const std::string here = fmt::format("{}/{}", address, i);
    YamlPath step_path = path;
    step_path.emplace_back(i);
    for (const auto& [kind, body] : step.entries) {
      if (!body.is_map()) continue;
      YamlPath body_path = step_path;
      body_path.emplace_back(kind);
      auto branch = [&](const std::string& key, const YamlValue& list) {
        YamlPath p = body_path;
        p.emplace_back(key);
        step_references(list, name, file, p, plan, here + "/" + key, out);
      };
      if (kind == "time_condition") {
        const std::string by = fmt::format("plan {} (time condition {})", plan, here);
        if (const YamlValue* s = body.find("schedule")) {
          YamlPath p = body_path;
          p.emplace_back(std::string("schedule"));
          if (s->is_scalar() && s->text == name) out.push_back({file, p, by});
          except_references(*s, name, file, p, by, out);  // an inline schedule's `except`
        }
        for (const char* key : {"then", "else"})
          if (const YamlValue* list = body.find(key)) branch(key, *list);
      } else if (kind == "menu") {
        if (const YamlValue* options = body.find("options"); options && options->is_map()) {
          for (const auto& [digit, list] : options->entries) {
            YamlPath p = body_path;
            p.emplace_back(std::string("options"));
            p.emplace_back(digit);
            step_references(list, name, file, p, plan, here + "/" + digit, out);
          }
        }
        if (const YamlValue* list = body.find("invalid")) branch("invalid", *list);
      }
    }
  }
}

std::vector<Reference> references(FileEdits& edits, const TenantFiles& files, const std::string& name) {
  std::vector<Reference> out;
  for (const auto& [file, text] : files.texts) {
    const YamlValue& root = edits.editor(file).expected();
    if (const YamlValue* s = schedules_map(root)) {
      for (const auto& [other, schedule] : s->entries)
        except_references(schedule, name, file, {std::string("schedules"), other},
                          fmt::format("schedule {} (except)", other), out);
    }
    const YamlValue* plans = root.is_map() ? root.find("plans") : nullptr;
    if (!plans || !plans->is_sequence()) continue;
    for (std::size_t i = 0; i < plans->items.size(); ++i) {
      const YamlValue& plan = plans->items[i];
      if (!plan.is_map()) continue;
      const YamlValue* id = plan.find("id");
      const YamlValue* steps = plan.find("steps");
      if (!steps) continue;
      const std::string plan_id = id && id->is_scalar() ? id->text : fmt::format("#{}", i + 1);
      step_references(*steps, name, file, {std::string("plans"), i, std::string("steps")}, plan_id,
                      plan_id, out);
    }
  }
  return out;
}

// The other schedules' paths in `file`: a new schedule or key is written like them.
std::vector<YamlPath> sibling_paths(const YamlValue& schedules, const std::string& except_name,
                                    const std::string& key = {}) {
  std::vector<YamlPath> out;
  for (const auto& [name, schedule] : schedules.entries) {
    if (name == except_name || !schedule.is_map()) continue;
    if (key.empty()) out.push_back({std::string("schedules"), name});
    else if (schedule.find(key)) out.push_back({std::string("schedules"), name, key});
  }
  return out;
}

// ---- the fewest edits that turn one list into another ------------------------------------------

// Edits the item at `path` (now `old`) into `wanted` field by field. False when their kinds
// differ (the caller replaces the item).
bool edit_in_place(YamlEditor& editor, const YamlPath& path, const YamlValue& old,
                   const YamlValue& wanted) {
  if (old.is_scalar() && wanted.is_scalar()) {
    if (old.text != wanted.text) editor.set_scalar(path, wanted.text);
    return true;
  }
  if (!old.is_map() || !wanted.is_map()) return false;
  for (const auto& [field, value] : wanted.entries) {
    YamlPath at = path;
    at.emplace_back(field);
    const YamlValue* now = old.find(field);
    if (now && field_meaning(field, *now) == field_meaning(field, value)) continue;
    if (now && now->is_scalar() && value.is_scalar()) {
      editor.set_scalar(at, value.text);
      continue;
    }
    if (now) editor.remove_item(at);
    editor.set_key(path, field, value);
  }
  for (const auto& [field, value] : old.entries)
    if (!wanted.find(field)) {
      YamlPath at = path;
      at.emplace_back(field);
      editor.remove_item(at);
    }
  return true;
}

// Makes the list at `path` (now `old`) say `wanted`: the longest run of items that already
// mean what is wanted stays as written; between them, old items are edited into the wanted
// ones in their place, and only what is left over is inserted or removed.
// `old` is a copy: the editor's tree changes with every edit.
void edit_list(YamlEditor& editor, const YamlPath& path, const std::string& key,
               const std::vector<YamlValue> old, const std::vector<YamlValue>& wanted) {
  const std::size_t n = old.size(), m = wanted.size();
  std::vector<std::string> a(n), b(m);
  for (std::size_t i = 0; i < n; ++i) a[i] = meaning(key, old[i]);
  for (std::size_t j = 0; j < m; ++j) b[j] = meaning(key, wanted[j]);
  // Longest common subsequence of the meanings (lists of a few dozen items at most).
  std::vector<std::vector<std::size_t>> lcs(n + 1, std::vector<std::size_t>(m + 1, 0));
  for (std::size_t i = n; i-- > 0;)
    for (std::size_t j = m; j-- > 0;)
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
  // The items kept as written: (old index, wanted index), in order.
  std::vector<std::pair<std::size_t, std::size_t>> kept;
  for (std::size_t i = 0, j = 0; i < n && j < m;) {
    if (a[i] == b[j] && lcs[i][j] == lcs[i + 1][j + 1] + 1) kept.emplace_back(i++, j++);
    else if (lcs[i + 1][j] >= lcs[i][j + 1]) ++i;
    else ++j;
  }
  kept.emplace_back(n, m);  // the end, as one more kept item
  auto at = [&](std::size_t index) {
    YamlPath p = path;
    p.emplace_back(index);
    return p;
  };
  std::size_t i = 0, j = 0, pos = 0;  // pos: the index in the list as edited so far
  for (const auto& [ki, kj] : kept) {
    // The gap before a kept item: old items edited into wanted ones in their place, then the
    // wanted ones left over inserted, the old ones left over removed.
    for (; i < ki && j < kj; ++i, ++j, ++pos) {
      if (!edit_in_place(editor, at(pos), old[i], wanted[j])) {
        editor.insert_item(path, pos, wanted[j]);
        editor.remove_item(at(pos + 1));
      }
    }
    for (; j < kj; ++j) editor.insert_item(path, pos++, wanted[j]);
    for (; i < ki; ++i) editor.remove_item(at(pos));
    if (ki < n) {  // the kept item itself
      ++i;
      ++j;
      ++pos;
    }
  }
}

// Sets `key` of the schedule at `path` to `value` (a list, or the time zone's text); an empty
// list or text removes it.
void set_field(YamlEditor& editor, const YamlPath& path, const std::string& key,
               const std::optional<YamlValue>& value, const std::vector<YamlPath>& like) {
  const YamlValue& schedule = [&]() -> const YamlValue& {
    const YamlValue* v = &editor.expected();
    for (const PathStep& s : path) v = v->find(std::get<std::string>(s));
    return *v;
  }();
  YamlPath at = path;
  at.emplace_back(key);
  const YamlValue* now = schedule.is_map() ? schedule.find(key) : nullptr;
  const bool empty = !value || (value->is_sequence() && value->items.empty()) ||
                     (value->is_scalar() && value->text.empty());
  if (empty) {
    if (now) editor.remove_item(at);
    return;
  }
  if (!now) {
    editor.set_key(path, key, *value, like);
    return;
  }
  if (value->is_scalar()) {
    if (now->is_scalar()) {
      if (now->text != value->text) editor.set_scalar(at, value->text);
      return;
    }
  } else if (now->is_sequence()) {
    edit_list(editor, at, key, now->items, value->items);
    return;
  } else if (now->is_scalar() && value->items.size() == 1 && value->items[0].is_scalar()) {
    // `except: holidays` (one name, SPEC allows it without brackets) stays a single value.
    if (now->text != value->items[0].text) editor.set_scalar(at, value->items[0].text);
    return;
  }
  editor.remove_item(at);
  editor.set_key(path, key, *value, like);
}

// ---- the changes ---------------------------------------------------------------------------------

void add_schedule(const json& change, const TenantFiles& files, FileEdits& edits,
                  const std::string& where) {
  if (!change.contains("schedule") || !change["schedule"].is_object())
    throw ChangeError("bad-change", where + ": `schedule` is missing");
  const json& s = change["schedule"];
  const std::string name = required_text(s, "name", where + ".schedule");
  if (find_schedule(edits, files, name))
    throw ChangeError("schedule-exists", fmt::format("{}: a schedule `{}` exists", where, name));
  for (const auto& [key, value] : s.items())
    if (key != "name") check_schedule_key(key, where + ".schedule");
  YamlValue entry = YamlValue::map();
  for (std::string_view field : kScheduleKeys) {
    const std::string key(field);
    if (!s.contains(key) || s[key].is_null()) continue;
    if (!is_list_key(key)) {
      const std::string text = text_of(s[key], where + ".schedule." + key);
      if (!text.empty()) entry.entries.emplace_back(key, YamlValue::scalar(text));
      continue;
    }
    YamlValue list = list_value(key, s[key], where + ".schedule");
    if (key == "weekly") refuse_overlaps(list, where + ".schedule.weekly");
    if (!list.items.empty()) entry.entries.emplace_back(key, std::move(list));
  }
  // After the last schedule, in the file that holds them, written like them.
  std::optional<std::string> holder;
  for (const auto& [file, text] : files.texts)
    if (schedules_map(edits.editor(file).expected())) holder = file;
  if (holder) {
    YamlEditor& editor = edits.editor(*holder);
    editor.set_key({std::string("schedules")}, name, entry,
                   sibling_paths(*schedules_map(editor.expected()), name));
    return;
  }
  const std::string top = files.top.lexically_relative(files.root).string();
  edits.editor(top).set_key({}, "schedules", YamlValue::map({{name, entry}}));
}

void update_schedule(const json& change, const TenantFiles& files, FileEdits& edits,
                     const std::string& where) {
  const std::string name = required_text(change, "schedule", where);
  if (!change.contains("set") || !change["set"].is_object() || change["set"].empty())
    throw ChangeError("bad-change", where + ": `set` is missing");
  const json& set = change["set"];
  for (const auto& [key, value] : set.items()) {
    if (key == "name")
      throw ChangeError("bad-change", where + ".set: a schedule is renamed with rename_schedule "
                                              "(its time conditions follow)");
    check_schedule_key(key, where + ".set");
  }
  const auto file = find_schedule(edits, files, name);
  if (!file) throw ChangeError("no-such-schedule", fmt::format("{}: no schedule `{}`", where, name));
  // Every value first, so that a bad one refuses the change before any edit.
  std::vector<std::pair<std::string, std::optional<YamlValue>>> fields;
  for (std::string_view field : kScheduleKeys) {
    const std::string key(field);
    if (!set.contains(key)) continue;
    std::optional<YamlValue> value;
    if (!set[key].is_null()) {
      if (is_list_key(key)) {
        value = list_value(key, set[key], where + ".set");
        if (key == "weekly") refuse_overlaps(*value, where + ".set.weekly");
      } else {
        value = YamlValue::scalar(text_of(set[key], where + ".set." + key));
      }
    }
    fields.emplace_back(key, std::move(value));
  }
  YamlEditor& editor = edits.editor(*file);
  const YamlPath path{std::string("schedules"), name};
  if (!editor.expected().find("schedules")->find(name)->is_map())
    throw ChangeError("bad-change", fmt::format("{}: schedule `{}` is not written as a map; edit "
                                                "it by hand", where, name));
  for (const auto& [key, value] : fields)
    set_field(editor, path, key, value, sibling_paths(*schedules_map(editor.expected()), name, key));
}

void rename_schedule(const json& change, const TenantFiles& files, FileEdits& edits,
                     const std::string& where) {
  const std::string name = required_text(change, "schedule", where);
  const std::string to = required_text(change, "to", where);
  const auto file = find_schedule(edits, files, name);
  if (!file) throw ChangeError("no-such-schedule", fmt::format("{}: no schedule `{}`", where, name));
  if (to == name) return;
  if (find_schedule(edits, files, to))
    throw ChangeError("schedule-exists", fmt::format("{}: a schedule `{}` exists", where, to));
  // The names in time conditions and `except` lists follow (scalars only: no path moves).
  for (const Reference& r : references(edits, files, name)) edits.editor(r.file).set_scalar(r.path, to);
  edits.editor(*file).rename_key({std::string("schedules")}, name, to);
}

void remove_schedule(const json& change, const TenantFiles& files, FileEdits& edits,
                     const std::string& where) {
  const std::string name = required_text(change, "schedule", where);
  const auto file = find_schedule(edits, files, name);
  if (!file) throw ChangeError("no-such-schedule", fmt::format("{}: no schedule `{}`", where, name));
  const std::vector<Reference> refs = references(edits, files, name);
  if (!refs.empty()) {
    std::vector<std::string> by;
    for (const Reference& r : refs) by.push_back(r.by);
    throw ChangeError("schedule-in-use",
                      fmt::format("{}: schedule `{}` is still used by {}; change or remove {} "
                                  "first",
                                  where, name, fmt::join(by, ", "),
                                  refs.size() == 1 ? "it" : "them"));
  }
  edits.editor(*file).remove_item({std::string("schedules"), name});
}

}  // namespace

bool apply_schedule_change(const json& change, const TenantFiles& files, FileEdits& edits,
                           const std::string& where) {
  const std::string op = change.value("op", "");
  if (op == "add_schedule") add_schedule(change, files, edits, where);
  else if (op == "update_schedule") update_schedule(change, files, edits, where);
  else if (op == "rename_schedule") rename_schedule(change, files, edits, where);
  else if (op == "remove_schedule") remove_schedule(change, files, edits, where);
  else return false;
  return true;
}

}  // namespace callplan::panel
