// diff_tenants: route both versions over the same calls and group the differences into
// statements. What is compared, and why, is in callplan/diff.hpp and docs/diff.md.
#include "callplan/diff.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <tuple>

#include <date/tz.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "callplan/engine.hpp"
#include "callplan/error.hpp"
#include "callplan/graph.hpp"
#include "callplan/simulate.hpp"
#include "diff/calendar.hpp"
#include "diff/outcome.hpp"
#include "diff/reach.hpp"
#include "graph/display.hpp"
#include "model/words.hpp"

namespace callplan {
namespace {

using diff_detail::Observed;
using diff_detail::Span;

// Menus nest and replay: explore at most this many prompts deep (a digit, then a retry or a
// sub-menu, then one more).
constexpr std::size_t kMaxDigits = 3;

struct Side {
  std::shared_ptr<const Engine> engine;
  std::unique_ptr<Simulator> simulator;
};

struct Entry {
  std::string dial;     // tenant number (E.164) or extension
  std::string display;  // for statements
  std::string caller;   // "anonymous", or the extension calling an extension
};

// One call routed by both versions.
struct Pair {
  Observed before;
  Observed after;
  bool differs() const { return before.call.events != after.call.events; }
  // Index of the first event that differs (the shorter length when one is a prefix).
  std::size_t divergence() const {
    const auto& a = before.call.events;
    const auto& b = after.call.events;
    std::size_t i = 0;
    while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
    return i;
  }
  // The same change as `other`: they part at the same event, in the same way.
  bool same_divergence(const Pair& other) const {
    std::size_t i = divergence();
    if (i != other.divergence()) return false;
    auto at = [](const std::vector<std::string>& v, std::size_t k) {
      return k < v.size() ? v[k] : std::string();
    };
    return at(before.call.events, i) == at(other.before.call.events, i) &&
           at(after.call.events, i) == at(other.after.call.events, i);
  }
};

struct ChangeKey {
  std::size_t entry;
  std::string digits;
  std::string busy;
  std::vector<std::string> before;
  std::vector<std::string> after;
  friend auto operator<=>(const ChangeKey&, const ChangeKey&) = default;
};

struct Collected {
  Pair pair;
  std::vector<Span> slices;
  std::size_t first_slice = 0;
};

class Differ {
 public:
  Differ(const Tenant& before, const Tenant& after, const DiffOptions& options)
      : before_tenant_(before), after_tenant_(after), people_before_(before), people_after_(after) {
    before_.engine = Engine::compile(before);  // throws Error with the issues on errors
    after_.engine = Engine::compile(after);
    before_.simulator = std::make_unique<Simulator>(before_.engine);
    after_.simulator = std::make_unique<Simulator>(after_.engine);
    if (options.days < 1 || options.days > 366) {
      throw Error(fmt::format("--days {}: the window must be 1 to 366 days", options.days));
    }
    zone_ = date::locate_zone(std::string(after_.engine->timezone()));
    days_ = options.days;
    every_call_ = options.every_call;
    from_ = options.from ? *options.from
                         : default_diff_start(after, std::chrono::floor<std::chrono::seconds>(
                                                         std::chrono::system_clock::now()));
    to_ = from_ + std::chrono::days{options.days};
  }

  TenantDiff run() {
    TenantDiff d;
    d.timezone = std::string(after_.engine->timezone());
    d.from = diff_detail::iso_local(from_, *zone_);
    d.to = diff_detail::iso_local(to_, *zone_);
    d.days = days_;
    collect_entries();
    collect_alphabet();
    slices_ = diff_detail::time_slices(
        {&before_.engine->schedules(), &after_.engine->schedules()}, from_, to_, *zone_);
    std::vector<std::size_t> reachable = reachable_entries();
    for (std::size_t s = 0; s < slices_.size(); ++s) {
      for (std::size_t e : reachable) explore(e, s, "", nullptr);
    }
    d.changes = statements();
    inventory(d);
    return d;
  }

 private:
  void collect_entries() {
    std::set<std::string> seen;
    auto add_numbers = [&](const Tenant& t, const Engine& engine) {
      for (const Number& n : t.numbers) {
        std::string e164 = engine.normalise_number(n.number.value);
        if (!seen.insert(e164).second) continue;
        std::string label = n.label;
        for (const Number& m : after_tenant_.numbers) {  // the new label when it has one
          if (after_.engine->normalise_number(m.number.value) == e164 && !m.label.empty()) {
            label = m.label;
          }
        }
        entries_.push_back({e164, label.empty() ? display_number(e164)
                                                : fmt::format("{} ({})", display_number(e164), label),
                            "anonymous"});
      }
    };
    add_numbers(before_tenant_, *before_.engine);
    add_numbers(after_tenant_, *after_.engine);

    // Extensions are dialled by a colleague: the lowest extension both versions have (another
    // user than the callee), so that reordering users changes nothing.
    std::set<std::string> both;
    for (const User& u : before_tenant_.users) {
      if (after_.engine->find_user(u.extension.value)) both.insert(u.extension.value);
    }
    std::set<std::string> extensions;
    for (const User& u : before_tenant_.users) extensions.insert(u.extension.value);
    for (const User& u : after_tenant_.users) extensions.insert(u.extension.value);
    for (const std::string& ext : extensions) {
      auto caller = std::find_if(both.begin(), both.end(), [&](const std::string& c) { return c != ext; });
      if (caller == both.end()) continue;  // nobody could dial it in both versions
      const People& people = after_.engine->find_user(ext) ? people_after_ : people_before_;
      entries_.push_back({ext, fmt::format("extension {}", people.user(ext)), *caller});
    }
  }

  // The calls the change can reach: those whose routing inputs differ between the versions.
  // The others route alike at every time, with anyone busy and any digits (reach.hpp).
  std::vector<std::size_t> reachable_entries() const {
    std::vector<std::size_t> out;
    std::optional<diff_detail::ChangeReach> reach;
    if (!every_call_) reach.emplace(before_tenant_, *before_.engine, after_tenant_, *after_.engine);
    for (std::size_t e = 0; e < entries_.size(); ++e) {
      if (!reach || reach->reaches(entries_[e].dial, entries_[e].caller)) out.push_back(e);
    }
    return out;
  }

  // Every digit either version's menus know, plus one neither knows (an invalid choice).
  void collect_alphabet() {
    std::set<char> known;
    std::function<void(const StepList&)> walk = [&](const StepList& steps) {
      for (const Step& step : steps) {
        if (const auto* tc = std::get_if<TimeCondition>(&step.body)) {
          if (tc->then_steps) walk(*tc->then_steps);
          if (tc->else_steps) walk(*tc->else_steps);
        } else if (const auto* menu = std::get_if<Menu>(&step.body)) {
          for (const MenuOption& o : menu->options) {
            if (!o.digit.value.empty()) known.insert(o.digit.value[0]);
            walk(o.steps);
          }
          if (menu->invalid) walk(*menu->invalid);
        }
      }
    };
    for (const Plan& p : before_tenant_.plans) walk(p.steps);
    for (const Plan& p : after_tenant_.plans) walk(p.steps);
    alphabet_.assign(known.begin(), known.end());
    for (char c : kDtmfKeys) {  // the first key no menu of either side has
      if (!known.count(c)) {
        alphabet_.push_back(c);
        break;
      }
    }
  }

  Observed route(Side& side, const Entry& entry, Instant at, const std::string& busy,
                 const std::string& digits) {
    Scenario s;
    s.from = entry.caller;
    s.to = entry.dial;
    s.at = at;
    if (!busy.empty() && side.engine->find_user(busy)) s.presence.push_back({busy, Presence::busy});
    s.digits = digits;
    s.seed = 0;
    RoutingState state;  // every call starts fresh: round robin at its first member
    return diff_detail::observe(side.simulator->trace(s, state), *side.engine);
  }

  // Routes one call in both versions, records a difference, and explores the variants that
  // may show more: each digit at a prompt the call still had, each rung user busy.
  void explore(std::size_t e, std::size_t s, const std::string& digits, const Pair* parent) {
    const Entry& entry = entries_[e];
    Instant at = slices_[s].first;
    Pair pair{route(before_, entry, at, "", digits), route(after_, entry, at, "", digits)};
    // A digit variant that parts from its parent call in the same place shows the same change.
    if (pair.differs() && !(parent && parent->differs() && pair.same_divergence(*parent))) {
      record(e, s, digits, "", pair);
    }
    if (!pair.differs()) {
      // Each member busy in turn: only when everyone-available routes alike, else the change
      // is already reported for this call.
      std::vector<std::string> rung = pair.before.rung_users;
      for (const std::string& u : pair.after.rung_users) {
        if (std::find(rung.begin(), rung.end(), u) == rung.end()) rung.push_back(u);
      }
      for (const std::string& u : rung) {
        Pair busy{route(before_, entry, at, u, digits), route(after_, entry, at, u, digits)};
        if (busy.differs()) record(e, s, digits, u, busy);
      }
    }
    if (digits.size() < kMaxDigits &&
        std::max(pair.before.prompts, pair.after.prompts) > digits.size()) {
      for (char c : alphabet_) explore(e, s, digits + c, &pair);
    }
  }

  void record(std::size_t e, std::size_t s, const std::string& digits, const std::string& busy,
              const Pair& pair) {
    ChangeKey key{e, digits, busy, pair.before.call.events, pair.after.call.events};
    auto [it, inserted] = collected_.try_emplace(std::move(key));
    if (inserted) {
      it->second.pair = pair;
      it->second.first_slice = s;
    }
    it->second.slices.push_back(slices_[s]);
  }

  std::vector<RoutingChange> statements() {
    std::vector<const std::pair<const ChangeKey, Collected>*> order;
    for (const auto& item : collected_) order.push_back(&item);
    // Entry by entry, the plain call first, then by time.
    std::stable_sort(order.begin(), order.end(), [](const auto* a, const auto* b) {
      return std::tuple(a->first.entry, a->first.digits, a->first.busy, a->second.first_slice) <
             std::tuple(b->first.entry, b->first.digits, b->first.busy, b->second.first_slice);
    });
    std::vector<RoutingChange> out;
    for (const auto* item : order) {
      const ChangeKey& key = item->first;
      const Collected& c = item->second;
      RoutingChange ch;
      ch.entry = entries_[key.entry].dial;
      ch.entry_display = entries_[key.entry].display;
      ch.busy = key.busy;
      ch.digits = key.digits;
      ch.before = c.pair.before.call;
      ch.after = c.pair.after.call;
      for (const Span& span : diff_detail::merge_adjacent(c.slices)) {
        ch.intervals.push_back(
            {diff_detail::iso_local(span.first, *zone_), diff_detail::iso_local(span.second, *zone_)});
      }
      ch.when = diff_detail::describe_when(c.slices, *zone_, days_ <= 7);
      std::string condition;
      if (!key.busy.empty()) {
        const People& people = after_.engine->find_user(key.busy) ? people_after_ : people_before_;
        condition += fmt::format(" when {} is busy", people.user(key.busy));
      }
      if (!key.digits.empty()) {
        std::vector<std::string> presses;
        for (char d : key.digits) presses.emplace_back(1, d);
        condition += fmt::format(" pressing {}", fmt::join(presses, ", then "));
      }
      ch.statement = fmt::format("{}: calls to {}{} now: {} (was: {})", ch.when, ch.entry_display,
                                 condition, ch.after.summary, ch.before.summary);
      if (ch.after.summary == ch.before.summary) {
        // The summaries hide the difference (caller ID shown, a stop reason): name it.
        std::size_t i = c.pair.divergence();
        auto at = [](const std::vector<std::string>& v, std::size_t k) {
          return k < v.size() ? v[k] : std::string("(nothing)");
        };
        ch.statement += fmt::format("; first difference: `{}` became `{}`",
                                    at(ch.before.events, i), at(ch.after.events, i));
      }
      out.push_back(std::move(ch));
    }
    return out;
  }

  void inventory(TenantDiff& d) {
    auto users = [](const Tenant& t) {
      std::vector<std::string> v;
      for (const User& u : t.users) v.push_back(u.extension.value);
      return v;
    };
    auto numbers = [](const Tenant& t, const Engine& engine) {
      std::vector<std::string> v;
      for (const Number& n : t.numbers) v.push_back(engine.normalise_number(n.number.value));
      return v;
    };
    auto plans = [](const Tenant& t) {
      std::vector<std::string> v;
      for (const Plan& p : t.plans) v.push_back(p.id.value);
      return v;
    };
    auto minus = [](const std::vector<std::string>& a, const std::vector<std::string>& b) {
      std::vector<std::string> out;
      for (const std::string& x : a) {
        if (std::find(b.begin(), b.end(), x) == b.end() &&
            std::find(out.begin(), out.end(), x) == out.end()) {
          out.push_back(x);
        }
      }
      return out;
    };
    auto ub = users(before_tenant_), ua = users(after_tenant_);
    for (const auto& x : minus(ua, ub)) d.users_added.push_back(people_after_.user(x));
    for (const auto& x : minus(ub, ua)) d.users_removed.push_back(people_before_.user(x));
    auto nb = numbers(before_tenant_, *before_.engine), na = numbers(after_tenant_, *after_.engine);
    for (const auto& x : minus(na, nb)) d.numbers_added.push_back(display_number(x));
    for (const auto& x : minus(nb, na)) d.numbers_removed.push_back(display_number(x));
    d.plans_added = minus(plans(after_tenant_), plans(before_tenant_));
    d.plans_removed = minus(plans(before_tenant_), plans(after_tenant_));
  }

  using People = graph_detail::People;
  const Tenant& before_tenant_;
  const Tenant& after_tenant_;
  People people_before_;
  People people_after_;
  Side before_;
  Side after_;
  const date::time_zone* zone_ = nullptr;
  std::uint32_t days_ = 7;
  bool every_call_ = false;
  Instant from_{};
  Instant to_{};
  std::vector<Entry> entries_;
  std::string alphabet_;
  std::vector<Span> slices_;
  std::map<ChangeKey, Collected> collected_;
};

}  // namespace

TenantDiff diff_tenants(const Tenant& before, const Tenant& after, const DiffOptions& options) {
  return Differ(before, after, options).run();
}

Instant default_diff_start(const Tenant& tenant, Instant now) {
  const date::time_zone* zone = date::locate_zone(
      tenant.info.timezone.value.empty() ? std::string("UTC") : tenant.info.timezone.value);
  auto local_now = zone->to_local(now);
  date::local_days day = date::floor<date::days>(local_now);
  // Monday 00:00 today when it is still ahead (never: midnight has passed), else the next one.
  for (;;) {
    Instant midnight = zone->to_sys(date::local_seconds(day), date::choose::earliest);
    if (date::weekday(day) == date::Monday && midnight >= now) return midnight;
    day += date::days{1};
  }
}

}  // namespace callplan
