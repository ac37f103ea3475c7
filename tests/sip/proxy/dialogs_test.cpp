// The dialog set decides which in-dialog requests the proxy relays: only dialogs it set up.
#include "sip/proxy/dialogs.hpp"

#include <gtest/gtest.h>

namespace callplan::sip {
namespace {

using namespace std::chrono_literals;
using TimePoint = DialogSet::TimePoint;

TEST(DialogSet, KnowsADialogByCallIdAndBothTagsInEitherOrder) {
  DialogSet dialogs;
  TimePoint t0{};
  dialogs.add("call-1", "caller-tag", "callee-tag", t0);
  EXPECT_TRUE(dialogs.touch("call-1", "caller-tag", "callee-tag", t0));
  EXPECT_TRUE(dialogs.touch("call-1", "callee-tag", "caller-tag", t0));  // a BYE from the callee
  EXPECT_FALSE(dialogs.touch("call-1", "caller-tag", "forged", t0));
  EXPECT_FALSE(dialogs.touch("call-2", "caller-tag", "callee-tag", t0));
  // Tags are not concatenated naively: ("ab","c") is not ("a","bc").
  dialogs.add("x", "ab", "c", t0);
  EXPECT_FALSE(dialogs.touch("x", "a", "bc", t0));
}

TEST(DialogSet, ByeRemovesTheDialog) {
  DialogSet dialogs;
  dialogs.add("c", "a", "b", TimePoint{});
  dialogs.remove("c", "b", "a");
  EXPECT_FALSE(dialogs.touch("c", "a", "b", TimePoint{}));
  EXPECT_EQ(dialogs.size(), 0u);
}

TEST(DialogSet, UnusedDialogsExpireAndUseRefreshesThem) {
  DialogSet dialogs(100s);
  TimePoint t0{};
  dialogs.add("old", "a", "b", t0);
  dialogs.add("busy", "a", "b", t0);
  EXPECT_TRUE(dialogs.touch("busy", "a", "b", t0 + 90s));
  dialogs.expire(t0 + 150s);
  EXPECT_FALSE(dialogs.touch("old", "a", "b", t0 + 150s));
  EXPECT_TRUE(dialogs.touch("busy", "a", "b", t0 + 150s));
  // touch() itself refuses an expired dialog even before expire() ran.
  EXPECT_FALSE(dialogs.touch("busy", "a", "b", t0 + 251s));
}

TEST(DialogSet, IsBoundedTheLeastRecentlyUsedDialogMakesRoom) {
  DialogSet dialogs(3600s, 2);
  TimePoint t0{};
  dialogs.add("1", "a", "b", t0);
  dialogs.add("2", "a", "b", t0 + 1s);
  EXPECT_TRUE(dialogs.touch("1", "a", "b", t0 + 2s));  // now "2" is the oldest
  dialogs.add("3", "a", "b", t0 + 3s);
  EXPECT_EQ(dialogs.size(), 2u);
  EXPECT_TRUE(dialogs.touch("1", "a", "b", t0 + 4s));
  EXPECT_FALSE(dialogs.touch("2", "a", "b", t0 + 4s));
  EXPECT_TRUE(dialogs.touch("3", "a", "b", t0 + 4s));
}

}  // namespace
}  // namespace callplan::sip
