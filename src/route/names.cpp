// The words the trace and the APIs use for the session's enums (SPEC section 5).
#include <cstddef>

#include "callplan/session.hpp"
#include "callplan/trace.hpp"
#include "model/words.hpp"

namespace callplan {

// Presence and disposition are words of the domain, written once in model/words.hpp in the
// enums' order; the engine indexes them (and tests/route/words_test.cpp holds the order).
static_assert(kPresenceWords.size() == static_cast<std::size_t>(Presence::no_device) + 1);
static_assert(kDispositionWords.size() == static_cast<std::size_t>(Disposition::rejected) + 1);

std::string_view to_string(Presence p) {
  const auto i = static_cast<std::size_t>(p);
  return i < kPresenceWords.size() ? kPresenceWords[i] : kPresenceWords[0];
}

std::optional<Presence> parse_presence(std::string_view text) {
  for (std::size_t i = 0; i < kPresenceWords.size(); ++i) {
    if (kPresenceWords[i] == text) return static_cast<Presence>(i);
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
  const auto i = static_cast<std::size_t>(d);
  return i < kDispositionWords.size() ? kDispositionWords[i] : "unanswered";
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
