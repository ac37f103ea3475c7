// tests/mail/mail_driver.cpp — runs the voicemail store, the mail builder and the outbox sender
// from the command line, for the Python end-to-end tests (test_mail_e2e.py) against a real
// SMTP server (aiosmtpd). Not installed; the server will wire the same calls.
//
//   mail_driver leave --state DIR --outbox DIR --wav FILE --company acme --extension 001
//       --caller NUM [--caller-name NAME] --called NUM --to EMAIL [--to-name NAME]
//       --from EMAIL [--language nl] [--zone Europe/Amsterdam] [--reason no_answer]
//     stores the WAV as a voicemail message and queues its mail; prints the message id, the
//     message folder and the mail id on stdout, one per line.
//   mail_driver send --outbox DIR --smtp URL [--first-retry-ms 200] [--timeout-s 30]
//     runs the sender until the outbox is empty (exit 0) or the timeout (exit 1); one log line
//     per attempt on stderr.
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <string>
#include <thread>

#include "mail/outbox.hpp"
#include "mail/outbox_sender.hpp"
#include "mail/voicemail_mail.hpp"
#include "media/prompt/audio_file.hpp"
#include "media/prompt/durable_file.hpp"
#include "voicemail/voicemail_store.hpp"

namespace {

using namespace callplan;

int fail(const std::string& what) {
  std::cerr << "mail_driver: " << what << "\n";
  return 2;
}

void log_line(std::string_view line) {
  std::cerr << line << std::endl;
}

std::string get(const std::map<std::string, std::string>& args, const std::string& key, const std::string& fallback = {}) {
  auto it = args.find(key);
  return it == args.end() ? fallback : it->second;
}

int leave(const std::map<std::string, std::string>& args) {
  auto box = voicemail::Mailbox::make(get(args, "company"), get(args, "extension"));
  if (!box) return fail("bad --company or --extension");
  auto audio = media::load_audio_file(get(args, "wav"));
  if (!audio) return fail(audio.error().describe());
  auto reason = voicemail::parse_reason(get(args, "reason", "no_answer"));
  if (!reason) return fail("bad --reason");
  const std::string zone = get(args, "zone", "Europe/Amsterdam");
  voicemail::VoicemailStore store(get(args, "state"), log_line);
  const auto now = std::chrono::system_clock::now();
  auto stored = store.deposit(*box, {get(args, "caller"), get(args, "caller-name"), get(args, "called"), now, zone,
                                     *reason, std::move(audio).value()});
  if (!stored) return fail(stored.error());
  if (!stored->has_value()) {
    std::cout << "dropped\n";
    return 0;
  }
  const auto& record = **stored;
  const auto wav_file = store.audio_file(*box, record.id);
  auto wav = media::read_whole_file(wav_file);
  if (!wav) return fail("cannot read back " + wav_file.string());
  auto mail = mail::voicemail_mail({record, *wav, {get(args, "to-name"), get(args, "to")},
                                    {"Voicemail", get(args, "from")}, get(args, "language", "nl"), zone, now});
  if (!mail) return fail(mail.error());
  auto bytes = mail::render(*mail);
  if (!bytes) return fail(bytes.error());
  mail::Outbox outbox(get(args, "outbox"), log_line);
  auto id = outbox.enqueue({get(args, "from"), {get(args, "to")}}, *bytes);
  if (!id) return fail(id.error());
  std::cout << record.id << "\n" << wav_file.parent_path().string() << "\n" << *id << "\n";
  return 0;
}

int send(const std::map<std::string, std::string>& args) {
  auto settings = mail::parse_smtp_url(get(args, "smtp"));
  if (!settings) return fail(settings.error());
  mail::Outbox outbox(get(args, "outbox"), log_line);
  mail::RetryPolicy policy;
  policy.first = std::chrono::milliseconds(std::stol(get(args, "first-retry-ms", "200")));
  policy.longest = policy.first * 4;
  policy.rescan = std::chrono::milliseconds(100);
  mail::OutboxSender sender(outbox, mail::smtp_transport(*settings, {std::chrono::seconds(5), std::chrono::seconds(20)}),
                            policy, log_line);
  sender.start();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(std::stol(get(args, "timeout-s", "30")));
  while (!outbox.pending().empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  sender.stop();
  return outbox.pending().empty() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return fail("usage: mail_driver leave|send --option value ...");
  std::map<std::string, std::string> args;
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string key = argv[i];
    if (!key.starts_with("--")) return fail("expected an --option, got " + key);
    args[key.substr(2)] = argv[i + 1];
  }
  const std::string command = argv[1];
  if (command == "leave") return leave(args);
  if (command == "send") return send(args);
  return fail("unknown command " + command);
}
