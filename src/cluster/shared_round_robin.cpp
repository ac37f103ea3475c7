#include "cluster/shared_round_robin.hpp"

#include <array>
#include <memory>

#include <fmt/format.h>
#include <hiredis/hiredis.h>

namespace callplan::cluster {
namespace {

constexpr const char* kSet = R"lua(-- callplan: one round-robin position (cluster/shared_round_robin.hpp)
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('PUBLISH', ARGV[3], ARGV[4])
return 1
)lua";

// At a resync: only where Redis has none (it came back empty), so a node's older copy never
// overwrites a newer position of another node.
constexpr const char* kFill = R"lua(-- callplan: a round-robin position Redis lacks (cluster/shared_round_robin.hpp)
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('PUBLISH', ARGV[3], ARGV[4])
return 1
)lua";

std::string_view text_of(const redisReply* reply) {
  return reply == nullptr || reply->str == nullptr ? std::string_view()
                                                   : std::string_view(reply->str, reply->len);
}

// node LF company LF group LF member; false when `payload` is not one.
bool split_message(std::string_view payload, std::array<std::string_view, 4>& parts) {
  for (std::size_t i = 0; i < 3; ++i) {
    const auto lf = payload.find('\n');
    if (lf == std::string_view::npos) return false;
    parts[i] = payload.substr(0, lf);
    payload.remove_prefix(lf + 1);
  }
  parts[3] = payload;
  return true;
}

}  // namespace

std::string round_robin_key(std::string_view company) {
  return fmt::format("callplan:{{{}}}:round_robin", company);
}

SharedRoundRobin::SharedRoundRobin(RedisLink& link, std::string node, RoundRobinHost host)
    : link_(link), node_(std::move(node)), host_(std::move(host)) {}

SharedRoundRobin::~SharedRoundRobin() { *alive_ = false; }

const Script& SharedRoundRobin::set_script() {
  static const Script script = script_of(kSet);
  return script;
}

const Script& SharedRoundRobin::fill_script() {
  static const Script script = script_of(kFill);
  return script;
}

std::vector<std::string> SharedRoundRobin::scripts() {
  return {set_script().source, fill_script().source};
}

SharedRoundRobin::Position& SharedRoundRobin::position(std::string_view company,
                                                       std::string_view group) {
  auto c = known_.find(company);
  if (c == known_.end()) c = known_.emplace(std::string(company), Groups{}).first;
  auto g = c->second.find(group);
  if (g == c->second.end()) g = c->second.emplace(std::string(group), Position{}).first;
  return g->second;
}

void SharedRoundRobin::positions_changed(std::string_view company, const RoutingState& routing) {
  // After every step of every call: most of the time nothing moved, and this is one lookup
  // per group of the company.
  for (const auto& [group, member] : routing.round_robin_positions()) {
    Position& p = position(company, group);
    if (p.member == member) continue;
    p.member = member;
    send_set(company, group, p);
  }
}

void SharedRoundRobin::send_set(std::string_view company, std::string_view group, Position& p) {
  if (!link_.ready()) {
    p.dirty = true;  // written when Redis is back (resync)
    return;
  }
  const std::string key = round_robin_key(company);
  const std::string announcement = fmt::format("{}\n{}\n{}\n{}", node_, company, group, p.member);
  const bool sent = link_.command(
      {"EVALSHA", set_script().sha1, "1", key, group, p.member, kRoundRobinChannel, announcement},
      [this, alive = alive_, company = std::string(company), group = std::string(group),
       member = p.member](const redisReply* reply) {
        if (!*alive) return;
        if (reply == nullptr) {
          // Lost with the link before Redis said it ran: written again at the resync, unless
          // a newer position came meanwhile.
          Position& lost = position(company, group);
          if (lost.member == member) lost.dirty = true;
        } else if (reply->type == REDIS_REPLY_ERROR) {
          link_.drop(fmt::format("a round-robin script was refused: {}", text_of(reply)));
        }
      });
  if (!sent) {
    p.dirty = true;
    return;
  }
  p.dirty = false;
  ++p.pending;
  ++counters_.sent;
}

void SharedRoundRobin::resync(std::function<void()> done) {
  done_ = std::move(done);
  const std::vector<std::string> companies = host_.companies();
  // 1. What this node has: moved while Redis was away, written over Redis's; the rest only
  //    where Redis has nothing.
  for (const std::string& company : companies) {
    const RoutingState* routing = host_.routing_of(company);
    if (routing == nullptr) continue;
    for (const auto& [group, member] : routing->round_robin_positions()) {
      Position& p = position(company, group);
      if (p.dirty) {
        p.member = member;
        send_set(company, group, p);
      } else {  // also what the state directory kept from an earlier run: maybe older
        const std::string announcement =
            fmt::format("{}\n{}\n{}\n{}", node_, company, group, member);
        link_.command({"EVALSHA", fill_script().sha1, "1", round_robin_key(company), group, member,
                       kRoundRobinChannel, announcement},
                      [this](const redisReply* reply) {
                        if (reply != nullptr && reply->type == REDIS_REPLY_ERROR)
                          link_.drop(fmt::format("a round-robin script was refused: {}",
                                                 text_of(reply)));
                      });
      }
    }
  }
  // 2. What Redis holds, read after those writes on the same connection.
  snapshots_left_ = companies.size();
  if (companies.empty()) {
    done_();
    return;
  }
  for (const std::string& company : companies) {
    const std::string key = round_robin_key(company);
    link_.command({"HGETALL", key}, [this, company](const redisReply* reply) {
      if (reply == nullptr) return;  // lost: resync comes again with the next connection
      if (reply->type != REDIS_REPLY_ARRAY) {
        link_.drop(fmt::format("HGETALL {} answered {}", round_robin_key(company), text_of(reply)));
        return;
      }
      snapshot(company, reply);
    });
  }
}

void SharedRoundRobin::snapshot(const std::string& company, const redisReply* reply) {
  // Redis's hash as it stands after this node's writes above: it is what every node will have.
  RoutingState* routing = host_.routing_of(company);
  bool changed = false;
  for (std::size_t i = 0; routing != nullptr && i + 1 < reply->elements; i += 2) {
    const std::string_view group = text_of(reply->element[i]);
    const std::string_view member = text_of(reply->element[i + 1]);
    Position& p = position(company, group);
    p.member.assign(member);
    const auto current = routing->round_robin(group);
    if (current && *current == member) continue;
    routing->set_round_robin(group, member);
    changed = true;
  }
  if (changed && host_.applied) host_.applied(company, *routing);
  if (--snapshots_left_ == 0 && done_) {
    auto done = std::move(done_);
    done_ = nullptr;
    done();
  }
}

void SharedRoundRobin::down() {
  // The messages still on their way are lost with the subscription: the resync's read says
  // where Redis stands. (A script that Redis did not confirm is marked dirty by its reply.)
  for (auto& [company, groups] : known_)
    for (auto& [group, p] : groups) p.pending = 0;
  snapshots_left_ = 0;
  done_ = nullptr;
}

void SharedRoundRobin::message(std::string_view payload) {
  std::array<std::string_view, 4> m;
  if (!split_message(payload, m)) return;
  const auto [node, company, group, member] = m;
  RoutingState* routing = host_.routing_of(company);
  if (routing == nullptr) return;  // a company not served here
  Position& p = position(company, group);
  if (node == node_) {  // our own change, back in Redis's order
    if (p.pending > 0) --p.pending;
    return;
  }
  // Ran before our own change still on its way, which overwrites it in Redis.
  if (p.pending > 0) return;
  p.member.assign(member);
  const auto current = routing->round_robin(group);
  if (current && *current == member) return;
  routing->set_round_robin(group, member);
  ++counters_.applied;
  if (host_.applied) host_.applied(company, *routing);
}

std::string SharedRoundRobin::summary() const {
  std::size_t positions = 0;
  for (const auto& [company, groups] : known_) positions += groups.size();
  return fmt::format("{} round-robin position(s)", positions);
}

}  // namespace callplan::cluster
