// What `serve --metrics` exposes (sip/server/metrics.hpp): each event moves exactly its own
// sample, unknown dispositions and methods are kept apart, and scrapes on other threads see
// whole, monotonic counters while the SIP loop counts.
#include "sip/server/metrics.hpp"

#include <atomic>
#include <cstdint>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace callplan::sip {
namespace {

// sample line ("name{labels}") -> value; comment lines checked for their shape.
std::map<std::string, std::uint64_t> samples(const std::string& text) {
  std::map<std::string, std::uint64_t> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("# HELP ") || line.starts_with("# TYPE ")) continue;
    const auto space = line.rfind(' ');
    EXPECT_NE(space, std::string::npos) << line;
    EXPECT_TRUE(line.starts_with("callplan_")) << line;
    out[line.substr(0, space)] = std::stoull(line.substr(space + 1));
  }
  return out;
}

TEST(ServerMetrics, AFreshServerExposesEveryFamilyAtZero) {
  ServerMetrics metrics;
  const std::string text = metrics.exposition(0);
  for (const auto& [name, value] : samples(text)) EXPECT_EQ(value, 0u) << name;
  EXPECT_NE(text.find("# TYPE callplan_calls_total counter\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE callplan_registrations gauge\n"), std::string::npos);
  EXPECT_NE(text.find("callplan_mail_outbox 0\n"), std::string::npos);
  EXPECT_TRUE(text.ends_with("\n"));
}

TEST(ServerMetrics, EachEventMovesItsOwnSample) {
  ServerMetrics metrics;
  metrics.request(Method::register_);
  metrics.request(Method::register_);
  metrics.request(Method::other);
  metrics.rate_limited();
  metrics.auth_failure();
  metrics.reload(true);
  metrics.reload(false);
  metrics.reload(false);
  metrics.call_ended("answered");
  metrics.call_ended("a disposition from the future");
  metrics.publish(PublishedState{
      .calls_in_progress = 3, .dialogs = 2, .calls_started = 9, .media_legs = 5});
  EXPECT_TRUE(metrics.publish(std::vector<CompanyRegistrations>{{"acme", 7}, {"beta", 0}}));
  auto s = samples(metrics.exposition(4));
  EXPECT_EQ(s["callplan_sip_requests_total{method=\"REGISTER\"}"], 2u);
  EXPECT_EQ(s["callplan_sip_requests_total{method=\"other\"}"], 1u);
  EXPECT_EQ(s["callplan_sip_requests_total{method=\"INVITE\"}"], 0u);
  EXPECT_EQ(s["callplan_sip_rate_limited_total"], 1u);
  EXPECT_EQ(s["callplan_auth_failures_total"], 1u);
  EXPECT_EQ(s["callplan_reloads_total"], 1u);
  EXPECT_EQ(s["callplan_reload_failures_total"], 2u);
  EXPECT_EQ(s["callplan_calls_total{disposition=\"answered\"}"], 1u);
  EXPECT_EQ(s["callplan_calls_total{disposition=\"other\"}"], 1u);
  EXPECT_EQ(s["callplan_calls_total{disposition=\"rejected\"}"], 0u);
  EXPECT_EQ(s["callplan_calls_in_progress"], 3u);
  EXPECT_EQ(s["callplan_dialogs"], 2u);
  EXPECT_EQ(s["callplan_registrations{company=\"acme\"}"], 7u);
  EXPECT_EQ(s.count("callplan_registrations{company=\"beta\"}"), 1u);  // served, none yet
  EXPECT_EQ(s["callplan_registrations{company=\"beta\"}"], 0u);
  EXPECT_EQ(s.count("callplan_registrations"), 0u);  // sum by company for the total
  EXPECT_EQ(s["callplan_media_legs"], 5u);
  EXPECT_EQ(s["callplan_calls_started_total"], 9u);
  EXPECT_EQ(s["callplan_mail_outbox"], 4u);
}

TEST(ServerMetrics, ACompanyNoLongerServedLeavesTheRegistrations) {
  ServerMetrics metrics;
  ASSERT_TRUE(metrics.publish(std::vector<CompanyRegistrations>{{"acme", 2}, {"beta", 3}}));
  ASSERT_TRUE(metrics.publish(std::vector<CompanyRegistrations>{{"acme", 4}}));
  auto s = samples(metrics.exposition(0));
  EXPECT_EQ(s["callplan_registrations{company=\"acme\"}"], 4u);
  EXPECT_EQ(s.count("callplan_registrations{company=\"beta\"}"), 0u);
}

TEST(ServerMetrics, ALabelValueIsEscaped) {
  ServerMetrics metrics;
  ASSERT_TRUE(metrics.publish(std::vector<CompanyRegistrations>{{"a\"b\\c\nd", 1}}));
  EXPECT_NE(metrics.exposition(0).find("callplan_registrations{company=\"a\\\"b\\\\c\\nd\"} 1\n"),
            std::string::npos)
      << metrics.exposition(0);
}

TEST(ServerMetrics, AnOutboxThatCouldNotBeCountedIsLeftOut) {
  ServerMetrics metrics;
  const std::string text = metrics.exposition(std::nullopt);
  EXPECT_EQ(text.find("callplan_mail_outbox"), std::string::npos);
}

TEST(ServerMetrics, ScrapesOnAnotherThreadSeeMonotonicCounters) {
  ServerMetrics metrics;
  std::atomic<bool> done{false};
  std::atomic<int> scrapes{0};
  std::uint64_t last = 0;
  std::thread scraper([&] {
    while (!done.load()) {
      auto s = samples(metrics.exposition(0));
      const std::uint64_t now = s["callplan_sip_requests_total{method=\"INVITE\"}"];
      EXPECT_GE(now, last);
      last = now;
      ++scrapes;
    }
  });
  // Count until the scraper has read at least 20 times while counting went on (a busy machine
  // may start it late), bounded by a number of requests no machine needs.
  std::uint64_t counted = 0;
  while (scrapes.load() < 20 && counted < 2'000'000'000) {
    metrics.request(Method::invite);
    ++counted;
  }
  done = true;
  scraper.join();
  EXPECT_GE(scrapes.load(), 20);
  EXPECT_EQ(samples(metrics.exposition(0))["callplan_sip_requests_total{method=\"INVITE\"}"],
            counted);
}

}  // namespace
}  // namespace callplan::sip
