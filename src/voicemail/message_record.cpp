#include "voicemail/message_record.hpp"

#include <date/date.h>
#include <date/tz.h>

#include <nlohmann/json.hpp>

namespace callplan::voicemail {

std::string_view to_string(Reason reason) {
  switch (reason) {
    case Reason::busy: return "busy";
    case Reason::no_answer: return "no_answer";
    case Reason::unavailable: return "unavailable";
    case Reason::closed: return "closed";
  }
  return "no_answer";
}

std::optional<Reason> parse_reason(std::string_view text) {
  for (Reason r : {Reason::busy, Reason::no_answer, Reason::unavailable, Reason::closed}) {
    if (to_string(r) == text) return r;
  }
  return std::nullopt;
}

std::string_view to_string(MessageState state) { return state == MessageState::saved ? "saved" : "new"; }

std::optional<MessageState> parse_state(std::string_view text) {
  if (text == "new") return MessageState::new_message;
  if (text == "saved") return MessageState::saved;
  return std::nullopt;
}

std::string to_json(const MessageRecord& r) {
  nlohmann::ordered_json j;
  j["format"] = 1;
  j["id"] = r.id;
  j["caller"] = r.caller;
  j["caller_name"] = r.caller_name;
  j["called"] = r.called;
  j["received"] = r.received;
  j["seconds"] = r.seconds;
  j["reason"] = to_string(r.reason);
  j["state"] = to_string(r.state);
  j["audio"] = "message.wav";
  return j.dump(2) + "\n";
}

media::Expected<MessageRecord, std::string> parse_message_record(std::string_view json) {
  const auto j = nlohmann::json::parse(json.begin(), json.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return std::string("not valid JSON");
  if (!j.is_object()) return std::string("not a JSON object");
  auto text = [&](const char* key, std::string& out) -> std::optional<std::string> {
    auto it = j.find(key);
    if (it == j.end()) return std::string("field \"") + key + "\" is missing";
    if (!it->is_string()) return std::string("field \"") + key + "\" is not a string";
    out = it->get<std::string>();
    return std::nullopt;
  };
  if (auto f = j.find("format"); f == j.end() || !f->is_number_integer() || f->get<int>() != 1) {
    return std::string("field \"format\" is not 1");
  }
  MessageRecord r;
  std::string reason, state;
  for (auto [key, out] : {std::pair{"id", &r.id}, {"caller", &r.caller}, {"caller_name", &r.caller_name},
                          {"called", &r.called}, {"received", &r.received}, {"reason", &reason},
                          {"state", &state}}) {
    if (auto problem = text(key, *out)) return *problem;
  }
  auto seconds = j.find("seconds");
  if (seconds == j.end() || !seconds->is_number() || seconds->get<double>() < 0) {
    return std::string("field \"seconds\" is missing or not a length");
  }
  r.seconds = seconds->get<double>();
  auto parsed_reason = parse_reason(reason);
  if (!parsed_reason) return "field \"reason\" is \"" + reason + "\", not busy, no_answer, unavailable or closed";
  r.reason = *parsed_reason;
  auto parsed_state = parse_state(state);
  if (!parsed_state) return "field \"state\" is \"" + state + "\", not new or saved";
  r.state = *parsed_state;
  return r;
}

media::Expected<std::string, std::string> format_local_time(std::chrono::system_clock::time_point when,
                                                            std::string_view zone) {
  try {
    const date::time_zone* tz = date::locate_zone(zone);
    const auto local = date::make_zoned(tz, std::chrono::floor<std::chrono::seconds>(when));
    return date::format("%FT%T%Ez", local);
  } catch (const std::exception&) {
    return media::Unexpected{"unknown time zone \"" + std::string(zone) + "\""};
  }
}

}  // namespace callplan::voicemail
