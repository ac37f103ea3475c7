// cluster/shared_round_robin.hpp — the round-robin positions of every company's ring groups,
// shared by the nodes of a cluster through Redis (SPEC 12, docs/cluster.md "Round robin"), so
// that consecutive calls of one group arriving at different nodes continue each other.
//
//   key      callplan:{<company>}:round_robin    hash: field the group's step path
//                                                ("desk-round-robin/0"), value the member
//                                                after whom the next call starts
//   channel  callplan:round_robin                every change, published by the same script
//   message  node LF company LF group LF member
//
// Each node keeps its positions in its companies' RoutingState, as without a cluster, and
// routes from them: a call never waits on Redis. When a call moves a position (the group's
// step ends: answered, or not), the node sends it to Redis (one script: stored and published
// in one step) and goes on; the other nodes set it in their RoutingState when the message
// arrives. Redis's order decides: every node applies the messages in the order Redis ran the
// scripts, its own included, so all end with what Redis holds. While a node's own change is
// on its way (sent, its message not yet back), changes of other nodes to that group are older
// than it in Redis's order and are not applied (they would undo it for a moment).
//
// The race: two calls of one group that reach two nodes within the propagation time (the
// node's script, Redis, the other node's subscription: about a millisecond on a LAN) both
// start from the position before either, as two overlapping calls do on one node (a position
// moves when a group's step ends, not when it starts). Otherwise the order is exactly one
// node's.
//
// Outages: a position changed while Redis is away (or whose script Redis did not confirm before
// the link was lost) is written when it is back, overwriting Redis's (the newest call this
// node saw); the others are written only where Redis has none (it came back empty). Then every
// served company's hash is read and applied.
//
// Thread safety: none; the event loop's thread only.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "callplan/session.hpp"
#include "cluster/redis_link.hpp"
#include "cluster/scripts.hpp"
#include "cluster/shared_part.hpp"

struct redisReply;

namespace callplan::cluster {

inline constexpr std::string_view kRoundRobinChannel = "callplan:round_robin";

std::string round_robin_key(std::string_view company);

// What the node's server tells this about its companies.
struct RoundRobinHost {
  // The RoutingState of a served company (by login); nullptr when it is not served here.
  std::function<RoutingState*(std::string_view company)> routing_of;
  std::function<std::vector<std::string>()> companies;  // every served company's login
  // A position of another node was set in `routing` (to keep it in the state directory too).
  std::function<void(std::string_view company, const RoutingState& routing)> applied;
};

class SharedRoundRobin final : public SharedPart {
 public:
  SharedRoundRobin(RedisLink& link, std::string node, RoundRobinHost host);
  ~SharedRoundRobin();
  SharedRoundRobin(const SharedRoundRobin&) = delete;
  SharedRoundRobin& operator=(const SharedRoundRobin&) = delete;

  // The scripts to load (SharedRegistrations::add).
  static const Script& set_script();   // KEYS[1] hash; ARGV group, member, channel, message
  static const Script& fill_script();  // the same, but only where the hash has no value
  static std::vector<std::string> scripts();

  // The proxy's hook after each step of a call of `company`: positions that moved go to Redis.
  void positions_changed(std::string_view company, const RoutingState& routing);

  void resync(std::function<void()> done) override;
  void down() override;
  void message(std::string_view payload) override;
  std::string summary() const override;

  struct Counters {
    std::size_t sent = 0;     // positions written (set scripts)
    std::size_t applied = 0;  // positions of other nodes applied here
  };
  const Counters& counters() const { return counters_; }

 private:
  struct Position {
    std::string member;
    int pending = 0;     // own set scripts whose message has not come back
    bool dirty = false;  // moved here while Redis was away (or its script was lost)
  };
  using Groups = std::map<std::string, Position, std::less<>>;

  Position& position(std::string_view company, std::string_view group);
  void send_set(std::string_view company, std::string_view group, Position& p);
  void snapshot(const std::string& company, const redisReply* reply);

  RedisLink& link_;
  std::string node_;
  RoundRobinHost host_;
  std::map<std::string, Groups, std::less<>> known_;  // by company: what Redis has, as far as
                                                      // this node knows, or will have
  std::size_t snapshots_left_ = 0;
  std::function<void()> done_;
  Counters counters_;
  // The link may outlive this object (it is SharedRegistrations'), and calls the callbacks of
  // pending commands with null when it goes: they check this first.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace callplan::cluster
