// mail/outbox.hpp — mail waiting to be sent, one file per mail in a folder (docs/voicemail.md
// "Outbox"), written atomically: a mail that enqueue() accepted survives a crash, and the
// sender deletes it only once a server has taken it. Refused mail moves to failed/.
//
//   <outbox>/<id>.mail          callplan-outbox 1 / from: / to: ... / blank line / the message
//   <outbox>/failed/<id>.mail   refused for good (5xx); <id>.reason says why
#pragma once

#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "mail/smtp_client.hpp"
#include "media/prompt/durable_file.hpp"
#include "media/prompt/expected.hpp"

namespace callplan::mail {

struct QueuedMail {
  std::string id;
  Envelope envelope;
  std::string message;  // RFC 5322, CRLF
};

class Outbox {
 public:
  using Log = std::function<void(std::string_view line)>;

  // Creates the folder and failed/ when missing; removes temporaries left by a crash (logged).
  Outbox(std::filesystem::path folder, Log sink);

  // Queues a mail; returns its id. Thread- and process-safe (unique names, atomic writes).
  media::Expected<std::string, std::string> enqueue(const Envelope& envelope, std::string_view message);
  // Ids of the waiting mail, oldest first.
  std::vector<std::string> pending() const;
  media::Expected<QueuedMail, std::string> read(std::string_view id) const;
  // The server took it: the file goes.
  media::Status delivered(std::string_view id);
  // Refused for good: moved to failed/ with a .reason file next to it.
  media::Status failed(std::string_view id, std::string_view reason);
  std::vector<std::string> failed_ids() const;

  const std::filesystem::path& folder() const { return folder_; }

 private:
  std::filesystem::path file_of(std::string_view id) const;
  void log(const std::string& line) const;

  std::filesystem::path folder_;
  Log log_;
};

// The file format (exposed for tests): header lines, a blank line, the message bytes.
std::string serialize_mail(const Envelope& envelope, std::string_view message);
media::Expected<QueuedMail, std::string> parse_mail_file(std::string_view id, std::string_view bytes);

}  // namespace callplan::mail
