#include "cluster/binding_record.hpp"

#include <array>
#include <charconv>

#include <fmt/format.h>

namespace callplan::cluster {
namespace {

// Splits `text` at its first `n - 1` line feeds; the last part is the rest. False when it
// has fewer.
template <std::size_t N>
bool split_lines(std::string_view text, std::array<std::string_view, N>& parts) {
  for (std::size_t i = 0; i + 1 < N; ++i) {
    const auto lf = text.find('\n');
    if (lf == std::string_view::npos) return false;
    parts[i] = text.substr(0, lf);
    text.remove_prefix(lf + 1);
  }
  parts[N - 1] = text;
  return true;
}

template <typename T>
bool number(std::string_view text, T& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

}  // namespace

std::string encode(const BindingRecord& r) {
  return fmt::format("v1\n{}\n{}\n{}\n{}\n{}\n{}\n{}\n{}\n{}", r.updated_ms, r.expires_ms, r.owner,
                     r.transport, r.address, r.port, r.q_millis, r.cseq, r.call_id);
}

std::optional<BindingRecord> decode_record(std::string_view value) {
  std::array<std::string_view, 10> p;
  if (!split_lines(value, p) || p[0] != "v1") return std::nullopt;
  BindingRecord r;
  if (!number(p[1], r.updated_ms) || !number(p[2], r.expires_ms) || !number(p[6], r.port) ||
      !number(p[7], r.q_millis) || !number(p[8], r.cseq))
    return std::nullopt;
  r.owner.assign(p[3]);
  r.transport.assign(p[4]);
  r.address.assign(p[5]);
  r.call_id.assign(p[9]);
  return r;
}

std::string bindings_key(std::string_view company) {
  return fmt::format("callplan:{{{}}}:bindings", company);
}

std::string binding_field(std::string_view username, std::string_view contact) {
  return fmt::format("{}\n{}", username, contact);
}

bool split_field(std::string_view field, std::string_view& username, std::string_view& contact) {
  const auto lf = field.find('\n');
  if (lf == std::string_view::npos) return false;
  username = field.substr(0, lf);
  contact = field.substr(lf + 1);
  return true;
}

std::string encode(const Change& c) {
  return fmt::format("{}\n{}\n{}\n{}\n{}\n{}", c.kind == Change::Kind::put ? "put" : "del", c.node,
                     c.company, c.username, c.contact, c.value);
}

std::optional<Change> decode_change(std::string_view message) {
  std::array<std::string_view, 6> p;
  if (!split_lines(message, p)) return std::nullopt;
  Change c;
  if (p[0] == "put")
    c.kind = Change::Kind::put;
  else if (p[0] == "del")
    c.kind = Change::Kind::del;
  else
    return std::nullopt;
  c.node = p[1];
  c.company = p[2];
  c.username = p[3];
  c.contact = p[4];
  c.value = p[5];
  return c;
}

}  // namespace callplan::cluster
