#include "media/prompt/run_program.hpp"

#include <gtest/gtest.h>

#include <cerrno>

namespace callplan::media {
namespace {

using namespace std::chrono_literals;

TEST(RunProgram, ExitCodesAndOutput) {
  auto ok = run_program({"true"}, 5s);
  EXPECT_TRUE(ok.succeeded());
  auto bad = run_program({"false"}, 5s);
  EXPECT_TRUE(bad.started);
  EXPECT_TRUE(bad.exited);
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_FALSE(bad.succeeded());
  auto both = run_program({"sh", "-c", "echo out; echo err >&2"}, 5s);
  EXPECT_EQ(both.output, "out\nerr\n");
}

TEST(RunProgram, ArgumentsReachTheProgramLiterally) {
  // No shell in between: quotes, $(...) and ; are just characters.
  const std::string tricky = "it's \"quoted\" $(touch /tmp/x) ; rm -rf / `id` -v";
  auto run = run_program({"printf", "%s", tricky}, 5s);
  ASSERT_TRUE(run.succeeded());
  EXPECT_EQ(run.output, tricky);
}

TEST(RunProgram, MissingProgramIsNotStarted) {
  auto run = run_program({"callplan-no-such-program-xyz"}, 5s);
  EXPECT_FALSE(run.started);
  EXPECT_EQ(run.spawn_error, ENOENT);
}

TEST(RunProgram, TimeLimitKillsTheProgram) {
  const auto start = std::chrono::steady_clock::now();
  auto run = run_program({"sleep", "10"}, 200ms);
  EXPECT_TRUE(run.timed_out);
  EXPECT_FALSE(run.succeeded());
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
}

TEST(RunProgram, ProgramThatClosesItsOutputButHangsIsKilled) {
  const auto start = std::chrono::steady_clock::now();
  auto run = run_program({"sh", "-c", "exec >/dev/null 2>&1; sleep 10"}, 300ms);
  EXPECT_TRUE(run.timed_out);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
}

TEST(RunProgram, StdinIsEmpty) {
  auto run = run_program({"cat"}, 5s);  // would hang on a terminal
  EXPECT_TRUE(run.succeeded());
  EXPECT_EQ(run.output, "");
}

}  // namespace
}  // namespace callplan::media
