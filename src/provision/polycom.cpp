// Polycom / Poly (VVX, UC Software 5.x and 6.x): the master file 000000000000.cfg and a
// per-phone XML file with reg.1.* parameters.
//
// The phone first asks for <mac>.cfg as its own master file and falls back to
// 000000000000.cfg; that master lists the configuration files to read next. Ours lists
// [PHONE_MAC_ADDRESS]-callplan.cfg, which the phone expands to its lower-case MAC. The
// per-phone file is not named <mac>.cfg on purpose: the phone would read that as a master
// file, and <mac>-phone.cfg is where it uploads its own local changes.
#include <cstdlib>
#include <map>

#include <fmt/format.h>

#include "provision/escape.hpp"
#include "provision/renderers.hpp"

namespace callplan::provision {
namespace {

constexpr std::string_view kMaster =
    "<?xml version=\"1.0\" standalone=\"yes\"?>\n"
    "<APPLICATION APP_FILE_PATH=\"sip.ld\" CONFIG_FILES=\"[PHONE_MAC_ADDRESS]-callplan.cfg\" "
    "MISC_FILES=\"\" LOG_FILE_DIRECTORY=\"\" OVERRIDES_DIRECTORY=\"\" CONTACTS_DIRECTORY=\"\" "
    "LICENSE_DIRECTORY=\"\" USER_PROFILES_DIRECTORY=\"\" CALL_LISTS_DIRECTORY=\"\" "
    "COREFILE_DIRECTORY=\"\"/>\n";

// tcpIpApp.sntp.daylightSavings.{start,stop}.*: `date` is the first day of the n-th week
// (1, 8, 15, 22) unless lastInMonth is set; dayOfWeek 1 is Sunday; time is the local hour.
void set_transition(SettingList& list, std::string_view which, const DstTransition& t) {
  const std::string prefix = fmt::format("tcpIpApp.sntp.daylightSavings.{}.", which);
  const bool last = t.week == 5;
  list.set(prefix + "month", std::to_string(t.month));
  list.set(prefix + "date", std::to_string(last ? 1 : 1 + 7 * (t.week - 1)));
  list.set(prefix + "dayOfWeek", "1");
  list.set(prefix + "dayOfWeek.lastInMonth", last ? "1" : "0");
  list.set(prefix + "time", std::to_string(t.local_hour));
}

// Polycom reads parameters from the attributes of any element; they are grouped by their
// first name component (<reg reg.1.* .../>) as Polycom's own templates do.
std::string to_xml(const SettingList& list) {
  std::vector<std::string> order;
  std::map<std::string, std::string> groups;
  for (const auto& [key, value] : list.items()) {
    const std::string group = key.substr(0, key.find('.'));
    if (!groups.contains(group)) order.push_back(group);
    groups[group] += fmt::format("\n    {}=\"{}\"", key, xml_escape(value, key));
  }
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
                    "<polycomConfig>\n";
  for (const std::string& group : order) out += fmt::format("  <{}{}/>\n", group, groups[group]);
  out += "</polycomConfig>\n";
  return out;
}

}  // namespace

std::vector<ProvisioningFile> render_polycom(const PhoneSettings& s) {
  SettingList list;
  list.set("reg.1.address", s.user);
  list.set("reg.1.auth.userId", s.auth_name);
  list.set("reg.1.auth.password", s.password);
  list.set("reg.1.displayName", s.display_name);
  list.set("reg.1.label", s.label);
  list.set("reg.1.server.1.address", s.server.host);
  list.set("reg.1.server.1.port", std::to_string(s.server.port));
  list.set("reg.1.server.1.transport",
           s.server.transport == Transport::tcp ? "TCPOnly" : "UDPOnly");
  list.set("tcpIpApp.sntp.address", s.ntp_server);
  list.set("tcpIpApp.sntp.address.overrideDHCP", "1");
  if (s.zone != nullptr) {
    list.set("tcpIpApp.sntp.gmtOffset", std::to_string(s.zone->utc_offset_minutes * 60));
    list.set("tcpIpApp.sntp.gmtOffset.overrideDHCP", "1");
    const bool dst = s.zone->dst != DstRule::none;
    list.set("tcpIpApp.sntp.daylightSavings.enable", dst ? "1" : "0");
    if (dst) {
      list.set("tcpIpApp.sntp.daylightSavings.fixedDayEnable", "0");
      set_transition(list, "start", dst_start(*s.zone));
      set_transition(list, "stop", dst_end(*s.zone));
    }
  }
  list.set("lcl.ml.lang", std::string(s.language->polycom));
  list.set_all(s.shared_extra);
  list.set_all(s.device_extra);

  return {ProvisioningFile{"000000000000.cfg", "application/xml", std::string(kMaster), true},
          ProvisioningFile{s.mac + "-callplan.cfg", "application/xml", to_xml(list), false}};
}

}  // namespace callplan::provision
