// SPEC 11: every change enqueued more than 100 ms before a kill -9 is there after a restart;
// and the thread that enqueues (the SIP event loop) never waits for the disk.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>
#include <vector>

#include "state/sqlite_store.hpp"
#include "state_test_support.hpp"

namespace callplan::state {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using testing::at;
using testing::registration;
using testing::t0;
using testing::TempDir;

// The child registers phone after phone (one every ~0.5 ms) and tells the parent, through a
// pipe, the index of each registration right after enqueuing it. The parent kills it with
// SIGKILL in the middle and then checks every index it heard of more than 100 ms earlier.
TEST(StateDurability, EverythingEnqueuedMoreThan100msBeforeAKill9Survives) {
  TempDir dir;
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(fds[0]);
    try {
      auto store = SqliteStore::open(dir.path());
      for (std::uint32_t i = 0;; ++i) {
        store->put_registration(registration(static_cast<int>(i)));
        if (write(fds[1], &i, sizeof i) != sizeof i) _exit(3);
        std::this_thread::sleep_for(500us);
      }
    } catch (...) {
      _exit(2);
    }
  }
  close(fds[1]);
  std::vector<Clock::time_point> heard;  // heard[i]: when the parent learnt i was enqueued
  // Kill once the child has been registering for a while and enough is at stake (a slow,
  // sanitized or busy build takes longer to get there; the bound keeps the test finite).
  const auto started = Clock::now();
  while ((heard.size() < 600 || Clock::now() - started < 500ms) &&
         Clock::now() - started < 30s) {
    std::uint32_t i;
    ASSERT_EQ(read(fds[0], &i, sizeof i), static_cast<ssize_t>(sizeof i));
    ASSERT_EQ(i, heard.size());
    heard.push_back(Clock::now());
  }
  const auto killed_at = Clock::now();
  ASSERT_EQ(kill(child, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status));
  close(fds[0]);

  auto store = SqliteStore::open(dir.path());  // the lock died with the child
  const Snapshot s = store->load(at(t0));
  std::vector<bool> present(heard.size() + 1000, false);
  for (const Registration& r : s.registrations) {
    const auto i = std::stoul(r.username.substr(3));
    if (i < present.size()) present[i] = true;
    EXPECT_EQ(r, registration(static_cast<int>(i)));  // written whole, never half
  }
  std::size_t must_survive = 0;
  for (std::size_t i = 0; i < heard.size(); ++i) {
    if (heard[i] < killed_at - 100ms) {
      ++must_survive;
      EXPECT_TRUE(present[i]) << "registration " << i << " enqueued "
                              << std::chrono::duration_cast<std::chrono::milliseconds>(
                                     killed_at - heard[i]).count()
                              << " ms before the kill is lost";
    }
  }
  EXPECT_GT(must_survive, 300u);  // the test measured something
}

// A disk that takes 500 ms per batch (simulated in the writer) must not slow the enqueuing
// thread: every enqueue stays far below one batch, even while a batch is being written.
TEST(StateDurability, EnqueueNeverWaitsForASlowDisk) {
  TempDir dir;
  SqliteStoreOptions options;
  options.before_batch = [](sqlite3*) { std::this_thread::sleep_for(500ms); };
  auto store = SqliteStore::open(dir.path(), options);
  Clock::duration worst{};
  const auto until = Clock::now() + 1500ms;
  int n = 0;
  while (Clock::now() < until) {
    const auto before = Clock::now();
    store->put_registration(registration(n++));
    worst = std::max(worst, Clock::now() - before);
    std::this_thread::sleep_for(200us);
  }
  // The writer spent most of the time inside 500 ms batches; an enqueue that waited for it
  // would take hundreds of ms. The bound leaves room for a descheduled thread on a busy box.
  EXPECT_GE(store->counters().batches_written, 1u);
  EXPECT_LT(worst, 100ms) << "an enqueue waited for the writer";
  EXPECT_TRUE(store->flush(10s));
  EXPECT_EQ(store->counters().changes_written, static_cast<std::uint64_t>(n));
}

}  // namespace
}  // namespace callplan::state
