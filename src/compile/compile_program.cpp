// Tenant model -> Program. Names are resolved to indexes here, once, so that routing never
// looks anything up by name except the dialled number and the caller.
#include <algorithm>
#include <fmt/format.h>

#include "callplan/prompts.hpp"
#include "compile/program.hpp"
#include "model/phone_number.hpp"
#include "model/overloaded.hpp"
#include "model/words.hpp"

namespace callplan::detail {

namespace {

class Compiler {
 public:
  explicit Compiler(const Tenant& t) : t_(t) {}

  Program run() {
    p_.tenant_name = t_.info.name.value;
    p_.timezone = t_.info.timezone.value;
    p_.country = t_.info.country.value;
    p_.schedules = ScheduleSet::compile(t_);
    index_users_and_devices();
    declare_plans();
    index_numbers();
    for (std::size_t i = 0; i < t_.plans.size(); ++i) {
      const Plan& plan = t_.plans[i];
      p_.plans[i].steps = compile_list(plan.steps, plan.id.value, 1);
    }
    compile_default_personal_plans();
    return std::move(p_);
  }

 private:
  [[noreturn]] void dangling(std::string_view what, std::string_view name, SourceId where) {
    Location at = t_.sources.location(where);
    throw Error(fmt::format("cannot compile: {} `{}` does not exist ({}:{}:{}); check the tenant "
                            "first",
                            what, name, at.file, at.line, at.column));
  }

  std::string source_of(SourceId id) const {
    Location at = t_.sources.location(id);
    if (!at.known()) return {};
    return fmt::format("{}:{}:{}", at.file, at.line, at.column);
  }

  void index_users_and_devices() {
    p_.users.reserve(t_.users.size());
    for (const User& u : t_.users) {
      CompiledUser cu;
      cu.extension = u.extension.value;
      cu.caller_id = u.caller_id.value;
      cu.voicemail = u.voicemail.value;
      p_.user_by_extension.emplace(cu.extension, static_cast<UserIndex>(p_.users.size()));
      p_.users.push_back(std::move(cu));
    }
    for (const Device& d : t_.devices) {
      CompiledDevice cd;
      cd.id = d.id.value;
      cd.sip_username = d.sip.username.value;
      auto index = static_cast<DeviceIndex>(p_.devices.size());
      if (!d.user.value.empty()) {
        const UserIndex* u = p_.user_by_extension.find(d.user.value);
        if (u == nullptr) dangling("user", d.user.value, d.user.where);
        cd.user = *u;
        p_.users[*u].devices.push_back(index);
      }
      p_.device_by_id.emplace(cd.id, index);
      if (!cd.sip_username.empty()) p_.device_by_sip_username.emplace(cd.sip_username, index);
      p_.devices.push_back(std::move(cd));
    }
  }

  void declare_plans() {
    for (const Plan& plan : t_.plans) {
      auto id = static_cast<PlanId>(p_.plans.size());
      plan_by_id_.emplace(plan.id.value, id);
      p_.plans.push_back({plan.id.value, source_of(plan.where), kNoList});
    }
    // Users without a plan of their own get the default personal plan (SPEC 3.2), compiled
    // after the tenant's plans; its id cannot clash with a plan id (':' is not allowed there).
    for (std::size_t i = 0; i < t_.users.size(); ++i) {
      const User& u = t_.users[i];
      if (!u.plan.value.empty()) {
        auto it = plan_by_id_.find(u.plan.value);
        if (it == plan_by_id_.end()) dangling("plan", u.plan.value, u.plan.where);
        p_.users[i].personal_plan = it->second;
      } else {
        p_.users[i].personal_plan = static_cast<PlanId>(p_.plans.size());
        p_.plans.push_back({"personal:" + u.extension.value, source_of(u.where), kNoList});
      }
    }
  }

  void index_numbers() {
    for (const Number& n : t_.numbers) {
      auto plan = plan_by_id_.find(n.plan.value);
      if (plan == plan_by_id_.end()) dangling("plan", n.plan.value, n.plan.where);
      auto index = static_cast<std::uint32_t>(p_.numbers.size());
      p_.numbers.push_back({n.number.value, plan->second});
      p_.number_by_key.emplace(n.number.value, index);
      p_.number_by_key.emplace(normalise_for_lookup(n.number.value, p_.country), index);
    }
  }

  void compile_default_personal_plans() {
    for (std::size_t i = 0; i < t_.users.size(); ++i) {
      if (!t_.users[i].plan.value.empty()) continue;
      CompiledUser& u = p_.users[i];
      CompiledPlan& plan = p_.plans[u.personal_plan];
      std::vector<StepId> items;
      CompiledStep ring;
      ring.kind = StepKind::ring;
      ring.path = plan.id + "/0";
      ring.source = plan.source;
      ring.members_begin = static_cast<std::uint32_t>(p_.members.size());
      ring.members_count = 1;
      p_.members.push_back({Member::Kind::user, static_cast<UserIndex>(i), u.extension,
                            u.extension, 0});
      items.push_back(add_step(std::move(ring)));
      if (u.voicemail) {
        CompiledStep vm;
        vm.kind = StepKind::voicemail;
        vm.path = plan.id + "/1";
        vm.source = plan.source;
        vm.user = static_cast<UserIndex>(i);
        items.push_back(add_step(std::move(vm)));
      }
      plan.steps = add_list(items);
    }
  }

  StepId add_step(CompiledStep step) {
    auto id = static_cast<StepId>(p_.steps.size());
    p_.steps.push_back(std::move(step));
    return id;
  }

  ListId add_list(const std::vector<StepId>& items) {
    auto id = static_cast<ListId>(p_.lists.size());
    p_.lists.push_back({static_cast<std::uint32_t>(p_.list_items.size()),
                        static_cast<std::uint32_t>(items.size())});
    p_.list_items.insert(p_.list_items.end(), items.begin(), items.end());
    return id;
  }

  ListId compile_list(const StepList& steps, const std::string& prefix, std::uint32_t depth) {
    p_.max_list_depth = std::max(p_.max_list_depth, depth);
    std::vector<StepId> items;
    items.reserve(steps.size());
    for (std::size_t i = 0; i < steps.size(); ++i) {
      items.push_back(compile_step(steps[i], fmt::format("{}/{}", prefix, i), depth));
    }
    return add_list(items);
  }

  Member make_member(const Located<std::string>& written) {
    Member m;
    m.target = written.value;
    if (const UserIndex* u = p_.user_by_extension.find(written.value)) {
      m.kind = Member::Kind::user;
      m.user = *u;
      m.dial = written.value;
    } else if (is_extension(written.value)) {
      dangling("user", written.value, written.where);
    } else {
      m.kind = Member::Kind::external;
      m.dial = normalise_for_lookup(written.value, p_.country);
    }
    return m;
  }

  void add_members(CompiledStep& step, const std::vector<Member>& members) {
    step.members_begin = static_cast<std::uint32_t>(p_.members.size());
    step.members_count = static_cast<std::uint32_t>(members.size());
    for (std::size_t i = 0; i < members.size(); ++i) {
      Member m = members[i];
      // A member listed twice rings once: remember where its first listing is. External
      // numbers compare in E.164, so "0612345678" and "+31612345678" are one member.
      m.first = static_cast<std::uint32_t>(i);
      for (std::size_t j = 0; j < i; ++j) {
        if (members[j].kind == m.kind && members[j].dial == m.dial) {
          m.first = static_cast<std::uint32_t>(j);
          break;
        }
      }
      p_.members.push_back(std::move(m));
    }
    p_.max_members = std::max(p_.max_members, step.members_count);
  }

  PlanId plan_index(const Located<std::string>& id) {
    auto it = plan_by_id_.find(id.value);
    if (it == plan_by_id_.end()) dangling("plan", id.value, id.where);
    return it->second;
  }

  UserIndex user_index(const Located<std::string>& ext) {
    const UserIndex* u = p_.user_by_extension.find(ext.value);
    if (u == nullptr) dangling("user", ext.value, ext.where);
    return *u;
  }

  StepId compile_step(const Step& step, const std::string& path, std::uint32_t depth) {
    CompiledStep c;
    c.path = path;
    c.source = source_of(step.where);
    c.label = step.label;
    std::visit(
        Overloaded{
            [&](const Transfer& tr) {
              Member target = make_member(tr.to);
              if (target.kind == Member::Kind::user && tr.follow_personal_plan.value) {
                c.kind = StepKind::enter_plan;
                c.plan = p_.users[target.user].personal_plan;
                return;
              }
              c.kind = StepKind::ring;
              c.timeout = tr.timeout.value;
              if (target.kind == Member::Kind::external && !tr.caller_id.value.empty() &&
                  tr.caller_id.value != "caller") {
                c.fixed_caller_id = true;
                c.caller_id = tr.caller_id.value;
              }
              add_members(c, {std::move(target)});
            },
            [&](const RingGroup& rg) {
              c.kind = StepKind::ring;
              c.strategy = rg.strategy.value;
              c.timeout = rg.timeout.value;
              c.max_duration = rg.max_duration.value;
              std::vector<Member> members;
              members.reserve(rg.members.size());
              for (const auto& m : rg.members) members.push_back(make_member(m));
              add_members(c, members);
            },
            [&](const TimeCondition& tc) {
              c.kind = StepKind::time_condition;
              c.schedule_name = tc.schedule.value;
              auto index = p_.schedules.find(tc.schedule.value);
              if (!index) dangling("schedule", tc.schedule.value, tc.schedule.where);
              c.schedule = *index;
              if (tc.then_steps) c.then_list = compile_list(*tc.then_steps, path + "/then", depth + 1);
              if (tc.else_steps) c.else_list = compile_list(*tc.else_steps, path + "/else", depth + 1);
            },
            [&](const Voicemail& vm) {
              c.kind = StepKind::voicemail;
              c.user = user_index(vm.user);
            },
            [&](const Announcement& a) {
              c.kind = StepKind::announcement;
              c.audio = a.audio.value;
              c.text = a.text.value;
              c.prompt_seconds = prompt_timeline_seconds(a.seconds);
            },
            [&](const Menu& m) {
              c.kind = StepKind::menu;
              c.audio = m.prompt.value;
              c.text = m.prompt_text.value;
              c.prompt_seconds = prompt_timeline_seconds(m.seconds);
              c.timeout = m.timeout.value;
              c.retries = m.retries.value;
              std::vector<MenuChoice> choices;
              for (const MenuOption& o : m.options) {
                if (o.digit.value.size() != 1) continue;  // the loader reports it
                choices.push_back({o.digit.value[0],
                                   compile_list(o.steps, path + "/" + o.digit.value, depth + 1)});
              }
              c.choices_begin = static_cast<std::uint32_t>(p_.menu_choices.size());
              c.choices_count = static_cast<std::uint32_t>(choices.size());
              p_.menu_choices.insert(p_.menu_choices.end(), choices.begin(), choices.end());
              if (m.invalid) c.invalid_list = compile_list(*m.invalid, path + "/invalid", depth + 1);
            },
            [&](const Goto& g) {
              c.kind = StepKind::enter_plan;
              c.plan = plan_index(g.plan);
            },
            [&](const Hangup&) { c.kind = StepKind::hangup; },
        },
        step.body);
    return add_step(std::move(c));
  }

  const Tenant& t_;
  Program p_;
  StringMap<PlanId> plan_by_id_;
};

}  // namespace

std::string normalise_for_lookup(std::string_view number, std::string_view country) {
  if (auto e164 = to_e164(number, country)) return *std::move(e164);
  if (looks_like_number(number)) return clean_number(number);
  return std::string(number);
}

Program compile_program(const Tenant& tenant) { return Compiler(tenant).run(); }

}  // namespace callplan::detail
