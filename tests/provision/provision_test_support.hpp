// Shared by the provisioning tests: load a tenant once and render one of its devices.
#pragma once

#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>

#include "callplan/check.hpp"
#include "provision/provision.hpp"

namespace callplan::provision::testing {

inline std::string source_path(const std::string& relative) {
  return std::string(CALLPLAN_SOURCE_DIR) + "/" + relative;
}

inline constexpr const char* kAcme = "examples/acme/acme.yaml";
inline constexpr const char* kPhones = "tests/provision/fixtures/phones.yaml";

// The options the goldens were rendered with: acme on UDP by name, the fixture on TCP by IPv6.
inline RenderOptions options_for(const std::string& tenant) {
  RenderOptions o;
  if (tenant == kAcme) {
    o.server = {"pbx.acme.example", 5060, Transport::udp};
  } else {
    o.server = {"[2001:db8::5]", 5080, Transport::tcp};
    o.ntp_server = "ntp.example.net";
  }
  return o;
}

inline const Tenant& tenant(const std::string& relative) {
  static std::map<std::string, CheckedTenant> cache;
  auto it = cache.find(relative);
  if (it == cache.end()) {
    CheckedTenant t = load_and_check(source_path(relative));
    if (has_errors(t.issues)) throw std::runtime_error(relative + " has errors");
    it = cache.emplace(relative, std::move(t)).first;
  }
  return it->second.tenant;
}

inline const Device& device(const Tenant& t, const std::string& id) {
  for (const Device& d : t.devices) {
    if (d.id.value == id) return d;
  }
  throw std::runtime_error("no device " + id);
}

inline const User& user_of(const Tenant& t, const Device& d) {
  for (const User& u : t.users) {
    if (u.extension.value == d.user.value) return u;
  }
  throw std::runtime_error("no user for " + d.id.value);
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace callplan::provision::testing
