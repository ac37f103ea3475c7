// mail/smtp_settings.hpp — where mail goes, from one URL (`--smtp`; forms in docs/voicemail.md):
//
//   smtp://HOST[:PORT]                       plain SMTP (port 25), no login
//   smtp://USER:PASSWORD@HOST[:PORT]         AUTH (PLAIN or LOGIN, whichever the server offers)
//   smtp://USER:PASSWORD;auth=LOGIN@HOST     AUTH with that mechanism only
//   smtps://USER:PASSWORD@HOST[:PORT]        TLS from the first byte (port 465)
//   ...?starttls=required                    STARTTLS, and fail if the server does not offer it
//   ...?starttls=try                         STARTTLS when the server offers it
//   ...?starttls=no                          never (the default for smtp://)
//   ...&cafile=/etc/ssl/private-ca.pem       trust this CA for the server's certificate
//
// USER and PASSWORD are percent-encoded (%40 for '@'). The password never appears in logs.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "media/prompt/expected.hpp"

namespace callplan::mail {

enum class StartTls : std::uint8_t { no, try_it, required };

struct SmtpSettings {
  std::string curl_url;   // what libcurl gets: scheme, credentials, host, port (no query)
  std::string shown_url;  // for logs: "smtp://anna:***@mail.example:587?starttls=required"
  bool implicit_tls = false;
  bool has_login = false;
  StartTls starttls = StartTls::no;
  std::string ca_file;    // empty: the system's CAs

  // True when the password may cross the network unencrypted (a login over smtp:// without
  // starttls=required): the host warns about it once at start-up.
  bool login_in_clear() const { return has_login && !implicit_tls && starttls != StartTls::required; }
};

// The settings, or one sentence saying what is wrong with the URL.
media::Expected<SmtpSettings, std::string> parse_smtp_url(std::string_view url);

}  // namespace callplan::mail
