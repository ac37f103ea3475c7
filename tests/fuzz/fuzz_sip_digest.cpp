// libFuzzer target: Digest credentials and challenges. Whatever parses must survive a
// format -> parse round trip with the same values.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "sip/digest.hpp"

namespace {

using namespace callplan::sip;

void require(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  DigestCredentials c;
  if (parse_digest_credentials(input, c) == DigestStatus::ok) {
    require(!c.username.empty() || c.username.data() != nullptr);
    const std::string text = format_digest_credentials(c);
    DigestCredentials back;
    require(parse_digest_credentials(text, back) == DigestStatus::ok);
    require(back.username == c.username && back.realm == c.realm && back.nonce == c.nonce);
    require(back.uri == c.uri && back.response == c.response && back.nc == c.nc);
    require(back.algorithm == c.algorithm && back.cnonce == c.cnonce);
    require(back.has_opaque == c.has_opaque && back.opaque == c.opaque);
  }

  DigestChallenge ch;
  if (parse_digest_challenge(input, ch) == DigestStatus::ok) {
    const std::string text = format_digest_challenge(ch);
    DigestChallenge back;
    require(parse_digest_challenge(text, back) == DigestStatus::ok);
    require(back.realm == ch.realm && back.nonce == ch.nonce && back.stale == ch.stale);
    require(back.algorithm == ch.algorithm && back.opaque == ch.opaque);
  }
  return 0;
}
