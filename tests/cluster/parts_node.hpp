// One node of company "acme" with every part it shares through Redis (tests/cluster): its
// location service and link (SharedRegistrations), its round-robin positions, message-waiting
// counts and call records, on the test's event loop.
#pragma once

#include <asio/io_context.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "callplan/session.hpp"
#include "cluster/shared_call_records.hpp"
#include "cluster/shared_mailboxes.hpp"
#include "cluster/shared_registrations.hpp"
#include "cluster/shared_round_robin.hpp"

namespace callplan::cluster::test_redis {

struct PartsNode {
  PartsNode(asio::io_context& io, const RedisAddress& redis, std::string name) {
    using namespace std::chrono_literals;
    ClusterOptions options{.redis = redis, .node = name, .confirm_timeout = 1000ms,
                           .link = {.retry_min = 20ms, .retry_max = 100ms}};
    ServedCompanies served{.of_username = [](std::string_view) { return std::string("acme"); },
                           .all = [] { return std::vector<std::string>{"acme"}; }};
    shared = std::make_unique<SharedRegistrations>(
        io, location, options, served,
        [this](SharedRegistrations::Level, std::string_view line) { log.emplace_back(line); });
    auto companies = [] { return std::vector<std::string>{"acme"}; };
    positions = std::make_unique<SharedRoundRobin>(
        shared->link(), name,
        RoundRobinHost{.routing_of = [this](std::string_view company) -> RoutingState* {
                         return company == "acme" ? &routing : nullptr;
                       },
                       .companies = companies,
                       .applied = [this](std::string_view, const RoutingState&) { ++applied; }});
    shared->add(*positions, std::string(kRoundRobinChannel), SharedRoundRobin::scripts());
    mailboxes = std::make_unique<SharedMailboxes>(
        shared->link(), name,
        MailboxHost{.companies = companies,
                    .own_counts = [] { return std::vector<OwnMailboxCount>{}; },
                    .changed = [this](std::string_view company, std::string_view extension) {
                      lamps_changed.emplace_back(std::string(company) + "/" +
                                                 std::string(extension));
                    }});
    shared->add(*mailboxes, std::string(kMailboxChannel), SharedMailboxes::scripts());
    records = std::make_unique<SharedCallRecords>(
        shared->link(), name, CallRecordLimits{.max_per_company = 1000, .max_queued = 3},
        [this](std::string_view line) { log.emplace_back(line); });
    shared->add(*records, "", {});
  }

  std::vector<std::string> log;
  sip::Location location;
  RoutingState routing;
  int applied = 0;                          // positions of other nodes set in `routing`
  std::vector<std::string> lamps_changed;   // "acme/101": another node's count changed
  std::unique_ptr<SharedRegistrations> shared;
  std::unique_ptr<SharedRoundRobin> positions;
  std::unique_ptr<SharedMailboxes> mailboxes;
  std::unique_ptr<SharedCallRecords> records;
};

}  // namespace callplan::cluster::test_redis
