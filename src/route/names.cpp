// The words the trace and the APIs use for the session's enums (SPEC section 5).
#include "callplan/session.hpp"
#include "callplan/trace.hpp"

namespace callplan {

std::string_view to_string(Presence p) {
  switch (p) {
    case Presence::available: return "available";
    case Presence::offline: return "offline";
    case Presence::busy: return "busy";
    case Presence::dnd: return "dnd";
    case Presence::no_device: return "no_device";
  }
  return "available";
}

std::optional<Presence> parse_presence(std::string_view text) {
  for (Presence p : {Presence::available, Presence::offline, Presence::busy, Presence::dnd,
                     Presence::no_device}) {
    if (to_string(p) == text) return p;
  }
  return std::nullopt;
}

std::string_view to_string(SkipReason r) {
  switch (r) {
    case SkipReason::offline: return "offline";
    case SkipReason::busy: return "busy";
    case SkipReason::dnd: return "dnd";
    case SkipReason::no_device: return "no_device";
    case SkipReason::caller: return "caller";
    case SkipReason::duplicate: return "duplicate";
  }
  return "offline";
}

std::string_view to_string(StopReason r) {
  switch (r) {
    case StopReason::timeout: return "timeout";
    case StopReason::max_duration: return "max_duration";
    case StopReason::busy: return "busy";
    case StopReason::answered_elsewhere: return "answered_elsewhere";
    case StopReason::caller_hangup: return "caller_hangup";
  }
  return "timeout";
}

std::string_view to_string(Disposition d) {
  switch (d) {
    case Disposition::answered: return "answered";
    case Disposition::voicemail: return "voicemail";
    case Disposition::hangup: return "hangup";
    case Disposition::unanswered: return "unanswered";
    case Disposition::abandoned: return "abandoned";
    case Disposition::rejected: return "rejected";
  }
  return "unanswered";
}

std::string_view to_string(RejectReason r) {
  switch (r) {
    case RejectReason::unknown_number: return "unknown_number";
    case RejectReason::unknown_extension: return "unknown_extension";
    case RejectReason::unlinked_device: return "unlinked_device";
    case RejectReason::unknown_device: return "unknown_device";
  }
  return "unknown_number";
}

std::string_view to_string(LoopReason r) {
  switch (r) {
    case LoopReason::loop: return "loop";
    case LoopReason::max_plans: return "max_plans";
  }
  return "loop";
}

}  // namespace callplan
