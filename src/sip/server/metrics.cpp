// See metrics.hpp. The names follow Prometheus' conventions: the callplan_ prefix, _total on
// counters, base units, one HELP and one TYPE line per family.
#include "sip/server/metrics.hpp"

#include <fmt/format.h>

#include "sip/companies/companies.hpp"

namespace callplan::sip {

namespace {

void family(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

template <typename Value>
void sample(std::string& out, std::string_view name, Value value) {
  fmt::format_to(std::back_inserter(out), "{} {}\n", name, value);
}

// A label value as the exposition format writes it: backslash, double quote and line feed
// escaped. Method names and dispositions are our own words; company logins come from files.
void label_value(std::string& out, std::string_view value) {
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

template <typename Value>
void sample(std::string& out, std::string_view name, std::string_view label,
            std::string_view value_of_label, Value value) {
  fmt::format_to(std::back_inserter(out), "{}{{{}=\"", name, label);
  label_value(out, value_of_label);
  fmt::format_to(std::back_inserter(out), "\"}} {}\n", value);
}

std::uint64_t load(const std::atomic<std::uint64_t>& c) { return c.load(std::memory_order_relaxed); }

}  // namespace

std::vector<CompanyRegistrations> company_registrations(const Companies& companies,
                                                        const Location& location) {
  std::vector<CompanyRegistrations> out;
  out.reserve(companies.size());
  for (const auto& company : companies.all()) {
    std::size_t bindings = 0;
    for (const Claim& claim : company->claims)
      if (claim.kind == Claim::Kind::sip_username) bindings += location.stored(claim.key).size();
    out.push_back({company->login(), bindings});
  }
  return out;
}

void ServerMetrics::call_ended(std::string_view disposition) noexcept {
  std::size_t i = 0;
  while (i < kDispositions.size() && kDispositions[i] != disposition) ++i;
  add(ended_[i]);  // i == size: "other"
}

void ServerMetrics::publish(const PublishedState& state) noexcept {
  calls_in_progress_.store(state.calls_in_progress, std::memory_order_relaxed);
  dialogs_.store(state.dialogs, std::memory_order_relaxed);
  calls_started_.store(state.calls_started, std::memory_order_relaxed);
  media_legs_.store(state.media_legs, std::memory_order_relaxed);
}

bool ServerMetrics::publish(std::vector<CompanyRegistrations> companies) noexcept {
  std::unique_lock lock(companies_mutex_, std::try_to_lock);
  if (!lock.owns_lock()) return false;
  companies_.swap(companies);
  lock.unlock();
  return true;  // the old list is freed here, outside the lock
}

std::string ServerMetrics::exposition(std::optional<std::size_t> outbox_files) const {
  std::string out;
  out.reserve(4096);

  family(out, "callplan_calls_in_progress", "gauge",
         "Calls being set up: an INVITE the proxy took on with no final answer yet.");
  sample(out, "callplan_calls_in_progress", calls_in_progress_.load(std::memory_order_relaxed));
  family(out, "callplan_dialogs", "gauge", "Established calls (answered, not yet ended).");
  sample(out, "callplan_dialogs", dialogs_.load(std::memory_order_relaxed));
  family(out, "callplan_calls_started_total", "counter",
         "Calls the proxy took on (new INVITEs from devices or the trunk).");
  sample(out, "callplan_calls_started_total", load(calls_started_));
  family(out, "callplan_calls_total", "counter",
         "Calls ended, by the disposition of their call detail record.");
  for (std::size_t i = 0; i < kDispositions.size(); ++i)
    sample(out, "callplan_calls_total", "disposition", kDispositions[i], load(ended_[i]));
  sample(out, "callplan_calls_total", "disposition", "other", load(ended_.back()));

  std::vector<CompanyRegistrations> companies;
  {
    std::lock_guard lock(companies_mutex_);
    companies = companies_;
  }
  family(out, "callplan_registrations", "gauge",
         "Live registrations: contact bindings of the devices of each served company.");
  for (const CompanyRegistrations& c : companies)
    sample(out, "callplan_registrations", "company", c.company, c.bindings);
  family(out, "callplan_media_legs", "gauge",
         "Call legs open on serve's own media side (prompts, menus, voicemail, ringback).");
  sample(out, "callplan_media_legs", media_legs_.load(std::memory_order_relaxed));

  family(out, "callplan_sip_requests_total", "counter",
         "SIP requests received within the rate limits, by method (retransmissions included).");
  for (std::size_t m = 0; m < kMethods; ++m) {
    const std::string_view text = method_text(static_cast<Method>(m));
    sample(out, "callplan_sip_requests_total", "method", text.empty() ? "other" : text,
           load(requests_[m]));
  }
  family(out, "callplan_sip_rate_limited_total", "counter",
         "SIP requests dropped for exceeding --rate-limit or --endpoint-rate-limit.");
  sample(out, "callplan_sip_rate_limited_total", load(rate_limited_));
  family(out, "callplan_auth_failures_total", "counter",
         "Digest authentications that failed (wrong password, unknown user, bad nonce).");
  sample(out, "callplan_auth_failures_total", load(auth_failures_));

  family(out, "callplan_reloads_total", "counter", "Tenant reloads (SIGHUP) that were taken.");
  sample(out, "callplan_reloads_total", load(reloads_));
  family(out, "callplan_reload_failures_total", "counter",
         "Tenant reloads refused because the new tenant has errors; the running plan stayed.");
  sample(out, "callplan_reload_failures_total", load(failed_reloads_));

  if (outbox_files) {
    family(out, "callplan_mail_outbox", "gauge",
           "Mails waiting to be sent: files in the state directory's outbox.");
    sample(out, "callplan_mail_outbox", *outbox_files);
  }
  return out;
}

}  // namespace callplan::sip
