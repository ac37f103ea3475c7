// The server's own media side (docs/sip-server.md "callplan's own media side"): made only
// when it is on and no --media-server takes the media steps instead.
#include <fmt/format.h>

#include "sip/server/server_impl.hpp"

namespace callplan::sip {

std::unique_ptr<MediaSupervisor> Server::Impl::make_media_supervisor() {
  if (!options.media_side.enabled || !options.media_server.empty()) return nullptr;
  auto supervisor = std::make_unique<MediaSupervisor>(
      io, options.media_side, [this](std::string_view line) { log.notice(line); });
  // Replies and events from the media process start SIP timers (retransmissions, BYEs) like
  // a received message does: the clock is synced before and the driver re-armed after.
  supervisor->control().around_handlers([this] { timers.set_now(TimerQueue::Clock::now()); },
                                        [this] { driver.rearm(); });
  return supervisor;
}

std::unique_ptr<OwnMedia> Server::Impl::make_own_media() {
  if (!media) return nullptr;
  auto own = std::make_unique<OwnMedia>(
      layer, transport, timers, media->control(),
      [this](std::string_view line) { log.write(LogLevel::info, line); });
  own->on_message_stored([this](std::string_view company, std::string_view extension) {
    mailbox_changed(company, extension);
  });
  return own;
}

std::unique_ptr<MailboxCalls> Server::Impl::make_mailbox_calls() {
  if (!media) return nullptr;
  auto calls = std::make_unique<MailboxCalls>(
      layer, transport, timers, media->control(), security_log,
      [this](std::string_view line) { log.write(LogLevel::info, line); });
  calls->on_changed([this](std::string_view company, std::string_view extension) {
    mailbox_changed(company, extension);
  });
  calls->on_over([this](const MailboxCallOver& over) { mailbox_call_over(over); });
  return calls;
}

// A *97 / *98 call is over: its log line and call detail record, as every call gets. The
// mailbox answered it: "answered" by the extension whose mailbox was opened (none when the
// caller gave up before), on serve's media side; a refusal is "rejected", a CANCEL "abandoned".
void Server::Impl::mailbox_call_over(const MailboxCallOver& over) {
  CallRecord r;
  r.call_id = over.call_id;
  r.company = over.dial->company;
  r.caller = over.dial->caller.empty() ? over.dial->device : over.dial->caller;
  r.caller_device = over.dial->device;
  r.dialled = over.dialled;
  r.status = over.status;
  r.disposition = over.status == 200 ? "answered" : over.status == 487 ? "abandoned" : "rejected";
  if (over.status == 200) {
    r.answered_by = over.opened;
    r.answered_device = "media-server";
  }
  r.ended_by = over.ended_by;
  r.start = over.start;
  r.answer = over.answer;
  r.end = over.end;
  if (log.enabled(LogLevel::info)) log.write(LogLevel::info, r.log_line());
  call_ended(r);
}

// The store was written by the media process a moment ago: the phones watching the mailbox
// learn it now rather than at the next 5 s poll (SPEC 10; RFC 3842).
void Server::Impl::mailbox_changed(std::string_view company, std::string_view extension) {
  // --cluster: the new count goes to the other nodes too, watched here or not.
  if (shared_mailboxes) mailbox_count(company, extension);
  notifier.changed("message-summary", fmt::format("{}/{}", company, extension));
}

namespace {

// The mailbox of `user` in `directory`, or nullopt when the user has no voicemail.
std::optional<MailboxOwner> mailbox_of(const Directory& directory, UserIndex user) {
  const Engine& engine = *directory.engine();
  if (user == kNoUser || !engine.has_voicemail(user)) return std::nullopt;
  return MailboxOwner{.company = directory.company(),
                      .extension = std::string(engine.extension(user)),
                      .pin = directory.owner(user).voicemail_pin,
                      .time_zone = engine.timezone().empty() ? "UTC" : std::string(engine.timezone())};
}

}  // namespace

void Server::Impl::mailbox_call(ServerId txn, const Message& request, const Peer& from,
                                const Company& company, DeviceIndex device) {
  // The call keeps the Directory it started with (a reload swaps it), as proxied calls do.
  std::shared_ptr<Directory> directory = company.directory;
  MailboxDial dial;
  dial.own = unescape(request.request_uri.user) == kOwnMailboxCode;
  dial.mine = mailbox_of(*directory, directory->engine()->device_user(device));
  dial.find = [directory](std::string_view extension) -> std::optional<MailboxOwner> {
    auto user = directory->engine()->find_user(extension);
    return user ? mailbox_of(*directory, *user) : std::nullopt;
  };
  dial.language = directory->language();
  dial.device = directory->username(device);
  dial.company = directory->company();
  const UserIndex user = directory->engine()->device_user(device);
  if (user != kNoUser) dial.caller = std::string(directory->engine()->extension(user));
  mailbox_calls->start(txn, request, from, std::move(dial));
}

}  // namespace callplan::sip
