// The server's own media side (docs/sip-server.md "callplan's own media side"): made only
// when it is on and no --media-server takes the media steps instead.
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
  return std::make_unique<OwnMedia>(
      layer, transport, timers, media->control(),
      [this](std::string_view line) { log.write(LogLevel::info, line); });
}

}  // namespace callplan::sip
