// Grandstream (GRP26xx, GXP21xx; firmware 1.0.x): the XML config with P-values,
// cfg<mac>.xml.
//
// Firmware generation: the `<gs_provision version="1">` format with numbered P-values, which
// GRP26xx and GXP21xx firmware 1.0.x read (and GXP16xx). The newer named items
// (`<item name="...">`) are not written. The phone fetches cfg<mac>.xml (lower-case MAC) from
// its Config Server Path, after the model-wide cfg<model>.xml, which callplan does not use.
#include <fmt/format.h>

#include "model/provisioning_syntax.hpp"
#include "provision/escape.hpp"
#include "provision/renderers.hpp"

namespace callplan::provision {
namespace {

void check_p_value(const std::string& key) {
  if (auto problem = setting_name_problem(Brand::grandstream, key)) {
    throw NotProvisionable(*problem);
  }
}

}  // namespace

std::vector<ProvisioningFile> render_grandstream(const PhoneSettings& s) {
  SettingList list;
  list.set("P271", "1");             // account 1 active
  list.set("P270", s.label);         // account name (line label)
  list.set("P47", fmt::format("{}:{}", s.server.host, s.server.port));  // SIP server
  list.set("P35", s.user);           // SIP user ID
  list.set("P36", s.auth_name);      // authenticate ID
  list.set("P34", s.password);       // authenticate password
  list.set("P3", s.display_name);    // display name
  list.set("P130", s.server.transport == Transport::tcp ? "1" : "0");  // 0 UDP, 1 TCP
  if (s.zone != nullptr) {
    list.set("P64", std::string(s.zone->posix));  // time zone, POSIX TZ with its DST rule
    list.set("P144", "0");                        // do not let DHCP option 2 override it
  }
  list.set("P30", s.ntp_server);                  // NTP server
  list.set("P1362", std::string(s.language->code));  // display language
  ExtraKeys extra = s.shared_extra;
  for (const auto& [k, v] : s.device_extra) extra[k] = v;
  for (const auto& [key, value] : extra) {
    check_p_value(key);
    list.set(key, value);
  }

  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<gs_provision version=\"1\">\n";
  out += fmt::format("  <mac>{}</mac>\n  <config version=\"1\">\n", s.mac);
  for (const auto& [key, value] : list.items()) {
    out += fmt::format("    <{0}>{1}</{0}>\n", key, xml_escape(value, key));
  }
  out += "  </config>\n</gs_provision>\n";
  return {ProvisioningFile{"cfg" + s.mac + ".xml", "application/xml", std::move(out), false}};
}

}  // namespace callplan::provision
