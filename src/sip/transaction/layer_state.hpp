// sip/transaction/layer_state.hpp — the transaction layer's private state, shared by
// server_transaction.cpp, client_transaction.cpp and transaction_layer.cpp. Internal.
//
// Transactions live in hash maps by id; a second map finds them by key. Nothing here points
// into a caller's Message: every byte a transaction keeps is its own copy.
//
// Re-entrancy: TU callbacks may call any layer function, which may insert or erase
// transactions. So code never holds a reference to a transaction across a callback: it looks
// the id up again afterwards, and a client's callback is moved out of the transaction while
// it runs (abandon() from inside the callback must not destroy the running function).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "sip/message.hpp"
#include "sip/transaction/transaction_layer.hpp"

namespace callplan::sip {

// Lets the key maps be searched with a string_view (the reused scratch key) without building
// a std::string per lookup.
struct KeyHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view key) const noexcept {
    return std::hash<std::string_view>{}(key);
  }
};
using KeyMap = std::unordered_map<std::string, std::uint64_t, KeyHash, std::equal_to<>>;

enum class ServerState : std::uint8_t {
  trying,      // non-INVITE, nothing sent yet
  proceeding,  // a provisional was sent (INVITE starts here)
  completed,   // a final (non-2xx for INVITE) was sent; retransmissions answered with it
  confirmed,   // INVITE: the ACK arrived (Timer I)
  accepted,    // INVITE: a 2xx was sent (RFC 6026, Timer L)
};

struct ServerTransaction {
  bool invite = false;
  bool reliable = false;  // TCP: no retransmission timers, zero-length waits
  bool rfc2543 = false;   // keyed by the RFC 2543 key (no RFC 3261 branch in the request)
  bool in_on_request = false;  // the TU is deciding: a refusal now is sent statelessly
  ServerState state = ServerState::proceeding;
  Peer peer;              // responses go back where the request came from (RFC 3581 style)
  std::string key;
  std::string last_response;  // what a retransmitted request is answered with
  std::string response_to_tag;  // RFC 2543 only: the tag an ACK for our final carries
  TimerQueue::Id retransmit_timer = TimerQueue::kNone;  // G
  TimerQueue::Id lifetime_timer = TimerQueue::kNone;    // H, I, J, L, or the unanswered limit
  TimerQueue::Duration interval{0};
  // INVITE: when the TU last showed progress (the request, or its latest provisional). The
  // unanswered limit counts from here; it is armed once and, when it fires early, re-armed
  // for what is left, so provisionals start no timers.
  TimerQueue::TimePoint progress_at{};
};

enum class ClientState : std::uint8_t {
  calling,     // INVITE sent, nothing back (non-INVITE: "Trying")
  proceeding,  // a provisional arrived
  completed,   // a final arrived (INVITE: non-2xx, ACKed); absorbing retransmissions
  accepted,    // INVITE: a 2xx arrived (RFC 6026, Timer M); further 2xx go to the TU
};

struct ClientTransaction {
  bool invite = false;
  bool reliable = false;
  ClientState state = ClientState::calling;
  bool cancel_wanted = false;  // cancel() called; sent once a provisional arrives
  bool cancel_sent = false;
  bool timed_out = false;      // on_timeout was reported (Timer C): only 2xx go up now
  std::uint64_t cancel_txn = 0;  // our CANCEL's own client transaction, while it runs
  Peer to;
  std::string key;
  std::string request;  // until the final response: retransmissions, ACK and CANCEL need it
  std::string ack;      // INVITE, Completed: re-sent for each retransmitted non-2xx final
  ClientCallbacks callbacks;
  TimerQueue::Id retransmit_timer = TimerQueue::kNone;  // A or E
  TimerQueue::Id lifetime_timer = TimerQueue::kNone;    // B, F, D, K, M, or the CANCEL wait
  TimerQueue::Id timer_c = TimerQueue::kNone;
  TimerQueue::Duration interval{0};
};

struct TransactionLayer::Impl {
  Impl(TimerQueue& timer_queue, Sender& out, TransactionUser& tu, TransactionTimes t);
  ~Impl();

  TimerQueue& timers;
  Sender& sender;
  TransactionUser& user;
  TransactionTimes times;

  std::unordered_map<ServerId, ServerTransaction> servers;
  std::unordered_map<ClientId, ClientTransaction> clients;
  KeyMap server_keys;
  KeyMap client_keys;
  std::uint64_t next_server_id = 1;
  std::uint64_t next_client_id = 1;
  std::uint64_t branch_seed = 0;
  std::uint64_t branch_counter = 0;
  std::string local_tag;  // To tag of the responses the layer itself sends (CANCEL 200, 481)

  std::string scratch_key;  // reused for lookups: no allocation per message
  Message scratch_message;  // reused to re-read requests we stored (ACK, CANCEL)

  TimerQueue::Duration timer_64t1() const { return times.t1 * 64; }

  // --- server (server_transaction.cpp)
  void receive_request(const Message& request, const Peer& from);
  void respond(ServerId id, std::string response);
  void receive_ack(const Message& ack, const Peer& from);
  void receive_cancel(const Message& cancel, const Peer& from);
  // Writes the key of `request` under `method` (RFC 3261 branch key, or the RFC 2543 key with
  // `to_tag`) into scratch_key and returns the transaction it names (kNoTransaction if none).
  ServerId find_server(const Message& request, std::string_view method, std::string_view to_tag);
  // A new transaction keyed by scratch_key (as find_server left it).
  ServerId create_server(const Message& request, const Peer& from);
  void answer_retransmission(ServerTransaction& txn);
  void server_timer_g(ServerId id);
  void arm_unanswered_limit(ServerId id, ServerTransaction& txn, TimerQueue::Duration after);
  void unanswered_limit(ServerId id);
  void terminate_server(ServerId id);

  // --- client (client_transaction.cpp)
  ClientId send_request(const Peer& to, std::string request, std::string_view branch,
                        Method method, ClientCallbacks callbacks);
  void receive_response(const Message& response, const Peer& from);
  void invite_response(ClientId id, ClientTransaction& txn, const Message& response);
  void non_invite_response(ClientId id, ClientTransaction& txn, const Message& response);
  void cancel(ClientId id);
  void send_cancel(ClientId id, ClientTransaction& txn);
  std::string build_ack(const ClientTransaction& txn, const Message& response);
  void client_retransmit(ClientId id);
  void client_timeout(ClientId id);  // Timer B / F, or no final after our CANCEL
  void client_timer_c(ClientId id);
  // Hands `response` to the transaction's on_response, which may re-enter the layer.
  void deliver_response(ClientId id, const Message& response);
  // The final delivery: the transaction ends first, then the TU hears of it.
  void deliver_and_terminate(ClientId id, ClientTransaction& txn, const Message& response);
  void stop_client_timers(ClientTransaction& txn);
  void terminate_client(ClientId id);

  void stop_timer(TimerQueue::Id& id) {
    if (id != TimerQueue::kNone) timers.cancel(id);
    id = TimerQueue::kNone;
  }
};

}  // namespace callplan::sip
