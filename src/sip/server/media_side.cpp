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
  return calls;
}

// The store was written by the media process a moment ago: the phones watching the mailbox
// learn it now rather than at the next 5 s poll (SPEC 10; RFC 3842).
void Server::Impl::mailbox_changed(std::string_view company, std::string_view extension) {
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
  mailbox_calls->start(txn, request, from, std::move(dial));
}

}  // namespace callplan::sip
