#include "cluster/shared_mailboxes.hpp"

#include <array>
#include <charconv>

#include <fmt/format.h>
#include <hiredis/hiredis.h>

namespace callplan::cluster {
namespace {

constexpr const char* kSet = R"lua(-- callplan: one node's count of one mailbox (cluster/shared_mailboxes.hpp)
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('PUBLISH', ARGV[3], ARGV[4])
return 1
)lua";

std::string_view text_of(const redisReply* reply) {
  return reply == nullptr || reply->str == nullptr ? std::string_view()
                                                   : std::string_view(reply->str, reply->len);
}

bool number(std::string_view text, int& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size() && !text.empty() && out >= 0;
}

// "<new> <old>"
bool parse_count(std::string_view text, MailboxCount& out) {
  const auto space = text.find(' ');
  return space != std::string_view::npos && number(text.substr(0, space), out.new_messages) &&
         number(text.substr(space + 1), out.old_messages);
}

std::string count_text(MailboxCount c) { return fmt::format("{} {}", c.new_messages, c.old_messages); }

}  // namespace

std::string mailboxes_key(std::string_view company) {
  return fmt::format("callplan:{{{}}}:mailboxes", company);
}

SharedMailboxes::SharedMailboxes(RedisLink& link, std::string node, MailboxHost host)
    : link_(link), node_(std::move(node)), host_(std::move(host)) {}

const Script& SharedMailboxes::set_script() {
  static const Script script = script_of(kSet);
  return script;
}

std::string SharedMailboxes::mailbox(std::string_view company, std::string_view extension) {
  return fmt::format("{}\n{}", company, extension);
}

void SharedMailboxes::counted(std::string_view company, std::string_view extension,
                              MailboxCount own) {
  const std::string key = mailbox(company, extension);
  auto it = own_.find(key);
  if (it != own_.end() && it->second == own) return;
  own_.insert_or_assign(key, own);
  send(company, extension, own);
}

void SharedMailboxes::send(std::string_view company, std::string_view extension,
                           MailboxCount count) {
  if (!link_.ready()) return;  // every count of this node is written again at the resync
  const std::string field = fmt::format("{}\n{}", extension, node_);
  const std::string value = count_text(count);
  const std::string announcement =
      fmt::format("{}\n{}\n{}\n{}\n{}", node_, company, extension, count.new_messages,
                  count.old_messages);
  // Not sent, or lost with the link: the resync writes it again.
  link_.command({"EVALSHA", set_script().sha1, "1", mailboxes_key(company), field, value,
                 kMailboxChannel, announcement},
                [this](const redisReply* reply) {
                  if (reply != nullptr && reply->type == REDIS_REPLY_ERROR)
                    link_.drop(fmt::format("a mailbox script was refused: {}", text_of(reply)));
                });
}

MailboxCount SharedMailboxes::elsewhere(std::string_view company,
                                        std::string_view extension) const {
  MailboxCount sum;
  auto it = others_.find(mailbox(company, extension));
  if (it == others_.end()) return sum;
  for (const auto& [node, count] : it->second) {
    sum.new_messages += count.new_messages;
    sum.old_messages += count.old_messages;
  }
  return sum;
}

void SharedMailboxes::set_other(std::string_view company, std::string_view extension,
                                std::string_view node, MailboxCount count) {
  auto& nodes = others_[mailbox(company, extension)];
  auto it = nodes.find(node);
  if (it != nodes.end() && it->second == count) return;
  nodes.insert_or_assign(std::string(node), count);
  if (host_.changed) host_.changed(company, extension);
}

void SharedMailboxes::resync(std::function<void()> done) {
  done_ = std::move(done);
  // 1. This node's counts, counted again and written: Redis may have lost them or missed
  //    changes, and a node that restarted has its store's messages to announce.
  //    Empty mailboxes this node never announced are left out (most of them, at scale); one
  //    that Redis still holds a count of from this node's earlier run is corrected below.
  if (host_.own_counts) {
    for (const OwnMailboxCount& own : host_.own_counts()) {
      const std::string key = mailbox(own.company, own.extension);
      if (own.count != MailboxCount{} || own_.contains(key))
        own_.insert_or_assign(key, own.count);
    }
  }
  for (const auto& [key, count] : own_) {
    const auto lf = key.find('\n');
    send(std::string_view(key).substr(0, lf), std::string_view(key).substr(lf + 1), count);
  }
  // 2. Every served company's counts, read after those writes.
  const std::vector<std::string> companies = host_.companies();
  snapshots_left_ = companies.size();
  if (companies.empty()) {
    auto d = std::move(done_);
    done_ = nullptr;
    d();
    return;
  }
  for (const std::string& company : companies) {
    link_.command({"HGETALL", mailboxes_key(company)}, [this, company](const redisReply* reply) {
      if (reply == nullptr) return;  // lost: resync comes again
      if (reply->type != REDIS_REPLY_ARRAY) {
        link_.drop(fmt::format("HGETALL {} answered {}", mailboxes_key(company), text_of(reply)));
        return;
      }
      snapshot(company, reply);
    });
  }
}

void SharedMailboxes::snapshot(const std::string& company, const redisReply* reply) {
  // Other nodes' counts of this company, as Redis holds them now (also: none, when it came
  // back empty and their nodes have not written again yet; they do at their resync).
  std::map<std::string, std::map<std::string, MailboxCount, std::less<>>, std::less<>> fresh;
  for (std::size_t i = 0; i + 1 < reply->elements; i += 2) {
    const std::string_view field = text_of(reply->element[i]);
    const auto lf = field.find('\n');
    MailboxCount count;
    if (lf == std::string_view::npos || !parse_count(text_of(reply->element[i + 1]), count))
      continue;
    const std::string_view extension = field.substr(0, lf);
    const std::string_view node = field.substr(lf + 1);
    if (node == node_) {
      // This node's, as Redis has it after the writes above: a count of an earlier run that
      // this run has not announced (its messages were heard or deleted meanwhile) is put
      // right.
      const std::string key = mailbox(company, extension);
      if (!own_.contains(key) && count != MailboxCount{}) {
        own_.insert_or_assign(key, MailboxCount{});
        send(company, extension, MailboxCount{});
      }
      continue;
    }
    fresh[mailbox(company, extension)].emplace(std::string(node), count);
  }
  // Gone from Redis: counted as nothing (their watchers hear it).
  const std::string prefix = company + "\n";
  for (auto it = others_.lower_bound(prefix);
       it != others_.end() && it->first.starts_with(prefix);) {
    if (!fresh.contains(it->first)) {
      const std::string extension = it->first.substr(prefix.size());
      it = others_.erase(it);
      if (host_.changed) host_.changed(company, extension);
    } else {
      ++it;
    }
  }
  for (const auto& [key, nodes] : fresh) {
    const std::string_view extension = std::string_view(key).substr(prefix.size());
    auto& known = others_[key];
    std::erase_if(known, [&](const auto& entry) { return !nodes.contains(entry.first); });
    for (const auto& [node, count] : nodes) set_other(company, extension, node, count);
  }
  if (--snapshots_left_ == 0 && done_) {
    auto d = std::move(done_);
    done_ = nullptr;
    d();
  }
}

void SharedMailboxes::down() {
  snapshots_left_ = 0;
  done_ = nullptr;
}

void SharedMailboxes::message(std::string_view payload) {
  std::array<std::string_view, 5> p;
  for (std::size_t i = 0; i < 4; ++i) {
    const auto lf = payload.find('\n');
    if (lf == std::string_view::npos) return;
    p[i] = payload.substr(0, lf);
    payload.remove_prefix(lf + 1);
  }
  p[4] = payload;
  MailboxCount count;
  if (!number(p[3], count.new_messages) || !number(p[4], count.old_messages)) return;
  if (p[0] == node_) return;  // our own: already counted here
  set_other(p[1], p[2], p[0], count);
}

std::string SharedMailboxes::summary() const {
  std::size_t waiting = 0;
  for (const auto& [key, nodes] : others_)
    for (const auto& [node, count] : nodes)
      if (count.new_messages > 0) ++waiting;
  return fmt::format("{} mailbox count(s) of other nodes with new messages", waiting);
}

}  // namespace callplan::cluster
