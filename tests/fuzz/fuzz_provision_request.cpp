// libFuzzer target: the provisioning endpoint's request path (src/provision/endpoint.cpp), the
// one place callplan reads a phone's HTTP request itself after Beast has parsed it: the target
// (requested_file), the Authorization header (digest, through the SIP parser) and the
// User-Agent. Whatever arrives, the answer is a challenge, a 404 or a 405, never a file (no
// valid digest can be guessed), and a requested name never holds a path.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "provision/endpoint.hpp"
#include "provision/request_path.hpp"

namespace {

using namespace callplan;
namespace bhttp = boost::beast::http;

void require(bool condition) {
  if (!condition) std::abort();
}

std::shared_ptr<const Tenant> make_tenant() {
  auto tenant = std::make_shared<Tenant>();
  tenant->info.login.value = "fuzz";
  tenant->info.timezone.value = "Europe/Amsterdam";
  Device device;
  device.id.value = "desk";
  device.brand.value = Brand::yealink;
  device.model = "T54W";
  device.mac.value = "80:5E:C0:11:22:33";
  device.sip.password.value = "secret";
  tenant->devices.push_back(device);
  return tenant;
}

provision::EndpointOptions quiet() {
  provision::EndpointOptions options;
  options.security_log = nullptr;
  options.log = nullptr;
  return options;
}

provision::ProvisionEndpoint& endpoint() {
  static const auto companies =
      std::make_shared<const provision::CompanyTenants>(provision::CompanyTenants{make_tenant()});
  static provision::ProvisionEndpoint instance(std::string(32, 'k'), quiet(),
                                               [] { return companies; });
  return instance;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  if (const auto name = provision::requested_file(input)) {
    require(!name->empty() && name->size() <= 64 && name->front() != '.');
    require(name->find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789._-") ==
            std::string::npos);
  }

  bhttp::request_parser<bhttp::string_body> parser;
  parser.eager(true);
  parser.header_limit(8192);
  parser.body_limit(4096);
  boost::system::error_code ec;
  parser.put(boost::asio::buffer(input.data(), input.size()), ec);
  if (ec || !parser.is_done()) return 0;
  const http::Request request = parser.release();
  const http::Peer peer{boost::asio::ip::make_address("192.0.2.7"), 40000, false};
  const http::Response response = endpoint().answer(request, peer);
  const unsigned status = response.result_int();
  require(status == 401 || status == 404 || status == 405);
  if (status == 401) {
    require(response.find(bhttp::field::www_authenticate) != response.end());
  }
  return 0;
}
