// mail/smtp_client.hpp — hands one mail to an SMTP server with libcurl, and says how it went
// in the terms the outbox needs: taken, try again later, or refused for good.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "mail/smtp_settings.hpp"

namespace callplan::mail {

struct Envelope {
  std::string from;             // MAIL FROM
  std::vector<std::string> to;  // RCPT TO, one or more
};

struct Delivery {
  enum class Outcome : std::uint8_t {
    delivered,  // the server took it (2xx after DATA)
    temporary,  // 4xx, no connection, timeout, TLS or login trouble: retry later
    permanent,  // 5xx to MAIL FROM, RCPT TO or DATA: the mail itself is refused
  };
  Outcome outcome = Outcome::temporary;
  int code = 0;          // the server's last reply code, 0 when it never answered
  std::string reply;     // the server's last reply line ("250 2.0.0 Ok: queued as 4F2A"), or
                         // what went wrong before it could answer ("could not connect: ...")
};

struct SmtpTimeouts {
  std::chrono::seconds connect{15};
  std::chrono::seconds total{120};
};

// Blocks for at most `timeouts.total`: run it on the sender's own thread.
Delivery send_mail(const SmtpSettings& settings, const Envelope& envelope, const std::string& message,
                   SmtpTimeouts timeouts = {});

}  // namespace callplan::mail
