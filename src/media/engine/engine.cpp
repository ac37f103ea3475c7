// media/engine/engine.cpp — the legs of the media process and the control commands.
#include "media/engine/engine.hpp"

#include <algorithm>
#include <deque>
#include <stdexcept>
#include <system_error>

#include <asio/post.hpp>
#include <fmt/format.h>

#include "mail/outbox.hpp"
#include "mail/outbox_sender.hpp"
#include "mail/smtp_settings.hpp"
#include "mail/voicemail_mail.hpp"
#include "media/engine/leg_audio.hpp"
#include "media/engine/worker.hpp"
#include "media/prompt/audio_file.hpp"
#include "media/prompt/prompt_cache.hpp"
#include "media/sdp.hpp"
#include "media/sdp_offer_answer.hpp"
#include "media/tone.hpp"
#include "voicemail/voicemail_store.hpp"

namespace callplan::media::engine {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {
constexpr std::size_t kMaxBufferedDigits = 32;
constexpr auto kTick = std::chrono::milliseconds(20);

std::size_t samples_in(Clock::duration d) {
  return static_cast<std::size_t>(std::chrono::duration_cast<std::chrono::microseconds>(d).count() *
                                  kSampleRate / 1'000'000);
}
}  // namespace

// One call leg: its RTP stream and what it is doing. Owned by the engine's map; the stream's
// callbacks point here and stop when the stream is destroyed (before the rest of the leg).
struct Leg {
  enum class Playing : std::uint8_t { none, prompt, tone, ringback, beep, bridge };

  std::string name;
  std::uint64_t serial = 0;
  std::optional<SessionDescription> our_offer;  // waiting for `answer`
  bool running = false;
  NegotiatedAudio audio;
  std::uint64_t sdp_version = 0;  // of our last SDP's o= line (RFC 3264 8: +1 per new one)
  std::chrono::milliseconds rtp_timeout{30'000};
  bool timeout_reported = false;

  std::deque<char> digits;  // pressed and not yet collected
  std::optional<Clock::time_point> collect_deadline;

  Playing playing = Playing::none;
  bool barge_in = false;
  std::uint64_t play_serial = 0;  // a prompt that finishes loading after a later play is void

  struct Rec {
    RecordCmd cmd;
    voicemail::Mailbox box;
    voicemail::Reason reason;
    Recording recording;
    bool capturing = false;  // after the beep
    Clock::time_point started;
    std::optional<Clock::time_point> first_frame;
    Clock::time_point last_frame;
  };
  std::optional<Rec> rec;

  std::string bridged_with;
  std::shared_ptr<FrameRelay> inbound;  // received here, sent on the bridged leg

  // Last member: destroyed first, so no callback reaches a half-destroyed leg.
  std::unique_ptr<RtpStream> stream;
};

// The engine's periodic checks as a member of the media clock, in the same wakes as the legs.
struct Engine::Housekeeping final : MediaClock::Member {
  explicit Housekeeping(Engine& e) : engine(e) {}
  void on_receive(MediaClock::Clock::time_point) override {}
  void on_frame(MediaClock::Clock::time_point now) override { engine.tick(now); }
  Engine& engine;
};

Engine::Engine(asio::io_context& io, EngineConfig config, Send send, Log log)
    : io_(io), config_(std::move(config)), send_(std::move(send)), log_(std::move(log)),
      clock_(io, config_.packet_io),
      alive_(std::make_shared<bool>(true)) {
  PromptCache::Options options;
  if (!config_.prompt_cache.empty()) options.speech_folder = config_.prompt_cache;
  prompts_ = std::make_unique<PromptCache>(options);
  store_ = std::make_unique<voicemail::VoicemailStore>(config_.state_dir, log_);
  if (config_.smtp_url) {
    auto settings = mail::parse_smtp_url(*config_.smtp_url);
    if (!settings) throw std::runtime_error("--smtp: " + settings.error());
    if (settings->login_in_clear())
      log_(fmt::format("mail: {} sends the password unencrypted; add ?starttls=required", settings->shown_url));
    outbox_ = std::make_unique<mail::Outbox>(config_.state_dir / "outbox", log_);
    sender_ = std::make_unique<mail::OutboxSender>(*outbox_, mail::smtp_transport(*settings), mail::RetryPolicy{}, log_);
    sender_->start();
  }
  // Made now, on the thread that runs `io` (io_uring binds the ring to it), so that a refused
  // --packet-io io_uring is an error at start and the log can say which is used.
  try {
    packet_io_name_ = clock_.packets().name();
  } catch (const std::system_error& e) {
    throw std::runtime_error(std::string("--packet-io io_uring: the kernel refuses it: ") + e.what());
  }
  worker_ = std::make_unique<Worker>();
  housekeeping_ = std::make_unique<Housekeeping>(*this);
  clock_.join(*housekeeping_, kTick);
}

Engine::~Engine() {
  *alive_ = false;
  clock_.leave(*housekeeping_);
  legs_.clear();
  worker_.reset();  // finishes store writes already queued
  if (sender_) sender_->stop();
}

void Engine::reply_ok(const json& id, json fields) { send_(ok_reply(id, std::move(fields))); }
void Engine::reply_error(const json& id, std::string_view code, std::string_view message) {
  send_(error_reply(id, code, message));
}
void Engine::emit(std::string_view name, const std::string& leg, json fields) {
  send_(event(name, leg, std::move(fields)));
}

Leg* Engine::find(const std::string& name) {
  auto it = legs_.find(name);
  return it == legs_.end() ? nullptr : it->second.get();
}

void Engine::handle(const Request& r) {
  try {
    if (std::holds_alternative<PingCmd>(r.command)) {
      reply_ok(r.id, {{"legs", legs_.size()}});
      return;
    }
    if (auto* c = std::get_if<OpenCmd>(&r.command)) return open(r, *c);
    if (!find(r.leg)) return reply_error(r.id, errc::unknown_leg, fmt::format("no leg \"{}\"", r.leg));
    std::visit(
        [&](const auto& c) {
          using T = std::decay_t<decltype(c)>;
          if constexpr (std::is_same_v<T, AnswerCmd>) answer(r, c);
          else if constexpr (std::is_same_v<T, ReofferCmd>) reoffer(r, c);
          else if constexpr (std::is_same_v<T, PlayCmd>) play(r, c);
          else if constexpr (std::is_same_v<T, StopCmd>) stop(r);
          else if constexpr (std::is_same_v<T, CollectCmd>) collect(r, c);
          else if constexpr (std::is_same_v<T, RingbackCmd>) ringback(r, c);
          else if constexpr (std::is_same_v<T, RecordCmd>) record(r, c);
          else if constexpr (std::is_same_v<T, BridgeCmd>) bridge(r, c);
          else if constexpr (std::is_same_v<T, UnbridgeCmd>) unbridge(r);
          else if constexpr (std::is_same_v<T, CloseCmd>) close(r);
          else if constexpr (std::is_same_v<T, MailboxCmd>) mailbox(r, c);
        },
        r.command);
  } catch (const std::exception& e) {
    reply_error(r.id, errc::internal, e.what());
  }
}

void Engine::open(const Request& r, const OpenCmd& c) {
  if (find(r.leg)) return reply_error(r.id, errc::leg_exists, fmt::format("leg \"{}\" is open", r.leg));
  std::optional<SessionDescription> offer;
  if (c.offer) {
    auto parsed = parse_sdp(*c.offer);
    if (!parsed.ok()) return reply_error(r.id, errc::bad_sdp, parsed.problem.text());
    offer = std::move(parsed.description);
  }
  auto leg = std::make_unique<Leg>();
  leg->name = r.leg;
  leg->serial = next_serial_++;
  leg->rtp_timeout = c.rtp_timeout_ms ? std::chrono::milliseconds(*c.rtp_timeout_ms) : config_.default_rtp_timeout;
  try {
    leg->stream = std::make_unique<RtpStream>(clock_, config_.ports);
  } catch (const std::system_error& e) {
    return reply_error(r.id, errc::no_port, e.what());
  }
  LocalAudio local{.address = config_.sdp_address, .port = leg->stream->local_port()};
  local.session_id = std::to_string(leg->serial);
  json fields{{"port", local.port}};
  if (offer) {
    Answer answer = answer_offer(*offer, local);
    if (answer.outcome == AnswerOutcome::not_acceptable)
      return reply_error(r.id, errc::not_acceptable, answer.reason);
    fields["sdp"] = format_sdp(answer.description);
    fields["codec"] = encoding_name(answer.audio.codec);
    fields["telephone_event"] = answer.audio.telephone_event.has_value();
    Leg& l = *leg;
    legs_[r.leg] = std::move(leg);
    start_stream(l, answer.audio);
  } else {
    leg->our_offer = make_offer(local);
    fields["sdp"] = format_sdp(*leg->our_offer);
    legs_[r.leg] = std::move(leg);
  }
  reply_ok(r.id, std::move(fields));
}

void Engine::answer(const Request& r, const AnswerCmd& c) {
  Leg& leg = *find(r.leg);
  if (!leg.our_offer) return reply_error(r.id, errc::wrong_state, "the leg was opened with the caller's offer");
  auto parsed = parse_sdp(c.sdp);
  if (!parsed.ok()) return reply_error(r.id, errc::bad_sdp, parsed.problem.text());
  AcceptedAnswer accepted = accept_answer(*leg.our_offer, *parsed.description);
  if (!accepted.audio) return reply_error(r.id, errc::not_acceptable, accepted.reason);
  leg.our_offer.reset();
  start_stream(leg, *accepted.audio);
  reply_ok(r.id, {{"codec", encoding_name(accepted.audio->codec)},
                  {"telephone_event", accepted.audio->telephone_event.has_value()}});
}

// RFC 3264 section 8: the answer to a new offer keeps our port and o= session id, with the
// version one up; directions are mirrored as in the first answer, so a peer that holds
// (sendonly, inactive) gets recvonly or inactive and the stream stops sending to it, and its
// resume (sendrecv) starts it again. What plays or is bridged goes on through the restart.
void Engine::reoffer(const Request& r, const ReofferCmd& c) {
  Leg& leg = *find(r.leg);
  if (!leg.running) return reply_error(r.id, errc::wrong_state, "the leg has no answer to its offer yet");
  auto parsed = parse_sdp(c.sdp);
  if (!parsed.ok()) return reply_error(r.id, errc::bad_sdp, parsed.problem.text());
  LocalAudio local{.address = config_.sdp_address, .port = leg.stream->local_port()};
  local.session_id = std::to_string(leg.serial);
  local.session_version = std::to_string(leg.sdp_version + 1);
  Answer answer = answer_offer(*parsed.description, local);
  if (answer.outcome == AnswerOutcome::not_acceptable)  // the leg goes on as it was
    return reply_error(r.id, errc::not_acceptable, answer.reason);
  ++leg.sdp_version;
  start_stream(leg, answer.audio);
  reply_ok(r.id, {{"sdp", format_sdp(answer.description)},
                  {"codec", encoding_name(answer.audio.codec)},
                  {"telephone_event", answer.audio.telephone_event.has_value()},
                  {"direction", std::string(to_string(answer.audio.direction))}});
}

void Engine::start_stream(Leg& leg, const NegotiatedAudio& audio) {
  leg.audio = audio;
  leg.running = true;
  Leg* l = &leg;
  StreamEvents events;
  events.on_audio = [this, l](const AudioFrame& frame) { on_audio(*l, frame); };
  events.on_digit = [this, l](const Digit& digit, DigitSource source) { on_digit(*l, digit, source); };
  events.on_played = [this, l] { on_played(*l); };
  leg.stream->start(audio, std::move(events));
}

void Engine::end_play(Leg& leg, std::string_view why, std::optional<char> digit) {
  ++leg.play_serial;  // a prompt still loading for this leg is void
  if (leg.playing == Leg::Playing::prompt || leg.playing == Leg::Playing::tone) {
    json fields{{"why", why}};
    if (digit) fields["digit"] = std::string(1, *digit);
    emit("played", leg.name, std::move(fields));
  }
  if (leg.playing != Leg::Playing::none && leg.playing != Leg::Playing::bridge) leg.stream->play(nullptr);
  leg.playing = Leg::Playing::none;
}

void Engine::on_played(Leg& leg) {
  switch (leg.playing) {
    case Leg::Playing::prompt:
    case Leg::Playing::tone:
      leg.playing = Leg::Playing::none;
      emit("played", leg.name, {{"why", "end"}});
      break;
    case Leg::Playing::beep:
      leg.playing = Leg::Playing::none;
      if (leg.rec) {
        leg.rec->capturing = true;
        leg.rec->started = Clock::now();
      }
      break;
    default: break;
  }
}

namespace {
RtpStream::Source audio_source(std::shared_ptr<const Audio> audio) {
  return [audio = std::move(audio), at = std::size_t{0}](std::span<std::int16_t> out) mutable {
    std::size_t n = std::min(out.size(), audio->samples.size() - at);
    std::copy_n(audio->samples.begin() + static_cast<std::ptrdiff_t>(at), n, out.begin());
    at += n;
    return n;
  };
}
RtpStream::Source tone_source(const ToneSpec& spec) {
  auto tone = std::make_shared<ToneGenerator>(spec);
  return [tone](std::span<std::int16_t> out) { return tone->fill(out); };
}
}  // namespace

// A message or greeting of the voicemail store (the mailbox by phone plays them): read each
// time, never kept in the prompt cache, which holds a tenant's few prompts for the process's
// life and would otherwise keep every message ever played.
bool Engine::is_recording(const PromptSpec& spec) const {
  if (spec.kind != PromptSpec::Kind::file) return false;
  auto path = std::filesystem::path(spec.value).lexically_normal();
  auto root = store_->root().lexically_normal();
  auto [r, p] = std::mismatch(root.begin(), root.end(), path.begin(), path.end());
  return r == root.end();
}

Expected<Prompt, PromptError> Engine::recorded_prompt(const std::string& file) const {
  auto audio = load_audio_file(file);
  if (!audio) return audio.error();
  auto shared = std::make_shared<const Audio>(std::move(*audio));
  return Prompt{shared, shared->seconds()};
}

void Engine::play(const Request& r, const PlayCmd& c) {
  Leg& leg = *find(r.leg);
  if (!leg.running) return reply_error(r.id, errc::wrong_state, "the leg has no answer to its offer yet");
  if (leg.rec) return reply_error(r.id, errc::busy, "the leg is recording");
  if (!leg.bridged_with.empty()) return reply_error(r.id, errc::busy, "the leg is bridged");
  if (c.flush) leg.digits.clear();
  if (c.prompt.kind == PromptRef::Kind::tone) {
    end_play(leg, "stopped");
    ToneSpec spec = c.prompt.value == "beep" ? voicemail_beep() : european_ringback();
    leg.stream->play(tone_source(spec));
    leg.playing = Leg::Playing::tone;
    leg.barge_in = c.barge_in;
    json fields = json::object();
    if (!spec.repeat) fields["seconds"] = static_cast<double>(spec.cadence_samples()) / kSampleRate;
    return reply_ok(r.id, std::move(fields));
  }
  std::uint64_t serial = ++leg.play_serial;
  PromptSpec spec = c.prompt.kind == PromptRef::Kind::file ? PromptSpec::file(c.prompt.value)
                                                           : PromptSpec::text(c.prompt.value);
  std::weak_ptr<bool> alive = alive_;
  worker_->run([this, alive, spec, language = c.prompt.language, id = r.id, name = leg.name,
                leg_serial = leg.serial, serial, barge_in = c.barge_in,
                greeting_of = c.prompt.greeting_of]() mutable {
    // A voicemail greeting: the user's own recording when the mailbox has one.
    if (!greeting_of.empty()) {
      auto slash = greeting_of.find('/');
      auto box = voicemail::Mailbox::make(greeting_of.substr(0, slash),
                                          slash == std::string::npos ? "" : greeting_of.substr(slash + 1));
      if (auto own = box ? store_->greeting(*box) : std::nullopt) spec = PromptSpec::file(own->audio_file.string());
    }
    auto prompt = is_recording(spec) ? recorded_prompt(spec.value)
                                     : prompts_->resolve(spec, std::filesystem::current_path(), language);
    asio::post(io_, [this, alive, prompt = std::move(prompt), id, name, leg_serial, serial, barge_in] {
      if (alive.expired()) return;
      Leg* l = find(name);
      if (!l || l->serial != leg_serial) return reply_error(id, errc::unknown_leg, "the leg closed while its prompt loaded");
      if (!prompt) return reply_error(id, errc::prompt_failed, prompt.error().describe());
      if (l->play_serial != serial || l->rec || !l->bridged_with.empty())
        return reply_error(id, errc::wrong_state, "another command replaced this prompt before it started");
      end_play(*l, "stopped");
      l->play_serial = serial;  // end_play moved it on; this prompt is the current one
      l->stream->play(audio_source(prompt->audio));
      l->playing = Leg::Playing::prompt;
      l->barge_in = barge_in;
      reply_ok(id, {{"seconds", prompt->seconds}});
      if (barge_in && !l->digits.empty()) end_play(*l, "digit", l->digits.front());
    });
  });
}

void Engine::stop(const Request& r) {
  Leg& leg = *find(r.leg);
  if (leg.rec) {
    finish_recording(leg, static_cast<int>(RecordingEnd::stopped));
  } else if (leg.playing != Leg::Playing::bridge) {
    end_play(leg, "stopped");
  }
  reply_ok(r.id);
}

void Engine::collect(const Request& r, const CollectCmd& c) {
  Leg& leg = *find(r.leg);
  if (!leg.running) return reply_error(r.id, errc::wrong_state, "the leg has no answer to its offer yet");
  if (c.flush) leg.digits.clear();
  leg.collect_deadline = Clock::now() + std::chrono::milliseconds(c.timeout_ms);
  reply_ok(r.id);
  deliver_digit(leg);
}

void Engine::deliver_digit(Leg& leg) {
  if (!leg.collect_deadline || leg.digits.empty()) return;
  char d = leg.digits.front();
  leg.digits.pop_front();
  leg.collect_deadline.reset();
  emit("digit", leg.name, {{"digit", std::string(1, d)}});
}

void Engine::ringback(const Request& r, const RingbackCmd& c) {
  Leg& leg = *find(r.leg);
  if (!leg.running) return reply_error(r.id, errc::wrong_state, "the leg has no answer to its offer yet");
  if (leg.rec) return reply_error(r.id, errc::busy, "the leg is recording");
  if (!leg.bridged_with.empty()) return reply_error(r.id, errc::busy, "the leg is bridged");
  if (c.on) {
    if (leg.playing != Leg::Playing::ringback) {
      end_play(leg, "stopped");
      leg.stream->play(tone_source(european_ringback()));
      leg.playing = Leg::Playing::ringback;
    }
  } else if (leg.playing == Leg::Playing::ringback) {
    end_play(leg, "stopped");
  }
  reply_ok(r.id);
}

void Engine::record(const Request& r, const RecordCmd& c) {
  Leg& leg = *find(r.leg);
  if (!leg.running) return reply_error(r.id, errc::wrong_state, "the leg has no answer to its offer yet");
  if (leg.rec) return reply_error(r.id, errc::busy, "the leg is recording already");
  if (!leg.bridged_with.empty()) return reply_error(r.id, errc::busy, "the leg is bridged");
  auto box = voicemail::Mailbox::make(c.company, c.extension);
  if (!box)
    return reply_error(r.id, errc::bad_request,
                       fmt::format("no mailbox \"{}/{}\": company is [a-z0-9-]+, extension digits", c.company, c.extension));
  auto reason = c.greeting ? std::optional(voicemail::Reason::closed) : voicemail::parse_reason(c.reason);
  if (!reason)
    return reply_error(r.id, errc::bad_request,
                       fmt::format("reason \"{}\": busy, no_answer, unavailable or closed", c.reason));
  end_play(leg, "stopped");
  leg.rec.emplace(Leg::Rec{c, *box, *reason, Recording(c.max_seconds, c.silence_seconds), false, Clock::now(), {}, {}});
  leg.digits.clear();
  leg.collect_deadline.reset();
  if (c.beep) {
    leg.stream->play(tone_source(voicemail_beep()));
    leg.playing = Leg::Playing::beep;
  } else {
    leg.rec->capturing = true;
  }
  reply_ok(r.id);
}

void Engine::on_audio(Leg& leg, const AudioFrame& frame) {
  if (leg.inbound) leg.inbound->push(frame.samples, frame.gap_before);
  if (!leg.rec || !leg.rec->capturing) return;
  auto now = clock_.wake_time();  // frames arrive in the clock's wakes: no clock read per frame
  if (!leg.rec->first_frame) leg.rec->first_frame = now;
  leg.rec->last_frame = now;
  if (auto end = leg.rec->recording.on_frame(frame.timestamp, frame.samples))
    finish_recording(leg, static_cast<int>(*end));
}

void Engine::on_digit(Leg& leg, const Digit& digit, DigitSource source) {
  if (!leg.bridged_with.empty()) {
    // Through a bridge digits go on to the other side (its phone or carrier may want them).
    // In-band digits are in the relayed audio already; sending them again would double them.
    if (source == DigitSource::inband) return;
    if (Leg* peer = find(leg.bridged_with))
      peer->stream->send_digit(digit.digit, std::chrono::milliseconds(std::max<std::uint32_t>(digit.duration / 8, 60)));
    return;
  }
  if (leg.rec) {
    if (leg.rec->capturing && digit.digit == '#') {
      leg.rec->recording.cut_at_digit(digit.timestamp);
      finish_recording(leg, static_cast<int>(RecordingEnd::hash));
    }
    return;  // other keys during a recording are part of the message's silence
  }
  if (leg.digits.size() < kMaxBufferedDigits) leg.digits.push_back(digit.digit);
  if ((leg.playing == Leg::Playing::prompt || leg.playing == Leg::Playing::tone) && leg.barge_in)
    end_play(leg, "digit", digit.digit);
  deliver_digit(leg);
}

void Engine::finish_recording(Leg& leg, int end_code) {
  if (!leg.rec) return;
  auto end = static_cast<RecordingEnd>(end_code);
  Leg::Rec rec = std::move(*leg.rec);
  leg.rec.reset();
  if (leg.playing == Leg::Playing::beep) end_play(leg, "stopped");
  std::size_t call_samples =
      rec.first_frame ? samples_in(Clock::now() - *rec.first_frame) + frame_samples : 0;
  Audio audio;
  if (rec.capturing) {
    auto samples = rec.recording.finish(end, call_samples);
    audio.samples.assign(samples.begin(), samples.end());
  }
  if (rec.cmd.greeting) {
    // Kept in memory until the user presses 1 (`keep_greeting`); nothing is written yet.
    double seconds = audio.seconds();
    pending_greetings_[leg.name] = std::make_shared<const Audio>(std::move(audio));
    emit("greeting_recorded", leg.name, {{"seconds", seconds}, {"ended", to_string(end)}});
    return;
  }
  std::weak_ptr<bool> alive = alive_;
  worker_->run([this, alive, rec = std::move(rec), audio = std::move(audio), end, name = leg.name]() mutable {
    double seconds = audio.seconds();
    voicemail::NewMessage message{rec.cmd.caller, rec.cmd.caller_name, rec.cmd.called,
                                  std::chrono::system_clock::now(), rec.cmd.time_zone, rec.reason, std::move(audio)};
    auto stored = store_->deposit(rec.box, message);
    json fields{{"ended", to_string(end)}, {"seconds", seconds}};
    std::string name_of_event = "recorded";
    if (!stored) {
      name_of_event = "record_failed";
      fields["code"] = "store-failed";
      fields["message"] = stored.error();
    } else if (!stored->has_value()) {
      name_of_event = "dropped";
    } else {
      const voicemail::MessageRecord& record = **stored;
      fields["id"] = record.id;
      fields["seconds"] = record.seconds;
      fields["path"] = store_->audio_file(rec.box, record.id).parent_path().string();
      fields["mail"] = "none";
      if (!rec.cmd.email.empty() && outbox_) {
        std::string outcome;
        auto wav = read_whole_file(store_->audio_file(rec.box, record.id));
        if (!wav) {
          outcome = "cannot read back the message";
        } else if (auto m = mail::voicemail_mail({record, *wav, {rec.cmd.email_name, rec.cmd.email},
                                                  {"Voicemail", config_.mail_from}, rec.cmd.language,
                                                  rec.cmd.time_zone, std::chrono::system_clock::now()});
                   !m) {
          outcome = m.error();
        } else if (auto bytes = mail::render(*m); !bytes) {
          outcome = bytes.error();
        } else if (auto queued = outbox_->enqueue({config_.mail_from, {rec.cmd.email}}, *bytes); !queued) {
          outcome = queued.error();
        } else {
          sender_->wake();
          fields["mail"] = "queued";
          fields["mail_id"] = *queued;
        }
        if (!outcome.empty()) {
          fields["mail"] = "failed";
          fields["mail_error"] = outcome;
          log_(fmt::format("voicemail {}: mail to {} not queued: {}", record.id, rec.cmd.email, outcome));
        }
      } else if (!rec.cmd.email.empty()) {
        fields["mail"] = "no-smtp";
      }
    }
    asio::post(io_, [this, alive, name, name_of_event, fields = std::move(fields)]() mutable {
      if (!alive.expired()) emit(name_of_event, name, std::move(fields));
    });
  });
}

void Engine::bridge(const Request& r, const BridgeCmd& c) {
  Leg& a = *find(r.leg);
  Leg* b = find(c.with);
  if (!b) return reply_error(r.id, errc::unknown_leg, fmt::format("no leg \"{}\"", c.with));
  if (b == &a) return reply_error(r.id, errc::bad_request, "a leg cannot be bridged with itself");
  for (Leg* l : {&a, b}) {
    if (!l->running) return reply_error(r.id, errc::wrong_state, fmt::format("leg \"{}\" has no answer to its offer yet", l->name));
    if (l->rec) return reply_error(r.id, errc::busy, fmt::format("leg \"{}\" is recording", l->name));
    if (!l->bridged_with.empty()) return reply_error(r.id, errc::busy, fmt::format("leg \"{}\" is bridged", l->name));
  }
  for (Leg* l : {&a, b}) {
    end_play(*l, "stopped");
    l->inbound = std::make_shared<FrameRelay>();
    l->collect_deadline.reset();
  }
  a.bridged_with = b->name;
  b->bridged_with = a.name;
  // Each side sends what the other received; RtpStream decodes and encodes, so two legs with
  // different codecs are transcoded through 16-bit linear on the way.
  a.stream->play([relay = b->inbound](std::span<std::int16_t> out) { return relay->fill(out); });
  b->stream->play([relay = a.inbound](std::span<std::int16_t> out) { return relay->fill(out); });
  a.playing = b->playing = Leg::Playing::bridge;
  reply_ok(r.id, {{"transcoding", a.audio.codec != b->audio.codec}});
}

void Engine::split(Leg& leg) {
  if (leg.bridged_with.empty()) return;
  Leg* peer = find(leg.bridged_with);
  for (Leg* l : {&leg, peer}) {
    if (!l) continue;
    l->bridged_with.clear();
    l->inbound.reset();
    l->playing = Leg::Playing::none;
    l->stream->play(nullptr);
  }
}

void Engine::unbridge(const Request& r) {
  Leg& leg = *find(r.leg);
  if (leg.bridged_with.empty()) return reply_error(r.id, errc::wrong_state, "the leg is not bridged");
  split(leg);
  reply_ok(r.id);
}

void Engine::destroy(const std::string& name) {
  Leg* leg = find(name);
  if (!leg) return;
  if (leg->rec) finish_recording(*leg, static_cast<int>(RecordingEnd::closed));
  split(*leg);
  end_play(*leg, "closed");
  if (leg->collect_deadline) emit("timeout", name, {{"why", "closed"}});
  pending_greetings_.erase(name);
  legs_.erase(name);
}

void Engine::close(const Request& r) {
  Leg& leg = *find(r.leg);
  StreamStats s = leg.stream->stats();
  json stats{{"sent", s.sent}, {"received", s.received}, {"lost", s.lost}, {"late", s.late},
             {"malformed", s.malformed}, {"foreign", s.foreign}};
  destroy(r.leg);
  reply_ok(r.id, {{"stats", std::move(stats)}});
}

void Engine::close_all() {
  while (!legs_.empty()) destroy(legs_.begin()->first);
}

void Engine::tick(Clock::time_point now) {
  for (auto& [name, leg_ptr] : legs_) {
    Leg& leg = *leg_ptr;
    if (leg.collect_deadline && now >= *leg.collect_deadline) {
      leg.collect_deadline.reset();
      emit("timeout", name, {{"why", "no_digit"}});
    }
    const auto quiet = leg.stream->quiet_for(now);
    if (leg.running && !leg.timeout_reported && quiet >= leg.rtp_timeout) {
      leg.timeout_reported = true;
      emit("rtp_timeout", name, {{"quiet_ms", std::chrono::duration_cast<std::chrono::milliseconds>(quiet).count()}});
    } else if (leg.timeout_reported && quiet < leg.rtp_timeout) {
      leg.timeout_reported = false;  // the peer came back: a later silence is reported again
    }
    if (leg.rec && leg.rec->capturing) {
      // Silence and the maximum length by the wall clock too: a phone that stops sending
      // (muted, or gone without a BYE) sends no frame that could end the recording.
      Leg::Rec& rec = *leg.rec;
      auto since = rec.first_frame ? now - rec.last_frame : now - rec.started;
      if (since > 4 * kTick && rec.recording.silent_too_long(samples_in(since))) {
        finish_recording(leg, static_cast<int>(RecordingEnd::silence));
      } else if (samples_in(now - rec.started) >= static_cast<std::size_t>(rec.cmd.max_seconds * kSampleRate) + kSampleRate) {
        finish_recording(leg, static_cast<int>(RecordingEnd::max_length));
      }
    }
  }
}

}  // namespace callplan::media::engine
