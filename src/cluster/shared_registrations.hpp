// cluster/shared_registrations.hpp — the registrations of every node of a cluster, kept in
// Redis and in each node's own location service (SPEC 12, docs/cluster.md).
//
//   SharedRegistrations shared(io, location, options, served);
//   shared.add(part, channel, scripts);                // more shared state (shared_part.hpp)
//   shared.start();  shared.wait_until_in_step(3s);   // before the node serves
//   location.on_bindings(... shared.bindings_changed(username, stored) ...);
//   shared.begin_register();  registrar.handle(...);  shared.end_register(send_the_200);
//
// - A change made here (a REGISTER, an unregistration, an expiry, a closed TCP connection) is
//   one script run per binding (scripts.hpp): stored with its owner (this node) and published.
//   A REGISTER's answer waits for Redis's confirmation of its changes (end_register), at most
//   `confirm_timeout`: then it is answered anyway and the link is dropped and resynced.
// - Changes of other nodes arrive on the channel and go into the location service. Their UDP
//   bindings with a reachable Contact are reached from here (the call goes straight to the
//   phone's address); their TCP bindings (the connection is the owner's) and UDP bindings
//   behind NAT (the path may be open to the owner's address only) are reached through their
//   owner: sip::Binding::through names it, when the owner's name is its SIP address
//   (docs/cluster.md, "Phones reached through their node"); otherwise kept as known, not
//   routed to.
// - Calls never wait on Redis: they read the location service only.
// - While Redis is unreachable, REGISTERs are answered at once and change only the location
//   service; when Redis is back (also empty) this node writes again every binding it owns
//   (newer ones in Redis win), then reads every served company's hash: other nodes' bindings
//   replace what it had of them, and its own that it no longer has are removed. Changes
//   published meanwhile are held and applied after the read.
// - At start, the bindings Redis holds with this node as owner come back (a restarted node),
//   except TCP ones (their connections ended with the process): those are removed.
//
// Thread safety: none; the event loop's thread only.
#pragma once

#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cluster/binding_record.hpp"
#include "cluster/redis_address.hpp"
#include "cluster/redis_link.hpp"
#include "cluster/shared_part.hpp"
#include "sip/registrar/location.hpp"

struct redisReply;

namespace callplan::cluster {

struct ClusterOptions {
  RedisAddress redis;
  std::string node;  // this node's name in the records: its first --listen address
  std::chrono::milliseconds confirm_timeout{1000};  // a REGISTER's longest wait for Redis
  RedisLinkOptions link{};
  // --cluster-secret-file's bytes (cluster_secret.hpp), "" for none: each node then signs its
  // dialogs with its own key. Used by the server, not sent to Redis.
  std::string secret{};
};

// What a node knows of its companies, from the server.
struct ServedCompanies {
  // The login of the company serving `username`; "" when none is served here.
  std::function<std::string(std::string_view username)> of_username;
  // Every served company's login.
  std::function<std::vector<std::string>()> all;
  // Is a UDP phone with this Contact, whose REGISTER came from `source`, reached at that
  // source (behind NAT: sip/proxy/reach.hpp) rather than at its Contact? Such a path may be
  // open to its owner's address only, so other nodes reach it through the owner, as a TCP
  // binding. Empty: only TCP bindings go through their owner.
  std::function<bool(std::string_view contact, const sip::Peer& source)> behind_nat{};
};

// Counts since start, for the log and tests.
struct SharedCounters {
  std::uint64_t written = 0;         // scripts confirmed
  std::uint64_t not_written = 0;     // scripts lost with the link, or refused
  std::uint64_t applied = 0;         // changes of other nodes applied here
  std::uint64_t resyncs = 0;         // completed reads of every company's hash
  std::uint64_t late_answers = 0;    // REGISTERs answered before Redis confirmed
};

class SharedRegistrations {
 public:
  using SteadyTime = std::chrono::steady_clock::time_point;
  enum class Level { debug, notice, warning };
  using Log = std::function<void(Level level, std::string_view line)>;

  SharedRegistrations(asio::io_context& io, sip::Location& location, ClusterOptions options,
                      ServedCompanies served, Log log);
  ~SharedRegistrations();
  SharedRegistrations(const SharedRegistrations&) = delete;
  SharedRegistrations& operator=(const SharedRegistrations&) = delete;

  // Another part shared through the same link (shared_part.hpp), on its own channel ("" for
  // none: it only writes); before start(). `part` outlives this object's use of it (until destruction).
  void add(SharedPart& part, std::string channel, const std::vector<std::string>& scripts);
  RedisLink& link() { return *link_; }

  void start();
  // Runs the event loop until the first resync (of every part) is done or `limit` passed (before the node
  // binds its SIP ports, so its first call sees every node's phones); true when in step.
  bool wait_until_in_step(std::chrono::milliseconds limit);
  bool in_step() const { return in_step_; }

  // Location::on_bindings: every binding now stored for `username`.
  void bindings_changed(std::string_view username, std::span<const sip::Binding> stored);
  // Around a REGISTER's handling: `answer` runs when Redis confirmed what it changed (at
  // once when it changed nothing or Redis is unreachable).
  void begin_register();
  void end_register(std::function<void()> answer);
  // After a reload: the served companies may have changed; read them all again.
  void companies_changed();

  const SharedCounters& counters() const { return counters_; }

 private:
  // What this node knows of one binding in Redis.
  struct Known {
    std::string contact{};
    std::string company{};
    std::string value{};     // the record as stored
    std::int64_t updated_ms = 0;
    bool ours = false;       // this node is its owner
    bool in_location = false;  // routed to from here, directly or through its owner
    bool through_owner = false;  // reached through its owner (sip::Binding::through)
    SteadyTime expires{};    // as in the location service, to tell a change from a repeat
    std::uint32_t cseq = 0;
    std::string call_id{};
  };
  struct Pending {
    std::size_t left = 0;
    std::function<void()> answer;
    std::unique_ptr<asio::steady_timer> deadline;
  };

  void link_ready();
  void link_down(std::string_view why);
  void dispatch(std::string_view channel, std::string_view payload);
  void message(std::string_view payload);
  void part_done(std::uint64_t generation);
  void apply(const Change& change);
  void apply_put(std::string_view company, std::string_view username, std::string_view contact,
                 std::string_view value);
  void apply_del(std::string_view username, std::string_view contact);
  // Puts (or removes) one binding in the location service without telling the observer.
  // False when the record's address does not parse (nothing is put then).
  bool set_location(std::string_view username, std::string_view contact,
                    const BindingRecord* record, SteadyTime expires,
                    const sip::Peer& through = {});
  // Does only the owner reach this binding of another node (TCP, or UDP behind NAT)?
  bool owner_only(std::string_view contact, const BindingRecord& record) const;
  Known* find(std::string_view username, std::string_view contact);
  void snapshot(const std::string& company, const redisReply* reply);
  void resync_done();
  void send_put(const std::string& company, std::string_view username, const Known& known);
  void send_del(const std::string& company, std::string_view username, std::string_view contact,
                std::string_view expected);
  void send(std::vector<std::string_view> args);
  void confirmed(std::uint64_t batch, bool ok);
  SteadyTime steady_of(std::int64_t wall_ms) const;
  std::int64_t wall_ms_of(SteadyTime t) const;

  asio::io_context& io_;
  sip::Location& location_;
  ClusterOptions options_;
  ServedCompanies served_;
  Log log_;
  std::unique_ptr<RedisLink> link_;
  std::unordered_map<std::string, std::vector<Known>> users_;  // by username
  bool applying_ = false;     // editing the location service: its observer is ours
  bool in_register_ = false;
  std::uint64_t batch_ = 0;   // the REGISTER being handled
  std::size_t batch_sent_ = 0;
  std::map<std::uint64_t, Pending> pending_;
  bool resyncing_ = false;
  std::size_t snapshots_left_ = 0;
  struct PartOnChannel {
    std::string channel;
    SharedPart* part;
  };
  std::vector<PartOnChannel> parts_;
  std::uint64_t generation_ = 0;  // of the resync under way: parts' late `done`s are ignored
  std::size_t parts_left_ = 0;    // parts (this one included) not yet in step
  // Messages that came during a resync: channel, payload.
  std::vector<std::pair<std::string, std::string>> held_;
  bool in_step_ = false;
  bool synced_once_ = false;    // the first resync (start) is done
  SteadyTime resync_started_{};
  std::size_t pushed_ = 0;      // bindings of ours written again by this resync
  std::size_t loaded_own_ = 0;  // of ours, back from Redis (first resync)
  bool destroyed_ = false;
  SharedCounters counters_;
};

}  // namespace callplan::cluster
