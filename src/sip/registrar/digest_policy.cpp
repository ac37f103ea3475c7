#include "sip/registrar/digest_policy.hpp"

#include <algorithm>

namespace callplan::sip {
namespace {

std::optional<DigestAlgorithm> algorithm_named(std::string_view name) {
  std::string lower;
  for (char c : name) {
    if (c == '-' || c == ' ') continue;  // "SHA-256", "sha 256"
    lower.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c);
  }
  if (lower == "md5") return DigestAlgorithm::md5;
  if (lower == "sha256") return DigestAlgorithm::sha256;
  return std::nullopt;
}

}  // namespace

std::optional<DigestPolicy> DigestPolicy::parse(std::string_view text, std::string* error) {
  DigestPolicy policy;
  policy.order_.clear();
  while (true) {
    std::size_t comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    auto algorithm = algorithm_named(item);
    if (!algorithm) {
      if (error != nullptr)
        *error = "expected md5, sha256, md5,sha256 or sha256,md5, got '" + std::string(item) + "'";
      return std::nullopt;
    }
    if (std::find(policy.order_.begin(), policy.order_.end(), *algorithm) != policy.order_.end()) {
      if (error != nullptr) *error = "'" + std::string(item) + "' is named twice";
      return std::nullopt;
    }
    policy.order_.push_back(*algorithm);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return policy;
}

std::span<const DigestAlgorithm> DigestPolicy::offer_for(const DeviceSecret* device) const {
  if (device == nullptr) return order_;
  const bool md5 = !device->ha1_md5.empty();
  const bool sha256 = !device->ha1_sha256.empty();
  if (md5 && sha256) return order_;
  // Only one secret: offer that algorithm alone, whatever the policy says. Offering the other
  // as well would let a phone pick it and fail for good (it cannot be verified).
  if (sha256) return sha256_only_;
  if (md5) return md5_only_;
  return order_;  // no secret at all: the device cannot register; answer like anyone else
}

std::string DigestPolicy::text() const {
  std::string out;
  for (DigestAlgorithm a : order_) {
    if (!out.empty()) out += ',';
    out += a == DigestAlgorithm::md5 ? "md5" : "sha256";
  }
  return out;
}

}  // namespace callplan::sip
