#include "cluster/scripts.hpp"

#include <openssl/evp.h>

#include <array>

#include <fmt/format.h>

namespace callplan::cluster {
namespace {

constexpr const char* kPut = R"lua(-- callplan: one binding stored (cluster/scripts.hpp)
local old = redis.call('HGET', KEYS[1], ARGV[1])
if old then
  local stored = tonumber(string.match(old, '^v1\n(%d+)\n'))
  if stored and stored > tonumber(ARGV[3]) then return 0 end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('PUBLISH', ARGV[4], ARGV[5])
return 1
)lua";

constexpr const char* kDel = R"lua(-- callplan: one binding removed (cluster/scripts.hpp)
local old = redis.call('HGET', KEYS[1], ARGV[1])
if not old then return 0 end
if ARGV[2] ~= '' and old ~= ARGV[2] then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('PUBLISH', ARGV[3], ARGV[4])
return 1
)lua";

}  // namespace

Script script_of(std::string source) {
  Script s{std::move(source), {}};
  s.sha1 = sha1_hex(s.source);
  return s;
}

std::string sha1_hex(const std::string& text) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(text.data(), text.size(), digest.data(), &length, EVP_sha1(), nullptr) != 1)
    return {};  // only without memory; EVALSHA then fails and the link reconnects
  std::string out;
  for (unsigned int i = 0; i < length; ++i) out += fmt::format("{:02x}", digest[i]);
  return out;
}

const Script& put_script() {
  static const Script script = script_of(kPut);
  return script;
}

const Script& del_script() {
  static const Script script = script_of(kDel);
  return script;
}

}  // namespace callplan::cluster
