// `callplan media --control unix:PATH --rtp-address ADDR --rtp-ports LO-HI --state-dir DIR
// [--sdp-address ADDR] [--prompt-cache DIR] [--smtp URL --mail-from ADDR] [--rtp-timeout S]
// [--packet-io auto|io_uring|syscalls]`
// — the media process (docs/media.md "The media process and its control protocol"): RTP
// only, driven by `callplan serve` over the control socket; serve starts it as a child and
// starts it again when it dies, so the registrar and proxy never go down with the media side.
// Everything is in src/media/engine; this file reads options and runs the event loop.
//
// Exit codes (SPEC 4): 0 stopped by SIGTERM/SIGINT, 2 bad options, a socket or state
// directory that cannot be used, 3 internal error.
#include <csignal>
#include <cstdio>
#include <memory>
#include <string>
#include <system_error>

#include <asio/io_context.hpp>
#include <asio/ip/address.hpp>
#include <asio/signal_set.hpp>
#include <fmt/format.h>

#include "commands.hpp"
#include "media/engine/control_server.hpp"
#include "media/engine/engine.hpp"

namespace callplan::cli {
namespace {

struct MediaCliOptions {
  std::string control;
  std::string rtp_address;
  std::string rtp_ports;
  std::string sdp_address;
  std::string state_dir;
  std::string prompt_cache;
  std::string smtp;
  std::string mail_from;
  double rtp_timeout = 30;
  std::string packet_io = "auto";
};

int usage(const std::string& message) {
  fmt::print(stderr, "callplan media: {}\n", message);
  return kExitUsage;
}

void log_line(std::string_view line) {
  fmt::print(stderr, "media: {}\n", line);
  std::fflush(stderr);
}

int run(const MediaCliOptions& o) {
  if (o.control.rfind("unix:", 0) != 0 || o.control.size() <= 5)
    return usage("--control: unix:PATH (the socket serve connects to)");
  media::engine::EngineConfig config;
  std::error_code ec;
  config.ports.address = asio::ip::make_address(o.rtp_address, ec);
  if (ec) return usage(fmt::format("--rtp-address {}: not an IP address", o.rtp_address));
  unsigned lo = 0, hi = 0;
  char dash = 0, extra = 0;
  if (std::sscanf(o.rtp_ports.c_str(), "%u%c%u%c", &lo, &dash, &hi, &extra) != 3 || dash != '-' || lo < 1024 ||
      hi > 65535 || lo + 1 > hi)
    return usage(fmt::format("--rtp-ports {}: LO-HI, 1024-65535, with room for at least one even port", o.rtp_ports));
  config.ports.first = static_cast<std::uint16_t>(lo);
  config.ports.last = static_cast<std::uint16_t>(hi);
  config.sdp_address = o.sdp_address.empty() ? o.rtp_address : o.sdp_address;
  if (config.ports.address.is_unspecified() && o.sdp_address.empty())
    return usage("--rtp-address is a wildcard: give --sdp-address, the address phones send RTP to");
  (void)asio::ip::make_address(config.sdp_address, ec);
  if (ec)
    return usage(fmt::format("--sdp-address {}: not an IP address", config.sdp_address));
  if (o.state_dir.empty()) return usage("--state-dir: where voicemail is stored");
  config.state_dir = o.state_dir;
  config.prompt_cache = o.prompt_cache;
  if (!o.smtp.empty()) {
    if (o.mail_from.empty()) return usage("--smtp needs --mail-from ADDRESS (the sender of voicemail mail)");
    config.smtp_url = o.smtp;
    config.mail_from = o.mail_from;
  }
  if (!(o.rtp_timeout >= 0.1 && o.rtp_timeout <= 3600)) return usage("--rtp-timeout: 0.1-3600 seconds");
  config.default_rtp_timeout = std::chrono::milliseconds(static_cast<long>(o.rtp_timeout * 1000));
  auto packet_io = media::PacketIo::parse_kind(o.packet_io);
  if (!packet_io) return usage(fmt::format("--packet-io {}: auto, io_uring or syscalls", o.packet_io));
  config.packet_io = *packet_io;

  std::signal(SIGPIPE, SIG_IGN);  // a serve that vanishes is an error code on write, not a death
  asio::io_context io;
  std::unique_ptr<media::engine::ControlServer> control;
  std::unique_ptr<media::engine::Engine> engine;
  try {
    std::filesystem::create_directories(config.state_dir);
    control = std::make_unique<media::engine::ControlServer>(io, o.control.substr(5), log_line);
    engine = std::make_unique<media::engine::Engine>(
        io, std::move(config), [&control](const nlohmann::json& j) { control->send(j); }, log_line);
  } catch (const std::exception& e) {
    return usage(e.what());
  }
  control->start(*engine);
  asio::signal_set signals(io, SIGTERM, SIGINT);
  signals.async_wait([&](std::error_code, int) { io.stop(); });
  log_line(fmt::format("ready: control {}, RTP {} ports {}-{}, packet I/O {}", o.control, o.rtp_address, lo, hi,
                       engine->packet_io()));
  // A handler that throws (a bug, memory exhausted) is logged and the loop goes on: the other
  // legs keep their audio, and serve's supervisor is left for a process that really died.
  for (;;) {
    try {
      io.run();
      break;
    } catch (const std::exception& e) {
      log_line(fmt::format("internal error (going on): {}", e.what()));
    }
  }
  engine->close_all();  // recordings in progress are stored before the process ends
  engine.reset();
  return kExitOk;
}

}  // namespace

void add_media_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<MediaCliOptions>();
  CLI::App* cmd = app.add_subcommand(
      "media", "Run the media process that callplan serve controls: RTP legs, prompts, digits, voicemail");
  cmd->add_option("--control", o->control, "The control socket: unix:PATH")->required();
  cmd->add_option("--rtp-address", o->rtp_address, "IP address to bind RTP to")->required();
  cmd->add_option("--rtp-ports", o->rtp_ports, "RTP port range LO-HI (even ports are used)")->required();
  cmd->add_option("--sdp-address", o->sdp_address, "Address written in SDP (default: --rtp-address)");
  cmd->add_option("--state-dir", o->state_dir, "State directory (voicemail under voicemail/, mail under outbox/)")
      ->required();
  cmd->add_option("--prompt-cache", o->prompt_cache, "Folder of the text-to-speech cache");
  cmd->add_option("--smtp", o->smtp, "Mail server for voicemail mail (smtp://HOST:PORT, docs/voicemail.md)");
  cmd->add_option("--mail-from", o->mail_from, "Sender address of voicemail mail");
  cmd->add_option("--rtp-timeout", o->rtp_timeout,
                  "Seconds without RTP from a leg's peer before the rtp_timeout event (default 30)");
  cmd->add_option("--packet-io", o->packet_io,
                  "How RTP is sent and received: auto (io_uring when the kernel allows it), io_uring, syscalls");
  cmd->callback([o, &exit_code] { exit_code = run(*o); });
}

}  // namespace callplan::cli
