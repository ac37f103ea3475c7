#include "panel/sodium_init.hpp"

#include <sodium.h>

#include "callplan/error.hpp"

namespace callplan::panel {

void init_sodium() {
  if (sodium_init() < 0) throw Error("panel: libsodium cannot start (no entropy source?)");
}

}  // namespace callplan::panel
