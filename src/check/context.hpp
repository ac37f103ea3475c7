// Internal to the checker: what every rule needs — the tenant, where things were written, the
// name indexes, and the list the rules append their issues to.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "callplan/diagnostics.hpp"
#include "callplan/model.hpp"
#include "model/words.hpp"  // is_extension, for the rules

namespace callplan::check_detail {

class Context {
 public:
  explicit Context(const Tenant& tenant);

  const Tenant& tenant() const { return tenant_; }

  // The place of `id`, or of `fallback` when `id` is kNoSource (a default value points at the
  // element that has it).
  Location at(SourceId id, SourceId fallback = kNoSource) const;

  // Appends an issue of `code` (severity from the catalogue) and returns it, so that the rule
  // can add notes and hints.
  Issue& report(std::string_view code, std::string message, SourceId where,
                SourceId fallback = kNoSource);
  void note(Issue& issue, std::string message, SourceId where, SourceId fallback = kNoSource);

  // First definition wins: duplicates are reported by their own rule (CP200-205) and every
  // reference resolves to the first one.
  const User* find_user(std::string_view extension) const;
  const Plan* find_plan(std::string_view id) const;
  const Schedule* find_schedule(std::string_view name) const;

  // Names for "did you mean" hints.
  const std::vector<std::string_view>& extensions() const { return extensions_; }
  const std::vector<std::string_view>& plan_ids() const { return plan_ids_; }
  const std::vector<std::string_view>& schedule_names() const { return schedule_names_; }

  // Number of devices linked to the user with this extension.
  std::size_t device_count(std::string_view extension) const;

  // A number in a canonical form for comparing: E.164 when it can be normalised with the
  // tenant's country, else as written.
  std::string canonical_number(std::string_view written) const;
  bool is_tenant_number(std::string_view written) const;

  Issues take_issues() { return std::move(issues_); }

 private:
  const Tenant& tenant_;
  Issues issues_;
  std::map<std::string, const User*, std::less<>> users_;
  std::map<std::string, const Plan*, std::less<>> plans_;
  std::map<std::string, const Schedule*, std::less<>> schedules_;
  std::map<std::string, std::size_t, std::less<>> devices_per_user_;
  std::vector<std::string_view> extensions_;
  std::vector<std::string_view> plan_ids_;
  std::vector<std::string_view> schedule_names_;
  // Canonical forms; a set because every user and transfer caller ID is looked up here.
  std::unordered_set<std::string> tenant_numbers_;
};

// Calls `visit(step, path, conditional)` for every step of `steps`, depth first in file
// order, including the steps inside time_condition branches, menu options and `invalid`.
// `path` is the SPEC 5 step path ("main/0/else/1"); `conditional` is true inside a branch
// that depends on time or digits.
using StepVisitor = std::function<void(const Step& step, const std::string& path, bool conditional)>;
void for_each_step(const StepList& steps, const std::string& path, bool conditional,
                   const StepVisitor& visit);
void for_each_step(const Tenant& tenant, const StepVisitor& visit);

}  // namespace callplan::check_detail
