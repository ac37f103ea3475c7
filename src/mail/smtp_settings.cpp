#include "mail/smtp_settings.hpp"

#include <algorithm>

namespace callplan::mail {
namespace {

using Result = media::Expected<SmtpSettings, std::string>;

Result problem(std::string what) { return Result(std::move(what)); }

}  // namespace

media::Expected<SmtpSettings, std::string> parse_smtp_url(std::string_view url) {
  SmtpSettings s;
  std::string_view rest;
  if (url.starts_with("smtp://")) {
    rest = url.substr(7);
  } else if (url.starts_with("smtps://")) {
    rest = url.substr(8);
    s.implicit_tls = true;
  } else {
    return problem("\"" + std::string(url) + "\" is not an smtp:// or smtps:// URL");
  }
  std::string_view query;
  if (auto q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.find('/') != std::string_view::npos) return problem("the SMTP URL has a path; only host and port are used");
  std::string_view userinfo, hostport = rest;
  if (auto at = rest.rfind('@'); at != std::string_view::npos) {
    userinfo = rest.substr(0, at);
    hostport = rest.substr(at + 1);
    if (userinfo.find(':') == std::string_view::npos) return problem("the SMTP URL has a user but no password (USER:PASSWORD@HOST)");
    s.has_login = true;
  }
  if (hostport.empty() || hostport.front() == ':') return problem("the SMTP URL has no host");
  std::string_view port;
  bool has_port = false;
  if (hostport.front() == '[') {  // an IPv6 literal: [::1]:2525
    const auto close = hostport.find(']');
    if (close == std::string_view::npos) return problem("the SMTP URL's host has '[' without ']'");
    if (close + 1 < hostport.size()) {
      if (hostport[close + 1] != ':') return problem("the SMTP URL has text after the host's ']'");
      port = hostport.substr(close + 2);
      has_port = true;
    }
  } else if (auto colon = hostport.find(':'); colon != std::string_view::npos) {
    port = hostport.substr(colon + 1);
    has_port = true;
  }
  if (has_port) {
    const bool digits = !port.empty() && port.size() <= 5 &&
                        std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits || std::stoi(std::string(port)) == 0 || std::stoi(std::string(port)) > 65535) {
      return problem("the SMTP URL's port \"" + std::string(port) + "\" is not a port number");
    }
  }
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    const auto eq = pair.find('=');
    const std::string_view key = pair.substr(0, eq);
    const std::string_view value = eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
    if (key == "starttls") {
      if (value == "required") {
        s.starttls = StartTls::required;
      } else if (value == "try") {
        s.starttls = StartTls::try_it;
      } else if (value == "no") {
        s.starttls = StartTls::no;
      } else {
        return problem("starttls=" + std::string(value) + " in the SMTP URL: use required, try or no");
      }
    } else if (key == "cafile") {
      if (value.empty()) return problem("cafile= in the SMTP URL needs a file name");
      s.ca_file = std::string(value);
    } else {
      return problem("unknown parameter \"" + std::string(key) + "\" in the SMTP URL (starttls, cafile)");
    }
  }
  if (s.implicit_tls && s.starttls != StartTls::no) {
    return problem("smtps:// is TLS from the start; starttls= is for smtp://");
  }
  const std::string scheme = s.implicit_tls ? "smtps://" : "smtp://";
  s.curl_url = scheme + std::string(rest);
  s.shown_url = scheme;
  if (s.has_login) {
    const auto user = userinfo.substr(0, userinfo.find(':'));
    s.shown_url += std::string(user) + ":***@";
  }
  s.shown_url += std::string(hostport);
  std::string shown_query;
  if (s.starttls != StartTls::no) shown_query += std::string("starttls=") + (s.starttls == StartTls::required ? "required" : "try");
  if (!s.ca_file.empty()) shown_query += (shown_query.empty() ? "" : "&") + std::string("cafile=") + s.ca_file;
  if (!shown_query.empty()) s.shown_url += "?" + shown_query;
  return s;
}

}  // namespace callplan::mail
