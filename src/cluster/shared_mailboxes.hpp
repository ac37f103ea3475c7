// cluster/shared_mailboxes.hpp — message waiting across the nodes of a cluster (SPEC 10 and
// 12, docs/cluster.md "Message waiting"): a phone registered at node B gets the lamp for a
// voicemail left through node A.
//
//   key      callplan:{<company>}:mailboxes   hash: field <extension> LF <node>, value
//                                              "<new> <old>": that node's count of the mailbox
//   channel  callplan:mailboxes               every change, published by the same script
//   message  node LF company LF extension LF new LF old
//
// Each node counts the messages its own voicemail store holds (the media side of the node
// that took the call records it there) and sends its count when it changed; a mailbox's
// count is the sum over the nodes. Counts of a node that died stay: its messages are still on
// its disk. Nothing waits on Redis: a NOTIFY is built from memory (this node's store, the
// others' counts as last heard).
//
// Thread safety: none; the event loop's thread only.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/redis_link.hpp"
#include "cluster/scripts.hpp"
#include "cluster/shared_part.hpp"

struct redisReply;

namespace callplan::cluster {

inline constexpr std::string_view kMailboxChannel = "callplan:mailboxes";

std::string mailboxes_key(std::string_view company);

struct MailboxCount {
  int new_messages = 0;
  int old_messages = 0;
  bool operator==(const MailboxCount&) const = default;
};

struct OwnMailboxCount {
  std::string company;
  std::string extension;
  MailboxCount count;
};

struct MailboxHost {
  std::function<std::vector<std::string>()> companies;  // every served company's login
  // This node's store's count of every mailbox of the served companies (at each resync: a
  // node that restarted, or a Redis that came back empty, gets every count again).
  std::function<std::vector<OwnMailboxCount>()> own_counts;
  // Another node's count of a mailbox changed: its watchers here get a NOTIFY.
  std::function<void(std::string_view company, std::string_view extension)> changed;
};

class SharedMailboxes final : public SharedPart {
 public:
  SharedMailboxes(RedisLink& link, std::string node, MailboxHost host);

  static const Script& set_script();  // KEYS[1] hash; ARGV field, value, channel, message
  static std::vector<std::string> scripts() { return {set_script().source}; }

  // This node's own count of a mailbox, as its store has it now: sent when it changed.
  void counted(std::string_view company, std::string_view extension, MailboxCount own);
  // What the other nodes hold of a mailbox, summed.
  MailboxCount elsewhere(std::string_view company, std::string_view extension) const;

  void resync(std::function<void()> done) override;
  void down() override;
  void message(std::string_view payload) override;
  std::string summary() const override;

 private:
  static std::string mailbox(std::string_view company, std::string_view extension);
  void send(std::string_view company, std::string_view extension, MailboxCount count);
  void snapshot(const std::string& company, const redisReply* reply);
  void set_other(std::string_view company, std::string_view extension, std::string_view node,
                 MailboxCount count);

  RedisLink& link_;
  std::string node_;
  MailboxHost host_;
  std::map<std::string, MailboxCount, std::less<>> own_;  // company LF extension -> sent
  // company LF extension -> node -> count
  std::map<std::string, std::map<std::string, MailboxCount, std::less<>>, std::less<>> others_;
  std::size_t snapshots_left_ = 0;
  std::function<void()> done_;
};

}  // namespace callplan::cluster
