// mail/outbox_sender.hpp — the thread that empties the outbox (SPEC 10 "E-mail"): it sends each
// waiting mail, retries with growing back-off until a server takes it, moves mail refused for
// good (5xx) to failed/, and logs one line per attempt with the server's reply. It runs on its
// own thread, never on the SIP event loop; a slow or dead mail server delays only mail.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "mail/outbox.hpp"
#include "mail/smtp_client.hpp"

namespace callplan::mail {

struct RetryPolicy {
  std::chrono::milliseconds first{10'000};   // wait after the first failed attempt
  std::chrono::milliseconds longest{900'000};  // back-off doubles up to this (15 min)
  // The folder is read again this often, for mail queued by another process.
  std::chrono::milliseconds rescan{5'000};
};

// Wait before attempt n+1 after n failed attempts: first * 2^(n-1), at most longest.
std::chrono::milliseconds backoff_after(int failed_attempts, const RetryPolicy& policy);

struct SenderCounts {
  std::uint64_t attempts = 0;
  std::uint64_t delivered = 0;
  std::uint64_t failed = 0;   // moved to failed/
  std::uint64_t waiting = 0;  // in the outbox at the last look
};

class OutboxSender {
 public:
  using Transport = std::function<Delivery(const QueuedMail&)>;
  using Log = std::function<void(std::string_view line)>;

  OutboxSender(Outbox& outbox, Transport transport, RetryPolicy policy, Log sink);
  ~OutboxSender();  // stop()s
  OutboxSender(const OutboxSender&) = delete;
  OutboxSender& operator=(const OutboxSender&) = delete;

  void start();
  // Finishes the attempt in progress (bounded by the SMTP timeouts), then ends the thread.
  void stop();
  // Look at the outbox now (after enqueue()), without waiting for the next rescan.
  void wake();

  SenderCounts counts() const;

  // One pass over the outbox, in the calling thread: every mail that is due is attempted once.
  // Returns when the soonest retry is due (or rescan when nothing waits). start() loops it.
  std::chrono::steady_clock::time_point run_once();

 private:
  void attempt(const std::string& id);
  void loop();
  void log(const std::string& line) const;

  struct Retry {
    int failures = 0;
    std::chrono::steady_clock::time_point due;
  };

  Outbox& outbox_;
  Transport transport_;
  RetryPolicy policy_;
  Log log_;
  std::map<std::string, Retry> retries_;  // only touched by the sending thread

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool woken_ = false;
  SenderCounts counts_;
  std::thread thread_;
};

// The transport that sends through libcurl SMTP with these settings.
OutboxSender::Transport smtp_transport(SmtpSettings settings, SmtpTimeouts timeouts = {});

}  // namespace callplan::mail
