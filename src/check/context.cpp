#include "check/context.hpp"

#include <algorithm>

#include "diagnostics/make_issue.hpp"
#include "model/phone_number.hpp"


namespace callplan::check_detail {

Context::Context(const Tenant& tenant) : tenant_(tenant) {
  for (const User& u : tenant.users) {
    if (u.extension.value.empty()) continue;
    if (users_.emplace(u.extension.value, &u).second) extensions_.push_back(u.extension.value);
  }
  for (const Plan& p : tenant.plans) {
    if (p.id.value.empty()) continue;
    if (plans_.emplace(p.id.value, &p).second) plan_ids_.push_back(p.id.value);
  }
  for (const Schedule& s : tenant.schedules) {
    if (s.name.value.empty()) continue;
    // Inline schedules resolve too (a time_condition names its inline schedule by its path),
    // but they are no candidates for "did you mean": the user never wrote their name.
    if (schedules_.emplace(s.name.value, &s).second && !s.is_inline) {
      schedule_names_.push_back(s.name.value);
    }
  }
  for (const Device& d : tenant.devices) {
    if (!d.user.value.empty()) ++devices_per_user_[d.user.value];
  }
  for (const Number& n : tenant.numbers) tenant_numbers_.insert(canonical_number(n.number.value));
}

Location Context::at(SourceId id, SourceId fallback) const {
  return tenant_.sources.location(id != kNoSource ? id : fallback);
}

Issue& Context::report(std::string_view code, std::string message, SourceId where,
                       SourceId fallback) {
  issues_.push_back(detail::make_issue(code, std::move(message), at(where, fallback)));
  return issues_.back();
}

void Context::note(Issue& issue, std::string message, SourceId where, SourceId fallback) {
  issue.notes.push_back(Note{std::move(message), at(where, fallback)});
}

namespace {
template <class Map>
auto find_in(const Map& map, std::string_view key) -> typename Map::mapped_type {
  auto it = map.find(key);
  return it == map.end() ? nullptr : it->second;
}
}  // namespace

const User* Context::find_user(std::string_view extension) const {
  return find_in(users_, extension);
}
const Plan* Context::find_plan(std::string_view id) const { return find_in(plans_, id); }
const Schedule* Context::find_schedule(std::string_view name) const {
  return find_in(schedules_, name);
}

std::size_t Context::device_count(std::string_view extension) const {
  auto it = devices_per_user_.find(extension);
  return it == devices_per_user_.end() ? 0 : it->second;
}

std::string Context::canonical_number(std::string_view written) const {
  if (auto e164 = to_e164(written, tenant_.info.country.value)) return *e164;
  return std::string(written);
}

bool Context::is_tenant_number(std::string_view written) const {
  return tenant_numbers_.count(canonical_number(written)) != 0;
}

void for_each_step(const StepList& steps, const std::string& path, bool conditional,
                   const StepVisitor& visit) {
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const Step& step = steps[i];
    std::string here = path + "/" + std::to_string(i);
    visit(step, here, conditional);
    if (const auto* tc = std::get_if<TimeCondition>(&step.body)) {
      if (tc->then_steps) for_each_step(*tc->then_steps, here + "/then", true, visit);
      if (tc->else_steps) for_each_step(*tc->else_steps, here + "/else", true, visit);
    } else if (const auto* menu = std::get_if<Menu>(&step.body)) {
      for (const MenuOption& option : menu->options) {
        for_each_step(option.steps, here + "/" + option.digit.value, true, visit);
      }
      if (menu->invalid) for_each_step(*menu->invalid, here + "/invalid", true, visit);
    }
  }
}

void for_each_step(const Tenant& tenant, const StepVisitor& visit) {
  for (const Plan& plan : tenant.plans) for_each_step(plan.steps, plan.id.value, false, visit);
}

}  // namespace callplan::check_detail
