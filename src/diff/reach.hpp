// Internal to diff: what one call's routing can depend on, so that a diff routes only the calls
// a change can reach.
//
// A call to a number or an extension consults a closed part of the tenant: the number's plan,
// the plans it enters (goto, a transfer that follows a personal plan), the users it rings or
// sends to voicemail with their devices and personal plans, the schedules its time conditions
// ask (and the ones those subtract), the caller, and the tenant's own settings (zone, country,
// language). Each item of that part is written out as canonical text (RoutingItems). When no
// item a call can reach differs between the versions, the call is routed alike in both, at
// every time, with anyone busy and any digits pressed: the diff need not route it
// (ChangeReach, found backwards from the changed items, in one pass for all calls). The text
// errs on the side of including too much (an item nothing reads only costs a routed call).
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "callplan/engine.hpp"
#include "callplan/model.hpp"

namespace callplan::diff_detail {

// One version's items, each as canonical text with the items it refers to.
class RoutingItems {
 public:
  // Keeps references to both arguments: they must outlive this object.
  RoutingItems(const Tenant& tenant, const Engine& engine);

  // Items are named "user:001", "caller:002", "plan:main", "schedule:office",
  // "number:+31881234567". An item the version does not have is "absent", with no references.
  const std::string& text(const std::string& key);
  const std::vector<std::string>& refs(const std::string& key);
  // Every item the version has.
  std::vector<std::string> keys() const;
  // The tenant's own settings every call depends on (zone, country, language, name, login).
  std::string settings() const;

 private:
  using Item = std::pair<std::string, std::vector<std::string>>;
  const Item& item(const std::string& key);
  std::string describe(const std::string& key, std::vector<std::string>& refs) const;

  const Tenant& tenant_;
  const Engine& engine_;
  std::map<std::string, const User*> users_;
  std::map<std::string, std::vector<const Device*>> devices_;  // by the user's extension
  std::map<std::string, const Plan*> plans_;
  std::map<std::string, const Schedule*> schedules_;
  std::map<std::string, const Number*> numbers_;  // by E.164
  std::map<std::string, Item> memo_;
};

// Which calls a change can reach: the items whose text differs between the versions, and
// every item that refers to one of them, directly or not, in either version.
class ChangeReach {
 public:
  ChangeReach(const Tenant& before, const Engine& before_engine, const Tenant& after,
              const Engine& after_engine);
  // Whether a call from `caller` (an extension, or "anonymous") to `dial` (E.164 number or
  // extension) can route differently.
  bool reaches(const std::string& dial, const std::string& caller) const;

 private:
  bool everything_ = false;      // the tenant's own settings changed
  std::set<std::string> tainted_;  // changed items and what reaches them
};

}  // namespace callplan::diff_detail
