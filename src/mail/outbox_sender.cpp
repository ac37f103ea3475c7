#include "mail/outbox_sender.hpp"

#include <algorithm>

namespace callplan::mail {
namespace {

std::string recipients(const Envelope& envelope) {
  std::string out;
  for (const auto& to : envelope.to) out += (out.empty() ? "" : ",") + to;
  return out;
}

std::string seconds_text(std::chrono::milliseconds wait) {
  const auto ms = wait.count();
  if (ms < 1000) return std::to_string(ms) + " ms";
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + " s";
  return std::to_string(ms / 1000) + "." + std::to_string(ms % 1000 / 100) + " s";
}

}  // namespace

std::chrono::milliseconds backoff_after(int failed_attempts, const RetryPolicy& policy) {
  auto wait = policy.first;
  for (int i = 1; i < failed_attempts && wait < policy.longest; ++i) wait *= 2;
  return std::min(wait, policy.longest);
}

OutboxSender::OutboxSender(Outbox& outbox, Transport transport, RetryPolicy policy, Log sink)
    : outbox_(outbox), transport_(std::move(transport)), policy_(policy), log_(std::move(sink)) {}

OutboxSender::~OutboxSender() { stop(); }

void OutboxSender::log(const std::string& line) const {
  if (log_) log_(line);
}

void OutboxSender::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { loop(); });
}

void OutboxSender::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void OutboxSender::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  wake_.notify_all();
}

SenderCounts OutboxSender::counts() const {
  std::lock_guard lock(mutex_);
  return counts_;
}

void OutboxSender::loop() {
  for (;;) {
    const auto next = run_once();
    std::unique_lock lock(mutex_);
    wake_.wait_until(lock, next, [this] { return stopping_ || woken_; });
    if (stopping_) return;
    woken_ = false;
  }
}

std::chrono::steady_clock::time_point OutboxSender::run_once() {
  const auto ids = outbox_.pending();
  // Forget retry state of mail that is gone (sent by another process, removed by hand).
  std::erase_if(retries_, [&](const auto& entry) { return !std::binary_search(ids.begin(), ids.end(), entry.first); });
  auto next = std::chrono::steady_clock::now() + policy_.rescan;
  for (const auto& id : ids) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) break;
    }
    auto it = retries_.find(id);
    if (it == retries_.end() || it->second.due <= std::chrono::steady_clock::now()) attempt(id);
    if (auto left = retries_.find(id); left != retries_.end()) next = std::min(next, left->second.due);
  }
  std::lock_guard lock(mutex_);
  counts_.waiting = outbox_.pending().size();
  return next;
}

void OutboxSender::attempt(const std::string& id) {
  auto mail = outbox_.read(id);
  if (!mail) {
    // Unreadable or damaged: set aside so it does not block the queue, and say so.
    log("mail " + id + ": cannot be read (" + mail.error() + "); moved to failed/");
    (void)outbox_.failed(id, mail.error());
    std::lock_guard lock(mutex_);
    ++counts_.failed;
    return;
  }
  Retry& retry = retries_[id];
  const int number = retry.failures + 1;
  const Delivery result = transport_(*mail);
  std::string line = "mail " + id + " to " + recipients(mail->envelope) + " attempt " + std::to_string(number) + ": ";
  std::lock_guard lock(mutex_);
  ++counts_.attempts;
  switch (result.outcome) {
    case Delivery::Outcome::delivered: {
      auto removed = outbox_.delivered(id);
      log(line + "delivered: " + result.reply +
          (removed ? "" : " (but the outbox file could not be removed: " + removed.error() + ")"));
      retries_.erase(id);
      ++counts_.delivered;
      return;
    }
    case Delivery::Outcome::permanent: {
      auto moved = outbox_.failed(id, result.reply);
      log(line + "rejected: " + result.reply + "; " +
          (moved ? "kept in failed/" + id + ".mail" : "could not be moved to failed/: " + moved.error()));
      retries_.erase(id);
      ++counts_.failed;
      return;
    }
    case Delivery::Outcome::temporary: {
      retry.failures = number;
      const auto wait = backoff_after(number, policy_);
      retry.due = std::chrono::steady_clock::now() + wait;
      log(line + "not delivered: " + result.reply + "; next attempt in " + seconds_text(wait));
      return;
    }
  }
}

OutboxSender::Transport smtp_transport(SmtpSettings settings, SmtpTimeouts timeouts) {
  return [settings = std::move(settings), timeouts](const QueuedMail& mail) {
    return send_mail(settings, mail.envelope, mail.message, timeouts);
  };
}

}  // namespace callplan::mail
