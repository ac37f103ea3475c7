#include "sip/digest.hpp"

#include "sip/scanner.hpp"

namespace callplan::sip {
namespace {

using namespace detail;

struct AuthParam {
  std::string_view name;
  std::string_view value;  // inside the quotes when quoted
  bool quoted = false;
};

// Walks "Digest a=b, c=\"d\", ...". Calls fn(param) for each; stops on a syntax error.
// Returns not_digest for another scheme, malformed for bad syntax.
template <typename Fn>
DigestStatus walk_params(std::string_view value, std::string_view& error, Fn&& fn) {
  Cursor cur{trim_lws(value)};
  const std::string_view scheme = cur.take_token();
  if (scheme.empty()) {
    error = "missing authentication scheme";
    return DigestStatus::malformed;
  }
  if (!iequals(scheme, "Digest")) return DigestStatus::not_digest;
  if (!cur.skip_lws()) {
    error = "expected whitespace after 'Digest'";
    return DigestStatus::malformed;
  }
  std::size_t count = 0;
  while (true) {
    AuthParam p;
    p.name = cur.take_token();
    if (p.name.empty()) {
      error = "expected a parameter name";
      return DigestStatus::malformed;
    }
    if (!cur.sep('=')) {
      error = "expected '=' after a parameter name";
      return DigestStatus::malformed;
    }
    if (cur.peek() == '"') {
      if (!cur.take_quoted(p.value)) {
        error = "unterminated quoted parameter value";
        return DigestStatus::malformed;
      }
      p.quoted = true;
    } else {
      p.value = cur.take_token();
      if (p.value.empty()) {
        error = "empty parameter value";
        return DigestStatus::malformed;
      }
    }
    if (++count > 32) {
      error = "too many parameters";
      return DigestStatus::malformed;
    }
    if (!fn(p)) return DigestStatus::malformed;
    cur.skip_lws();
    if (cur.done()) return DigestStatus::ok;
    if (!cur.sep(',')) {
      error = "expected ',' between parameters";
      return DigestStatus::malformed;
    }
  }
}

bool all_hex(std::string_view s) {
  for (char c : s) {
    if (!is_hex(c)) return false;
  }
  return true;
}

// Sets `slot` once; a second occurrence is an error (RFC 7616 3.4: each parameter once).
bool set_once(std::string_view& slot, bool& seen, std::string_view value) {
  if (seen) return false;
  seen = true;
  slot = value;
  return true;
}

}  // namespace

DigestAlgorithm digest_algorithm_from_text(std::string_view text) noexcept {
  if (text.empty() || iequals(text, "MD5")) return DigestAlgorithm::md5;
  if (iequals(text, "MD5-sess")) return DigestAlgorithm::md5_sess;
  if (iequals(text, "SHA-256")) return DigestAlgorithm::sha256;
  if (iequals(text, "SHA-256-sess")) return DigestAlgorithm::sha256_sess;
  return DigestAlgorithm::unknown;
}

std::string_view digest_algorithm_text(DigestAlgorithm algorithm) noexcept {
  switch (algorithm) {
    case DigestAlgorithm::md5: return "MD5";
    case DigestAlgorithm::md5_sess: return "MD5-sess";
    case DigestAlgorithm::sha256: return "SHA-256";
    case DigestAlgorithm::sha256_sess: return "SHA-256-sess";
    case DigestAlgorithm::unknown: break;
  }
  return {};
}

std::size_t digest_hex_length(DigestAlgorithm algorithm) noexcept {
  switch (algorithm) {
    case DigestAlgorithm::md5:
    case DigestAlgorithm::md5_sess: return 32;
    case DigestAlgorithm::sha256:
    case DigestAlgorithm::sha256_sess: return 64;
    case DigestAlgorithm::unknown: break;
  }
  return 0;
}

DigestStatus parse_digest_credentials(std::string_view value, DigestCredentials& out) noexcept {
  out = DigestCredentials{};
  enum Slot { kUser, kRealm, kNonce, kUri, kResponse, kAlgorithm, kCnonce, kQop, kNc, kOpaque,
              kSlots };
  bool seen[kSlots] = {};
  std::string_view error;
  const DigestStatus status = walk_params(value, error, [&](const AuthParam& p) {
    bool ok = true;
    if (iequals(p.name, "username")) {
      ok = p.quoted && set_once(out.username, seen[kUser], p.value);
      out.username_escaped = p.value.find('\\') != std::string_view::npos;
    } else if (iequals(p.name, "realm")) {
      ok = p.quoted && set_once(out.realm, seen[kRealm], p.value);
      out.realm_escaped = p.value.find('\\') != std::string_view::npos;
    } else if (iequals(p.name, "nonce")) {
      ok = p.quoted && set_once(out.nonce, seen[kNonce], p.value);
    } else if (iequals(p.name, "uri")) {
      ok = p.quoted && set_once(out.uri, seen[kUri], p.value);
    } else if (iequals(p.name, "response")) {
      ok = p.quoted && set_once(out.response, seen[kResponse], p.value);
    } else if (iequals(p.name, "algorithm")) {
      ok = is_token(p.value) && set_once(out.algorithm_text, seen[kAlgorithm], p.value);
    } else if (iequals(p.name, "cnonce")) {
      ok = p.quoted && set_once(out.cnonce, seen[kCnonce], p.value);
    } else if (iequals(p.name, "qop")) {
      ok = set_once(out.qop, seen[kQop], p.value);
    } else if (iequals(p.name, "nc")) {
      ok = !p.quoted && set_once(out.nc_text, seen[kNc], p.value);
    } else if (iequals(p.name, "opaque")) {
      ok = p.quoted && set_once(out.opaque, seen[kOpaque], p.value);
      out.has_opaque = true;
    }
    // Unknown parameters (auth-param) are allowed and ignored.
    if (!ok) error = "duplicate parameter, or quoting not as RFC 3261 25.1 requires";
    return ok;
  });
  if (status != DigestStatus::ok) {
    out.error = error;
    return status;
  }
  auto fail = [&](std::string_view why) {
    out.error = why;
    return DigestStatus::malformed;
  };
  if (!seen[kUser] || !seen[kRealm] || !seen[kNonce] || !seen[kUri] || !seen[kResponse]) {
    return fail("missing one of username, realm, nonce, uri, response");
  }
  out.algorithm = digest_algorithm_from_text(out.algorithm_text);
  const std::size_t hex = digest_hex_length(out.algorithm);
  if (hex != 0 && (out.response.size() != hex || !all_hex(out.response))) {
    return fail("response is not a hex digest of the algorithm's length");
  }
  if (seen[kQop]) {
    if (!iequals(out.qop, "auth") && !iequals(out.qop, "auth-int")) {
      return fail("qop is neither auth nor auth-int");
    }
    if (!seen[kCnonce] || !seen[kNc]) return fail("qop needs cnonce and nc");
  } else if (seen[kCnonce] || seen[kNc]) {
    return fail("cnonce and nc are only allowed with qop");
  }
  if (seen[kNc]) {
    if (out.nc_text.size() != 8 || !all_hex(out.nc_text)) return fail("nc is not 8 hex digits");
    std::uint32_t nc = 0;
    for (char c : out.nc_text) {
      nc = nc * 16 + static_cast<std::uint32_t>(is_digit(c) ? c - '0' : to_lower(c) - 'a' + 10);
    }
    out.nc = nc;
  }
  return DigestStatus::ok;
}

DigestStatus parse_digest_challenge(std::string_view value, DigestChallenge& out) noexcept {
  out = DigestChallenge{};
  enum Slot { kRealm, kDomain, kNonce, kOpaque, kStale, kAlgorithm, kQop, kSlots };
  bool seen[kSlots] = {};
  std::string_view stale;
  std::string_view error;
  const DigestStatus status = walk_params(value, error, [&](const AuthParam& p) {
    bool ok = true;
    if (iequals(p.name, "realm")) {
      ok = p.quoted && set_once(out.realm, seen[kRealm], p.value);
    } else if (iequals(p.name, "domain")) {
      ok = p.quoted && set_once(out.domain, seen[kDomain], p.value);
    } else if (iequals(p.name, "nonce")) {
      ok = p.quoted && set_once(out.nonce, seen[kNonce], p.value);
    } else if (iequals(p.name, "opaque")) {
      ok = p.quoted && set_once(out.opaque, seen[kOpaque], p.value);
      out.has_opaque = true;
    } else if (iequals(p.name, "stale")) {
      ok = set_once(stale, seen[kStale], p.value) &&
           (iequals(p.value, "true") || iequals(p.value, "false"));
      out.stale = iequals(p.value, "true");
    } else if (iequals(p.name, "algorithm")) {
      ok = is_token(p.value) && set_once(out.algorithm_text, seen[kAlgorithm], p.value);
    } else if (iequals(p.name, "qop")) {
      ok = p.quoted && set_once(out.qop_options, seen[kQop], p.value);
    }
    if (!ok) error = "duplicate or malformed challenge parameter";
    return ok;
  });
  if (status != DigestStatus::ok) {
    out.error = error;
    return status;
  }
  if (!seen[kRealm] || !seen[kNonce]) {
    out.error = "a challenge needs realm and nonce";
    return DigestStatus::malformed;
  }
  out.algorithm = digest_algorithm_from_text(out.algorithm_text);
  return DigestStatus::ok;
}

std::string format_digest_challenge(const DigestChallenge& c) {
  std::string out = "Digest realm=\"";
  out.append(c.realm).append("\"");
  if (!c.domain.empty()) out.append(", domain=\"").append(c.domain).append("\"");
  out.append(", nonce=\"").append(c.nonce).append("\"");
  if (c.has_opaque) out.append(", opaque=\"").append(c.opaque).append("\"");
  if (c.stale) out.append(", stale=true");
  const std::string_view algorithm =
      c.algorithm == DigestAlgorithm::unknown ? c.algorithm_text : digest_algorithm_text(c.algorithm);
  if (!algorithm.empty()) out.append(", algorithm=").append(algorithm);
  if (!c.qop_options.empty()) out.append(", qop=\"").append(c.qop_options).append("\"");
  return out;
}

std::string format_digest_credentials(const DigestCredentials& c) {
  std::string out = "Digest username=\"";
  out.append(c.username).append("\", realm=\"").append(c.realm);
  out.append("\", nonce=\"").append(c.nonce).append("\", uri=\"").append(c.uri);
  out.append("\", response=\"").append(c.response).append("\"");
  const std::string_view algorithm =
      c.algorithm == DigestAlgorithm::unknown ? c.algorithm_text : digest_algorithm_text(c.algorithm);
  if (!algorithm.empty()) out.append(", algorithm=").append(algorithm);
  if (!c.qop.empty()) {
    out.append(", qop=").append(c.qop).append(", nc=").append(c.nc_text);
    out.append(", cnonce=\"").append(c.cnonce).append("\"");
  }
  if (c.has_opaque) out.append(", opaque=\"").append(c.opaque).append("\"");
  return out;
}

}  // namespace callplan::sip
