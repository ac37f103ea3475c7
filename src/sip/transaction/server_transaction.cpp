// Server transactions (RFC 3261 17.2, RFC 6026 Accepted state), CANCEL handling (9.2) and
// request matching (17.2.3).
#include <algorithm>
#include <chrono>
#include <utility>

#include "sip/transaction/layer_state.hpp"
#include "sip/transaction/transaction_keys.hpp"
#include "sip/writer.hpp"

namespace callplan::sip {

using namespace transaction_detail;

namespace {

// The status code of a response we are about to send: "SIP/2.0 NNN ...". 0 when malformed.
int response_status(std::string_view response) noexcept {
  constexpr std::string_view kVersion = "SIP/2.0 ";
  if (response.size() < kVersion.size() + 3 || !response.starts_with(kVersion)) return 0;
  int status = 0;
  for (std::size_t i = kVersion.size(); i < kVersion.size() + 3; ++i) {
    const char c = response[i];
    if (c < '0' || c > '9') return 0;
    status = status * 10 + (c - '0');
  }
  return status >= 100 && status <= 699 ? status : 0;
}

}  // namespace

ServerId TransactionLayer::Impl::find_server(const Message& request, std::string_view method,
                                             std::string_view to_tag) {
  if (request.top_via.rfc3261_branch()) {
    branch_key(request, method, scratch_key);
  } else {
    rfc2543_key(request, method, to_tag, scratch_key);
  }
  const auto found = server_keys.find(std::string_view(scratch_key));
  return found == server_keys.end() ? kNoTransaction : found->second;
}

ServerId TransactionLayer::Impl::create_server(const Message& request, const Peer& from) {
  const ServerId id = next_server_id++;
  ServerTransaction& txn = servers[id];
  txn.invite = request.method == Method::invite;
  txn.reliable = from.protocol == Protocol::tcp;
  txn.rfc2543 = !request.top_via.rfc3261_branch();
  txn.state = txn.invite ? ServerState::proceeding : ServerState::trying;
  txn.peer = from;
  txn.key = scratch_key;
  server_keys.insert_or_assign(txn.key, id);
  txn.progress_at = timers.now();
  arm_unanswered_limit(id, txn,
                       txn.invite ? times.unanswered_invite : times.unanswered_non_invite);
  return id;
}

void TransactionLayer::Impl::arm_unanswered_limit(ServerId id, ServerTransaction& txn,
                                                  TimerQueue::Duration after) {
  stop_timer(txn.lifetime_timer);
  txn.lifetime_timer = timers.start(after, [this, id] { unanswered_limit(id); });
}

void TransactionLayer::Impl::unanswered_limit(ServerId id) {
  const auto it = servers.find(id);
  if (it == servers.end()) return;
  ServerTransaction& txn = it->second;
  txn.lifetime_timer = TimerQueue::kNone;
  if (txn.invite) {
    // A provisional since the timer was armed moved the limit: wait for the rest of it.
    const TimerQueue::TimePoint limit = txn.progress_at + times.unanswered_invite;
    if (limit > timers.now()) {
      arm_unanswered_limit(
          id, txn, std::chrono::ceil<TimerQueue::Duration>(limit - timers.now()));
      return;
    }
  }
  terminate_server(id);
}

void TransactionLayer::Impl::receive_request(const Message& request, const Peer& from) {
  if (request.method == Method::ack) {
    receive_ack(request, from);
    return;
  }
  const ServerId existing = find_server(request, request.method_text, request.to.tag());
  if (existing != kNoTransaction) {
    answer_retransmission(servers.at(existing));
    return;
  }
  if (request.method == Method::cancel) {
    receive_cancel(request, from);
    return;
  }
  const ServerId id = create_server(request, from);
  servers.at(id).in_on_request = true;
  // The TU may respond (and so even end the transaction) from inside the callback.
  user.on_request(id, request, from);
  const auto it = servers.find(id);
  if (it == servers.end()) return;  // refused statelessly, or ended by the TU
  ServerTransaction& txn = it->second;
  txn.in_on_request = false;
  if (request.method == Method::invite && times.send_100_trying &&
      txn.state == ServerState::proceeding && txn.last_response.empty()) {
    // 17.2.1: a proxy answers 100 at once so the client stops retransmitting (Timer A).
    // After the TU rather than before: the TU decides synchronously, and an INVITE it
    // refused at once must get that one response only.
    txn.last_response = build_response(request, 100, "Trying");
    sender.send(from, txn.last_response);
  }
}

void TransactionLayer::Impl::answer_retransmission(ServerTransaction& txn) {
  // 17.2.1 / 17.2.2: Proceeding and Completed repeat the last response; Trying has none yet;
  // Confirmed and Accepted absorb (RFC 6026: the TU retransmits 2xx, not the transaction).
  if ((txn.state == ServerState::proceeding || txn.state == ServerState::completed) &&
      !txn.last_response.empty()) {
    sender.send(txn.peer, txn.last_response);
  }
}

void TransactionLayer::Impl::receive_cancel(const Message& cancel, const Peer& from) {
  // 9.2: the CANCEL matches the INVITE by the same rules, method aside; its To tag is the
  // INVITE's, so the RFC 2543 key needs no second try.
  const ServerId invite = find_server(cancel, method_text(Method::invite), cancel.to.tag());
  if (invite == kNoTransaction) {
    // Stateless: a retransmitted CANCEL simply gets another 481, and junk leaves no state.
    sender.send(from, build_response(cancel, 481, "Call/Transaction Does Not Exist",
                                     {.to_tag = local_tag}));
    return;
  }
  // The CANCEL's own transaction absorbs its retransmissions with the same 200.
  find_server(cancel, cancel.method_text, cancel.to.tag());
  const ServerId own = create_server(cancel, from);
  respond(own, build_response(cancel, 200, "OK", {.to_tag = local_tag}));
  // Only an INVITE still waiting for its final response has anything left to cancel.
  const auto it = servers.find(invite);
  if (it != servers.end() && it->second.state == ServerState::proceeding) {
    user.on_cancel(invite, cancel, from);
  }
}

void TransactionLayer::Impl::receive_ack(const Message& ack, const Peer& from) {
  const std::string_view invite_method = method_text(Method::invite);
  ServerId id = find_server(ack, invite_method, ack.to.tag());
  if (id == kNoTransaction && !ack.top_via.rfc3261_branch() && !ack.to.tag().empty()) {
    // RFC 2543: an initial INVITE had no To tag; the ACK carries the one of our response.
    id = find_server(ack, invite_method, {});
  }
  const auto it = id == kNoTransaction ? servers.end() : servers.find(id);
  if (it == servers.end()) {
    user.on_ack(ack, from);  // the ACK for a 2xx: end to end (13.2.2.4)
    return;
  }
  ServerTransaction& txn = it->second;
  if (txn.rfc2543 && !txn.response_to_tag.empty() && txn.response_to_tag != ack.to.tag()) {
    user.on_ack(ack, from);  // not the ACK for our final response
    return;
  }
  switch (txn.state) {
    case ServerState::completed:
      // 17.2.1: Confirmed absorbs further ACKs for Timer I (T4 on UDP, 0 on TCP).
      txn.state = ServerState::confirmed;
      stop_timer(txn.retransmit_timer);
      stop_timer(txn.lifetime_timer);
      txn.last_response = std::string();
      if (txn.reliable) {
        terminate_server(id);
      } else {
        txn.lifetime_timer = timers.start(times.t4, [this, id] { terminate_server(id); });
      }
      return;
    case ServerState::accepted:
      user.on_ack(ack, from);  // RFC 6026: ACKs for the 2xx go to the TU
      return;
    default:
      return;  // Confirmed absorbs; an ACK before any final response means nothing
  }
}

void TransactionLayer::Impl::respond(ServerId id, std::string response) {
  const auto it = servers.find(id);
  if (it == servers.end()) return;
  const int status = response_status(response);
  if (status == 0) return;
  ServerTransaction& txn = it->second;

  if (txn.state == ServerState::accepted) {
    // RFC 6026: the TU's 2xx retransmissions pass through; nothing else may follow a 2xx.
    if (status >= 200 && status < 300) sender.send(txn.peer, response);
    return;
  }
  if (txn.state != ServerState::trying && txn.state != ServerState::proceeding) return;

  sender.send(txn.peer, response);
  // A refusal before anything else was sent. After a provisional the client has stopped
  // retransmitting (Timer A), so a lost final would leave it waiting: keep the state then.
  if (status >= 300 && txn.in_on_request && txn.last_response.empty() &&
      times.stateless_refusals) {
    terminate_server(id);  // an immediate refusal: sent once, nothing kept (header)
    return;
  }
  if (status < 200) {
    txn.state = ServerState::proceeding;
    txn.last_response = std::move(response);
    // The TU is still working on it: the unanswered limit counts from now, without a new
    // timer per provisional (a ring-all call sends several).
    txn.progress_at = timers.now();
    return;
  }
  stop_timer(txn.lifetime_timer);
  if (txn.invite && status < 300) {
    txn.state = ServerState::accepted;
    txn.last_response = std::string();
    txn.lifetime_timer = timers.start(timer_64t1(), [this, id] { terminate_server(id); });  // L
    return;
  }
  txn.state = ServerState::completed;
  if (txn.rfc2543 && txn.invite) {
    // The ACK for this response will carry its To tag (17.2.3).
    if (parse_message(response, scratch_message).ok()) {
      txn.response_to_tag.assign(scratch_message.to.tag());
    }
  }
  if (!txn.invite) {
    if (txn.reliable) {
      terminate_server(id);  // Timer J is 0 on TCP
      return;
    }
    txn.last_response = std::move(response);
    txn.lifetime_timer = timers.start(timer_64t1(), [this, id] { terminate_server(id); });  // J
    return;
  }
  txn.last_response = std::move(response);
  if (!txn.reliable) {
    txn.interval = times.t1;
    txn.retransmit_timer = timers.start(txn.interval, [this, id] { server_timer_g(id); });
  }
  txn.lifetime_timer = timers.start(timer_64t1(), [this, id] { terminate_server(id); });  // H
}

void TransactionLayer::Impl::server_timer_g(ServerId id) {
  const auto it = servers.find(id);
  if (it == servers.end()) return;
  ServerTransaction& txn = it->second;
  txn.retransmit_timer = TimerQueue::kNone;
  if (txn.state != ServerState::completed) return;
  sender.send(txn.peer, txn.last_response);
  txn.interval = std::min(txn.interval * 2, times.t2);
  txn.retransmit_timer = timers.start(txn.interval, [this, id] { server_timer_g(id); });
}

void TransactionLayer::Impl::terminate_server(ServerId id) {
  const auto it = servers.find(id);
  if (it == servers.end()) return;
  ServerTransaction& txn = it->second;
  stop_timer(txn.retransmit_timer);
  stop_timer(txn.lifetime_timer);
  // A newer transaction may have taken the key over (a request re-used a branch).
  const auto key = server_keys.find(std::string_view(txn.key));
  if (key != server_keys.end() && key->second == id) server_keys.erase(key);
  servers.erase(it);
}

}  // namespace callplan::sip
