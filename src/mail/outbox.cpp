#include "mail/outbox.hpp"

#include <date/date.h>

#include <algorithm>
#include <random>

#include "mail/mime.hpp"

namespace callplan::mail {
namespace fs = std::filesystem;
using media::Done;
using media::Status;

namespace {

constexpr std::string_view magic = "callplan-outbox 1";
constexpr std::string_view extension = ".mail";

bool is_mail_id(std::string_view id) {
  if (id.empty() || id.size() > 64 || id.front() == '.') return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '.' || c == '-';
  });
}

std::string new_mail_id() {
  thread_local std::mt19937 random{std::random_device{}()};
  const auto now = std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
  char suffix[9];
  std::snprintf(suffix, sizeof suffix, "%08x", static_cast<unsigned>(random()));
  return date::format("%Y%m%dT%H%M%S", now) + "Z-" + suffix;
}

std::vector<std::string> ids_in(const fs::path& folder) {
  std::vector<std::string> ids;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(folder, ec)) {
    const std::string name = e.path().filename().string();
    if (media::is_temporary_name(name) || !name.ends_with(extension) || !e.is_regular_file()) continue;
    ids.push_back(name.substr(0, name.size() - extension.size()));
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

}  // namespace

std::string serialize_mail(const Envelope& envelope, std::string_view message) {
  std::string out(magic);
  out += "\nfrom: " + envelope.from + "\n";
  for (const auto& to : envelope.to) out += "to: " + to + "\n";
  out += "\n";
  out += message;
  return out;
}

media::Expected<QueuedMail, std::string> parse_mail_file(std::string_view id, std::string_view bytes) {
  QueuedMail mail{std::string(id), {}, {}};
  std::size_t pos = 0;
  bool first = true;
  for (;;) {
    const auto nl = bytes.find('\n', pos);
    if (nl == std::string_view::npos) return std::string("the header ends without a blank line");
    const std::string_view line = bytes.substr(pos, nl - pos);
    pos = nl + 1;
    if (first) {
      if (line != magic) return "it does not start with \"" + std::string(magic) + "\"";
      first = false;
      continue;
    }
    if (line.empty()) break;
    if (line.starts_with("from: ")) {
      mail.envelope.from = std::string(line.substr(6));
    } else if (line.starts_with("to: ")) {
      mail.envelope.to.emplace_back(line.substr(4));
    } else {
      return "unknown header line \"" + std::string(line) + "\"";
    }
  }
  if (!is_email_address(mail.envelope.from)) return std::string("no valid from: line");
  if (mail.envelope.to.empty()) return std::string("no to: line");
  for (const auto& to : mail.envelope.to) {
    if (!is_email_address(to)) return "\"" + to + "\" is not an e-mail address";
  }
  mail.message = std::string(bytes.substr(pos));
  return mail;
}

Outbox::Outbox(fs::path folder, Log sink) : folder_(std::move(folder)), log_(std::move(sink)) {
  std::error_code ec;
  fs::create_directories(folder_ / "failed", ec);
  if (ec) log("mail: cannot create the outbox " + (folder_ / "failed").string() + ": " + ec.message());
  for (const fs::path& dir : {folder_, folder_ / "failed"}) {
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      if (!media::is_temporary_name(e.path().filename().string())) continue;
      std::error_code remove_ec;
      fs::remove(e.path(), remove_ec);
      log("mail: removed unfinished " + e.path().string() + " (an interrupted write)");
    }
  }
}

void Outbox::log(const std::string& line) const {
  if (log_) log_(line);
}

fs::path Outbox::file_of(std::string_view id) const { return folder_ / (std::string(id) + std::string(extension)); }

media::Expected<std::string, std::string> Outbox::enqueue(const Envelope& envelope, std::string_view message) {
  if (!is_email_address(envelope.from)) return media::Unexpected{"\"" + envelope.from + "\" is not an e-mail address"};
  if (envelope.to.empty()) return media::Unexpected{std::string("a mail needs a recipient")};
  for (const auto& to : envelope.to) {
    if (!is_email_address(to)) return media::Unexpected{"\"" + to + "\" is not an e-mail address"};
  }
  const std::string id = new_mail_id();
  if (auto written = media::write_file_durably(file_of(id), serialize_mail(envelope, message)); !written) {
    return media::Unexpected{written.error()};
  }
  return id;
}

std::vector<std::string> Outbox::pending() const { return ids_in(folder_); }
std::vector<std::string> Outbox::failed_ids() const { return ids_in(folder_ / "failed"); }

media::Expected<QueuedMail, std::string> Outbox::read(std::string_view id) const {
  if (!is_mail_id(id)) return media::Unexpected{"\"" + std::string(id) + "\" is not a mail id"};
  auto bytes = media::read_whole_file(file_of(id));
  if (!bytes) return media::Unexpected{"cannot read " + file_of(id).string()};
  auto mail = parse_mail_file(id, *bytes);
  if (!mail) return media::Unexpected{file_of(id).string() + ": " + mail.error()};
  return mail;
}

Status Outbox::delivered(std::string_view id) {
  if (!is_mail_id(id)) return "\"" + std::string(id) + "\" is not a mail id";
  std::error_code ec;
  if (!fs::remove(file_of(id), ec)) return "cannot remove " + file_of(id).string() + ": " + (ec ? ec.message() : "no such file");
  return media::sync_directory(folder_);
}

Status Outbox::failed(std::string_view id, std::string_view reason) {
  if (!is_mail_id(id)) return "\"" + std::string(id) + "\" is not a mail id";
  const fs::path failed = folder_ / "failed";
  if (auto why = media::write_file_durably(failed / (std::string(id) + ".reason"), std::string(reason) + "\n"); !why) {
    return why;
  }
  return media::rename_durably(file_of(id), failed / (std::string(id) + std::string(extension)));
}

}  // namespace callplan::mail
