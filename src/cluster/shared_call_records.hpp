// cluster/shared_call_records.hpp — every node's call detail records in Redis too, one stream
// per company (SPEC 12, docs/cluster.md "Call detail records"), besides the node's own
// cdr.jsonl: one place where a company's calls are, whichever node took them.
//
//   key      callplan:{<company>}:cdr     a stream (XADD), at most about `max_per_company`
//                                          entries (MAXLEN ~: Redis trims whole blocks)
//   entry    node <node> record <the cdr.jsonl line>
//
// Read with `redis-cli XRANGE 'callplan:{acme}:cdr' - +` (or XREAD BLOCK to follow it). A
// record is sent when the call is over and never waited for. While Redis is away they are
// queued in memory (at most `max_queued`, the oldest dropped beyond: cdr.jsonl has them all)
// and sent when it is back; a record whose XADD was lost with the connection is sent again,
// so a consumer may see one twice (its call_id and end tell them apart): at least once.
//
// Thread safety: none; the event loop's thread only.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "cluster/redis_link.hpp"
#include "cluster/shared_part.hpp"

namespace callplan::cluster {

std::string call_records_key(std::string_view company);

struct CallRecordLimits {
  std::size_t max_per_company = 100000;  // the stream's length, about
  std::size_t max_queued = 10000;        // records held while Redis is away
};

class SharedCallRecords final : public SharedPart {
 public:
  using Warn = std::function<void(std::string_view line)>;
  SharedCallRecords(RedisLink& link, std::string node, CallRecordLimits limits, Warn warn);
  ~SharedCallRecords();
  SharedCallRecords(const SharedCallRecords&) = delete;
  SharedCallRecords& operator=(const SharedCallRecords&) = delete;

  // One call's record (its JSON line) is over.
  void add(std::string_view company, std::string json);

  void resync(std::function<void()> done) override;  // sends what was queued; done at once
  void down() override {}
  void message(std::string_view) override {}
  std::string summary() const override;

  struct Counters {
    std::size_t stored = 0;   // XADDs Redis confirmed
    std::size_t dropped = 0;  // queued records dropped (the queue was full)
  };
  const Counters& counters() const { return counters_; }
  std::size_t queued() const { return queue_.size(); }

 private:
  struct Record {
    std::string company;
    std::string json;
  };
  void send(Record record);
  void enqueue(Record record);

  RedisLink& link_;
  std::string node_;
  CallRecordLimits limits_;
  Warn warn_;
  std::deque<Record> queue_;
  bool warned_full_ = false;  // once per outage
  Counters counters_;
  // The link may outlive this object (it belongs to SharedRegistrations) and calls the
  // callbacks of pending commands with null when it goes: they check this first.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace callplan::cluster
