#include "sip/header_id.hpp"

#include <array>

#include "sip/scanner.hpp"

namespace callplan::sip {
namespace {

struct NameEntry {
  std::string_view name;
  HeaderId id;
};

// Canonical names first (header_canonical_name returns the first match), then compact forms.
constexpr std::array<NameEntry, 51> kNames{{
    {"Via", HeaderId::via},
    {"From", HeaderId::from},
    {"To", HeaderId::to},
    {"Call-ID", HeaderId::call_id},
    {"CSeq", HeaderId::cseq},
    {"Contact", HeaderId::contact},
    {"Max-Forwards", HeaderId::max_forwards},
    {"Expires", HeaderId::expires},
    {"Min-Expires", HeaderId::min_expires},
    {"Content-Length", HeaderId::content_length},
    {"Content-Type", HeaderId::content_type},
    {"Content-Encoding", HeaderId::content_encoding},
    {"Route", HeaderId::route},
    {"Record-Route", HeaderId::record_route},
    {"Authorization", HeaderId::authorization},
    {"Proxy-Authorization", HeaderId::proxy_authorization},
    {"WWW-Authenticate", HeaderId::www_authenticate},
    {"Proxy-Authenticate", HeaderId::proxy_authenticate},
    {"Authentication-Info", HeaderId::authentication_info},
    {"Require", HeaderId::require},
    {"Proxy-Require", HeaderId::proxy_require},
    {"Supported", HeaderId::supported},
    {"Unsupported", HeaderId::unsupported},
    {"Allow", HeaderId::allow},
    {"Accept", HeaderId::accept},
    {"Subject", HeaderId::subject},
    {"User-Agent", HeaderId::user_agent},
    {"Server", HeaderId::server},
    {"Event", HeaderId::event},
    {"Allow-Events", HeaderId::allow_events},
    {"Refer-To", HeaderId::refer_to},
    {"Referred-By", HeaderId::referred_by},
    {"Session-Expires", HeaderId::session_expires},
    {"Date", HeaderId::date},
    {"Retry-After", HeaderId::retry_after},
    {"Warning", HeaderId::warning},
    // Compact forms: RFC 3261 7.3.3, RFC 3265 (o, u), RFC 3515 (r), RFC 3892 (b),
    // RFC 4028 (x).
    {"v", HeaderId::via},
    {"f", HeaderId::from},
    {"t", HeaderId::to},
    {"i", HeaderId::call_id},
    {"m", HeaderId::contact},
    {"l", HeaderId::content_length},
    {"c", HeaderId::content_type},
    {"e", HeaderId::content_encoding},
    {"k", HeaderId::supported},
    {"s", HeaderId::subject},
    {"o", HeaderId::event},
    {"u", HeaderId::allow_events},
    {"r", HeaderId::refer_to},
    {"b", HeaderId::referred_by},
    {"x", HeaderId::session_expires},
}};

// Names bucketed by their lower-case first letter, so a lookup compares against at most a
// handful of candidates (it runs for every header line of every message).
constexpr std::size_t kBucketSlots = 8;
struct Buckets {
  std::array<std::array<std::uint8_t, kBucketSlots>, 26> index{};
  std::array<std::uint8_t, 26> count{};
};

constexpr Buckets make_buckets() {
  Buckets b;
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    const auto letter = static_cast<std::size_t>(detail::to_lower(kNames[i].name.front()) - 'a');
    if (b.count[letter] == kBucketSlots) throw "header name bucket overflow";  // compile error
    b.index[letter][b.count[letter]++] = static_cast<std::uint8_t>(i);
  }
  return b;
}
constexpr Buckets kBuckets = make_buckets();

}  // namespace

HeaderId header_id_from_name(std::string_view name) noexcept {
  if (name.empty()) return HeaderId::other;
  const char first = detail::to_lower(name.front());
  if (first < 'a' || first > 'z') return HeaderId::other;
  const auto letter = static_cast<std::size_t>(first - 'a');
  for (std::size_t k = 0; k < kBuckets.count[letter]; ++k) {
    const NameEntry& entry = kNames[kBuckets.index[letter][k]];
    if (entry.name.size() == name.size() && detail::iequals(entry.name, name)) return entry.id;
  }
  return HeaderId::other;
}

std::string_view header_canonical_name(HeaderId id) noexcept {
  for (const auto& entry : kNames) {
    if (entry.id == id) return entry.name;
  }
  return {};
}

}  // namespace callplan::sip
