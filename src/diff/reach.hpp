// Internal to diff: what one call's routing can depend on, so that a diff routes only the calls
// a change can reach.
//
// A call to a number or an extension consults a closed part of the tenant: the number's plan,
// the plans it enters (goto, a transfer that follows a personal plan), the users it rings or
// sends to voicemail with their devices and personal plans, the schedules its time conditions
// ask (and the ones those subtract), the caller, and the tenant's own settings (zone, country,
// language). `RoutingInputs::of` writes that part out as canonical text. When the text is the
// same in both versions, the call is routed alike in both, at every time, with anyone busy and
// any digits pressed: the diff need not route it. The text errs on the side of including too
// much (a changed source position or an item nothing reads only costs a routed call).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "callplan/engine.hpp"
#include "callplan/model.hpp"

namespace callplan::diff_detail {

class RoutingInputs {
 public:
  // Keeps references to both arguments: they must outlive this object.
  RoutingInputs(const Tenant& tenant, const Engine& engine);

  // The canonical text of everything a call from `caller` (an extension, or "anonymous") to
  // `dial` (E.164 number or extension) can consult.
  std::string of(const std::string& dial, const std::string& caller);

 private:
  // Items are named "user:001", "caller:002", "plan:main", "schedule:office", "number:+3188...".
  const std::string& item_text(const std::string& key);
  std::string describe(const std::string& key, std::vector<std::string>& refs) const;

  const Tenant& tenant_;
  const Engine& engine_;
  std::map<std::string, const User*> users_;
  std::map<std::string, std::vector<const Device*>> devices_;  // by the user's extension
  std::map<std::string, const Plan*> plans_;
  std::map<std::string, const Schedule*> schedules_;
  std::map<std::string, const Number*> numbers_;  // by E.164
  // key -> (text, keys it refers to)
  std::map<std::string, std::pair<std::string, std::vector<std::string>>> memo_;
};

}  // namespace callplan::diff_detail
