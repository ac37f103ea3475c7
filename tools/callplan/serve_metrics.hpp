// `callplan serve --metrics ADDR:PORT`: Prometheus metrics beside the SIP server, on the shared
// HTTP server's own thread (docs/sip-server.md, "Metrics"). The SIP loop counts into a
// sip::ServerMetrics (atomics); a scrape reads them and never waits for the SIP loop.
#pragma once

#include <memory>
#include <string>

#include "sip/server/metrics.hpp"

namespace callplan::cli {

class MetricsService;

// Starts the endpoint (prints "metrics on http://ADDR:PORT/metrics"); nullptr with `error`
// set (a usage error: not ADDR:PORT, or an address that cannot be bound). `state_dir` is where
// the mail outbox is counted.
std::shared_ptr<MetricsService> start_metrics(const std::string& listen, const std::string& state_dir,
                                              std::shared_ptr<const sip::ServerMetrics> metrics,
                                              std::string& error);

}  // namespace callplan::cli
