// `tenant`, `numbers`, `users` and `devices` (SPEC 2).
#include <array>

#include <fmt/format.h>

#include "load/readers.hpp"
#include "load/value_syntax.hpp"
#include "model/phone_models.hpp"
#include "model/words.hpp"

namespace callplan::load {

namespace {

constexpr std::string_view kTenantKeys[] = {"name", "login", "timezone", "country", "language"};
constexpr std::string_view kNumberKeys[] = {"number", "plan", "label"};
constexpr std::string_view kUserKeys[] = {"extension", "first_name", "last_name", "email",
                                          "role",      "caller_id",  "voicemail", "voicemail_pin",
                                          "plan",      "avatar"};
constexpr std::string_view kDeviceKeys[] = {"id", "name", "user", "brand", "model", "mac", "sip",
                                            "provisioning"};
constexpr std::string_view kSipKeys[] = {"username", "password", "ha1_md5", "ha1_sha256"};

constexpr std::pair<std::string_view, Role> kRoles[] = {{"admin", Role::admin},
                                                        {"user", Role::user}};

// The items of a top-level list (`numbers:`, `users:` ...); a map or scalar there is CP102.
std::vector<const YamlNode*> section_items(Reader& reader, const YamlNode& node,
                                           std::string_view section) {
  if (node.is_map()) {
    reader.report("CP102",
                  fmt::format("`{}` must be a list (each entry starting with `- `), not a map",
                              section),
                  node);
    return {};
  }
  return list_items(reader, node, section);
}

void read_user(Reader& reader, const YamlNode& node) {
  MapView map(reader, node, "a user", kUserKeys);
  if (!map.ok()) return;
  User user;
  user.where = reader.where(node);
  if (const YamlNode* v = map.require("extension")) {
    std::string text;
    if (scalar_text(reader, *v, "extension", text) &&
        check_extension(reader, *v, text, "extension")) {
      user.extension = {text, reader.where(*v)};
    }
  }
  read_text(map, "first_name", user.first_name);
  read_text(map, "last_name", user.last_name);
  read_text(map, "email", user.email);
  read_enum<Role>(map, "role", user.role, kRoles);
  if (const YamlNode* v = map.get("caller_id")) {
    std::string text;
    if (scalar_text(reader, *v, "caller_id", text) &&
        check_external_number(reader, *v, text, "caller_id")) {
      user.caller_id = {text, reader.where(*v)};
    }
  }
  read_bool(map, "voicemail", user.voicemail);
  if (const YamlNode* v = map.get("voicemail_pin")) {
    // Read as text: a PIN is digits, and "0123" must keep its leading zero.
    std::string text;
    if (scalar_text(reader, *v, "voicemail_pin", text)) {
      if (is_voicemail_pin(text)) {
        user.voicemail_pin = {text, reader.where(*v)};
      } else {
        Issue& issue = reader.report(
            "CP107",
            fmt::format("`voicemail_pin` must be 4 to 10 digits, not `{}`", text), *v);
        issue.hints.push_back("quote it to keep leading zeros: `voicemail_pin: \"0427\"`");
      }
    }
  }
  if (read_text(map, "plan", user.plan) && user.plan.value.empty()) user.plan = {};
  read_text(map, "avatar", user.avatar);
  reader.tenant().users.push_back(std::move(user));
}

void read_sip(Reader& reader, const YamlNode& node, SipCredentials& sip) {
  MapView map(reader, node, "`sip`", kSipKeys);
  if (!map.ok()) return;
  sip.where = reader.where(node);
  read_text(map, "username", sip.username);
  read_text(map, "password", sip.password);
  auto read_hash = [&](std::string_view key, std::size_t digits, Located<std::string>& out) {
    const YamlNode* v = map.get(key);
    std::string text;
    if (v == nullptr || !scalar_text(reader, *v, key, text)) return;
    if (!is_hex(text, digits)) {
      reader.report("CP124",
                    fmt::format("`{}` must be {} hex digits (0-9, a-f); this is {} characters",
                                key, digits, text.size()),
                    *v);
      return;
    }
    // Digest responses are compared in lower case.
    out = {to_lower(text), reader.where(*v)};
  };
  read_hash("ha1_md5", 32, sip.ha1_md5);
  read_hash("ha1_sha256", 64, sip.ha1_sha256);
  // A password lets the registrar compute both hashes itself; given together with a hash,
  // which one counts would be a guess. Both hashes together are fine (MD5 and SHA-256 digest).
  if (sip.password.given() && (map.has("ha1_md5") || map.has("ha1_sha256"))) {
    const YamlNode* second = map.has("ha1_md5") ? map.key("ha1_md5") : map.key("ha1_sha256");
    Issue& issue = reader.report(
        "CP108", fmt::format("`password` and `{}` are both given; give one of them",
                             second->text),
        *second);
    issue.notes.push_back(Note{"`password` is given here", reader.location(*map.get("password"))});
    issue.hints.push_back("a password covers both MD5 and SHA-256 digest authentication");
  }
}

void read_device(Reader& reader, const YamlNode& node) {
  MapView map(reader, node, "a device", kDeviceKeys);
  if (!map.ok()) return;
  Device device;
  device.where = reader.where(node);
  if (const YamlNode* v = map.require("id")) {
    std::string text;
    if (scalar_text(reader, *v, "id", text) && check_identifier(reader, *v, text, "device id")) {
      device.id = {text, reader.where(*v)};
    }
  }
  read_text(map, "name", device.name);
  if (const YamlNode* v = map.get("user")) {
    std::string text;
    if (scalar_text(reader, *v, "user", text) && check_extension(reader, *v, text, "user")) {
      device.user = {text, reader.where(*v)};
    }
  }
  read_enum<Brand>(map, "brand", device.brand, kBrandWords);
  read_text(map, "model", device.model);
  if (const YamlNode* v = map.get("mac")) {
    std::string text;
    if (scalar_text(reader, *v, "mac", text)) {
      if (is_mac(text)) {
        device.mac = {text, reader.where(*v)};
      } else {
        Issue& issue = reader.report("CP122",
                                     fmt::format("`{}` is not a MAC address (12 hex digits, "
                                                 "e.g. 80:5E:C0:11:22:33)",
                                                 text),
                                     *v);
        issue.hints.push_back(
            "copy it from the label on the phone or its box: 12 hex digits, written together "
            "or in pairs separated by `:` or `-`");
      }
    }
  }
  if (const YamlNode* v = map.get("sip"); v != nullptr && !v->is_null()) {
    read_sip(reader, *v, device.sip);
  }
  if (const YamlNode* v = map.get("provisioning"); v != nullptr && !v->is_null()) {
    read_device_provisioning(reader, *v, device.provisioning);
  }
  reader.tenant().devices.push_back(std::move(device));
}

void read_number(Reader& reader, const YamlNode& node) {
  MapView map(reader, node, "a number", kNumberKeys);
  if (!map.ok()) return;
  Number number;
  number.where = reader.where(node);
  // The syntax of tenant numbers depends on tenant.country, which may be in another file:
  // it is checked once everything is read (loader.cpp).
  if (const YamlNode* v = map.require("number")) {
    std::string text;
    if (scalar_text(reader, *v, "number", text)) number.number = {text, reader.where(*v)};
  }
  if (const YamlNode* v = map.require("plan")) {
    std::string text;
    if (scalar_text(reader, *v, "plan", text)) number.plan = {text, reader.where(*v)};
  }
  read_text(map, "label", number.label);
  reader.tenant().numbers.push_back(std::move(number));
}

}  // namespace

void read_tenant_info(Reader& reader, const YamlNode& node) {
  MapView map(reader, node, "`tenant`", kTenantKeys);
  if (!map.ok()) return;
  TenantInfo& info = reader.tenant().info;
  info.where = reader.where(node);
  if (map.require("name")) read_text(map, "name", info.name);
  if (const YamlNode* v = map.require("login")) {
    std::string text;
    if (scalar_text(reader, *v, "login", text)) {
      if (is_login(text)) {
        info.login = {text, reader.where(*v)};
      } else {
        Issue& issue = reader.report(
            "CP122",
            fmt::format("`{}` is not a valid login name; use lower-case letters, digits and "
                        "`-` only",
                        text),
            *v);
        std::string lower = to_lower(text);
        std::string fixed;
        for (char c : lower) {
          if (is_login(std::string_view(&c, 1))) fixed.push_back(c);
          if (c == ' ' || c == '_' || c == '.') fixed.push_back('-');
        }
        if (!fixed.empty()) issue.hints.push_back(fmt::format("for example `{}`", fixed));
      }
    }
  }
  if (map.require("timezone")) read_text(map, "timezone", info.timezone);
  if (const YamlNode* v = map.get("country")) {
    std::string text;
    if (scalar_text(reader, *v, "country", text)) {
      bool two_letters = text.size() == 2 && text[0] >= 'A' && text[0] <= 'Z' &&
                         text[1] >= 'A' && text[1] <= 'Z';
      if (two_letters) {
        info.country = {text, reader.where(*v)};
      } else {
        Issue& issue = reader.report(
            "CP107",
            fmt::format("`{}` is not a country code; use ISO 3166 letters such as `NL`", text),
            *v);
        std::string upper = text;
        for (char& c : upper) {
          if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        }
        if (upper.size() == 2) issue.hints.push_back(fmt::format("write `{}`", upper));
      }
    }
  }
  if (const YamlNode* v = map.get("language")) {
    std::string text;
    if (scalar_text(reader, *v, "language", text)) {
      if (is_language(text)) {
        info.language = {text, reader.where(*v)};
      } else {
        Issue& issue = reader.report(
            "CP107",
            fmt::format("`{}` is not a language; use an espeak-ng voice name such as `nl`, "
                        "`en` or `en-us`",
                        text),
            *v);
        std::string lower = to_lower(text);
        for (char& c : lower) {
          if (c == '_') c = '-';
        }
        if (lower != text && is_language(lower)) {
          issue.hints.push_back(fmt::format("write `{}`", lower));
        }
      }
    }
  }
}

void read_numbers(Reader& reader, const YamlNode& node) {
  for (const YamlNode* item : section_items(reader, node, "numbers")) read_number(reader, *item);
}

void read_users(Reader& reader, const YamlNode& node) {
  for (const YamlNode* item : section_items(reader, node, "users")) read_user(reader, *item);
}

void read_devices(Reader& reader, const YamlNode& node) {
  for (const YamlNode* item : section_items(reader, node, "devices")) read_device(reader, *item);
}

}  // namespace callplan::load
