// SecurityLog: the exact lines (shared with the fail2ban filter test through
// fail2ban_samples.log), escaping, and the once-per-10-s lines with made-up times.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "sip/security/security_log.hpp"
#include "support/captured_stderr.hpp"

namespace callplan::sip {
namespace {

using namespace std::chrono_literals;
using TimePoint = SecurityLog::TimePoint;

const TimePoint t0 = TimePoint{} + 1000h;
const std::string kSamplePrefix = "2026-11-26T14:03:07Z callplan-serve[1234]: ";

Peer peer(Protocol protocol, const char* address, std::uint16_t port) {
  return Peer{protocol, asio::ip::make_address(address), port, kNoConnection};
}

// A SecurityLog writing to a temporary file, and the lines written so far.
class CapturedLog {
 public:
  CapturedLog() : file_(std::tmpfile()), log_(file_) {}
  ~CapturedLog() { std::fclose(file_); }
  CapturedLog(const CapturedLog&) = delete;
  CapturedLog& operator=(const CapturedLog&) = delete;

  SecurityLog& log() { return log_; }

  std::vector<std::string> lines() {
    std::rewind(file_);
    std::string text;
    char buffer[4096];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, file_)) > 0) text.append(buffer, n);
    std::fseek(file_, 0, SEEK_END);
    std::vector<std::string> out;
    std::size_t start = 0;
    for (std::size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1) {
      out.push_back(text.substr(start, end - start));
    }
    EXPECT_EQ(start, text.size()) << "the last line is not terminated";
    return out;
  }

 private:
  std::FILE* file_;
  SecurityLog log_;
};

// The line with its time and process id replaced by the samples' ones; checks both on the way.
std::string normalised(const std::string& line) {
  static const std::regex prefix(R"(^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ) callplan-serve\[(\d+)\]: )");
  std::smatch m;
  if (!std::regex_search(line, m, prefix)) return "(no prefix) " + line;
  EXPECT_EQ(m[2].str(), std::to_string(::getpid()));
  return kSamplePrefix + m.suffix().str();
}

std::vector<std::string> sample_lines() {
  std::ifstream in(CALLPLAN_SOURCE_DIR "/tests/sip/security/fail2ban_samples.log");
  EXPECT_TRUE(in) << "cannot read fail2ban_samples.log";
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("# -- the lines below are written by hand")) break;
    if (line.empty() || line.starts_with('#')) continue;
    out.push_back(line);
  }
  return out;
}

TEST(SecurityLog, WritesTheFail2banSampleLines) {
  CapturedLog captured;
  SecurityLog& log = captured.log();
  log.auth_failure(peer(Protocol::udp, "192.0.2.7", 5060), "REGISTER", "1001", "wrong");
  log.auth_failure(peer(Protocol::tcp, "2001:db8::7", 5062), "INVITE", "alice", "wrong");
  log.auth_failure(peer(Protocol::udp, "::ffff:198.51.100.9", 5070), "REGISTER", "1002",
                   "unknown");
  log.auth_failure(peer(Protocol::udp, "192.0.2.8", 5060), "REGISTER",
                   "1001\" reason=x\n2026-11-26T14:03:07Z callplan-serve[1]: auth-failure "
                   "source=203.0.113.66 port=5060 proto=udp user=\"x",
                   "wrong");
  log.auth_failure(peer(Protocol::udp, "192.0.2.9", 5060), "REGISTER",
                   "a \"b\"\r\\ c source=203.0.113.66", "wrong");
  log.auth_failure(peer(Protocol::udp, "192.0.2.10", 5060), "REGISTER", std::string(200, 'a'),
                   "wrong");
  log.auth_failure(peer(Protocol::tcp, "192.0.2.11", 5060), "FOO BAR",
                   std::string_view("j\xc3\xbcrgen\0x", 9), "");
  Peer link_local = peer(Protocol::udp, "fe80::1", 5060);
  asio::ip::address_v6 scoped = link_local.address.to_v6();
  scoped.scope_id(2);
  link_local.address = scoped;
  log.auth_failure(link_local, "OPTIONS", "", "wrong");
  log.auth_blocked(peer(Protocol::udp, "192.0.2.7", 5060), "INVITE", "1001", 300s, t0);
  log.auth_blocked(peer(Protocol::udp, "192.0.2.7", 5062), "INVITE", "1001", 300s, t0 + 5s);
  log.rate_limited(peer(Protocol::udp, "192.0.2.12", 5060), t0);
  log.rate_limited(peer(Protocol::udp, "192.0.2.12", 5060), t0 + 1s);
  log.rate_limited(peer(Protocol::tcp, "2001:db8::10", 5061), t0);

  std::vector<std::string> written;
  for (const std::string& line : captured.lines()) written.push_back(normalised(line));
  EXPECT_EQ(written, sample_lines());
}

TEST(SecurityLog, StampsLinesWithTheCurrentUtcTimeAndThisProcess) {
  CapturedLog captured;
  const auto before = std::chrono::system_clock::now();
  captured.log().rate_limited(peer(Protocol::udp, "192.0.2.7", 5060));
  const auto after = std::chrono::system_clock::now();
  const auto lines = captured.lines();
  ASSERT_EQ(lines.size(), 1u);
  const std::string stamp = lines[0].substr(0, lines[0].find(' '));
  EXPECT_TRUE(stamp == format_log_time(before) || stamp == format_log_time(after)) << stamp;
  EXPECT_EQ(lines[0].substr(stamp.size()),
            " callplan-serve[" + std::to_string(::getpid()) +
                "]: rate-limited source=192.0.2.7 port=5060 proto=udp");
}

TEST(SecurityLog, FormatsTimesAsUtcIso8601WithZ) {
  using namespace std::chrono;
  const sys_seconds t = sys_days{year{2026} / 11 / 26} + 14h + 3min + 7s;
  EXPECT_EQ(format_log_time(t), "2026-11-26T14:03:07Z");
  EXPECT_EQ(format_log_time(t + 999ms), "2026-11-26T14:03:07Z");
  EXPECT_EQ(format_log_time(sys_days{year{1999} / 12 / 31} + 23h + 59min + 59s),
            "1999-12-31T23:59:59Z");
}

TEST(QuoteForLog, EscapesEverythingThatCouldForgeOrSplitALine) {
  EXPECT_EQ(quote_for_log("1001"), "\"1001\"");
  EXPECT_EQ(quote_for_log(""), "\"\"");
  EXPECT_EQ(quote_for_log("a b~"), "\"a b~\"");  // printable ASCII stays, space included
  EXPECT_EQ(quote_for_log("say \"hi\""), R"("say \x22hi\x22")");
  EXPECT_EQ(quote_for_log("a\\b"), R"("a\x5cb")");
  EXPECT_EQ(quote_for_log("a\r\nb\tc"), R"("a\x0d\x0ab\x09c")");
  EXPECT_EQ(quote_for_log(std::string_view("a\0b", 3)), R"("a\x00b")");
  EXPECT_EQ(quote_for_log("\x7f"), R"("\x7f")");
  EXPECT_EQ(quote_for_log("J\xc3\xbcrgen \xe2\x82\xac\xff"), R"("J\xc3\xbcrgen \xe2\x82\xac\xff")");
  // Already-escaped text is escaped again, so \x22 in a name cannot pass for a quote.
  EXPECT_EQ(quote_for_log(R"(\x22)"), R"("\x5cx22")");
}

TEST(SecurityLog, WritesEveryAuthFailureAsOneLine) {
  CapturedLog captured;
  for (int i = 0; i < 3; ++i) {
    captured.log().auth_failure(peer(Protocol::udp, "192.0.2.7", 5060), "REGISTER",
                                "x\ny\r\nz", "wrong");
  }
  EXPECT_EQ(captured.lines().size(), 3u);
}

TEST(SecurityLog, WritesRateLimitedAtMostOncePerSourcePerTenSeconds) {
  CapturedLog captured;
  SecurityLog& log = captured.log();
  const Peer a = peer(Protocol::udp, "192.0.2.7", 5060);
  log.rate_limited(a, t0);
  log.rate_limited(a, t0 + 9s);
  log.rate_limited(peer(Protocol::tcp, "192.0.2.7", 5099), t0 + 9s);  // same host
  log.rate_limited(peer(Protocol::udp, "::ffff:192.0.2.7", 5060), t0 + 9s);
  EXPECT_EQ(captured.lines().size(), 1u);
  log.rate_limited(peer(Protocol::udp, "192.0.2.8", 5060), t0 + 9s);
  EXPECT_EQ(captured.lines().size(), 2u);
  log.rate_limited(a, t0 + 10s);
  log.rate_limited(a, t0 + 19s);
  EXPECT_EQ(captured.lines().size(), 3u);
  log.rate_limited(a, t0 + 20s);
  EXPECT_EQ(captured.lines().size(), 4u);
}

TEST(SecurityLog, WritesAuthBlockedAtMostOncePerSourcePerTenSeconds) {
  CapturedLog captured;
  SecurityLog& log = captured.log();
  const Peer a = peer(Protocol::udp, "192.0.2.7", 5060);
  for (int i = 0; i < 100; ++i) log.auth_blocked(a, "REGISTER", "1001", 300s, t0 + i * 100ms);
  EXPECT_EQ(captured.lines().size(), 1u);
  log.auth_blocked(a, "REGISTER", "1001", 300s, t0 + 10s);
  EXPECT_EQ(captured.lines().size(), 2u);
  // The two kinds of lines are quieted apart.
  log.rate_limited(a, t0 + 10s);
  EXPECT_EQ(captured.lines().size(), 3u);
}

TEST(SecurityLog, ForgetsTheLeastRecentlyLoggedSourceWhenItsTableIsFull) {
  CapturedLog captured;
  SecurityLog& log = captured.log();
  log.rate_limited(peer(Protocol::udp, "192.0.2.7", 5060), t0);
  for (std::uint32_t i = 0; i < SecurityLog::kMaxQuietSources - 1; ++i) {
    log.rate_limited(Peer{Protocol::udp, asio::ip::address_v4(0x0a000000u + i), 5060}, t0);
  }
  log.rate_limited(peer(Protocol::udp, "192.0.2.7", 5060), t0 + 1s);  // still remembered
  const std::size_t full = SecurityLog::kMaxQuietSources;
  EXPECT_EQ(captured.lines().size(), full);
  log.rate_limited(peer(Protocol::udp, "192.0.2.8", 5060), t0 + 1s);  // evicts 10.0.0.0
  log.rate_limited(Peer{Protocol::udp, asio::ip::address_v4(0x0a000000u), 5060}, t0 + 2s);
  EXPECT_EQ(captured.lines().size(), full + 2);
}

TEST(SecurityLog, WritesNothingWithoutAFile) {
  // The log's default file is stderr: a null one must not fall back to it (nor crash).
  testsupport::CapturedStderr err;
  SecurityLog log(nullptr);
  log.auth_failure(peer(Protocol::udp, "192.0.2.7", 5060), "REGISTER", "1001", "wrong");
  log.auth_blocked(peer(Protocol::udp, "192.0.2.7", 5060), "INVITE", "1001", 300s, t0);
  log.rate_limited(peer(Protocol::udp, "192.0.2.7", 5060), t0);
  EXPECT_EQ(err.text(), "");

  // The same event with stderr as the file is seen by the capture, so the silence above is
  // the log's doing and not a capture that sees nothing.
  SecurityLog(stderr).rate_limited(peer(Protocol::udp, "192.0.2.7", 5060), t0);
  EXPECT_NE(err.text().find("rate-limited source=192.0.2.7 port=5060 proto=udp\n"),
            std::string::npos)
      << err.text();
}

}  // namespace
}  // namespace callplan::sip
