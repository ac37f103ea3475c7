// sip/server/dialog_secret.hpp — the key of the dialog tokens (sip/proxy/dialog_token.hpp),
// kept in the state directory so a dialog set up before a restart is still recognised after
// it. One file, DIR/dialog.key: 32 random bytes, mode 0600, made at the first start.
#pragma once

#include <filesystem>
#include <string>

namespace callplan::sip {

// Reads DIR/dialog.key, creating it (32 bytes from OpenSSL's RAND_bytes) when missing. Throws
// state::StoreError(io) naming the file when it cannot be read or written, or holds anything
// but 32 bytes (a truncated key would let every dialog of before the restart end in 481).
std::string load_dialog_secret(const std::filesystem::path& dir);

}  // namespace callplan::sip
