#include "sip/server/state_keeper.hpp"

#include <algorithm>
#include <system_error>
#include <tuple>

#include <asio/ip/address.hpp>

#include "state/sqlite_store.hpp"

namespace callplan::sip {
namespace {

state::SqliteStoreOptions store_options(StateKeeper::Log log) {
  state::SqliteStoreOptions options;
  if (log) options.log = std::move(log);
  return options;
}

// What the mirror keeps of a Call-ID: it only tells a refresh from a repeat, together with
// the expiry (to the nanosecond) and the CSeq, so a hash does; the store keeps the Call-ID.
std::uint64_t call_id_hash(std::string_view call_id) {
  return std::hash<std::string_view>{}(call_id);
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
                                   SteadyTime now_steady, WallTime now_wall,
                                   bool registrations) {
  RestoredState out;
  // Rows come one by one as views into SQLite's row (no vector of 100,000 copies first);
  // each is built once, into the location service, and mirrored for bindings_changed().
  // Phones behind one address (an office's NAT) share it: parsed once per run of rows.
  std::string last_address_text;
  asio::ip::address last_address;
  bool last_address_ok = false;
  std::vector<std::tuple<std::string, std::string, std::string>> unusable;
  state::Store::RegistrationReader reader;
  reader.expect = [&](std::size_t rows) {
    if (!registrations) return;
    users_.reserve(rows);
    location.reserve(rows);
  };
  reader.row = [&](const state::RegistrationRow& r) {
    if (!registrations) return;
    if (r.source_address != last_address_text) {
      last_address_text.assign(r.source_address);
      std::error_code ec;
      last_address = asio::ip::make_address(last_address_text, ec);
      last_address_ok = !ec;
    }
    if (!last_address_ok || r.transport != state::Transport::udp) {
      // Nothing to reach it on; forget it in the store too rather than load it at every start.
      unusable.emplace_back(r.company, r.username, r.contact);
      return;
    }
    auto [kept, fresh] = users_.try_emplace(std::string(r.username));
    if (fresh) {
      kept->second.company.assign(r.company);
    } else if (kept->second.company != r.company) {
      // Kept under two logins (it moved between companies while rows were queued): one
      // company per username, the first read; the other row goes.
      unusable.emplace_back(r.company, r.username, r.contact);
      return;
    }
    Binding b;
    b.contact.assign(r.contact);
    b.source = Peer{.protocol = Protocol::udp, .address = last_address, .port = r.source_port};
    b.expires = to_steady(r.expires, now_steady, now_wall);
    b.q_millis = r.q_millis;
    b.call_id.assign(r.call_id);
    b.cseq = r.cseq;
    // The store keeps no registration time; lookup() orders equal q-values by it. A later
    // expiry stands for a later registration (true when phones use the same interval).
    b.updated = b.expires - std::chrono::hours(24);
    kept->second.contacts.push_back(Kept{b.contact, b.expires, b.cseq, call_id_hash(b.call_id)});
    location.bindings_of(kept->first).push_back(std::move(b));
    ++out.registrations;
  };
  state::Snapshot snapshot = store_->load(now_wall, reader);
  for (auto& [company, username, contact] : unusable) {
    store_->remove_registration(std::move(company), std::move(username), std::move(contact));
    ++out.unusable_dropped;
  }
  out.expired_dropped = snapshot.expired_registrations_dropped;
  out.connection_dropped = snapshot.connection_registrations_dropped;
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
  // This runs inside every REGISTER, on the event loop: the mirror of what the store holds is
  // edited in place (its strings keep their capacity), and only what changed is enqueued.
  auto it = users_.find(username);
  if (it == users_.end()) {
    if (stored.empty()) return;
    it = users_.emplace(std::string(username), KeptUser{std::string(company), {}}).first;
  }
  KeptUser& kept = it->second;
  if (kept.company != company) {  // kept under another company's login: all of it goes
    for (const Kept& k : kept.contacts)
      store_->remove_registration(kept.company, std::string(username), k.contact);
    kept.contacts.clear();
    kept.company.assign(company);
  }
  // Contacts no longer stored (removed or expired).
  std::erase_if(kept.contacts, [&](const Kept& k) {
    const bool still = std::any_of(stored.begin(), stored.end(),
                                   [&](const Binding& b) { return b.contact == k.contact; });
    if (!still) store_->remove_registration(kept.company, std::string(username), k.contact);
    return !still;
  });
  for (const Binding& b : stored) {
    auto k = std::find_if(kept.contacts.begin(), kept.contacts.end(),
                          [&](const Kept& c) { return c.contact == b.contact; });
    if (k == kept.contacts.end()) {
      k = kept.contacts.insert(kept.contacts.end(), Kept{b.contact, {}, 0, 0});
    } else if (k->expires == b.expires && k->cseq == b.cseq &&
               k->call_id == call_id_hash(b.call_id)) {
      continue;  // a repeat of what the store holds
    }
    k->expires = b.expires;
    k->cseq = b.cseq;
    k->call_id = call_id_hash(b.call_id);
    store_->put_registration(state::Registration{
        .company = kept.company,
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
  if (kept.contacts.empty()) users_.erase(it);
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
