// libFuzzer target for the loader: any bytes must load into issues, never a throw or a crash.
// Includes are disabled so that generated input cannot read /dev/zero or other files.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "callplan/load.hpp"
#include "load/load_internal.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  callplan::LoadResult result =
      callplan::load::load_text(text, "fuzz.yaml", callplan::load::LoadOptions{false});
  // Every issue must point into the file (or nowhere) and print; every source id must resolve.
  for (const callplan::Issue& issue : result.issues) {
    if (issue.code.size() != 5 || issue.message.empty()) std::abort();
    (void)callplan::to_string(issue);
    if (issue.location.known()) {
      (void)result.tenant.sources.line_text(issue.location.file, issue.location.line);
    }
  }
  for (const callplan::Plan& plan : result.tenant.plans) {
    (void)result.tenant.sources.location(plan.id.where);
  }
  return 0;
}
