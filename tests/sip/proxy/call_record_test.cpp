// CallRecord's JSON line and CallRecordFile's writer thread.
#include "sip/proxy/call_record.hpp"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace callplan::sip {
namespace {

using namespace std::chrono_literals;

CallRecord answered_call() {
  CallRecord r;
  r.call_id = "a84b4c76e66710@pc33";
  r.company = "acme";
  r.caller = "+31201234567";
  r.dialled = "+31881234567";
  r.disposition = "answered";
  r.answered_by = "002";
  r.answered_device = "acme-bram-desk";
  r.status = 200;
  r.ended_by = "caller";
  r.start = CallRecord::Clock::time_point{} + 1796600000s + 120ms;  // 2026-12-06T23:33:20.120Z
  r.answer = r.start + 3290ms;
  r.end = *r.answer + 101s + 595ms;
  return r;
}

TEST(CallRecord, IsOneJsonLineWithUtcTimesAndTheTalkDuration) {
  const std::string line = answered_call().json();
  EXPECT_EQ(line.find('\n'), std::string::npos);
  const auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["start"], "2026-12-06T23:33:20.120Z");
  EXPECT_EQ(j["answer"], "2026-12-06T23:33:23.410Z");
  EXPECT_EQ(j["end"], "2026-12-06T23:35:05.005Z");
  EXPECT_EQ(j["duration"], 101);
  EXPECT_EQ(j["disposition"], "answered");
  EXPECT_EQ(j["answered_by"], "002");
  EXPECT_EQ(j["status"], 200);
  EXPECT_EQ(j["company"], "acme");
  EXPECT_EQ(j["caller_device"], "");
}

TEST(CallRecord, AnUnansweredCallHasANullAnswerAndNoDuration) {
  CallRecord r = answered_call();
  r.answer.reset();
  r.disposition = "unanswered";
  const auto j = nlohmann::json::parse(r.json());
  EXPECT_TRUE(j["answer"].is_null());
  EXPECT_EQ(j["duration"], 0);
}

TEST(CallRecord, TextFromTheWireThatIsNotUtf8DoesNotBreakTheLine) {
  CallRecord r = answered_call();
  r.caller = std::string("\xff\xfe\"quoted\"\n", 12);
  const auto j = nlohmann::json::parse(r.json());  // valid JSON whatever the bytes
  EXPECT_NE(j["caller"].get<std::string>().find("\"quoted\"\n"), std::string::npos);
}

// The line is written field by field; it must stay what nlohmann's compact dump of the same
// fields in the same order gives (what the records were before, and what readers parse).
TEST(CallRecord, IsTheSameTextAsNlohmannsDumpOfItsFields) {
  auto reference = [](const CallRecord& r) {
    auto utc = [](CallRecord::Clock::time_point t) {
      CallRecord at;
      at.start = t;
      return nlohmann::json::parse(at.json())["start"].get<std::string>();
    };
    nlohmann::ordered_json j;
    j["start"] = utc(r.start);
    j["answer"] = r.answer ? nlohmann::ordered_json(utc(*r.answer)) : nlohmann::ordered_json();
    j["end"] = utc(r.end);
    j["company"] = r.company;
    j["caller"] = r.caller;
    j["caller_device"] = r.caller_device;
    j["dialled"] = r.dialled;
    j["disposition"] = r.disposition;
    j["answered_by"] = r.answered_by;
    j["answered_device"] = r.answered_device;
    j["status"] = r.status;
    j["ended_by"] = r.ended_by;
    j["duration"] = r.duration_s();
    j["call_id"] = r.call_id;
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  };
  CallRecord plain = answered_call();
  EXPECT_EQ(plain.json(), reference(plain));
  CallRecord unanswered = answered_call();
  unanswered.answer.reset();
  unanswered.status = 487;
  EXPECT_EQ(unanswered.json(), reference(unanswered));
  CallRecord odd = answered_call();
  odd.caller = std::string("\xff\xfe\"quoted\"\n\t\x7f", 13);
  odd.call_id = "back\\slash \"and\" quotes/é";
  odd.dialled = "";
  EXPECT_EQ(odd.json(), reference(odd));
}

TEST(CallRecordFile, AppendsEveryRecordBeforeItCloses) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("callplan-cdr-test-" + std::to_string(::getpid()) + ".jsonl");
  std::filesystem::remove(path);
  {
    CallRecordFile file(path.string());
    for (int i = 0; i < 100; ++i) {
      CallRecord r = answered_call();
      r.call_id = std::to_string(i);
      file.write(r);
    }
  }
  {
    CallRecordFile again(path.string());  // appends, never truncates
    again.write(answered_call());
  }
  std::ifstream in(path);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    const auto j = nlohmann::json::parse(line);
    if (n < 100) {
      EXPECT_EQ(j["call_id"], std::to_string(n));
    }
    ++n;
  }
  EXPECT_EQ(n, 101);
  std::filesystem::remove(path);
}

TEST(CallRecordFile, AFileThatCannotBeOpenedThrowsNamingIt) {
  try {
    CallRecordFile file("/nonexistent-dir/cdr.jsonl");
    FAIL() << "opened a file in a directory that does not exist";
  } catch (const std::system_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-dir/cdr.jsonl"), std::string::npos);
  }
}

}  // namespace
}  // namespace callplan::sip
