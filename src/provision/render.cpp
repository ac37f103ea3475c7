#include <fmt/format.h>

#include "provision/provision.hpp"
#include "provision/renderers.hpp"

namespace callplan::provision {

RenderedDevice render(const Tenant& tenant, const Device& device, const RenderOptions& options) {
  const PhoneSettings settings = gather_settings(tenant, device, options);
  RenderedDevice out;
  try {
    switch (settings.brand) {
      case Brand::yealink: out.files = render_yealink(settings); break;
      case Brand::snom: out.files = render_snom(settings); break;
      case Brand::grandstream: out.files = render_grandstream(settings); break;
      case Brand::polycom: out.files = render_polycom(settings); break;
      case Brand::other: break;  // refused by gather_settings
    }
  } catch (const NotProvisionable& e) {
    throw NotProvisionable(fmt::format("device `{}`: {}", settings.device_id, e.what()));
  }
  if (settings.zone == nullptr) {
    out.notes.push_back(fmt::format(
        "time zone `{}` is not in the provisioning table: the file sets none and the phone "
        "keeps its own",
        settings.iana_zone));
  }
  if (!settings.known_model) {
    out.notes.push_back(fmt::format(
        "model `{}` is not one the renderer knows: the brand family's file is used",
        settings.model));
  }
  return out;
}

}  // namespace callplan::provision
