#include "sip/proxy/call_record.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <iterator>
#include <string_view>
#include <system_error>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace callplan::sip {
namespace {

std::string utc_text(CallRecord::Clock::time_point t) {
  using namespace std::chrono;
  auto ms = duration_cast<milliseconds>(t.time_since_epoch()).count();
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900,
                     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms % 1000);
}

// A JSON string as nlohmann's dump(-1, ' ', false, replace) writes it. Printable ASCII, what
// every field of an ordinary call holds, is escaped here; text with control characters or
// other bytes (invalid UTF-8 from the wire is replaced) is left to nlohmann, whose rules stay
// the one reference.
void append_json_string(std::string& out, std::string_view value) {
  const bool plain = std::all_of(value.begin(), value.end(), [](char c) {
    return static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f;
  });
  if (!plain) {
    out += nlohmann::json(std::string(value))
               .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return;
  }
  out += '"';
  for (const char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
}

}  // namespace

std::int64_t CallRecord::duration_s() const {
  if (!answer || end < *answer) return 0;
  return std::chrono::duration_cast<std::chrono::seconds>(end - *answer).count();
}

std::string CallRecord::json() const {
  // Written field by field (the record writer formats every call: an nlohmann object per
  // record cost allocations per field; issue 18). The same text as nlohmann's compact dump
  // of the fields in this order; strings that are not plain ASCII go through nlohmann.
  std::string out;
  out.reserve(384);
  auto field = [&out](std::string_view name) {
    out += out.empty() ? '{' : ',';
    out += '"';
    out += name;
    out += "\":";
  };
  auto text = [&](std::string_view name, std::string_view value) {
    field(name);
    append_json_string(out, value);
  };
  text("start", utc_text(start));
  field("answer");
  if (answer) {
    append_json_string(out, utc_text(*answer));
  } else {
    out += "null";
  }
  text("end", utc_text(end));
  text("company", company);
  text("caller", caller);
  text("caller_device", caller_device);
  text("dialled", dialled);
  text("disposition", disposition);
  text("answered_by", answered_by);
  text("answered_device", answered_device);
  field("status");
  fmt::format_to(std::back_inserter(out), "{}", status);
  text("ended_by", ended_by);
  field("duration");
  fmt::format_to(std::back_inserter(out), "{}", duration_s());
  text("call_id", call_id);
  out += '}';
  return out;
}

std::string CallRecord::log_line() const {
  std::string line = fmt::format("call {}: {} to {} -> {}", call_id, caller, dialled, disposition);
  if (!answered_by.empty()) line += fmt::format(" by {}", answered_by);
  if (!answered_device.empty()) line += fmt::format(" ({})", answered_device);
  line += fmt::format(", {}", status);
  if (answer) line += fmt::format(", talked {} s", duration_s());
  if (!ended_by.empty()) line += fmt::format(", ended by {}", ended_by);
  return line;
}

CallRecordFile::CallRecordFile(const std::string& path) : path_(path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "call records " + path);
  file_ = ::fdopen(fd, "a");
  if (file_ == nullptr) {
    int error = errno;
    ::close(fd);
    throw std::system_error(error, std::generic_category(), "call records " + path);
  }
  writer_ = std::thread([this] { drain(); });
}

CallRecordFile::~CallRecordFile() {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
  }
  wake_.notify_one();
  writer_.join();
  std::fclose(file_);
}

void CallRecordFile::write(const CallRecord& record) {
  bool was_empty = false;
  {
    std::lock_guard lock(mutex_);
    was_empty = queue_.empty();
    queue_.push_back(record);
  }
  // Only the first record of a batch wakes the writer: it is either waiting for this one, or
  // has yet to take the queue (a wake-up per call was a system call and a thread switch per
  // call at thousands of calls a second).
  if (was_empty) wake_.notify_one();
}

void CallRecordFile::drain() {
  // After a wake-up the writer lets a batch gather for this long, so that a busy server
  // writes a few times a second rather than once per call; a record reaches the file at most
  // this much later (and every queued one is written when serve stops).
  constexpr auto kGather = std::chrono::milliseconds(20);
  std::unique_lock lock(mutex_);
  bool reported = false;
  for (;;) {
    wake_.wait(lock, [this] { return closing_ || !queue_.empty(); });
    wake_.wait_for(lock, kGather, [this] { return closing_; });
    std::deque<CallRecord> batch;
    batch.swap(queue_);
    const bool last = closing_;
    lock.unlock();
    std::string text;
    for (const CallRecord& record : batch) text.append(record.json()).append(1, '\n');
    bool ok = std::fwrite(text.data(), 1, text.size(), file_) == text.size();
    ok = std::fflush(file_) == 0 && ok;
    // Once per run of failures (a full disk would otherwise print a line per call).
    if (!ok && !reported)
      fmt::print(stderr, "callplan serve: cannot write call records to {}: {}\n", path_,
                 std::generic_category().message(errno));
    reported = !ok;
    lock.lock();
    if (last && queue_.empty()) return;
  }
}

}  // namespace callplan::sip
