// The public face of the transaction layer: construction, dispatch of received messages,
// branches, and the forwarding of each call to the server or client half.
#include "sip/transaction/transaction_layer.hpp"

#include <random>
#include <utility>

#include "sip/transaction/layer_state.hpp"

namespace callplan::sip {

namespace {

// splitmix64: a bijection, so distinct counters give distinct branches, and consecutive
// branches share no visible pattern.
std::uint64_t mix(std::uint64_t x) noexcept {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

void append_hex(std::string& out, std::uint64_t value, int digits) {
  constexpr char kHex[] = "0123456789abcdef";
  for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
    out.push_back(kHex[(value >> shift) & 0xf]);
  }
}

}  // namespace

TransactionLayer::Impl::Impl(TimerQueue& timer_queue, Sender& out, TransactionUser& tu,
                             TransactionTimes t)
    : timers(timer_queue), sender(out), user(tu), times(t) {
  std::random_device random;
  branch_seed = (std::uint64_t{random()} << 32) ^ random();
  append_hex(local_tag, mix(~branch_seed), 16);
}

TransactionLayer::Impl::~Impl() {
  // The queue may outlive the layer: no timer may call back into a destroyed layer.
  for (auto& [id, txn] : servers) {
    stop_timer(txn.retransmit_timer);
    stop_timer(txn.lifetime_timer);
  }
  for (auto& [id, txn] : clients) stop_client_timers(txn);
}

TransactionLayer::TransactionLayer(TimerQueue& timers, Sender& sender, TransactionUser& user,
                                   TransactionTimes times)
    : impl_(std::make_unique<Impl>(timers, sender, user, times)) {}

TransactionLayer::~TransactionLayer() = default;

void TransactionLayer::receive(const Message& message, const Peer& from) {
  if (message.is_request) {
    impl_->receive_request(message, from);
  } else {
    impl_->receive_response(message, from);
  }
}

void TransactionLayer::respond(ServerId txn, std::string response) {
  impl_->respond(txn, std::move(response));
}

bool TransactionLayer::has_final_response(ServerId txn) const {
  const auto it = impl_->servers.find(txn);
  // Server transactions end only after a final response (or the unanswered limit).
  if (it == impl_->servers.end()) return true;
  return it->second.state != ServerState::trying && it->second.state != ServerState::proceeding;
}

ClientId TransactionLayer::send_request(const Peer& to, std::string request,
                                        std::string_view branch, Method method,
                                        ClientCallbacks callbacks) {
  return impl_->send_request(to, std::move(request), branch, method, std::move(callbacks));
}

void TransactionLayer::cancel(ClientId txn) { impl_->cancel(txn); }

void TransactionLayer::abandon(ClientId txn) { impl_->terminate_client(txn); }

std::string TransactionLayer::new_branch() {
  std::string branch;
  branch.reserve(kBranchCookie.size() + 16);
  branch.append(kBranchCookie);
  append_hex(branch, mix(impl_->branch_seed + impl_->branch_counter++), 16);
  return branch;
}

std::size_t TransactionLayer::server_transactions() const { return impl_->servers.size(); }

std::size_t TransactionLayer::client_transactions() const { return impl_->clients.size(); }

}  // namespace callplan::sip
