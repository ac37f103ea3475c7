// libsodium must be initialised once before use (it picks its implementations and seeds its
// random generator); sodium_init() is safe to call more than once.
#pragma once

namespace callplan::panel {

// Throws callplan::Error when libsodium cannot start (no entropy source).
void init_sodium();

}  // namespace callplan::panel
