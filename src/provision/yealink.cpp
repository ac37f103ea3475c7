// Yealink (T3x/T4x/T5x, firmware 8x and later): `key = value` CFG files.
//
// The phone fetches the common file y000000000000.cfg and then its own <mac>.cfg (lower-case
// MAC); settings in the MAC file win. The common file carries what every Yealink phone of the
// tenant shares (time, NTP, language, the tenant and brand `provisioning:` keys), the MAC file
// the account and the model and device keys.
#include <cstdlib>

#include <fmt/format.h>

#include "provision/escape.hpp"
#include "provision/renderers.hpp"

namespace callplan::provision {
namespace {

constexpr std::string_view kHeader = "#!version:1.0.0.1\n";  // the phone ignores a file without

std::string to_text(const SettingList& list) {
  std::string out(kHeader);
  for (const auto& [key, value] : list.items()) {
    out += fmt::format("{} = {}\n", key, key_value_text(value, key));
  }
  return out;
}

// local_time.start_time / end_time with dst_time_type 1: month/week/weekday/hour, week 5 being
// the last week of the month and weekday 7 Sunday.
std::string transition(const DstTransition& t) {
  return fmt::format("{}/{}/7/{}", t.month, t.week, t.local_hour);
}

}  // namespace

std::string yealink_offset(int minutes) {
  if (minutes == 0) return "0";
  const char sign = minutes < 0 ? '-' : '+';
  const int a = std::abs(minutes);
  if (a % 60 == 0) return fmt::format("{}{}", sign, a / 60);
  return fmt::format("{}{}:{:02}", sign, a / 60, a % 60);
}

std::vector<ProvisioningFile> render_yealink(const PhoneSettings& s) {
  SettingList common;
  if (s.zone != nullptr) {
    common.set("local_time.time_zone", yealink_offset(s.zone->utc_offset_minutes));
    common.set("local_time.time_zone_name", std::string(s.zone->yealink_name));
    if (s.zone->dst == DstRule::none) {
      common.set("local_time.summer_time", "0");
    } else {
      // Explicit rules rather than "automatic" (2): they do not depend on the firmware's own
      // zone list knowing the name.
      common.set("local_time.summer_time", "1");
      common.set("local_time.dst_time_type", "1");
      common.set("local_time.start_time", transition(dst_start(*s.zone)));
      common.set("local_time.end_time", transition(dst_end(*s.zone)));
      common.set("local_time.offset_time", "60");
    }
  }
  common.set("local_time.ntp_server1", s.ntp_server);
  common.set("lang.gui", std::string(s.language->yealink));
  common.set("lang.wui", std::string(s.language->yealink));
  common.set_all(s.shared_extra);

  SettingList own;
  own.set("account.1.enable", "1");
  own.set("account.1.label", s.label);
  own.set("account.1.display_name", s.display_name);
  own.set("account.1.auth_name", s.auth_name);
  own.set("account.1.user_name", s.user);
  own.set("account.1.password", s.password);
  own.set("account.1.sip_server.1.address", s.server.host);
  own.set("account.1.sip_server.1.port", std::to_string(s.server.port));
  own.set("account.1.sip_server.1.transport_type",
          s.server.transport == Transport::tcp ? "1" : "0");  // 0 UDP, 1 TCP, 2 TLS
  own.set_all(s.device_extra);

  return {ProvisioningFile{"y000000000000.cfg", "text/plain", to_text(common), true},
          ProvisioningFile{s.mac + ".cfg", "text/plain", to_text(own), false}};
}

}  // namespace callplan::provision
