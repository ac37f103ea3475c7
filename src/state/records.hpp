// state/records.hpp — what the server keeps across a restart, as plain structs in the
// domain's words. The store interface (store.hpp) takes and returns these; no SQL, no
// sqlite3 types. Times that must mean the same after a restart are wall-clock
// (std::chrono::system_clock): a steady_clock value does not survive a reboot.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace callplan::state {

using WallClock = std::chrono::system_clock::time_point;

enum class Transport : std::uint8_t { udp, tcp, tls };

// "udp", "tcp", "tls": the spelling kept in the store.
const char* transport_name(Transport t);
// nullopt for anything else.
std::optional<Transport> parse_transport(std::string_view name);

// One contact a device registered (RFC 3261 10.3). Identified by (company, username, contact).
struct Registration {
  std::string company;         // the company's login (its digest realm)
  std::string username;        // the device's SIP username
  std::string contact;         // the contact URI as registered
  std::string source_address;  // where the REGISTER came from: the flow to reach the contact on
  std::uint16_t source_port = 0;
  Transport transport = Transport::udp;
  WallClock expires{};
  std::string call_id;         // of the REGISTER that made or last refreshed it
  std::uint32_t cseq = 0;
  int q_millis = 1000;         // q=0.7 -> 700
  std::string instance;        // +sip.instance (RFC 5626), empty when none
  std::uint32_t reg_id = 0;    // reg-id (RFC 5626), 0 when none

  friend bool operator==(const Registration&, const Registration&) = default;
};

// Where round robin continues in one ring group of one company: the member after whom the
// group's next call starts, as the engine's RoutingState keeps it (a name, not an index, so
// it survives members being added or reordered by a reload).
struct RoundRobinPosition {
  std::string company;
  std::string ring_group;  // the ring group's step path ("main/2"), RoutingState's key
  std::string member;      // the member as written in the group

  friend bool operator==(const RoundRobinPosition&, const RoundRobinPosition&) = default;
};

// The message-waiting lamp of one mailbox: how many new and old messages it holds.
struct MessageWaiting {
  std::string company;
  std::string mailbox;  // the extension owning the mailbox
  std::uint32_t new_messages = 0;
  std::uint32_t old_messages = 0;

  friend bool operator==(const MessageWaiting&, const MessageWaiting&) = default;
};

// One finished call, appended when it ends; never changed afterwards.
struct CallRecord {
  std::string company;
  std::string call_id;
  std::string caller;       // the From user or number
  std::string callee;       // what was dialled
  WallClock started{};
  std::optional<WallClock> answered;
  WallClock ended{};
  std::string disposition;  // "answered", "busy", "no-answer", "failed", "voicemail", ...
  std::string answered_by;  // the device or destination that answered, empty when none

  friend bool operator==(const CallRecord&, const CallRecord&) = default;
};

// One login of the web panel. The hash is an Argon2id PHC string ("$argon2id$v=19$...").
struct PanelAccount {
  std::string login;
  std::string password_hash;
  std::string role;  // "admin", "company:<login>", ... (the panel defines them)

  friend bool operator==(const PanelAccount&, const PanelAccount&) = default;
};

// Everything loaded at start: what a server needs in memory to route. Call records are
// not in it (they only grow; see Store::recent_call_records).
// One stored registration as load() reads it: views into the database's row, valid only
// during the call that receives it. A restart of 100,000 phones reads them one by one into the
// location service without a vector of copies in between (docs/performance.md).
struct RegistrationRow {
  std::string_view company, username, contact, source_address;
  std::uint16_t source_port = 0;
  Transport transport = Transport::udp;
  WallClock expires{};
  std::string_view call_id;
  std::uint32_t cseq = 0;
  int q_millis = 1000;
  std::string_view instance;
  std::uint32_t reg_id = 0;
};

struct Snapshot {
  std::vector<Registration> registrations;
  std::vector<RoundRobinPosition> round_robin;
  std::vector<MessageWaiting> message_waiting;
  std::vector<PanelAccount> panel_accounts;
  // What the store dropped while opening, for the start-up log line.
  std::size_t expired_registrations_dropped = 0;
  std::size_t connection_registrations_dropped = 0;  // TCP/TLS: they ended with the connection
};

}  // namespace callplan::state
