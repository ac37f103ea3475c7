// `NOTIFY Event: check-sync` (SPEC 13, docs/provisioning.md): after a reload that changes what a
// phone's provisioning file would say, each of its registrations is told to fetch it again.
//
// The NOTIFY is out of dialog and unsolicited (no SUBSCRIBE), the way Asterisk, FreeSWITCH and
// the phone makers' own servers send it, and Yealink, Snom, Grandstream and Polycom firmware
// accept it: `Event: check-sync;reboot=false` asks for the new file without a reboot where the
// firmware can apply it so (Polycom and some Grandstream models reboot anyway when needed).
// It carries no credentials: it only makes the phone fetch its file, over the authenticated
// endpoint. Sent to the binding's Contact over the flow the phone registered on (reach.hpp),
// like an INVITE; a phone that does not answer just keeps its old file until it re-checks.
#include <fmt/format.h>

#include "provision/phone_files.hpp"
#include "sip/proxy/reach.hpp"
#include "sip/server/server_impl.hpp"
#include "sip/writer.hpp"

namespace callplan::sip {

void Server::Impl::provisioning_loaded(bool reloading) {
  std::vector<std::shared_ptr<const Tenant>> tenants;
  provision::PhoneFiles after;
  for (const auto& company : companies.all()) {
    tenants.push_back(company->tenant);
    // SIP usernames are unique across the companies (CP601), so the maps do not overlap.
    after.merge(provision::phone_files(*company->tenant));
  }
  options.provisioning(std::move(tenants));
  if (reloading) {
    for (const std::string& username : provision::changed_phones(phone_files, after))
      send_check_sync(username);
  }
  phone_files = std::move(after);
}

void Server::Impl::send_check_sync(const std::string& username) {
  for (const Binding* binding : location.lookup(username, timers.now())) {
    if (binding->through.port != 0) continue;  // --cluster: its own node tells it
    const Peer to = reach(binding->contact, binding->source);
    const Peer& local = transport.local(to.protocol);
    const std::string branch = layer.new_branch();
    std::string out;
    MessageWriter w(out);
    w.request_line("NOTIFY", binding->contact);
    w.header("Via", fmt::format("SIP/2.0/{} {};branch={};rport", via_transport(to.protocol),
                                local.host_port(), branch));
    w.header("Max-Forwards", std::uint64_t{70});
    w.header("From", fmt::format("<sip:{}>;tag={}", local.host_port(), branch.substr(7)));
    w.header("To", fmt::format("<{}>", binding->contact));
    w.header("Call-ID", fmt::format("cs-{}@{}", branch.substr(7), local.host_port()));
    w.header("CSeq", "1 NOTIFY");
    w.header("Contact", fmt::format("<sip:{}{}>", local.host_port(),
                                    to.protocol == Protocol::tcp ? ";transport=tcp" : ""));
    w.header("Event", "check-sync;reboot=false");
    w.header("Subscription-State", "terminated");
    w.finish();
    if (log.enabled(LogLevel::info))
      log.write(LogLevel::info, fmt::format("check-sync {} at {} ({}): its provisioning file "
                                            "changed", username, binding->contact,
                                            to.to_string()));
    ClientCallbacks callbacks{
        .on_response =
            [this, username](const Message& response) {
              if (response.status_code >= 300 && log.enabled(LogLevel::info))
                log.write(LogLevel::info, fmt::format("check-sync {}: answered {}", username,
                                                      response.status_code));
            },
        .on_timeout = {}};
    layer.send_request(to, std::move(out), branch, Method::notify, std::move(callbacks));
  }
}

}  // namespace callplan::sip
