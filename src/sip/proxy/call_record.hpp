// sip/proxy/call_record.hpp — the call detail record: one per call, however it ends, written
// as one JSON object per line (docs/sip-server.md, "Call detail records").
//
// The proxy fills it in as the call goes: set-up facts when the call's INVITE transaction is
// over, the end when the dialog's BYE is answered (or the dialog is forgotten). CallRecordFile
// writes the lines on a thread of its own, so a call never waits on a disk write.
//
//   CallRecordFile file("/var/lib/callplan/cdr.jsonl");   // throws std::system_error
//   file.write(record);                                    // queues one line; returns at once
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace callplan::sip {

struct CallRecord {
  using Clock = std::chrono::system_clock;

  std::string call_id;          // the caller's Call-ID
  std::string company;          // the tenant's login
  std::string caller;           // the calling user's extension, or the external number
  std::string caller_device;    // the calling device's SIP username; "" from the trunk
  std::string dialled;          // what was dialled (extension, tenant number, external number)
  std::string disposition;      // answered, voicemail, hangup, unanswered, abandoned, rejected
  std::string answered_by;      // the target that answered (extension or external number)
  std::string answered_device;  // the SIP username of the phone that answered, "trunk",
                                // "media-server"; "" when nobody answered
  int status = 0;               // the final SIP status the caller got (200, 486, 487...)
  std::string ended_by;         // caller, callee (a BYE from either side), expired, stopped,
                                // or "" when the call ended during set-up
  Clock::time_point start{};
  std::optional<Clock::time_point> answer;
  Clock::time_point end{};

  // Seconds from the answer to the end (0 when not answered), rounded down.
  std::int64_t duration_s() const;
  // One line of JSON (no newline): times in UTC, ISO 8601 with milliseconds.
  std::string json() const;
  // The call's line in serve's log: "call ID: CALLER to DIALLED -> DISPOSITION by ..., 200,
  // talked N s, ended by caller".
  std::string log_line() const;
};

class CallRecordFile {
 public:
  // Opens `path` for appending (creating it, mode 0640); throws std::system_error naming the
  // path when it cannot be opened.
  explicit CallRecordFile(const std::string& path);
  ~CallRecordFile();  // writes what is queued, then closes
  CallRecordFile(const CallRecordFile&) = delete;
  CallRecordFile& operator=(const CallRecordFile&) = delete;

  void write(const CallRecord& record);  // queues; a failed disk write is reported on stderr
  const std::string& path() const { return path_; }

 private:
  void drain();

  std::string path_;
  std::FILE* file_ = nullptr;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<CallRecord> queue_;  // formatted on the writer thread, not the event loop
  bool closing_ = false;
  std::thread writer_;
};

}  // namespace callplan::sip
