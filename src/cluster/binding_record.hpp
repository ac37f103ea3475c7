// cluster/binding_record.hpp — how a registration binding is kept in Redis and announced to
// the other nodes (docs/cluster.md, "In Redis").
//
//   key      callplan:{<company>}:bindings        one hash per company; the braces are Redis
//                                                 Cluster's hash tag, so a company's keys
//                                                 stay in one slot when Redis is sharded
//   field    <username> LF <contact>              (neither can hold a raw line feed)
//   value    v1 LF updated_ms LF expires_ms LF owner LF transport LF address LF port LF
//            q_millis LF cseq LF call_id
//   channel  callplan:bindings                    every change, published by the same script
//   message  put|del LF node LF company LF username LF contact LF value ("" for del)
//
// Times are Unix milliseconds (wall clock: they mean the same on every node). `updated_ms`
// orders writes: the put script keeps the stored value when it is newer (a node that was cut
// off from Redis cannot overwrite a later registration with its older copy). `owner` is the
// node that took the REGISTER (its first --listen address, `udp:10.0.0.1:5060`): the node
// that holds a TCP binding's connection.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace callplan::cluster {

inline constexpr std::string_view kChannel = "callplan:bindings";

struct BindingRecord {
  std::int64_t updated_ms = 0;
  std::int64_t expires_ms = 0;
  std::string owner;
  std::string transport;  // "udp", "tcp"
  std::string address;    // the source address of the REGISTER (the flow back to the phone)
  std::uint16_t port = 0;
  int q_millis = 1000;
  std::uint32_t cseq = 0;
  std::string call_id;
};

std::string encode(const BindingRecord& record);
// nullopt when `value` is not a v1 record (another program's value, a newer version).
std::optional<BindingRecord> decode_record(std::string_view value);

std::string bindings_key(std::string_view company);
std::string binding_field(std::string_view username, std::string_view contact);
// false when `field` has no line feed.
bool split_field(std::string_view field, std::string_view& username, std::string_view& contact);

struct Change {
  enum class Kind { put, del };
  Kind kind = Kind::put;
  std::string_view node;  // the node that made the change
  std::string_view company;
  std::string_view username;
  std::string_view contact;
  std::string_view value;  // put: the record as stored
};

std::string encode(const Change& change);
// Views into `message`; nullopt when it is not one.
std::optional<Change> decode_change(std::string_view message);

}  // namespace callplan::cluster
