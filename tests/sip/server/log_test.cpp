// The server's log (issue 18.6): one line per event with the common prefix, and a budget per
// kind of line with a "suppressed N" line once the window is over.
#include "sip/server/log.hpp"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace callplan::sip {
namespace {

using namespace std::chrono_literals;

// A ServerLog writing into memory, with a clock the test moves.
struct Captured {
  explicit Captured(LogLevel level = LogLevel::info, LogLimit limit = {})
      : out(open_memstream(&buffer, &size)), log(level, limit, out) {
    log.set_clock([this] { return now; });
  }
  ~Captured() {
    std::fclose(out);
    std::free(buffer);
  }
  std::vector<std::string> lines() {
    std::fflush(out);
    std::vector<std::string> result;
    std::string text(buffer, size);
    for (std::size_t start = 0; start < text.size();) {
      const auto end = text.find('\n', start);
      result.push_back(text.substr(start, end - start));
      start = end + 1;
    }
    return result;
  }
  char* buffer = nullptr;
  std::size_t size = 0;
  std::FILE* out;
  ServerLog::Clock::time_point now{std::chrono::hours(1)};
  ServerLog log;
};

TEST(ServerLog, EveryEventIsOneLineWithThePrefix) {
  Captured c;
  c.log.write(LogLevel::error,
              "reload refused: t.yaml:3:5: error: unknown key\nt.yaml:9:1: error: bad\n"
              "`t.yaml` has errors; the running plan stays");
  const auto lines = c.lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0],
            "callplan serve: reload refused: t.yaml:3:5: error: unknown key | t.yaml:9:1: "
            "error: bad | `t.yaml` has errors; the running plan stays");
}

TEST(ServerLog, LinesBelowTheLevelAreNotWritten) {
  Captured c(LogLevel::warn);
  c.log.write(LogLevel::info, "call c1: answered");
  c.log.write(LogLevel::warn, "transport.send", "x: send failed");
  EXPECT_EQ(c.lines(), std::vector<std::string>{"callplan serve: x: send failed"});
}

TEST(ServerLog, EachKindHasItsOwnBudgetAndTheRestIsSummarisedLater) {
  Captured c(LogLevel::info, {.lines = 3, .window = 10s});
  for (int i = 0; i < 10; ++i) c.log.write(LogLevel::warn, "transport.refused", "refused");
  c.log.write(LogLevel::info, "call c1: answered");  // another kind: not affected
  EXPECT_EQ(c.lines().size(), 4u);
  EXPECT_EQ(c.log.suppressed_total(), 7u);
  c.now += 9s;
  c.log.flush_suppressed();  // the window is not over: nothing yet
  EXPECT_EQ(c.lines().size(), 4u);
  c.now += 1s;
  c.log.flush_suppressed();
  const auto lines = c.lines();
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[4],
            "callplan serve: suppressed 7 \"transport.refused\" lines in the last 10 s");
  // A fresh window: the kind may write again.
  c.log.write(LogLevel::warn, "transport.refused", "refused again");
  EXPECT_EQ(c.lines().back(), "callplan serve: refused again");
}

TEST(ServerLog, TheSummaryAlsoComesWithTheNextLineOfItsKind) {
  Captured c(LogLevel::info, {.lines = 1, .window = 10s});
  c.log.write(LogLevel::info, "call c1: answered");
  c.log.write(LogLevel::info, "call c2: answered");
  c.now += 11s;
  c.log.write(LogLevel::info, "call c3: answered");  // kind "call": its first word
  EXPECT_EQ(c.lines(), (std::vector<std::string>{
                           "callplan serve: call c1: answered",
                           "callplan serve: suppressed 1 \"call\" lines in the last 10 s",
                           "callplan serve: call c3: answered"}));
}

TEST(ServerLog, NoticesAreNeverLimitedAndZeroMeansNoLimit) {
  Captured limited(LogLevel::error, {.lines = 1, .window = 10s});
  for (int i = 0; i < 5; ++i) limited.log.notice("ready");
  EXPECT_EQ(limited.lines().size(), 5u);
  Captured unlimited(LogLevel::info, {.lines = 0});
  for (int i = 0; i < 500; ++i) unlimited.log.write(LogLevel::info, "call x: answered");
  EXPECT_EQ(unlimited.lines().size(), 500u);
}

TEST(ServerLog, KindsBeyondTheBoundShareOneBudget) {
  Captured c(LogLevel::info, {.lines = 2, .window = 10s, .max_kinds = 2});
  c.log.write(LogLevel::info, "a", "a");
  c.log.write(LogLevel::info, "b", "b");
  for (int i = 0; i < 5; ++i) c.log.write(LogLevel::info, "k" + std::to_string(i), "k");
  EXPECT_EQ(c.lines().size(), 4u);  // a, b, and two of the five new kinds ("other")
  EXPECT_EQ(c.log.suppressed_total(), 3u);
}

}  // namespace
}  // namespace callplan::sip
