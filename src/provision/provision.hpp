// provision/provision.hpp — the configuration file a desk phone fetches, rendered from the tenant
// (SPEC section 13). One renderer per brand family (Yealink, Snom, Grandstream, Polycom), in
// code: a model the renderer does not know gets its brand family's file.
//
//   callplan::provision::RenderOptions options;
//   options.server = {"pbx.example.com", 5060, callplan::provision::Transport::udp};
//   RenderedDevice out = callplan::provision::render(tenant, device, options);
//   for (const ProvisioningFile& f : out.files) write(f.name, f.content);
//
// The output is deterministic (no timestamps, keys in a fixed order) so a file can be compared
// byte for byte, cached, and a change detected by comparing two renderings. It holds the SIP
// password in clear text: whoever serves it must authenticate the phone (docs/provisioning.md).
#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "callplan/model.hpp"

namespace callplan::provision {

enum class Transport : std::uint8_t { udp, tcp };

// Where the phone registers: `callplan serve`'s SIP address as the phones reach it.
struct SipServer {
  std::string host = "127.0.0.1";
  std::uint16_t port = 5060;
  Transport transport = Transport::udp;
};

// Extra brand keys (`provisioning:` blocks), e.g. {"linekey.2.type", "16"} for Yealink. The
// key is the brand's own setting name; the value is escaped like every other value.
using ExtraKeys = std::map<std::string, std::string>;

// Extra keys by level, on top of the tenant's own `provisioning:` blocks (Tenant::provisioning):
// for a device the levels are merged in this order, a later level replacing an earlier one's
// key: tenant, brand, model, device; within a level the tenant's block first, these after.
struct ExtraKeyLevels {
  ExtraKeys tenant;
  std::map<Brand, ExtraKeys> brand;
  std::map<std::string, ExtraKeys> model;   // by model; case, blanks and dashes ignored
  std::map<std::string, ExtraKeys> device;  // by device id
};

struct RenderOptions {
  SipServer server;
  std::string ntp_server = "pool.ntp.org";
  ExtraKeyLevels extra;  // beside the tenant's own blocks (tools and tests)
};

struct ProvisioningFile {
  std::string name;          // the file name the phone requests ("805ec0112233.cfg")
  std::string content_type;  // "text/plain" or "application/xml"
  std::string content;
  bool shared = false;       // the same for every phone of the tenant and brand (common file)
};

struct RenderedDevice {
  std::vector<ProvisioningFile> files;  // what the phone fetches, in the order it fetches them
  std::vector<std::string> notes;       // e.g. a time zone the table does not know
};

// A device that cannot be given a file: no MAC, a brand that is not provisionable, no clear
// text password, or a value its brand's format cannot carry. what() says which and why.
class NotProvisionable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// True when the device has a brand this module renders and a MAC.
bool is_provisionable(const Device& device);

// Throws NotProvisionable.
RenderedDevice render(const Tenant& tenant, const Device& device, const RenderOptions& options);

}  // namespace callplan::provision
