// Client transactions (RFC 3261 17.1, RFC 6026 Accepted state), the ACK for non-2xx finals
// (17.1.1.3), CANCEL (9.1) and Timer C (16.6 step 11, 16.8).
#include <algorithm>
#include <utility>

#include "sip/transaction/layer_state.hpp"
#include "sip/transaction/own_request.hpp"
#include "sip/transaction/transaction_keys.hpp"
#include "sip/writer.hpp"

namespace callplan::sip {

using namespace transaction_detail;

ClientId TransactionLayer::Impl::send_request(const Peer& to, std::string request,
                                              std::string_view branch, Method method,
                                              ClientCallbacks callbacks) {
  if (method == Method::ack) {
    // An ACK is no transaction (17.1.1.3 builds its own; the ACK for a 2xx is end to end).
    sender.send(to, request);
    return kNoTransaction;
  }
  const ClientId id = next_client_id++;
  ClientTransaction& txn = clients[id];
  txn.invite = method == Method::invite;
  txn.reliable = to.protocol == Protocol::tcp;
  txn.to = to;
  // Keyed by the method token as written, so responses to extension methods match too.
  client_key(branch, request_method_token(request), scratch_key);
  txn.key = scratch_key;
  client_keys.insert_or_assign(txn.key, id);
  txn.request = std::move(request);
  txn.callbacks = std::move(callbacks);
  if (!txn.reliable) {
    txn.interval = times.t1;  // Timer A / E
    txn.retransmit_timer = timers.start(txn.interval, [this, id] { client_retransmit(id); });
  }
  txn.lifetime_timer = timers.start(timer_64t1(), [this, id] { client_timeout(id); });  // B / F
  if (txn.invite) {
    txn.timer_c = timers.start(times.timer_c, [this, id] { client_timer_c(id); });
  }
  sender.send(to, txn.request);
  return id;
}

void TransactionLayer::Impl::client_retransmit(ClientId id) {
  const auto it = clients.find(id);
  if (it == clients.end()) return;
  ClientTransaction& txn = it->second;
  txn.retransmit_timer = TimerQueue::kNone;
  if (txn.invite) {
    if (txn.state != ClientState::calling) return;
    txn.interval *= 2;  // Timer A doubles without a cap (17.1.1.2)
  } else {
    if (txn.state != ClientState::calling && txn.state != ClientState::proceeding) return;
    // Timer E: doubling up to T2 while Trying, T2 once a provisional came (17.1.2.2).
    txn.interval = txn.state == ClientState::calling ? std::min(txn.interval * 2, times.t2)
                                                     : times.t2;
  }
  sender.send(txn.to, txn.request);
  txn.retransmit_timer = timers.start(txn.interval, [this, id] { client_retransmit(id); });
}

void TransactionLayer::Impl::client_timeout(ClientId id) {
  const auto it = clients.find(id);
  if (it == clients.end()) return;
  ClientTransaction& txn = it->second;
  // Also reached from Timer C: terminate_client() stops whatever still runs (cancelling a
  // timer that already fired is harmless).
  auto on_timeout = std::move(txn.callbacks.on_timeout);
  const bool report = !txn.timed_out;
  terminate_client(id);
  if (report && on_timeout) on_timeout();
}

void TransactionLayer::Impl::client_timer_c(ClientId id) {
  const auto it = clients.find(id);
  if (it == clients.end()) return;
  ClientTransaction& txn = it->second;
  txn.timer_c = TimerQueue::kNone;
  if (txn.state == ClientState::calling) {
    // 16.8: nothing came back, so no CANCEL may be sent: it is as if a 408 arrived.
    client_timeout(id);
    return;
  }
  if (txn.state != ClientState::proceeding || txn.timed_out) return;
  // 16.8: a provisional arrived, so the branch is CANCELled; its final response (487, or a
  // racing 2xx) still ends the transaction, but only a 2xx goes up after the time-out.
  txn.timed_out = true;
  send_cancel(id, txn);
  const auto again = clients.find(id);
  if (again == clients.end()) return;
  auto on_timeout = std::move(again->second.callbacks.on_timeout);
  again->second.callbacks.on_timeout = nullptr;
  if (on_timeout) on_timeout();
}

void TransactionLayer::Impl::cancel(ClientId id) {
  const auto it = clients.find(id);
  if (it == clients.end()) return;
  ClientTransaction& txn = it->second;
  if (!txn.invite || txn.cancel_wanted) return;
  if (txn.state != ClientState::calling && txn.state != ClientState::proceeding) return;
  txn.cancel_wanted = true;
  // 9.1: not before a provisional arrived (the CANCEL could overtake the INVITE); the first
  // provisional sends it (invite_response).
  if (txn.state == ClientState::proceeding) send_cancel(id, txn);
}

void TransactionLayer::Impl::send_cancel(ClientId id, ClientTransaction& txn) {
  if (txn.cancel_sent) return;
  txn.cancel_sent = true;
  std::string cancel;
  std::string branch;
  OwnRequest own;
  Via via;
  if (read_own_request(txn.request, own) && parse_via(own.top_via, via) == ViaError::none) {
    cancel = own_cancel(own);  // read off our own bytes (own_request.hpp)
    branch.assign(via.branch);
  } else {
    Message& request = scratch_message;
    if (!parse_message(txn.request, request).ok()) return;  // our own bytes: cannot happen
    cancel = build_cancel(request);
    branch.assign(request.top_via.branch);
  }
  const Peer to = txn.to;
  // 9.1: without a final response 64*T1 after the CANCEL, the INVITE transaction is given up.
  // Timer C is done: the CANCEL is already on its way.
  stop_timer(txn.timer_c);
  stop_timer(txn.lifetime_timer);
  txn.lifetime_timer = timers.start(timer_64t1(), [this, id] { client_timeout(id); });
  // The CANCEL is its own non-INVITE transaction with the INVITE's branch; nobody needs its
  // 200. (Inserting into `clients` keeps `txn` valid: references survive a rehash.)
  const ClientId cancel_id = send_request(to, std::move(cancel), branch, Method::cancel, {});
  if (const auto it = clients.find(id); it != clients.end()) it->second.cancel_txn = cancel_id;
}

std::string TransactionLayer::Impl::build_ack(const ClientTransaction& txn,
                                              const Message& response) {
  // 17.1.1.3: the Request-URI, top Via, From, Call-ID and Route of the INVITE, the To of the
  // response (with its tag), the INVITE's CSeq number with method ACK.
  const Header* response_to = response.find(HeaderId::to);
  OwnRequest own;
  if (read_own_request(txn.request, own))
    return own_ack(own, response_to ? response_to->value : std::string_view{});
  Message& invite = scratch_message;
  if (!parse_message(txn.request, invite).ok()) return {};
  std::string out;
  out.reserve(txn.request.size() - invite.body.size());
  MessageWriter w(out);
  w.request_line("ACK", invite.request_uri_text);
  w.header("Via", invite.top_via.text);
  w.header("Max-Forwards", std::uint64_t{70});
  for (const Header& h : invite.headers) {
    if (h.id == HeaderId::route) w.header("Route", h.value);
  }
  if (const Header* from = invite.find(HeaderId::from)) w.header("From", from->value);
  if (const Header* to = response.find(HeaderId::to)) w.header("To", to->value);
  w.header("Call-ID", invite.call_id);
  // At most 10 digits + " ACK": stays in the small-string buffer.
  w.header("CSeq", std::to_string(invite.cseq.number) + " ACK");
  w.finish();
  return out;
}

void TransactionLayer::Impl::receive_response(const Message& response, const Peer& from) {
  const std::string_view branch = response.top_via.branch;
  const auto found = branch.empty() ? client_keys.end()
                                    : (client_key(branch, response.cseq.method_text, scratch_key),
                                       client_keys.find(std::string_view(scratch_key)));
  const auto it = found == client_keys.end() ? clients.end() : clients.find(found->second);
  if (it == clients.end()) {
    user.on_stray_response(response, from);
    return;
  }
  if (it->second.invite) {
    invite_response(it->first, it->second, response);
  } else {
    non_invite_response(it->first, it->second, response);
  }
}

void TransactionLayer::Impl::invite_response(ClientId id, ClientTransaction& txn,
                                             const Message& response) {
  const int status = response.status_code;
  switch (txn.state) {
    case ClientState::calling:
    case ClientState::proceeding:
      break;
    case ClientState::completed:
      // A retransmitted final: the ACK got lost (17.1.1.2).
      if (status >= 300 && !txn.ack.empty()) sender.send(txn.to, txn.ack);
      return;
    case ClientState::accepted:
      // RFC 6026: 2xx retransmissions and 2xx from other forks go to the TU (the proxy
      // relays them); anything else is absorbed.
      if (status >= 200 && status < 300) deliver_response(id, response);
      return;
  }

  if (status < 200) {
    if (txn.state == ClientState::calling) {
      txn.state = ClientState::proceeding;
      stop_timer(txn.retransmit_timer);  // Timer A stops; Timer B only runs while Calling
      if (!txn.cancel_sent) stop_timer(txn.lifetime_timer);
    }
    // 16.7 step 2: provisionals other than 100 restart Timer C.
    if (status > 100 && txn.timer_c != TimerQueue::kNone) {
      stop_timer(txn.timer_c);
      txn.timer_c = timers.start(times.timer_c, [this, id] { client_timer_c(id); });
    }
    if (txn.cancel_wanted && !txn.cancel_sent) send_cancel(id, txn);
    if (!txn.timed_out) deliver_response(id, response);
    return;
  }

  stop_timer(txn.retransmit_timer);
  stop_timer(txn.lifetime_timer);
  stop_timer(txn.timer_c);
  if (txn.cancel_txn != kNoTransaction) {
    // The INVITE has its final answer, so the CANCEL can change nothing (9.2). Retransmitting
    // it anyway (its 200 was late or lost) sent phones a CANCEL for a call they had already
    // finished: an "unexpected CANCEL" (issue 18). Its 200, if it comes, is a stray now.
    terminate_client(txn.cancel_txn);
    txn.cancel_txn = kNoTransaction;
  }
  if (status < 300) {
    txn.state = ClientState::accepted;
    txn.request = std::string();
    txn.lifetime_timer = timers.start(timer_64t1(), [this, id] { terminate_client(id); });  // M
    deliver_response(id, response);
    return;
  }
  // A non-2xx final: the layer ACKs it (17.1.1.3) and absorbs its retransmissions (Timer D).
  txn.state = ClientState::completed;
  txn.ack = build_ack(txn, response);
  txn.request = std::string();
  if (!txn.ack.empty()) sender.send(txn.to, txn.ack);
  if (txn.timed_out) {
    // Timer C already told the TU; the 487 for our CANCEL is absorbed.
    if (txn.reliable) {
      terminate_client(id);
    } else {
      txn.lifetime_timer = timers.start(times.timer_d, [this, id] { terminate_client(id); });
    }
    return;
  }
  if (txn.reliable) {
    deliver_and_terminate(id, txn, response);  // Timer D is 0 on TCP
    return;
  }
  txn.lifetime_timer = timers.start(times.timer_d, [this, id] { terminate_client(id); });  // D
  deliver_response(id, response);
}

void TransactionLayer::Impl::non_invite_response(ClientId id, ClientTransaction& txn,
                                                 const Message& response) {
  if (txn.state == ClientState::completed) return;  // retransmitted final: absorbed (Timer K)
  if (response.status_code < 200) {
    txn.state = ClientState::proceeding;  // Timer E continues, at T2
    deliver_response(id, response);
    return;
  }
  txn.state = ClientState::completed;
  stop_timer(txn.retransmit_timer);
  stop_timer(txn.lifetime_timer);
  txn.request = std::string();
  if (txn.reliable) {
    deliver_and_terminate(id, txn, response);  // Timer K is 0 on TCP
    return;
  }
  txn.lifetime_timer = timers.start(times.t4, [this, id] { terminate_client(id); });  // K
  deliver_response(id, response);
}

void TransactionLayer::Impl::deliver_response(ClientId id, const Message& response) {
  auto it = clients.find(id);
  if (it == clients.end()) return;
  // Moved out while it runs: the callback may abandon() this transaction, which must not
  // destroy the function being executed.
  auto on_response = std::move(it->second.callbacks.on_response);
  it->second.callbacks.on_response = nullptr;
  if (!on_response) return;
  on_response(response);
  it = clients.find(id);
  if (it != clients.end() && !it->second.callbacks.on_response) {
    it->second.callbacks.on_response = std::move(on_response);
  }
}

void TransactionLayer::Impl::deliver_and_terminate(ClientId id, ClientTransaction& txn,
                                                   const Message& response) {
  auto on_response = std::move(txn.callbacks.on_response);
  terminate_client(id);
  if (on_response) on_response(response);
}

void TransactionLayer::Impl::stop_client_timers(ClientTransaction& txn) {
  stop_timer(txn.retransmit_timer);
  stop_timer(txn.lifetime_timer);
  stop_timer(txn.timer_c);
}

void TransactionLayer::Impl::terminate_client(ClientId id) {
  const auto it = clients.find(id);
  if (it == clients.end()) return;
  ClientTransaction& txn = it->second;
  stop_client_timers(txn);
  const auto key = client_keys.find(std::string_view(txn.key));
  if (key != client_keys.end() && key->second == id) client_keys.erase(key);
  clients.erase(it);
}

}  // namespace callplan::sip
