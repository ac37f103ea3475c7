#include "sip/server/state_keeper.hpp"

#include <algorithm>
#include <system_error>

#include <asio/ip/address.hpp>

#include "state/sqlite_store.hpp"

namespace callplan::sip {
namespace {

state::SqliteStoreOptions store_options(StateKeeper::Log log) {
  state::SqliteStoreOptions options;
  if (log) options.log = std::move(log);
  return options;
}

state::Transport store_transport(Protocol protocol) {
  return protocol == Protocol::tcp ? state::Transport::tcp : state::Transport::udp;
}

}  // namespace

StateKeeper::WallTime to_wall(StateKeeper::SteadyTime t, StateKeeper::SteadyTime now_steady,
                              StateKeeper::WallTime now_wall) {
  return now_wall + std::chrono::duration_cast<StateKeeper::WallTime::duration>(t - now_steady);
}

StateKeeper::SteadyTime to_steady(StateKeeper::WallTime t, StateKeeper::SteadyTime now_steady,
                                  StateKeeper::WallTime now_wall) {
  return now_steady +
         std::chrono::duration_cast<StateKeeper::SteadyTime::duration>(t - now_wall);
}

StateKeeper::StateKeeper(const std::filesystem::path& dir, Log log)
    : store_(state::SqliteStore::open(dir, store_options(std::move(log)))) {}

StateKeeper::StateKeeper(std::unique_ptr<state::Store> store) : store_(std::move(store)) {}

StateKeeper::~StateKeeper() = default;

RestoredState StateKeeper::restore(Location& location, const RoutingOf& routing_of,
                                   SteadyTime now_steady, WallTime now_wall) {
  state::Snapshot snapshot = store_->load(now_wall);
  RestoredState out;
  out.expired_dropped = snapshot.expired_registrations_dropped;
  out.connection_dropped = snapshot.connection_registrations_dropped;
  users_.reserve(snapshot.registrations.size());
  location.reserve(snapshot.registrations.size());
  for (state::Registration& r : snapshot.registrations) {
    std::error_code ec;
    const asio::ip::address address = asio::ip::make_address(r.source_address, ec);
    if (ec || r.transport != state::Transport::udp) {
      // Nothing to reach it on; forget it in the store too rather than load it at every start.
      store_->remove_registration(r.company, r.username, r.contact);
      ++out.unusable_dropped;
      continue;
    }
    Binding b;
    b.contact = std::move(r.contact);
    b.source = Peer{.protocol = Protocol::udp, .address = address, .port = r.source_port};
    b.expires = to_steady(r.expires, now_steady, now_wall);
    b.q_millis = r.q_millis;
    b.call_id = std::move(r.call_id);
    b.cseq = r.cseq;
    // The store keeps no registration time; lookup() orders equal q-values by it. A later
    // expiry stands for a later registration (true when phones use the same interval).
    b.updated = b.expires - std::chrono::hours(24);
    KeptUser& kept = users_[r.username];
    kept.company = r.company;
    kept.contacts.push_back({b.contact, b.expires, b.cseq, b.call_id});
    location.bindings_of(r.username).push_back(std::move(b));
    ++out.registrations;
  }
  for (const state::RoundRobinPosition& p : snapshot.round_robin) {
    round_robin_[p.company][p.ring_group] = p.member;
    RoutingState* routing = routing_of(p.company);
    if (routing == nullptr) continue;  // a company not served now (a renamed login keeps its rows)
    routing->set_round_robin(p.ring_group, p.member);
    ++out.round_robin;
  }
  return out;
}

void StateKeeper::bindings_changed(std::string_view company, std::string_view username,
                                   std::span<const Binding> stored, SteadyTime now_steady,
                                   WallTime now_wall) {
  auto it = users_.find(std::string(username));
  if (it == users_.end()) {
    if (stored.empty()) return;
    it = users_.emplace(std::string(username), KeptUser{std::string(company), {}}).first;
  }
  KeptUser& kept = it->second;
  // Contacts no longer stored (removed, expired, or kept under another company's login).
  for (const Kept& k : kept.contacts) {
    const bool still = kept.company == company &&
                       std::any_of(stored.begin(), stored.end(),
                                   [&](const Binding& b) { return b.contact == k.contact; });
    if (!still) store_->remove_registration(kept.company, std::string(username), k.contact);
  }
  if (kept.company != company) {
    kept.company = std::string(company);
    kept.contacts.clear();
  }
  std::vector<Kept> next;
  next.reserve(stored.size());
  for (const Binding& b : stored) {
    const auto same = std::find_if(kept.contacts.begin(), kept.contacts.end(), [&](const Kept& k) {
      return k.contact == b.contact && k.expires == b.expires && k.cseq == b.cseq &&
             k.call_id == b.call_id;
    });
    if (same == kept.contacts.end()) {
      store_->put_registration(state::Registration{
          .company = std::string(company),
          .username = std::string(username),
          .contact = b.contact,
          .source_address = b.source.address.to_string(),
          .source_port = b.source.port,
          .transport = store_transport(b.source.protocol),
          .expires = to_wall(b.expires, now_steady, now_wall),
          .call_id = b.call_id,
          .cseq = b.cseq,
          .q_millis = b.q_millis,
          .instance = {},
          .reg_id = 0});
    }
    next.push_back({b.contact, b.expires, b.cseq, b.call_id});
  }
  if (next.empty()) {
    users_.erase(it);
  } else {
    kept.contacts = std::move(next);
  }
}

void StateKeeper::routing_state_changed(std::string_view company, const RoutingState& routing) {
  const auto& positions = routing.round_robin_positions();
  if (positions.empty()) return;
  auto kept = round_robin_.find(company);
  if (kept == round_robin_.end()) kept = round_robin_.emplace(std::string(company), Positions{}).first;
  for (const auto& [group, member] : positions) {
    auto it = kept->second.find(group);
    if (it != kept->second.end() && it->second == member) continue;
    store_->put_round_robin({kept->first, group, member});
    kept->second.insert_or_assign(group, member);
  }
}

bool StateKeeper::flush(std::chrono::milliseconds timeout) { return store_->flush(timeout); }

state::StoreCounters StateKeeper::counters() const { return store_->counters(); }

}  // namespace callplan::sip
