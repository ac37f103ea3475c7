// The three faces of a TenantDiff: a terminal report, JSON for tools, Markdown for a comment on
// a pull request.
#include <nlohmann/json.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "callplan/diff.hpp"

namespace callplan {
namespace {

struct Inventory {
  std::string_view title;
  const std::vector<std::string>* items;
};

std::vector<Inventory> inventory(const TenantDiff& d) {
  return {{"Users added", &d.users_added},     {"Users removed", &d.users_removed},
          {"Numbers added", &d.numbers_added}, {"Numbers removed", &d.numbers_removed},
          {"Plans added", &d.plans_added},     {"Plans removed", &d.plans_removed}};
}

std::string window(const TenantDiff& d) {
  return fmt::format("{} day{} from {} ({})", d.days, d.days == 1 ? "" : "s", d.from, d.timezone);
}

std::string human(const TenantDiff& d) {
  std::string out;
  if (d.changes.empty()) {
    out += fmt::format("No routing changes ({}).\n", window(d));
  } else {
    out += fmt::format("{} routing change{} ({}):\n", d.changes.size(),
                       d.changes.size() == 1 ? "" : "s", window(d));
    for (const RoutingChange& c : d.changes) out += fmt::format("  - {}\n", c.statement);
  }
  for (const Inventory& inv : inventory(d)) {
    if (!inv.items->empty()) out += fmt::format("{}: {}\n", inv.title, fmt::join(*inv.items, ", "));
  }
  return out;
}

std::string markdown_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|' || c == '*' || c == '_' || c == '<' || c == '>') out += '\\';
    out += c;
  }
  return out;
}

std::string markdown(const TenantDiff& d) {
  std::string out;
  if (d.changes.empty()) {
    out += "### callplan diff: no routing changes\n\n";
  } else {
    out += fmt::format("### callplan diff: {} routing change{}\n\n", d.changes.size(),
                       d.changes.size() == 1 ? "" : "s");
    out += "| When | Call | Now | Before |\n|---|---|---|---|\n";
    for (const RoutingChange& c : d.changes) {
      std::string call = c.entry_display;
      if (!c.busy.empty()) call += fmt::format(", {} busy", c.busy);
      if (!c.digits.empty()) call += fmt::format(", presses {}", c.digits);
      out += fmt::format("| {} | {} | {} | {} |\n", markdown_escape(c.when), markdown_escape(call),
                         markdown_escape(c.after.summary), markdown_escape(c.before.summary));
    }
    out += "\n";
  }
  std::string inv;
  for (const Inventory& i : inventory(d)) {
    if (!i.items->empty()) {
      inv += fmt::format("- **{}:** {}\n", i.title, markdown_escape(fmt::format("{}", fmt::join(*i.items, ", "))));
    }
  }
  if (!inv.empty()) out += inv + "\n";
  out += fmt::format("<sub>Routed both versions over {}: every number and extension, everyone "
                     "available and each rung user busy, every menu digit.</sub>\n",
                     markdown_escape(window(d)));
  return out;
}

std::string json(const TenantDiff& d) {
  using nlohmann::ordered_json;
  ordered_json out;
  out["routing_changed"] = d.routing_changed();
  out["timezone"] = d.timezone;
  out["from"] = d.from;
  out["to"] = d.to;
  out["days"] = d.days;
  ordered_json changes = ordered_json::array();
  for (const RoutingChange& c : d.changes) {
    ordered_json j;
    j["when"] = c.when;
    ordered_json intervals = ordered_json::array();
    for (const auto& i : c.intervals) intervals.push_back({{"from", i.from}, {"to", i.to}});
    j["intervals"] = std::move(intervals);
    j["entry"] = c.entry;
    j["busy"] = c.busy.empty() ? ordered_json(nullptr) : ordered_json(c.busy);
    j["digits"] = c.digits;
    j["before"] = {{"summary", c.before.summary}, {"events", c.before.events}};
    j["after"] = {{"summary", c.after.summary}, {"events", c.after.events}};
    j["statement"] = c.statement;
    changes.push_back(std::move(j));
  }
  out["changes"] = std::move(changes);
  out["added"] = {{"users", d.users_added}, {"numbers", d.numbers_added}, {"plans", d.plans_added}};
  out["removed"] = {{"users", d.users_removed}, {"numbers", d.numbers_removed},
                    {"plans", d.plans_removed}};
  return out.dump(2) + "\n";
}

}  // namespace

std::string format_diff(const TenantDiff& diff, DiffFormat format) {
  switch (format) {
    case DiffFormat::human: return human(diff);
    case DiffFormat::json: return json(diff);
    case DiffFormat::markdown: return markdown(diff);
  }
  return human(diff);
}

}  // namespace callplan
