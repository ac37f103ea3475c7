#include "cluster/shared_call_records.hpp"

#include <memory>

#include <fmt/format.h>
#include <hiredis/hiredis.h>

namespace callplan::cluster {

std::string call_records_key(std::string_view company) {
  return fmt::format("callplan:{{{}}}:cdr", company);
}

SharedCallRecords::SharedCallRecords(RedisLink& link, std::string node, CallRecordLimits limits,
                                     Warn warn)
    : link_(link), node_(std::move(node)), limits_(limits), warn_(std::move(warn)) {}

SharedCallRecords::~SharedCallRecords() { *alive_ = false; }

void SharedCallRecords::add(std::string_view company, std::string json) {
  Record record{std::string(company), std::move(json)};
  if (!link_.ready()) {
    enqueue(std::move(record));
    return;
  }
  send(std::move(record));
}

void SharedCallRecords::send(Record record) {
  const std::string key = call_records_key(record.company);
  const std::string max = std::to_string(limits_.max_per_company);
  // The record moves into the callback: sent again when the connection is lost before the
  // reply (at least once).
  auto held = std::make_shared<Record>(std::move(record));
  const bool sent = link_.command(
      {"XADD", key, "MAXLEN", "~", max, "*", "node", node_, "record", held->json},
      [this, held, alive = alive_](const redisReply* reply) {
        if (!*alive) return;
        if (reply == nullptr) {
          enqueue(std::move(*held));
          return;
        }
        if (reply->type == REDIS_REPLY_ERROR) {
          // Not a stream (another program's key): dropped here, kept in cdr.jsonl.
          warn_(fmt::format("cluster: Redis refused a call record for {}: {}",
                            call_records_key(held->company),
                            std::string_view(reply->str, reply->len)));
          return;
        }
        ++counters_.stored;
      });
  if (!sent) enqueue(std::move(*held));
}

void SharedCallRecords::enqueue(Record record) {
  if (queue_.size() >= limits_.max_queued) {
    queue_.pop_front();
    ++counters_.dropped;
    if (!warned_full_) {
      warned_full_ = true;
      warn_(fmt::format("cluster: {} call records wait for Redis; older ones are dropped from "
                        "the queue (every record is still in this node's call record file)",
                        limits_.max_queued));
    }
  }
  queue_.push_back(std::move(record));
}

void SharedCallRecords::resync(std::function<void()> done) {
  warned_full_ = false;
  std::deque<Record> queued = std::move(queue_);
  queue_.clear();
  for (Record& record : queued) send(std::move(record));
  done();  // nothing to read: the streams are the consumers'
}

std::string SharedCallRecords::summary() const {
  return fmt::format("{} call record(s) stored", counters_.stored);
}

}  // namespace callplan::cluster
