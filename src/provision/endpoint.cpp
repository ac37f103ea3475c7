// provision/endpoint.cpp — see endpoint.hpp.
#include "provision/endpoint.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "provision/mac.hpp"
#include "provision/request_path.hpp"
#include "sip/digest.hpp"
#include "sip/security/security_log.hpp"

namespace callplan::provision {
namespace {

namespace bhttp = boost::beast::http;

// The throttle and the log helpers speak standalone Asio's address type.
asio::ip::address to_asio(const boost::asio::ip::address& address) {
  if (address.is_v4()) return asio::ip::address_v4(address.to_v4().to_bytes());
  return asio::ip::address_v6(address.to_v6().to_bytes(),
                              static_cast<asio::ip::scope_id_type>(address.to_v6().scope_id()));
}

std::string_view sv(boost::beast::string_view text) { return {text.data(), text.size()}; }

// The method as the SIP log writes it: bare when a token, else quoted.
std::string log_method(std::string_view method) {
  const bool token = !method.empty() && std::all_of(method.begin(), method.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
           std::string_view("-.!%*_+`'~").find(c) != std::string_view::npos;
  });
  return token ? std::string(method) : sip::quote_for_log(method);
}

// Yealink firmware older than 8x asks for a per-model common file, y0000000000XX.cfg.
bool is_yealink_model_common(std::string_view file) {
  return file.size() == 17 && file.starts_with("y0000000000") && file.ends_with(".cfg") &&
         std::isxdigit(static_cast<unsigned char>(file[11])) != 0 &&
         std::isxdigit(static_cast<unsigned char>(file[12])) != 0;
}

}  // namespace

ProvisionEndpoint::ProvisionEndpoint(std::string secret, EndpointOptions options,
                                     TenantSource tenant)
    : options_(std::move(options)), tenant_source_(std::move(tenant)),
      verifier_(std::move(secret), options_.nonce_lifetime), throttle_(options_.throttle) {}

void ProvisionEndpoint::refresh_index(const std::shared_ptr<const CompanyTenants>& tenants) {
  if (tenants == tenants_) return;
  tenants_ = tenants;
  index_.clear();
  if (!tenants_) return;
  for (const std::shared_ptr<const Tenant>& tenant : *tenants_) {
    for (const Device& device : tenant->devices) {
      if (!is_provisionable(device)) continue;
      std::optional<std::string> mac = normalise_mac(device.mac.value);
      // A duplicate MAC is refused before it gets here: in one tenant by the checker (CP230),
      // across companies by the server's conflict rule (CP603). First one wins regardless.
      if (mac) index_.emplace(*mac, Phone{tenant.get(), &device, *mac});
    }
  }
}

http::Response ProvisionEndpoint::plain(const http::Request& request, bhttp::status status,
                                        std::string_view text) {
  http::Response response{status, request.version()};
  response.set(bhttp::field::content_type, "text/plain; charset=utf-8");
  response.set(bhttp::field::cache_control, "no-store");
  response.body() = std::string(text) + "\n";
  return response;
}

http::Response ProvisionEndpoint::challenge(const http::Request& request, bool stale,
                                            TimePoint now) {
  http::Response response = plain(request, bhttp::status::unauthorized, "authentication required");
  response.set(bhttp::field::www_authenticate, verifier_.challenge(stale, now));
  return response;
}

void ProvisionEndpoint::log_failure(const http::Request& request, const http::Peer& peer,
                                    std::string_view user, std::string_view reason,
                                    TimePoint now) {
  const asio::ip::address source = to_asio(peer.address);
  const bool blocks = throttle_.failed(source, user, now);
  if (options_.security_log == nullptr) return;
  const std::string head = fmt::format(
      "{} {}[{}]: ", sip::format_log_time(std::chrono::system_clock::now()),
      sip::SecurityLog::kProgram, ::getpid());
  const std::string where = fmt::format("source={} port={} proto={}", sip::log_source(source),
                                        peer.port, peer.tls ? "https" : "http");
  std::string line = fmt::format("{}auth-failure {} method={} user={} reason={}\n", head, where,
                                 log_method(sv(request.method_string())),
                                 sip::quote_for_log(user), reason);
  if (blocks) {
    line += fmt::format("{}auth-blocked {} method={} user={} until={}s\n", head, where,
                        log_method(sv(request.method_string())), sip::quote_for_log(user),
                        throttle_.last_block().count());
  }
  std::fwrite(line.data(), 1, line.size(), options_.security_log);
  std::fflush(options_.security_log);
}

http::Response ProvisionEndpoint::answer(const http::Request& request, const http::Peer& peer) {
  return answer(request, peer, std::chrono::steady_clock::now());
}

http::Response ProvisionEndpoint::answer(const http::Request& request, const http::Peer& peer,
                                         TimePoint now) {
  std::lock_guard lock(mutex_);
  if (request.method() != bhttp::verb::get && request.method() != bhttp::verb::head) {
    http::Response response = plain(request, bhttp::status::method_not_allowed,
                                    "method not allowed");
    response.set(bhttp::field::allow, "GET, HEAD");
    return response;
  }
  const std::optional<std::string> file = requested_file(sv(request.target()));
  if (!file) {
    log_failure(request, peer, "", "bad-path", now);
    return plain(request, bhttp::status::not_found, "not found");
  }

  const std::string_view authorization_text = sv(request[bhttp::field::authorization]);
  std::string_view claimed;  // the username before verification, for the throttle's pair key
  {
    sip::DigestCredentials c;
    if (sip::parse_digest_credentials(authorization_text, c) == sip::DigestStatus::ok) {
      claimed = c.username;
    }
  }
  const std::optional<std::string> claimed_mac = normalise_mac(claimed);
  const std::string throttle_user = claimed_mac ? *claimed_mac : std::string(claimed);
  if (throttle_.blocked(to_asio(peer.address), throttle_user, now)) {
    // The same answer as any failure, and nothing verified: a guesser learns nothing.
    return challenge(request, false, now);
  }

  const DigestVerdict verdict = verifier_.verify(
      authorization_text, sv(request.method_string()), sv(request.target()), now);
  if (verdict.status == DigestVerdict::missing) return challenge(request, false, now);
  if (verdict.status == DigestVerdict::stale) return challenge(request, true, now);
  refresh_index(tenant_source_());
  const auto found = claimed_mac ? index_.find(*claimed_mac) : index_.end();
  std::string_view reason = to_string(verdict.status);
  if (verdict.status == DigestVerdict::ok && found == index_.end()) reason = "wrong";  // unknown
  if (verdict.status == DigestVerdict::ok && found != index_.end()) {
    if (!user_agent_matches(sv(request[bhttp::field::user_agent]),
                            found->second.device->brand.value)) {
      reason = "user-agent";
    } else {
      reason = {};
    }
  }
  if (!reason.empty()) {
    log_failure(request, peer, throttle_user, reason, now);
    return challenge(request, false, now);
  }
  const Phone& phone = found->second;
  throttle_.succeeded(to_asio(peer.address), throttle_user);

  RenderedDevice rendered;
  try {
    rendered = render(*phone.tenant, *phone.device, options_.render);
  } catch (const NotProvisionable& e) {
    // The tenant changed under the phone (e.g. its password became an HA1 hash): say so in the
    // server's log, not to the phone.
    if (options_.log != nullptr) {
      fmt::print(options_.log, "provision: cannot provision device `{}`: {}\n",
                 phone.device->id.value, e.what());
    }
    return plain(request, bhttp::status::not_found, "not found");
  }
  const bool shared_alias = is_yealink_model_common(*file);
  for (const ProvisioningFile& f : rendered.files) {
    if (f.name == *file || (shared_alias && f.shared && f.name.starts_with("y0000"))) {
      http::Response response{bhttp::status::ok, request.version()};
      response.set(bhttp::field::content_type, f.content_type + "; charset=utf-8");
      response.set(bhttp::field::cache_control, "no-store");
      response.body() = f.content;
      if (options_.log != nullptr) {
        fmt::print(options_.log, "provision: {} to device `{}` ({})\n", f.name,
                   phone.device->id.value, sip::log_source(to_asio(peer.address)));
        std::fflush(options_.log);
      }
      return response;
    }
  }
  if (names_another_mac(*file, phone.mac)) {
    log_failure(request, peer, throttle_user, "foreign-file", now);
  }
  return plain(request, bhttp::status::not_found, "not found");
}

}  // namespace callplan::provision
