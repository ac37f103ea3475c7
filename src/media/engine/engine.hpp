// media/engine/engine.hpp — the media process's legs and what the control protocol asks of
// them (docs/media.md "The media process and its control protocol"): open a leg from an SDP
// offer (or make the offer), play prompts and tones, collect digits, give ringback, record a
// voicemail into the store and queue its mail, bridge two legs, close. Replies and events go
// to `Send` as JSON objects, one per line on the control socket.
//
//   asio::io_context io;
//   engine::Engine engine(io, config, [&](const nlohmann::json& j) { write_line(j.dump()); }, log);
//   engine.handle(*parsed.request);      // exactly one reply follows, now or later
//   io.run();
//
// Every leg's RTP runs on the io_context's thread, paced by one MediaClock for all legs (one
// wake per 20 ms, not one per leg and packet), which also runs the engine's own checks (digit
// time-outs, RTP time-outs, recording limits) every 20 ms; blocking work (prompt files, espeak-ng,
// the voicemail store, the outbox) runs on the engine's worker thread and its result is
// posted back. Errors are replies or events, never exceptions out of handle().
// Thread safety: the constructor, handle(), close_all() and the destructor on the thread that
// runs the io_context (the packet I/O's io_uring belongs to the thread that made it).
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include "media/engine/control_protocol.hpp"
#include "media/media_clock.hpp"
#include "media/prompt/audio.hpp"
#include "media/prompt/prompt_cache.hpp"
#include "media/rtp_stream.hpp"

namespace callplan::media {
class PromptCache;
}
namespace callplan::voicemail {
class VoicemailStore;
}
namespace callplan::mail {
class Outbox;
class OutboxSender;
struct SmtpSettings;
}  // namespace callplan::mail

namespace callplan::media::engine {

class Worker;
struct Leg;

struct EngineConfig {
  PortRange ports;                      // where legs bind their RTP
  std::string sdp_address;              // our address in SDP (the bound one unless wildcard)
  std::filesystem::path state_dir;      // voicemail store under <state>/voicemail, outbox under <state>/outbox
  std::filesystem::path prompt_cache;   // speech cache folder; empty: the default
  std::optional<std::string> smtp_url;  // mail is queued and sent only with it
  std::string mail_from;
  std::chrono::milliseconds default_rtp_timeout{30'000};
  PacketIo::Kind packet_io = PacketIo::Kind::automatic;  // how RTP is sent and received (packet_io.hpp)
};

class Engine {
 public:
  using Send = std::function<void(const nlohmann::json&)>;
  using Log = std::function<void(std::string_view)>;

  // Opens the voicemail store and the outbox (and starts the mail sender with --smtp).
  // Throws std::runtime_error when the state directory or SMTP URL is unusable.
  Engine(asio::io_context& io, EngineConfig config, Send send, Log log);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  void handle(const Request& request);
  // The control connection went away: every leg closes (a recording in progress is kept).
  void close_all();
  std::size_t leg_count() const noexcept { return legs_.size(); }
  // The packet I/O in use: "io_uring" or "syscalls" (the log's ready line says it).
  std::string_view packet_io() const noexcept { return packet_io_name_; }

 private:
  friend struct Leg;
  void reply_ok(const nlohmann::json& id, nlohmann::json fields = nlohmann::json::object());
  void reply_error(const nlohmann::json& id, std::string_view code, std::string_view message);
  void emit(std::string_view name, const std::string& leg, nlohmann::json fields = nlohmann::json::object());
  Leg* find(const std::string& name);

  void open(const Request& r, const OpenCmd& c);
  void answer(const Request& r, const AnswerCmd& c);
  void reoffer(const Request& r, const ReofferCmd& c);
  void play(const Request& r, const PlayCmd& c);
  void stop(const Request& r);
  void collect(const Request& r, const CollectCmd& c);
  void ringback(const Request& r, const RingbackCmd& c);
  void record(const Request& r, const RecordCmd& c);
  void bridge(const Request& r, const BridgeCmd& c);
  void unbridge(const Request& r);
  void close(const Request& r);
  // mailbox_ops.cpp: the mailbox by phone (list, save, delete, keep the recorded greeting).
  void mailbox(const Request& r, const MailboxCmd& c);
  // A file of the voicemail store (a message, a greeting): played uncached (engine.cpp).
  bool is_recording(const PromptSpec& spec) const;
  Expected<Prompt, PromptError> recorded_prompt(const std::string& file) const;

  void start_stream(Leg& leg, const NegotiatedAudio& audio);
  void on_played(Leg& leg);
  void on_digit(Leg& leg, const Digit& digit, DigitSource source);
  void on_audio(Leg& leg, const AudioFrame& frame);
  // Ends what is playing (a prompt gets its `played` event with `why`), plays silence.
  void end_play(Leg& leg, std::string_view why, std::optional<char> digit = std::nullopt);
  void deliver_digit(Leg& leg);
  void finish_recording(Leg& leg, int end);
  void split(Leg& leg);
  void destroy(const std::string& name);
  // Every 20 ms on the media clock (`now`: the wake's time): collect and RTP time-outs, a
  // recording's wall-clock ends.
  void tick(std::chrono::steady_clock::time_point now);
  struct Housekeeping;

  asio::io_context& io_;
  EngineConfig config_;
  Send send_;
  Log log_;
  std::unique_ptr<PromptCache> prompts_;
  std::unique_ptr<voicemail::VoicemailStore> store_;
  std::unique_ptr<mail::Outbox> outbox_;
  std::unique_ptr<mail::OutboxSender> sender_;
  MediaClock clock_;  // before the legs, whose streams are its members
  std::unique_ptr<Housekeeping> housekeeping_;
  std::map<std::string, std::unique_ptr<Leg>> legs_;
  // A greeting recorded through the mailbox, by leg, until `keep_greeting` or the leg closes.
  std::map<std::string, std::shared_ptr<const Audio>> pending_greetings_;
  std::uint64_t next_serial_ = 1;
  std::string_view packet_io_name_;
  // Last: its destructor joins the thread, whose jobs use the members above.
  std::unique_ptr<Worker> worker_;
  std::shared_ptr<bool> alive_;  // jobs posted back after the engine is gone do nothing
};

}  // namespace callplan::media::engine
