#include "cluster/shared_registrations.hpp"

#include <algorithm>
#include <system_error>
#include <unordered_set>

#include <asio/ip/address.hpp>
#include <fmt/format.h>
#include <hiredis/hiredis.h>

#include "cluster/scripts.hpp"

namespace callplan::cluster {
namespace {

using Clock = std::chrono::steady_clock;

std::int64_t now_wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string_view text_of(const redisReply* reply) {
  return reply == nullptr || reply->str == nullptr
             ? std::string_view()
             : std::string_view(reply->str, reply->len);
}

}  // namespace

SharedRegistrations::SharedRegistrations(asio::io_context& io, sip::Location& location,
                                         ClusterOptions options, ServedCompanies served, Log log)
    : io_(io),
      location_(location),
      options_(std::move(options)),
      served_(std::move(served)),
      log_(std::move(log)) {
  RedisLink::Handlers handlers{
      .ready = [this] { link_ready(); },
      .down = [this](std::string_view why) { link_down(why); },
      .message = [this](std::string_view channel, std::string_view payload) {
        dispatch(channel, payload);
      },
      .debug = [this](std::string_view line) { log_(Level::debug, line); }};
  link_ = std::make_unique<RedisLink>(
      io_, options_.redis, std::string(kChannel),
      std::vector<std::string>{put_script().source, del_script().source}, std::move(handlers),
      options_.link);
}

SharedRegistrations::~SharedRegistrations() {
  destroyed_ = true;
  link_.reset();  // pending replies are called with null here: they see destroyed_
}

void SharedRegistrations::add(SharedPart& part, std::string channel,
                              const std::vector<std::string>& scripts) {
  if (!channel.empty()) link_->add_channel(channel);
  for (const std::string& script : scripts) link_->add_script(script);
  parts_.push_back(PartOnChannel{std::move(channel), &part});
}

void SharedRegistrations::start() { link_->start(); }

bool SharedRegistrations::wait_until_in_step(std::chrono::milliseconds limit) {
  const auto deadline = Clock::now() + limit;
  while (!in_step_) {
    const auto now = Clock::now();
    if (now >= deadline) break;
    if (io_.run_one_for(deadline - now) == 0 && io_.stopped()) io_.restart();
  }
  if (io_.stopped()) io_.restart();  // the server's run() comes next
  return in_step_;
}

// ---------------------------------------------------------------------------------------------
// The link

void SharedRegistrations::link_ready() {
  // 1. Every binding this node owns, written again: Redis may have lost them (restarted
  //    empty) or missed changes made while it was away. The put script keeps newer ones.
  resyncing_ = true;
  in_step_ = false;
  held_.clear();
  ++generation_;
  parts_left_ = parts_.size() + 1;  // the registrations' own read, below, is the last one
  for (const PartOnChannel& p : parts_)
    p.part->resync([this, generation = generation_] { part_done(generation); });
  resync_started_ = Clock::now();
  pushed_ = 0;
  loaded_own_ = 0;
  const auto now = Clock::now();
  for (const auto& [username, list] : users_)
    for (const Known& k : list)
      if (k.ours && k.expires > now) {
        send_put(k.company, username, k);
        ++pushed_;
      }
  // 2. Every served company's bindings, read after those writes on the same connection.
  std::vector<std::string> companies = served_.all();
  snapshots_left_ = companies.size();
  if (companies.empty()) {
    part_done(generation_);
    return;
  }
  for (std::string& company : companies) {
    const std::string key = bindings_key(company);
    link_->command({"HGETALL", key}, [this, company = std::move(company)](const redisReply* reply) {
      if (destroyed_ || reply == nullptr) return;  // lost: the next connect starts again
      if (reply->type != REDIS_REPLY_ARRAY) {
        link_->drop(fmt::format("HGETALL {} answered {}", bindings_key(company), text_of(reply)));
        return;
      }
      snapshot(company, reply);
    });
  }
}

void SharedRegistrations::link_down(std::string_view why) {
  in_step_ = false;
  resyncing_ = false;
  snapshots_left_ = 0;
  held_.clear();
  ++generation_;
  for (const PartOnChannel& p : parts_) p.part->down();
  log_(Level::warning,
       fmt::format("cluster: Redis at {} unreachable ({}); registering and routing from this "
                   "node's memory until it is back, then catching up (docs/cluster.md)",
                   options_.redis.to_string(), why));
}

void SharedRegistrations::dispatch(std::string_view channel, std::string_view payload) {
  if (resyncing_) {  // applied after the read, which they may be newer than
    held_.emplace_back(channel, payload);
    return;
  }
  if (channel == kChannel) {
    message(payload);
    return;
  }
  for (const PartOnChannel& p : parts_)
    if (p.channel == channel) p.part->message(payload);
}

void SharedRegistrations::message(std::string_view payload) {
  std::optional<Change> change = decode_change(payload);
  if (!change) {
    log_(Level::debug, "cluster: a message on the channel that is not a change: ignored");
    return;
  }
  if (change->node == options_.node) return;  // our own, already applied
  apply(*change);
}

void SharedRegistrations::apply(const Change& change) {
  if (served_.of_username(change.username) != change.company) return;  // not served here
  if (change.kind == Change::Kind::put)
    apply_put(change.company, change.username, change.contact, change.value);
  else
    apply_del(change.username, change.contact);
  ++counters_.applied;
}

// ---------------------------------------------------------------------------------------------
// Other nodes' changes into the location service

SharedRegistrations::Known* SharedRegistrations::find(std::string_view username,
                                                      std::string_view contact) {
  auto it = users_.find(std::string(username));
  if (it == users_.end()) return nullptr;
  for (Known& k : it->second)
    if (k.contact == contact) return &k;
  return nullptr;
}

void SharedRegistrations::apply_put(std::string_view company, std::string_view username,
                                    std::string_view contact, std::string_view value) {
  std::optional<BindingRecord> record = decode_record(value);
  if (!record) {
    log_(Level::debug, fmt::format("cluster: binding {} of {} in Redis is not a v1 record: ignored",
                                   contact, username));
    return;
  }
  Known* k = find(username, contact);
  if (k != nullptr && (k->value == value || k->updated_ms > record->updated_ms)) return;
  if (k == nullptr) {
    auto& list = users_[std::string(username)];
    list.push_back(Known{.contact = std::string(contact)});
    k = &list.back();
  }
  const SteadyTime expires = steady_of(record->expires_ms);
  k->company.assign(company);
  k->value.assign(value);
  k->updated_ms = record->updated_ms;
  k->ours = record->owner == options_.node;
  k->expires = expires;
  k->cseq = record->cseq;
  k->call_id = record->call_id;
  // A UDP phone with a reachable Contact answers whoever sends to it; a TCP binding is a
  // connection only its owner holds, and a NAT may let only the owner's packets in: those go
  // through the owner, named by its SIP address (docs/cluster.md).
  std::optional<sip::Peer> through;
  if (!k->ours && owner_only(contact, *record)) {
    through = sip::parse_peer(record->owner);
    if (!through) {  // a --cluster-node name that is not an address: not reached from here
      if (k->in_location) set_location(username, contact, nullptr, {});
      k->in_location = false;
      k->through_owner = false;
      return;
    }
  }
  k->in_location = set_location(username, contact, &*record, expires, through.value_or(sip::Peer{}));
  k->through_owner = through.has_value();
}

bool SharedRegistrations::owner_only(std::string_view contact, const BindingRecord& record) const {
  if (record.transport != "udp") return true;
  if (!served_.behind_nat) return false;
  std::error_code ec;
  const asio::ip::address address = asio::ip::make_address(record.address, ec);
  if (ec) return false;  // set_location refuses it anyway
  return served_.behind_nat(contact, sip::Peer{.protocol = sip::Protocol::udp,
                                               .address = address,
                                               .port = record.port});
}

void SharedRegistrations::apply_del(std::string_view username, std::string_view contact) {
  auto it = users_.find(std::string(username));
  if (it == users_.end()) return;
  auto& list = it->second;
  auto k = std::find_if(list.begin(), list.end(),
                        [&](const Known& known) { return known.contact == contact; });
  if (k == list.end()) return;
  if (k->in_location) set_location(username, contact, nullptr, {});
  list.erase(k);
  if (list.empty()) users_.erase(it);
}

bool SharedRegistrations::set_location(std::string_view username, std::string_view contact,
                                       const BindingRecord* record, SteadyTime expires,
                                       const sip::Peer& through) {
  std::error_code ec;
  asio::ip::address address;
  if (record != nullptr) {
    address = asio::ip::make_address(record->address, ec);
    if (ec) record = nullptr;  // removed rather than left as it was
  }
  applying_ = true;  // the observer is told, and is this object: it must not write back
  const auto now = Clock::now();
  const bool was = location_.registered(username, now);
  std::vector<sip::Binding>& list = location_.bindings_of(username);
  std::erase_if(list, [&](const sip::Binding& b) { return b.contact == contact; });
  if (record != nullptr) {
    sip::Binding b;
    b.contact.assign(contact);
    b.source = sip::Peer{.protocol = record->transport == "tcp" ? sip::Protocol::tcp
                                                                 : sip::Protocol::udp,
                         .address = address,
                         .port = record->port};
    b.expires = expires;
    b.q_millis = record->q_millis;
    b.call_id = record->call_id;
    b.cseq = record->cseq;
    b.updated = steady_of(record->updated_ms);
    b.through = through;
    list.push_back(std::move(b));
  }
  location_.notify(username, was, now);
  applying_ = false;
  return !ec;
}

void SharedRegistrations::snapshot(const std::string& company, const redisReply* reply) {
  const std::int64_t now_ms = now_wall_ms();
  std::unordered_set<std::string_view> seen;  // fields, views into the reply
  for (std::size_t i = 0; i + 1 < reply->elements; i += 2) {
    const std::string_view field = text_of(reply->element[i]);
    const std::string_view value = text_of(reply->element[i + 1]);
    std::string_view username;
    std::string_view contact;
    if (!split_field(field, username, contact)) continue;
    if (served_.of_username(username) != company) continue;  // moved to another company
    std::optional<BindingRecord> record = decode_record(value);
    if (!record) continue;
    seen.insert(field);
    if (record->expires_ms <= now_ms) {
      // Expired: its owner did not remove it (it died, or Redis was away then). Only if it is
      // still this very value: a refresh that comes first wins.
      send_del(company, username, contact, value);
      continue;
    }
    if (record->owner != options_.node) {
      apply_put(company, username, contact, value);
      continue;
    }
    const Known* k = find(username, contact);
    if (k != nullptr && k->ours) continue;  // written again above: ours is the newest
    if (!synced_once_ && k == nullptr && record->transport == "udp") {
      apply_put(company, username, contact, value);  // this node restarted: its own, back
      ++loaded_own_;
    } else if (k == nullptr) {
      // Ours, but not here: unregistered or expired while Redis was away, or a TCP binding
      // whose connection ended with this node's previous run.
      send_del(company, username, contact, value);
    }
  }
  // What this node had of other nodes in this company and Redis no longer holds.
  std::vector<std::pair<std::string, std::string>> gone;
  for (const auto& [username, list] : users_)
    for (const Known& k : list)
      if (!k.ours && k.company == company && !seen.contains(binding_field(username, k.contact)))
        gone.emplace_back(username, k.contact);
  for (const auto& [username, contact] : gone) apply_del(username, contact);
  if (--snapshots_left_ == 0) part_done(generation_);
}

void SharedRegistrations::part_done(std::uint64_t generation) {
  if (destroyed_ || generation != generation_ || !resyncing_) return;
  if (--parts_left_ == 0) resync_done();
}

void SharedRegistrations::resync_done() {
  resyncing_ = false;
  in_step_ = true;
  ++counters_.resyncs;
  std::size_t others = 0;
  std::size_t through_owner = 0;
  std::size_t unreachable = 0;
  std::size_t own = 0;
  for (const auto& [username, list] : users_)
    for (const Known& k : list) {
      if (k.ours) {
        ++own;
      } else if (k.in_location) {
        ++others;
        if (k.through_owner) ++through_owner;
      } else {
        ++unreachable;
      }
    }
  const auto took =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - resync_started_);
  std::string parts;
  for (const PartOnChannel& p : parts_) parts += "; " + p.part->summary();
  log_(Level::notice,
       fmt::format("cluster: in step with Redis at {} in {} ms: {} binding(s) of other nodes "
                   "({} of them reached through their node; {} more not reachable from this "
                   "node), {} of this node ({} written again, {} back from Redis){}",
                   options_.redis.to_string(), took.count(), others, through_owner, unreachable,
                   own, pushed_, loaded_own_, parts));
  synced_once_ = true;
  std::vector<std::pair<std::string, std::string>> held = std::move(held_);
  held_.clear();
  for (const auto& [channel, payload] : held) dispatch(channel, payload);
}

void SharedRegistrations::companies_changed() {
  if (link_->ready() && !resyncing_) link_ready();
}

// ---------------------------------------------------------------------------------------------
// This node's changes into Redis

void SharedRegistrations::bindings_changed(std::string_view username,
                                           std::span<const sip::Binding> stored) {
  if (applying_ || destroyed_) return;
  const std::string company = served_.of_username(username);
  if (company.empty()) return;
  auto it = users_.find(std::string(username));
  if (it == users_.end()) {
    if (stored.empty()) return;
    it = users_.emplace(std::string(username), std::vector<Known>{}).first;
  }
  std::vector<Known>& list = it->second;
  // Removed here: by a REGISTER (whatever Redis holds now), or by an expiry or a closed
  // connection (only if Redis still holds what this node knew: a refresh elsewhere wins).
  std::erase_if(list, [&](const Known& k) {
    if (!k.in_location) return false;
    const bool still = std::any_of(stored.begin(), stored.end(),
                                   [&](const sip::Binding& b) { return b.contact == k.contact; });
    if (!still) send_del(k.company, username, k.contact, in_register_ ? "" : k.value);
    return !still;
  });
  const std::int64_t now_ms = now_wall_ms();
  for (const sip::Binding& b : stored) {
    auto k = std::find_if(list.begin(), list.end(),
                          [&](const Known& known) { return known.contact == b.contact; });
    if (k != list.end() && k->in_location && k->expires == b.expires && k->cseq == b.cseq &&
        k->call_id == b.call_id)
      continue;  // as Redis has it
    if (k == list.end()) k = list.insert(list.end(), Known{.contact = b.contact});
    BindingRecord record{.updated_ms = now_ms,
                         .expires_ms = wall_ms_of(b.expires),
                         .owner = options_.node,
                         .transport = b.source.protocol == sip::Protocol::tcp ? "tcp" : "udp",
                         .address = b.source.address.to_string(),
                         .port = b.source.port,
                         .q_millis = b.q_millis,
                         .cseq = b.cseq,
                         .call_id = b.call_id};
    k->company = company;
    k->value = encode(record);
    k->updated_ms = now_ms;
    k->ours = true;
    k->in_location = true;
    k->expires = b.expires;
    k->cseq = b.cseq;
    k->call_id = b.call_id;
    send_put(company, username, *k);
  }
  if (list.empty()) users_.erase(it);
}

void SharedRegistrations::begin_register() {
  in_register_ = true;
  ++batch_;
  batch_sent_ = 0;
}

void SharedRegistrations::end_register(std::function<void()> answer) {
  in_register_ = false;
  if (batch_sent_ == 0) {  // nothing changed, or Redis is away: answered from memory
    answer();
    return;
  }
  Pending& p = pending_[batch_];
  p.left = batch_sent_;
  p.answer = std::move(answer);
  p.deadline = std::make_unique<asio::steady_timer>(io_, options_.confirm_timeout);
  p.deadline->async_wait([this, batch = batch_](const std::error_code& ec) {
    if (ec) return;
    auto it = pending_.find(batch);
    if (it == pending_.end()) return;
    std::function<void()> late = std::move(it->second.answer);
    pending_.erase(it);
    ++counters_.late_answers;
    late();
    // A Redis that does not answer is treated as one that is away: connect again and catch up.
    link_->drop(fmt::format("no reply within {} ms", options_.confirm_timeout.count()));
  });
}

void SharedRegistrations::confirmed(std::uint64_t batch, bool) {
  if (batch == 0) return;
  auto it = pending_.find(batch);
  if (it == pending_.end()) return;
  if (--it->second.left > 0) return;
  std::function<void()> answer = std::move(it->second.answer);
  pending_.erase(it);
  answer();
}

void SharedRegistrations::send_put(const std::string& company, std::string_view username,
                                   const Known& known) {
  if (!link_->ready()) return;  // written again when Redis is back (link_ready)
  const std::string key = bindings_key(company);
  const std::string field = binding_field(username, known.contact);
  const std::string updated = std::to_string(known.updated_ms);
  const std::string announcement = encode(Change{.kind = Change::Kind::put,
                                                 .node = options_.node,
                                                 .company = company,
                                                 .username = username,
                                                 .contact = known.contact,
                                                 .value = known.value});
  send({"EVALSHA", put_script().sha1, "1", key, field, known.value, updated, kChannel,
        announcement});
}

void SharedRegistrations::send_del(const std::string& company, std::string_view username,
                                   std::string_view contact, std::string_view expected) {
  if (!link_->ready()) return;  // the resync removes what this node no longer has
  const std::string key = bindings_key(company);
  const std::string field = binding_field(username, contact);
  const std::string announcement = encode(Change{.kind = Change::Kind::del,
                                                 .node = options_.node,
                                                 .company = company,
                                                 .username = username,
                                                 .contact = contact,
                                                 .value = {}});
  send({"EVALSHA", del_script().sha1, "1", key, field, expected, kChannel, announcement});
}

void SharedRegistrations::send(std::vector<std::string_view> args) {
  const std::uint64_t batch = in_register_ ? batch_ : 0;
  const bool sent = link_->command(args, [this, batch](const redisReply* reply) {
    if (destroyed_) return;
    const bool ok = reply != nullptr && reply->type != REDIS_REPLY_ERROR;
    ++(ok ? counters_.written : counters_.not_written);
    confirmed(batch, ok);
    if (reply != nullptr && reply->type == REDIS_REPLY_ERROR)
      link_->drop(fmt::format("a script was refused: {}", text_of(reply)));
  });
  if (sent && batch != 0) ++batch_sent_;
}

SharedRegistrations::SteadyTime SharedRegistrations::steady_of(std::int64_t wall_ms) const {
  return Clock::now() + std::chrono::milliseconds(wall_ms - now_wall_ms());
}

std::int64_t SharedRegistrations::wall_ms_of(SteadyTime t) const {
  return now_wall_ms() +
         std::chrono::duration_cast<std::chrono::milliseconds>(t - Clock::now()).count();
}

}  // namespace callplan::cluster
