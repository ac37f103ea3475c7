// Snom (D1xx/D3xx/D7xx/D8xx, firmware 8.7 and later): XML settings, <mac>.xml.
//
// The phone's setting_server URL (from DHCP option 66 or its web page) points at
// `.../{mac}.xml`; the phone replaces {mac} with its MAC. Every setting is an element of
// <phone-settings>; account settings carry idx="1". perm="R" makes them read-only on the
// phone, so a user cannot break the registration from the phone's menu.
#include <fmt/format.h>

#include "model/provisioning_syntax.hpp"
#include "provision/escape.hpp"
#include "provision/renderers.hpp"

namespace callplan::provision {
namespace {

// "user_host[1]" -> element user_host with idx="1"; "timezone" -> no idx. The `[N]` form is how
// a `provisioning:` block addresses indexed settings such as function keys ("fkey[2]").
std::string element(const std::string& key, const std::string& value) {
  std::string name = key;
  std::string idx;
  if (const auto open = key.find('['); open != std::string::npos && key.back() == ']') {
    name = key.substr(0, open);
    idx = key.substr(open + 1, key.size() - open - 2);
    if (idx.empty() || idx.find_first_not_of("0123456789") != std::string::npos) {
      throw NotProvisionable(fmt::format("`{}`: the index in [] must be a number", key));
    }
  }
  check_key_name(name);
  const std::string attrs = idx.empty() ? "" : fmt::format(" idx=\"{}\"", idx);
  return fmt::format("    <{0}{1} perm=\"R\">{2}</{0}>\n", name, attrs, xml_escape(value, key));
}

std::string user_host(const SipServer& server) {
  return fmt::format("{}:{}", server.host, server.port);
}

}  // namespace

std::vector<ProvisioningFile> render_snom(const PhoneSettings& s) {
  SettingList list;
  list.set("user_active[1]", "on");
  list.set("user_idle_text[1]", s.label);
  list.set("user_realname[1]", s.display_name);
  list.set("user_name[1]", s.user);
  list.set("user_pname[1]", s.auth_name);
  list.set("user_pass[1]", s.password);
  list.set("user_host[1]", user_host(s.server));
  list.set("user_outbound[1]",
           fmt::format("{};transport={}", user_host(s.server),
                       s.server.transport == Transport::tcp ? "tcp" : "udp"));
  if (s.zone != nullptr) list.set("timezone", std::string(s.zone->snom));  // DST built in
  list.set("ntp_server", s.ntp_server);
  list.set("language", std::string(s.language->snom));
  list.set("web_language", std::string(s.language->snom));
  // Snom has no common file here: the shared levels come first, the device's after them.
  ExtraKeys extra = s.shared_extra;
  for (const auto& [k, v] : s.device_extra) extra[k] = v;
  for (const auto& [key, value] : extra) {
    if (auto problem = setting_name_problem(Brand::snom, key)) throw NotProvisionable(*problem);
    list.set(key, value);
  }

  std::string out = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<settings>\n"
                    "  <phone-settings e=\"2\">\n";
  for (const auto& [key, value] : list.items()) out += element(key, value);
  out += "  </phone-settings>\n</settings>\n";
  return {ProvisioningFile{s.mac + ".xml", "application/xml", std::move(out), false}};
}

}  // namespace callplan::provision
