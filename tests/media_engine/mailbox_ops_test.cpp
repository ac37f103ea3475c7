// The mailbox by phone's commands of the media process (docs/media.md): the `mailbox`
// command's parsing and its store operations (list new then saved, save, delete, keep a
// recorded greeting), `record` of kind greeting and the greeting prompt. Legs bind RTP on
// 127.0.0.1 ports 35900-35989 and send to a port nobody listens on.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include <asio/io_context.hpp>
#include <asio/ip/udp.hpp>
#include <unistd.h>

#include "media/engine/control_protocol.hpp"
#include "media/engine/engine.hpp"
#include "voicemail/voicemail_store.hpp"

namespace callplan::media::engine {
namespace {

using nlohmann::json;

TEST(MailboxProtocol, ActionsAndTheirFields) {
  auto list = parse_request(R"({"id":1,"op":"mailbox","leg":"m1","action":"list","company":"acme","extension":"105"})");
  ASSERT_TRUE(list.request) << list.error->message;
  EXPECT_EQ(std::get<MailboxCmd>(list.request->command).action, MailboxCmd::Action::list);
  auto save = parse_request(R"({"id":2,"op":"mailbox","leg":"m1","action":"save","company":"acme","extension":"105","message":"x"})");
  ASSERT_TRUE(save.request);
  EXPECT_EQ(std::get<MailboxCmd>(save.request->command).id, "x");
  auto keep = parse_request(R"({"id":3,"op":"mailbox","leg":"m1","action":"keep_greeting","company":"acme","extension":"105","time_zone":"Europe/Amsterdam"})");
  ASSERT_TRUE(keep.request);
  EXPECT_EQ(std::get<MailboxCmd>(keep.request->command).time_zone, "Europe/Amsterdam");
  for (const char* line : {R"({"id":4,"op":"mailbox","leg":"m1","action":"delete","company":"acme","extension":"105"})",
                           R"({"id":4,"op":"mailbox","leg":"m1","action":"burn","company":"acme","extension":"105"})",
                           R"({"id":4,"op":"mailbox","leg":"m1","action":"list","company":"acme"})"}) {
    auto p = parse_request(line);
    ASSERT_FALSE(p.request) << line;
    EXPECT_EQ(p.error->code, "bad-request") << line;
    EXPECT_EQ(p.id, 4) << line;
  }
}

TEST(MailboxProtocol, GreetingRecordingAndGreetingPrompt) {
  auto rec = parse_request(R"({"id":1,"op":"record","kind":"greeting","leg":"m1","company":"acme","extension":"105"})");
  ASSERT_TRUE(rec.request) << rec.error->message;
  EXPECT_TRUE(std::get<RecordCmd>(rec.request->command).greeting);
  EXPECT_FALSE(parse_request(R"({"id":1,"op":"record","kind":"song","leg":"m1","company":"acme","extension":"105"})").request);
  // A message still needs its caller, number called and reason.
  EXPECT_FALSE(parse_request(R"({"id":1,"op":"record","leg":"m1","company":"acme","extension":"105"})").request);
  auto play = parse_request(R"({"id":2,"op":"play","leg":"c1","prompt":{"text":"Eve is not available","language":"en","greeting":"acme/105"}})");
  ASSERT_TRUE(play.request) << play.error->message;
  EXPECT_EQ(std::get<PlayCmd>(play.request->command).prompt.greeting_of, "acme/105");
  EXPECT_FALSE(parse_request(R"({"id":3,"op":"play","leg":"c1","prompt":{"file":"a.wav","greeting":"acme/105"}})").request);
}

class MailboxOps : public ::testing::Test {
 protected:
  MailboxOps() {
    dir_ = std::filesystem::temp_directory_path() / ("callplan-mailbox-ops-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    EngineConfig config;
    config.ports = {asio::ip::make_address("127.0.0.1"), 35900, 35989};
    config.sdp_address = "127.0.0.1";
    config.state_dir = dir_ / "state";
    config.prompt_cache = dir_ / "speech";
    engine_ = std::make_unique<Engine>(io_, config, [this](const json& j) { sent_.push_back(j); },
                                       [](std::string_view) {});
    store_ = std::make_unique<voicemail::VoicemailStore>(config.state_dir, [](std::string_view) {});
    EXPECT_TRUE(call(json{{"id", 0}, {"op", "open"}, {"leg", "m1"}, {"offer", kOffer}}).value("ok", false));
  }
  ~MailboxOps() override {
    engine_.reset();
    std::filesystem::remove_all(dir_);
  }

  // One request; its reply, which may come from the worker thread (the io_context runs until
  // it is there, at most 5 s).
  json call(const json& request) {
    Parsed parsed = parse_request(request.dump());
    EXPECT_TRUE(parsed.request) << request.dump();
    if (!parsed.request) return {};
    engine_->handle(*parsed.request);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < deadline) {
      for (const json& j : sent_)
        if (j.contains("id") && j["id"] == parsed.id) return j;
      io_.restart();
      io_.run_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << "no reply to " << request.dump();
    return {};
  }
  json mailbox(int id, const char* action, const std::string& message = {}) {
    json r{{"id", id}, {"op", "mailbox"}, {"leg", "m1"}, {"action", action}, {"company", "acme"}, {"extension", "105"}};
    if (!message.empty()) r["message"] = message;
    return call(r);
  }
  std::string deposit(const char* caller) {
    voicemail::NewMessage m{caller, "", "+31881234567", std::chrono::system_clock::now(), "UTC",
                            voicemail::Reason::no_answer, {}};
    m.audio.samples.assign(3 * 8000, 100);
    auto stored = store_->deposit(box_, m);
    EXPECT_TRUE(stored && stored->has_value());
    return (stored && stored->has_value()) ? (**stored).id : std::string();
  }

  static constexpr const char* kOffer =
      "v=0\r\no=t 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
      "m=audio 35998 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n";
  voicemail::Mailbox box_ = *voicemail::Mailbox::make("acme", "105");
  std::filesystem::path dir_;
  asio::io_context io_;
  std::vector<json> sent_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<voicemail::VoicemailStore> store_;
};

TEST_F(MailboxOps, ListsNewThenSavedAndSavesAndDeletes) {
  std::string first = deposit("+31611111111");
  std::string second = deposit("+31622222222");
  ASSERT_TRUE(store_->mark_heard(box_, first));
  json listed = mailbox(1, "list");
  ASSERT_TRUE(listed.value("ok", false)) << listed.dump();
  ASSERT_EQ(listed["new"].size(), 1u);
  ASSERT_EQ(listed["saved"].size(), 1u);
  EXPECT_EQ(listed["new"][0]["id"], second);
  EXPECT_EQ(listed["new"][0]["caller"], "+31622222222");
  EXPECT_EQ(listed["new"][0]["seconds"], 3.0);
  EXPECT_TRUE(std::filesystem::exists(listed["new"][0]["file"].get<std::string>()));
  EXPECT_EQ(listed["saved"][0]["id"], first);

  EXPECT_TRUE(mailbox(2, "save", second).value("ok", false));
  EXPECT_EQ(store_->counts(box_), (voicemail::MessageCounts{0, 2}));
  EXPECT_TRUE(mailbox(3, "delete", first).value("ok", false));
  EXPECT_EQ(store_->counts(box_), (voicemail::MessageCounts{0, 1}));
  json gone = mailbox(4, "delete", first);
  EXPECT_FALSE(gone.value("ok", true));
  EXPECT_EQ(gone.value("code", ""), "store-failed");
}

TEST_F(MailboxOps, KeepGreetingNeedsAGreetingRecordedOnTheLeg) {
  json keep = mailbox(1, "keep_greeting");
  EXPECT_EQ(keep.value("code", ""), "wrong-state") << keep.dump();
  EXPECT_FALSE(store_->greeting(box_));
  json bad = call(json{{"id", 2}, {"op", "mailbox"}, {"leg", "m1"}, {"action", "list"}, {"company", "../x"}, {"extension", "105"}});
  EXPECT_EQ(bad.value("code", ""), "bad-request");
  // An empty recording (stopped at once) is not a greeting: refused, nothing written.
  EXPECT_TRUE(call(json{{"id", 3}, {"op", "record"}, {"kind", "greeting"}, {"leg", "m1"}, {"company", "acme"},
                        {"extension", "105"}, {"beep", false}}).value("ok", false));
  EXPECT_TRUE(call(json{{"id", 4}, {"op", "stop"}, {"leg", "m1"}}).value("ok", false));
  EXPECT_EQ(mailbox(5, "keep_greeting").value("code", ""), "store-failed");
  EXPECT_FALSE(store_->greeting(box_));
}

TEST_F(MailboxOps, AGreetingRecordedOnTheLegIsKeptOnlyWhenAsked) {
  json open = call(json{{"id", 1}, {"op", "open"}, {"leg", "m2"}, {"offer", kOffer}});
  ASSERT_TRUE(open.value("ok", false));
  EXPECT_TRUE(call(json{{"id", 2}, {"op", "record"}, {"kind", "greeting"}, {"leg", "m2"}, {"company", "acme"},
                        {"extension", "105"}, {"beep", false}}).value("ok", false));
  // 1.5 s of PCMU (a loud square wave) from the far end, in real time.
  asio::ip::udp::socket far(io_, asio::ip::udp::endpoint(asio::ip::make_address("127.0.0.1"), 35998));
  asio::ip::udp::endpoint to(asio::ip::make_address("127.0.0.1"), open["port"].get<std::uint16_t>());
  for (int i = 0; i < 75; ++i) {
    std::vector<std::uint8_t> packet{0x80, 0, static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i),
                                     0, 0, static_cast<std::uint8_t>((i * 160) >> 8), static_cast<std::uint8_t>(i * 160),
                                     0x12, 0x34, 0x56, 0x78};
    for (int k = 0; k < 160; ++k) packet.push_back(k % 20 < 10 ? 0x10 : 0x90);
    far.send_to(asio::buffer(packet), to);
    io_.restart();
    io_.run_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(call(json{{"id", 3}, {"op", "stop"}, {"leg", "m2"}}).value("ok", false));
  double seconds = 0;
  for (const json& j : sent_)
    if (j.value("event", "") == "greeting_recorded" && j.value("leg", "") == "m2") seconds = j.value("seconds", 0.0);
  EXPECT_GT(seconds, 1.2);
  EXPECT_FALSE(store_->greeting(box_));  // nothing written before the user keeps it
  json kept = call(json{{"id", 4}, {"op", "mailbox"}, {"leg", "m2"}, {"action", "keep_greeting"},
                        {"company", "acme"}, {"extension", "105"}});
  ASSERT_TRUE(kept.value("ok", false)) << kept.dump();
  auto greeting = store_->greeting(box_);
  ASSERT_TRUE(greeting);
  EXPECT_EQ(kept["greeting"], greeting->id);
  EXPECT_NEAR(greeting->seconds, seconds, 0.001);
  EXPECT_EQ(call(json{{"id", 5}, {"op", "mailbox"}, {"leg", "m2"}, {"action", "keep_greeting"},
                      {"company", "acme"}, {"extension", "105"}}).value("code", ""), "wrong-state");  // kept once
}

}  // namespace
}  // namespace callplan::media::engine
