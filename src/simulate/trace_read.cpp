// Trace::from_json: a JSON trace of SPEC 5 read back into a Trace (the Python package renders
// the timeline of traces read from JSON through it, so that text has one renderer).
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "callplan/error.hpp"
#include "callplan/trace.hpp"

namespace callplan {

namespace {

using Json = nlohmann::json;

// One JSON object of the trace, read key by key; every problem names where it is.
class Reader {
 public:
  Reader(const Json& object, std::string where) : j_(object), where_(std::move(where)) {
    if (!j_.is_object()) fail("not an object");
  }

  [[noreturn]] void fail(std::string_view problem) const {
    throw Error(fmt::format("trace: {}: {}", where_, problem));
  }

  bool has(const char* key) const { return j_.contains(key); }

  const Json& object(const char* key) const {
    const Json& v = at(key);
    if (!v.is_object()) fail(fmt::format("`{}` is not an object", key));
    return v;
  }
  const Json& list(const char* key) const {
    const Json& v = at(key);
    if (!v.is_array()) fail(fmt::format("`{}` is not a list", key));
    return v;
  }

  std::string text(const char* key) const {
    const Json& v = at(key);
    if (!v.is_string()) fail(fmt::format("`{}` is not a string", key));
    return v.get<std::string>();
  }
  std::string text_or_empty(const char* key) const { return has(key) ? text(key) : ""; }

  // Traces written before prompts had lengths (SPEC 3.9) have no `seconds`: 0 then.
  std::uint32_t seconds_or_zero(const char* key) const { return has(key) ? seconds(key) : 0; }

  std::uint32_t seconds(const char* key) const {
    const Json& v = at(key);
    if (!v.is_number_unsigned() || v.get<std::uint64_t>() > std::numeric_limits<std::uint32_t>::max()) {
      fail(fmt::format("`{}` is not a whole number of seconds", key));
    }
    return static_cast<std::uint32_t>(v.get<std::uint64_t>());
  }

  bool flag(const char* key) const {
    const Json& v = at(key);
    if (!v.is_boolean()) fail(fmt::format("`{}` is not true or false", key));
    return v.get<bool>();
  }
  bool flag_or_false(const char* key) const { return has(key) && flag(key); }

  std::vector<std::string> texts(const char* key) const {
    const Json& v = at(key);
    std::vector<std::string> out;
    if (!v.is_array()) fail(fmt::format("`{}` is not a list", key));
    for (const Json& item : v) {
      if (!item.is_string()) fail(fmt::format("`{}` has an item that is not a string", key));
      out.push_back(item.get<std::string>());
    }
    return out;
  }

  char digit(const char* key) const {
    std::string d = text(key);
    if (d.size() != 1) fail(fmt::format("`{}` is not one phone key", key));
    return d[0];
  }

  // One of the words to_string() gives for the values of E.
  template <class E, std::size_t N>
  E word(const char* key, const E (&values)[N]) const {
    std::string w = text(key);
    for (E v : values) {
      if (to_string(v) == w) return v;
    }
    fail(fmt::format("`{}` is `{}`, which is not one of its words", key, w));
  }

 private:
  const Json& at(const char* key) const {
    auto it = j_.find(key);
    if (it == j_.end()) fail(fmt::format("`{}` is missing", key));
    return *it;
  }

  const Json& j_;
  std::string where_;
};

constexpr SkipReason kSkipReasons[] = {SkipReason::offline, SkipReason::busy, SkipReason::dnd,
                                       SkipReason::no_device, SkipReason::caller,
                                       SkipReason::duplicate};
constexpr StopReason kStopReasons[] = {StopReason::timeout, StopReason::max_duration,
                                       StopReason::busy, StopReason::answered_elsewhere,
                                       StopReason::caller_hangup};
constexpr LoopReason kLoopReasons[] = {LoopReason::loop, LoopReason::max_plans};
constexpr RejectReason kRejectReasons[] = {RejectReason::unknown_number,
                                           RejectReason::unknown_extension,
                                           RejectReason::unlinked_device,
                                           RejectReason::unknown_device};

TraceDetail read_detail(const Reader& r) {
  const std::string type = r.text("type");
  if (type == "plan") return PlanEvent{r.text("plan")};
  if (type == "condition") return ConditionEvent{r.text("schedule"), r.flag("matched")};
  if (type == "menu") {
    if (r.has("prompt") || r.has("prompt_text")) {
      return MenuPromptEvent{r.text_or_empty("prompt"), r.text_or_empty("prompt_text"),
                             r.seconds("attempt"), r.seconds("timeout"),
                             r.seconds_or_zero("seconds")};
    }
    if (r.flag_or_false("no_digit")) return MenuTimeoutEvent{};
    if (r.flag_or_false("invalid")) return MenuInvalidEvent{r.digit("digit")};
    return MenuDigitEvent{r.digit("digit")};
  }
  if (type == "ring") {
    return RingEvent{r.texts("targets"), r.seconds("timeout"), r.text_or_empty("caller_id")};
  }
  if (type == "skip") return SkipEvent{r.text("target"), r.word("reason", kSkipReasons)};
  if (type == "stop") return StopEvent{r.texts("targets"), r.word("reason", kStopReasons)};
  if (type == "answer") return AnswerEvent{r.text("by")};
  if (type == "announcement") {
    return AnnouncementEvent{r.text_or_empty("audio"), r.text_or_empty("text"),
                             r.seconds_or_zero("seconds")};
  }
  if (type == "voicemail") return VoicemailEvent{r.text("user")};
  if (type == "loop") return LoopEvent{r.text("plan"), r.word("reason", kLoopReasons)};
  if (type == "hangup") return HangupEvent{};
  if (type == "reject") return RejectEvent{r.word("reason", kRejectReasons)};
  r.fail(fmt::format("`type` is `{}`, which is no trace event type", type));
}

constexpr Disposition kDispositions[] = {Disposition::answered, Disposition::voicemail,
                                         Disposition::hangup, Disposition::unanswered,
                                         Disposition::abandoned, Disposition::rejected};

TraceEvent read_event(const Json& object, const std::string& where) {
  Reader r(object, where);
  TraceEvent e;
  e.t = r.seconds("t");
  e.what = read_detail(r);
  e.step = r.text_or_empty("step");
  e.source = r.text_or_empty("source");
  return e;
}

}  // namespace

TraceEvent TraceEvent::from_json(std::string_view text) {
  Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded()) throw Error("trace: the event is not JSON");
  return read_event(j, "event");
}

Trace Trace::from_json(std::string_view text) {
  Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded()) throw Error("trace: not JSON");
  Reader top(j, "the trace");
  Trace trace;
  Reader call(top.object("call"), "call");
  trace.call = {call.text("from"), call.text("to"), call.text("at")};
  const Json& events = top.list("events");
  for (std::size_t i = 0; i < events.size(); ++i) {
    trace.events.push_back(read_event(events[i], fmt::format("events[{}]", i)));
  }
  Reader result(top.object("result"), "result");
  trace.result.disposition = result.word("disposition", kDispositions);
  trace.result.by = result.text_or_empty("by");
  trace.result.user = result.text_or_empty("user");
  trace.result.reason = result.text_or_empty("reason");
  trace.result.t = result.seconds("t");
  return trace;
}

}  // namespace callplan
