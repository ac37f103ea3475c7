#include "mail/smtp_client.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <mutex>

namespace callplan::mail {
namespace {

// What libcurl's debug stream shows of the conversation: the commands we sent and the
// server's replies, line by line.
struct Conversation {
  std::string last_command;   // "RCPT", "DATA", "AUTH", ...
  std::string last_reply;     // the last complete reply line
  std::string failed_reply;   // the first final reply with a 4xx or 5xx code ...
  std::string failed_command; // ... and the command it answered (curl sends QUIT after it)
  std::string receipt;        // the 2xx reply that ends DATA: the server took the mail
  std::string pending;        // reply text not yet ended by a newline
};

// A reply line's code ("550 5.1.1 ..." -> 550), 0 when there is none.
int reply_code(const std::string& line) {
  if (line.size() < 3 || !std::all_of(line.begin(), line.begin() + 3, [](char c) { return c >= '0' && c <= '9'; })) {
    return 0;
  }
  return std::stoi(line.substr(0, 3));
}

int on_debug(CURL*, curl_infotype type, char* data, size_t size, void* user) {
  auto* talk = static_cast<Conversation*>(user);
  const std::string_view text(data, size);
  if (type == CURLINFO_HEADER_OUT) {
    talk->last_command = std::string(text.substr(0, text.find_first_of(" \r\n")));
    std::transform(talk->last_command.begin(), talk->last_command.end(), talk->last_command.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  } else if (type == CURLINFO_HEADER_IN) {
    talk->pending += text;
    for (auto nl = talk->pending.find('\n'); nl != std::string::npos; nl = talk->pending.find('\n')) {
      std::string line = talk->pending.substr(0, nl);
      talk->pending.erase(0, nl + 1);
      while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
      if (line.empty()) continue;
      // "250-..." continues a reply; "550 ..." (space) ends one.
      const bool final_line = line.size() == 3 || line[3] == ' ';
      if (final_line && reply_code(line) >= 400 && talk->failed_reply.empty()) {
        talk->failed_reply = line;
        talk->failed_command = talk->last_command;
      }
      if (final_line && talk->last_command == "DATA" && reply_code(line) / 100 == 2) talk->receipt = line;
      talk->last_reply = std::move(line);
    }
  }
  return 0;
}

struct Upload {
  const std::string* message;
  std::size_t offset = 0;
};

size_t on_read(char* buffer, size_t size, size_t count, void* user) {
  auto* up = static_cast<Upload*>(user);
  const std::size_t n = std::min(size * count, up->message->size() - up->offset);
  std::memcpy(buffer, up->message->data() + up->offset, n);
  up->offset += n;
  return n;
}

struct CurlCleanup {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistCleanup {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

Delivery send_mail(const SmtpSettings& settings, const Envelope& envelope, const std::string& message,
                   SmtpTimeouts timeouts) {
  init_curl_once();
  Delivery result;
  // Declared before the handle: curl_easy_cleanup() may still talk (QUIT) through on_debug.
  Conversation talk;
  Upload upload{&message};
  char error[CURL_ERROR_SIZE] = {};
  std::unique_ptr<curl_slist, SlistCleanup> recipients;
  std::unique_ptr<CURL, CurlCleanup> curl(curl_easy_init());
  if (!curl) {
    result.reply = "libcurl could not start a transfer";
    return result;
  }
  for (const auto& to : envelope.to) {
    curl_slist* grown = curl_slist_append(recipients.get(), ("<" + to + ">").c_str());
    if (grown) {
      (void)recipients.release();
      recipients.reset(grown);
    }
  }
  CURL* c = curl.get();
  const std::string from = "<" + envelope.from + ">";
  curl_easy_setopt(c, CURLOPT_URL, settings.curl_url.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, recipients.get());
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
  curl_easy_setopt(c, CURLOPT_READDATA, &upload);
  curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // threads: no SIGALRM for timeouts
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, static_cast<long>(timeouts.connect.count()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(timeouts.total.count()));
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);  // feeds on_debug; nothing is printed
  curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, on_debug);
  curl_easy_setopt(c, CURLOPT_DEBUGDATA, &talk);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  if (!settings.implicit_tls) {
    const long use_ssl = settings.starttls == StartTls::required ? CURLUSESSL_ALL
                         : settings.starttls == StartTls::try_it ? CURLUSESSL_TRY
                                                                 : CURLUSESSL_NONE;
    curl_easy_setopt(c, CURLOPT_USE_SSL, use_ssl);
  }
  if (!settings.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, settings.ca_file.c_str());

  const CURLcode code = curl_easy_perform(c);
  if (code == CURLE_OK) {
    // The reply to the end of DATA is the server's receipt ("250 2.0.0 Ok: queued as ...").
    result.outcome = Delivery::Outcome::delivered;
    result.reply = talk.receipt.empty() ? talk.last_reply : talk.receipt;
    result.code = reply_code(result.reply);
    return result;
  }
  result.reply = talk.failed_reply.empty() ? talk.last_reply : talk.failed_reply;
  result.code = talk.failed_reply.empty() ? 0 : reply_code(talk.failed_reply);
  // The server said no for good to the mail itself. Refusals that ask for login or TLS (530
  // "Must issue a STARTTLS command first", 534, 535 "authentication failed", 538) are a
  // configuration problem an operator fixes, so that mail waits rather than being set aside.
  const bool mail_command =
      talk.failed_command == "MAIL" || talk.failed_command == "RCPT" || talk.failed_command == "DATA";
  const bool wants_login_or_tls = result.code == 530 || result.code == 534 || result.code == 535 || result.code == 538;
  if (result.code >= 500 && result.code <= 599 && mail_command && !wants_login_or_tls) {
    result.outcome = Delivery::Outcome::permanent;
    return result;
  }
  result.outcome = Delivery::Outcome::temporary;
  std::string what = error[0] ? error : curl_easy_strerror(code);
  if (result.code < 400) {
    result.reply = what;
  } else {
    result.reply += " (" + what + ")";
  }
  return result;
}

}  // namespace callplan::mail
