// media/engine/control_protocol.cpp — request lines to typed commands; replies and events.
#include "media/engine/control_protocol.hpp"

#include <fmt/format.h>

namespace callplan::media::engine {
namespace {

using nlohmann::json;

// A field problem, thrown inside this file only and turned into a bad-request reply.
struct FieldError {
  std::string message;
};

const json* find(const json& object, const char* key) {
  auto it = object.find(key);
  return it == object.end() || it->is_null() ? nullptr : &*it;
}

std::string string_field(const json& o, const char* key, bool required, std::string fallback = {}) {
  const json* v = find(o, key);
  if (!v) {
    if (required) throw FieldError{fmt::format("field \"{}\" is missing", key)};
    return fallback;
  }
  if (!v->is_string()) throw FieldError{fmt::format("field \"{}\" must be a string", key)};
  return v->get<std::string>();
}

bool bool_field(const json& o, const char* key, bool fallback) {
  const json* v = find(o, key);
  if (!v) return fallback;
  if (!v->is_boolean()) throw FieldError{fmt::format("field \"{}\" must be true or false", key)};
  return v->get<bool>();
}

double number_field(const json& o, const char* key, double fallback, double low, double high) {
  const json* v = find(o, key);
  if (!v) return fallback;
  if (!v->is_number()) throw FieldError{fmt::format("field \"{}\" must be a number", key)};
  double value = v->get<double>();
  if (!(value >= low && value <= high))
    throw FieldError{fmt::format("field \"{}\" must be between {} and {}", key, low, high)};
  return value;
}

PromptRef prompt_field(const json& o) {
  const json* p = find(o, "prompt");
  if (!p) throw FieldError{"field \"prompt\" is missing"};
  if (!p->is_object()) throw FieldError{"field \"prompt\" must be an object: {\"file\"}, {\"text\", \"language\"} or {\"tone\"}"};
  int kinds = (find(*p, "file") ? 1 : 0) + (find(*p, "text") ? 1 : 0) + (find(*p, "tone") ? 1 : 0);
  if (kinds != 1) throw FieldError{"a prompt has exactly one of \"file\", \"text\", \"tone\""};
  PromptRef ref;
  if (find(*p, "file")) {
    ref.kind = PromptRef::Kind::file;
    ref.value = string_field(*p, "file", true);
  } else if (find(*p, "text")) {
    ref.kind = PromptRef::Kind::text;
    ref.value = string_field(*p, "text", true);
    ref.language = string_field(*p, "language", false, "en");
  } else {
    ref.kind = PromptRef::Kind::tone;
    ref.value = string_field(*p, "tone", true);
    if (ref.value != "beep" && ref.value != "ringback")
      throw FieldError{fmt::format("unknown tone \"{}\": \"beep\" or \"ringback\"", ref.value)};
  }
  if (ref.value.empty()) throw FieldError{"the prompt is empty"};
  if (find(*p, "greeting")) {
    if (ref.kind != PromptRef::Kind::text)
      throw FieldError{"a \"greeting\" prompt has the default greeting as \"text\""};
    ref.greeting_of = string_field(*p, "greeting", true);
  }
  return ref;
}

Command command_of(const std::string& op, const json& o) {
  if (op == "open") {
    OpenCmd c;
    if (find(o, "offer")) c.offer = string_field(o, "offer", true);
    if (find(o, "rtp_timeout_ms"))
      c.rtp_timeout_ms = static_cast<std::uint32_t>(number_field(o, "rtp_timeout_ms", 0, 100, 3'600'000));
    return c;
  }
  if (op == "answer") return AnswerCmd{string_field(o, "sdp", true)};
  if (op == "reoffer") return ReofferCmd{string_field(o, "sdp", true)};
  if (op == "play") return PlayCmd{prompt_field(o), bool_field(o, "barge_in", false), bool_field(o, "flush", false)};
  if (op == "stop") return StopCmd{};
  if (op == "collect")
    return CollectCmd{static_cast<std::uint32_t>(number_field(o, "timeout_ms", 5000, 0, 600'000)),
                      bool_field(o, "flush", false)};
  if (op == "ringback") return RingbackCmd{bool_field(o, "on", true)};
  if (op == "record") {
    RecordCmd c;
    std::string kind = string_field(o, "kind", false, "message");
    if (kind != "message" && kind != "greeting")
      throw FieldError{fmt::format("kind \"{}\": \"message\" or \"greeting\"", kind)};
    c.greeting = kind == "greeting";
    c.company = string_field(o, "company", true);
    c.extension = string_field(o, "extension", true);
    c.caller = string_field(o, "caller", !c.greeting);
    c.caller_name = string_field(o, "caller_name", false);
    c.called = string_field(o, "called", !c.greeting);
    c.reason = string_field(o, "reason", !c.greeting, "closed");
    c.time_zone = string_field(o, "time_zone", false, "UTC");
    c.max_seconds = number_field(o, "max_seconds", 180.0, 1.0, 3600.0);
    c.silence_seconds = number_field(o, "silence_seconds", 10.0, 0.5, 3600.0);
    c.beep = bool_field(o, "beep", true);
    c.email = string_field(o, "email", false);
    c.email_name = string_field(o, "email_name", false);
    c.language = string_field(o, "language", false, "en");
    return c;
  }
  if (op == "mailbox") {
    MailboxCmd c;
    std::string action = string_field(o, "action", true);
    if (action == "list") c.action = MailboxCmd::Action::list;
    else if (action == "save") c.action = MailboxCmd::Action::save;
    else if (action == "delete") c.action = MailboxCmd::Action::remove;
    else if (action == "keep_greeting") c.action = MailboxCmd::Action::keep_greeting;
    else
      throw FieldError{fmt::format("action \"{}\": list, save, delete or keep_greeting", action)};
    c.company = string_field(o, "company", true);
    c.extension = string_field(o, "extension", true);
    const bool one_message = c.action == MailboxCmd::Action::save || c.action == MailboxCmd::Action::remove;
    c.id = string_field(o, "message", one_message);
    c.time_zone = string_field(o, "time_zone", false, "UTC");
    return c;
  }
  if (op == "bridge") return BridgeCmd{string_field(o, "with", true)};
  if (op == "unbridge") return UnbridgeCmd{};
  if (op == "close") return CloseCmd{};
  if (op == "ping") return PingCmd{};
  throw ProtocolError{std::string(errc::unknown_op), fmt::format("unknown op \"{}\"", op)};
}

}  // namespace

Parsed parse_request(std::string_view line) {
  Parsed out;
  if (line.size() > kMaxLineBytes) {
    out.error = ProtocolError{std::string(errc::bad_request),
                              fmt::format("request longer than {} bytes", kMaxLineBytes)};
    return out;
  }
  json o = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (o.is_discarded()) {
    out.error = ProtocolError{std::string(errc::bad_request), "not valid JSON"};
    return out;
  }
  if (!o.is_object()) {
    out.error = ProtocolError{std::string(errc::bad_request), "a request is a JSON object"};
    return out;
  }
  if (auto it = o.find("id"); it != o.end()) out.id = *it;
  try {
    if (!out.id.is_number_integer() && !out.id.is_string())
      throw FieldError{"field \"id\" is missing or not a number or string"};
    Request request;
    request.id = out.id;
    request.op = string_field(o, "op", true);
    request.command = command_of(request.op, o);
    if (request.op != "ping") {
      request.leg = string_field(o, "leg", true);
      if (request.leg.empty() || request.leg.size() > 128)
        throw FieldError{"field \"leg\" must be 1-128 characters"};
    }
    out.request = std::move(request);
  } catch (const FieldError& e) {
    out.error = ProtocolError{std::string(errc::bad_request), e.message};
  } catch (const ProtocolError& e) {
    out.error = e;
  } catch (const json::exception& e) {  // a number out of range for get<>
    out.error = ProtocolError{std::string(errc::bad_request), e.what()};
  }
  return out;
}

json ok_reply(const json& id, json fields) {
  fields["id"] = id;
  fields["ok"] = true;
  return fields;
}

json error_reply(const json& id, std::string_view code, std::string_view message) {
  return json{{"id", id}, {"ok", false}, {"code", code}, {"message", message}};
}

json event(std::string_view name, std::string_view leg, json fields) {
  fields["event"] = name;
  fields["leg"] = leg;
  return fields;
}

}  // namespace callplan::media::engine
