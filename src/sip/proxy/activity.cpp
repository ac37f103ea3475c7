// What a phone is doing now, from the proxy's own call state: for busy lamps (the `dialog`
// event package, src/sip/events/dialog_package.hpp).
#include <algorithm>

#include "sip/proxy/call.hpp"
#include "sip/proxy/proxy.hpp"

namespace callplan::sip {

std::string_view to_string(PhoneActivity activity) noexcept {
  switch (activity) {
    case PhoneActivity::idle: return "terminated";
    case PhoneActivity::trying: return "trying";
    case PhoneActivity::early: return "early";
    case PhoneActivity::confirmed: return "confirmed";
  }
  return "terminated";
}

PhoneActivity Proxy::activity(std::string_view username) const {
  PhoneActivity most = PhoneActivity::idle;
  auto raise = [&most](PhoneActivity a) { most = std::max(most, a); };
  // Answered calls whose dialog is up (until their BYE).
  for (const auto& [key, open] : open_records_) {
    if (open.record.caller_device == username || open.record.answered_device == username)
      return PhoneActivity::confirmed;
  }
  // Calls being set up: the caller trying, the phones being rung, or the one that answered
  // before the call's set-up is over.
  for (const auto& [id, call] : calls_) {
    if (call->final_sent && !call->answered) continue;  // over: only branches ending
    if (call->record.caller_device == username)
      raise(call->answered ? PhoneActivity::confirmed : PhoneActivity::trying);
    for (std::size_t i = 0; i < call->branches.size(); ++i) {
      const Branch& branch = call->branches[i];
      if (branch.device != username) continue;
      if (call->winner == i)
        raise(PhoneActivity::confirmed);
      else if (!branch.done && !call->final_sent)
        raise(PhoneActivity::early);
    }
  }
  return most;
}

}  // namespace callplan::sip
