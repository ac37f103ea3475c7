// cluster/scripts.hpp — the Lua scripts that change the bindings in Redis: each change is one
// script run (EVALSHA), so the write and its announcement on the channel happen together or
// not at all, and no other client's command comes between the read and the write.
//
//   put   KEYS[1] hash; ARGV: field, value, updated_ms, channel, message
//         stores the value unless the stored one is newer (updated_ms); publishes; 1 or 0
//   del   KEYS[1] hash; ARGV: field, expected value ("" for any), channel, message
//         removes the field when it holds the expected value; publishes; 1 or 0
//
// The SHA-1 of each is computed here, so EVALSHA can follow SCRIPT LOAD on the same
// connection without waiting for its reply (redis_link.hpp loads them at every connect: a
// Redis restarted empty has forgotten them).
#pragma once

#include <string>

namespace callplan::cluster {

struct Script {
  std::string source;
  std::string sha1;  // lower-case hex, as EVALSHA takes it
};

const Script& put_script();
const Script& del_script();
// A script with its digest (for the other parts' scripts).
Script script_of(std::string source);

std::string sha1_hex(const std::string& text);

}  // namespace callplan::cluster
