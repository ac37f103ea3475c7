// sip/server/state_keeper.hpp — what `callplan serve` keeps across a restart (SPEC 11,
// docs/state.md): the registrations of the location service and the round-robin positions of
// the routing state, in the state store (src/state) of `--state-dir`.
//
//   StateKeeper keeper(dir, log);                 // opens DIR/state.db: throws state::StoreError
//   keeper.restore(location, routing, company);   // once, before the first request
//   location.on_bindings(... keeper.bindings_changed(...) ...);
//   proxy config: routing_state_changed = ... keeper.routing_state_changed(...) ...
//
// The SIP event loop only enqueues: the store's writer thread commits every 20 ms batch
// (state::SqliteStoreOptions::batch_window), so a call never waits on a disk write and a
// REGISTER answered 200 is on disk about 20-30 ms later (docs/state.md, "Durability").
//
// Times: a Binding expires on the steady clock, which means nothing after a reboot; the store
// keeps wall-clock expiry, converted at the edge (now_wall + (expires - now_steady)).
//
// Thread safety: none; the event loop's thread only (the store itself is thread-safe).
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "callplan/session.hpp"
#include "sip/registrar/location.hpp"
#include "state/store.hpp"

namespace callplan::sip {

// What restore() found, for the start-up log line.
struct RestoredState {
  std::size_t registrations = 0;           // bindings back in the location service
  std::size_t expired_dropped = 0;         // past their expiry at start
  std::size_t connection_dropped = 0;      // TCP/TLS: they ended with their connection
  std::size_t unusable_dropped = 0;        // a source address that does not parse
  std::size_t round_robin = 0;             // positions back in the routing state
};

class StateKeeper {
 public:
  using SteadyTime = std::chrono::steady_clock::time_point;
  using WallTime = std::chrono::system_clock::time_point;
  using Log = std::function<void(std::string_view line)>;

  // Opens (creating when missing) DIR/state.db: locks DIR, checks and migrates the file.
  // Throws state::StoreError (locked, corrupt, too_new, io) naming the directory or file.
  // `log` gets the store's write failures; it is called from the store's writer thread.
  StateKeeper(const std::filesystem::path& dir, Log log);
  // For tests: any store.
  explicit StateKeeper(std::unique_ptr<state::Store> store);
  ~StateKeeper();  // writes what is queued (bounded wait)
  StateKeeper(const StateKeeper&) = delete;
  StateKeeper& operator=(const StateKeeper&) = delete;

  // Where a company's round-robin positions go: its RoutingState, nullptr when it is not
  // served (its rows are kept for when it is again).
  using RoutingOf = std::function<RoutingState*(std::string_view company)>;
  // Loads the kept registrations into `location` (expired and TCP ones are dropped by the
  // store) and the round-robin positions of every served company into its routing state.
  // Call once, before the first request and before presence is computed. No observer fires.
  // `registrations` false (--cluster: they live in Redis) leaves them out and in the store.
  RestoredState restore(Location& location, const RoutingOf& routing_of, SteadyTime now_steady,
                        WallTime now_wall, bool registrations = true);

  // Location::on_bindings: every binding stored for `username` now (empty: none). Only what
  // changed is enqueued (a new or refreshed contact, a removed one).
  void bindings_changed(std::string_view company, std::string_view username,
                        std::span<const Binding> stored, SteadyTime now_steady,
                        WallTime now_wall);

  // ProxyConfig::routing_state_changed: the positions of `company` that moved are enqueued.
  void routing_state_changed(std::string_view company, const RoutingState& routing);

  // Waits until everything enqueued is written (stop, tests); false when `timeout` ran out.
  bool flush(std::chrono::milliseconds timeout);
  state::StoreCounters counters() const;

 private:
  // What the store holds for one contact, to tell a refresh from a repeat of the same thing.
  struct Kept {
    std::string contact;
    SteadyTime expires;
    std::uint32_t cseq = 0;
    std::uint64_t call_id = 0;  // a hash of it (state_keeper.cpp)
  };
  struct KeptUser {
    std::string company;
    std::vector<Kept> contacts;
  };

  std::unique_ptr<state::Store> store_;
  // Looked up by string_view: no key is built for a REGISTER of a known username.
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view name) const noexcept {
      return std::hash<std::string_view>{}(name);
    }
  };
  std::unordered_map<std::string, KeptUser, NameHash, std::equal_to<>> users_;  // by username
  // What the store holds: company -> ring group -> member. Compared after every call's actions
  // without allocating, so a call that moves no position costs a few string compares.
  using Positions = std::map<std::string, std::string, std::less<>>;
  std::map<std::string, Positions, std::less<>> round_robin_;
};

// The wall-clock time of a steady-clock instant, and back (expiry across a restart).
StateKeeper::WallTime to_wall(StateKeeper::SteadyTime t, StateKeeper::SteadyTime now_steady,
                              StateKeeper::WallTime now_wall);
StateKeeper::SteadyTime to_steady(StateKeeper::WallTime t, StateKeeper::SteadyTime now_steady,
                                  StateKeeper::WallTime now_wall);

}  // namespace callplan::sip
