// Builds REGISTER requests for the registrar tests: the text and its parsed Message together,
// since a Message only views the text it was parsed from.
#pragma once

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "callplan/diagnostics.hpp"
#include "callplan/load.hpp"
#include "sip/message.hpp"
#include "sip/registrar/credentials.hpp"

namespace callplan::sip::test {

struct RegisterSpec {
  std::string user = "acme-desk";  // the To / From user
  std::string request_uri = "sip:acme";
  std::string method = "REGISTER";
  std::string call_id = "reg-1@192.0.2.10";
  unsigned cseq = 1;
  std::vector<std::string> contacts;  // each becomes one Contact header line
  std::string expires;                // "" for no Expires header
  std::vector<std::string> authorization;  // Authorization header values
};

// The text lives on the heap so the Message's views stay valid when this is moved.
struct ParsedRequest {
  std::unique_ptr<std::string> text;
  Message message;
};

inline ParsedRequest parse_request(std::string text) {
  ParsedRequest r{std::make_unique<std::string>(std::move(text)), Message{}};
  const ParseResult result = parse_message(*r.text, r.message);
  if (!result.ok()) {
    throw std::runtime_error("test request does not parse: " + describe(result, *r.text));
  }
  return r;
}

inline ParsedRequest make_register(const RegisterSpec& spec) {
  std::string t = spec.method + " " + spec.request_uri + " SIP/2.0\r\n";
  t += "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-" + std::to_string(spec.cseq) + "\r\n";
  t += "Max-Forwards: 70\r\n";
  t += "To: <sip:" + spec.user + "@acme>\r\n";
  t += "From: <sip:" + spec.user + "@acme>;tag=f1\r\n";
  t += "Call-ID: " + spec.call_id + "\r\n";
  t += "CSeq: " + std::to_string(spec.cseq) + " " + spec.method + "\r\n";
  for (const std::string& c : spec.contacts) t += "Contact: " + c + "\r\n";
  if (!spec.expires.empty()) t += "Expires: " + spec.expires + "\r\n";
  for (const std::string& a : spec.authorization) t += "Authorization: " + a + "\r\n";
  t += "Content-Length: 0\r\n\r\n";
  return parse_request(std::move(t));
}

// A small tenant (login "acme"): acme-desk has a password, carla only an MD5 HA1 (password
// "carla-pw", realm "acme"), shaun only a SHA-256 HA1 (password "shaun-pw"), and acme-mute has
// no secret at all.
inline const char* const kTenantYaml = R"(version: 1
tenant:
  name: Acme
  login: acme
  timezone: Europe/Amsterdam
users:
  - extension: "001"
    first_name: Anna
devices:
  - id: desk
    user: "001"
    sip:
      password: "secret-1"
  - id: carla-phone
    user: "001"
    sip:
      username: carla
      ha1_md5: "580C6B75267DD3F4EAA24B50CA96D7C9"
  - id: shaun-phone
    user: "001"
    sip:
      username: shaun
      ha1_sha256: "d17c8cb4c374af44092eebc1d312f58c441d301ae6feafe68199799dab627d3e"
  - id: mute
    user: "001"
)";

inline Tenant load_test_tenant() {
  LoadResult r = load_string(kTenantYaml, "registrar-test.yaml");
  if (has_errors(r.issues)) throw std::runtime_error("the test tenant does not load");
  return std::move(r.tenant);
}

}  // namespace callplan::sip::test
