// The engine's dispatcher (media/engine/engine.hpp) without a control socket: requests in,
// replies and events captured. Exactly one reply per request, the right error codes for
// unknown legs, wrong states and busy legs; a closed leg's collect ends with its timeout event.
// Legs bind RTP on 127.0.0.1 ports 25900-25989 and send to a port nobody listens on.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include <asio/io_context.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include "media/engine/control_protocol.hpp"
#include "media/engine/engine.hpp"

namespace callplan::media::engine {
namespace {

const char* kOffer =
    "v=0\r\no=t 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
    "m=audio 25998 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n";

class Dispatch : public ::testing::Test {
 protected:
  Dispatch() {
    dir_ = std::filesystem::temp_directory_path() / ("callplan-engine-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    EngineConfig config;
    config.ports = {asio::ip::make_address("127.0.0.1"), 25900, 25989};
    config.sdp_address = "127.0.0.1";
    config.state_dir = dir_ / "state";
    config.prompt_cache = dir_ / "speech";
    engine_ = std::make_unique<Engine>(io_, config, [this](const nlohmann::json& j) { sent_.push_back(j); },
                                       [](std::string_view) {});
  }
  ~Dispatch() override {
    engine_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Sends one request line and returns its reply (the only one with its id).
  nlohmann::json call(const std::string& line) {
    Parsed parsed = parse_request(line);
    EXPECT_TRUE(parsed.request) << line;
    std::size_t before = sent_.size();
    engine_->handle(*parsed.request);
    nlohmann::json reply;
    int replies = 0;
    for (std::size_t i = before; i < sent_.size(); ++i)
      if (sent_[i].contains("id") && sent_[i]["id"] == parsed.id) {
        reply = sent_[i];
        ++replies;
      }
    EXPECT_EQ(replies, 1) << line;
    return reply;
  }
  std::vector<nlohmann::json> events(const std::string& name) const {
    std::vector<nlohmann::json> out;
    for (const auto& j : sent_)
      if (j.value("event", "") == name) out.push_back(j);
    return out;
  }

  std::filesystem::path dir_;
  asio::io_context io_;
  std::vector<nlohmann::json> sent_;
  std::unique_ptr<Engine> engine_;
};

std::string open_line(int id, const std::string& leg) {
  nlohmann::json j{{"id", id}, {"op", "open"}, {"leg", leg}, {"offer", kOffer}};
  return j.dump();
}

TEST_F(Dispatch, OpenAnswersTheOfferAndCloseFreesTheLeg) {
  auto reply = call(open_line(1, "a"));
  ASSERT_TRUE(reply["ok"]) << reply;
  EXPECT_EQ(reply["codec"], "PCMU");
  EXPECT_TRUE(reply["telephone_event"]);
  int port = reply["port"];
  EXPECT_TRUE(port >= 25900 && port <= 25989 && port % 2 == 0);
  EXPECT_NE(reply["sdp"].get<std::string>().find("m=audio " + std::to_string(port)), std::string::npos);
  EXPECT_EQ(call(open_line(2, "a"))["code"], "leg-exists");
  EXPECT_EQ(call(R"({"id":3,"op":"ping"})")["legs"], 1);
  EXPECT_TRUE(call(R"({"id":4,"op":"close","leg":"a"})")["ok"]);
  EXPECT_EQ(call(R"({"id":5,"op":"ping"})")["legs"], 0);
  EXPECT_EQ(call(R"({"id":6,"op":"close","leg":"a"})")["code"], "unknown-leg");
}

TEST_F(Dispatch, WrongStatesAndBusyLegs) {
  ASSERT_TRUE(call(R"({"id":1,"op":"open","leg":"out"})")["ok"]);
  EXPECT_EQ(call(R"({"id":2,"op":"collect","leg":"out"})")["code"], "wrong-state");
  EXPECT_EQ(call(R"({"id":3,"op":"ringback","leg":"out"})")["code"], "wrong-state");
  ASSERT_TRUE(call(open_line(4, "a"))["ok"]);
  ASSERT_TRUE(call(open_line(5, "b"))["ok"]);
  EXPECT_EQ(call(R"({"id":6,"op":"bridge","leg":"a","with":"out"})")["code"], "wrong-state");
  EXPECT_EQ(call(R"({"id":7,"op":"unbridge","leg":"a"})")["code"], "wrong-state");
  ASSERT_TRUE(call(R"({"id":8,"op":"record","leg":"a","company":"acme","extension":"001","caller":"1",
                      "called":"2","reason":"busy"})")["ok"]);
  EXPECT_EQ(call(R"({"id":9,"op":"play","leg":"a","prompt":{"tone":"beep"}})")["code"], "busy");
  EXPECT_EQ(call(R"({"id":10,"op":"bridge","leg":"b","with":"a"})")["code"], "busy");
  EXPECT_EQ(call(R"({"id":11,"op":"record","leg":"b","company":"Acme!","extension":"001","caller":"1",
                      "called":"2","reason":"busy"})")["code"], "bad-request");
  EXPECT_EQ(call(R"({"id":12,"op":"record","leg":"b","company":"acme","extension":"001","caller":"1",
                      "called":"2","reason":"bored"})")["code"], "bad-request");
  ASSERT_TRUE(call(R"({"id":13,"op":"play","leg":"b","prompt":{"tone":"ringback"}})")["ok"]);
  ASSERT_TRUE(call(R"({"id":14,"op":"close","leg":"a"})")["ok"]);  // during the beep: nothing recorded
  ASSERT_TRUE(call(open_line(15, "c"))["ok"]);
  auto bridged = call(R"({"id":16,"op":"bridge","leg":"b","with":"c"})");
  ASSERT_TRUE(bridged["ok"]);
  EXPECT_FALSE(bridged["transcoding"]);
  // The ringback that was playing on b ended when the bridge took over.
  ASSERT_EQ(events("played").size(), 1u);
  EXPECT_EQ(events("played")[0]["why"], "stopped");
  EXPECT_EQ(call(R"({"id":17,"op":"play","leg":"c","prompt":{"tone":"beep"}})")["code"], "busy");
}

TEST_F(Dispatch, CloseEndsACollectAndDisconnectClosesEverything) {
  ASSERT_TRUE(call(open_line(1, "a"))["ok"]);
  ASSERT_TRUE(call(open_line(2, "b"))["ok"]);
  ASSERT_TRUE(call(R"({"id":3,"op":"collect","leg":"a","timeout_ms":60000})")["ok"]);
  engine_->close_all();
  EXPECT_EQ(engine_->leg_count(), 0u);
  auto timeouts = events("timeout");
  ASSERT_EQ(timeouts.size(), 1u);
  EXPECT_EQ(timeouts[0]["leg"], "a");
  EXPECT_EQ(timeouts[0]["why"], "closed");
}

TEST_F(Dispatch, CollectTimesOutOnTheTick) {
  ASSERT_TRUE(call(open_line(1, "a"))["ok"]);
  ASSERT_TRUE(call(R"({"id":2,"op":"collect","leg":"a","timeout_ms":50})")["ok"]);
  io_.run_for(std::chrono::milliseconds(200));
  auto timeouts = events("timeout");
  ASSERT_EQ(timeouts.size(), 1u);
  EXPECT_EQ(timeouts[0]["why"], "no_digit");
}

// A hold and a resume (RFC 3264 8.4): the answer keeps the port and the session id, its
// version goes up by one each time, the direction is mirrored; no common codec leaves the
// leg as it was; a leg still waiting for the answer to its own offer takes no new offer.
TEST_F(Dispatch, ReofferAnswersHoldAndResumeOnTheSamePort) {
  auto opened = call(open_line(1, "a"));
  ASSERT_TRUE(opened["ok"]) << opened;
  auto reoffer = [&](int id, const std::string& leg, const std::string& sdp) {
    return call(nlohmann::json{{"id", id}, {"op", "reoffer"}, {"leg", leg}, {"sdp", sdp}}.dump());
  };
  std::string hold = std::string(kOffer) + "a=sendonly\r\n";
  auto held = reoffer(2, "a", hold);
  ASSERT_TRUE(held["ok"]) << held;
  EXPECT_EQ(held["direction"], "recvonly");
  std::string answer = held["sdp"].get<std::string>();
  EXPECT_NE(answer.find("a=recvonly"), std::string::npos) << answer;
  EXPECT_NE(answer.find(fmt::format("m=audio {} ", opened["port"].get<int>())), std::string::npos) << answer;
  auto origin = [](const nlohmann::json& body) {  // "o=callplan <id> <version>"
    std::string sdp = body.get<std::string>();
    auto at = sdp.find("o=");
    return sdp.substr(at, sdp.find(" IN ", at) - at);
  };
  std::string before = origin(opened["sdp"]), after = origin(held["sdp"]);
  EXPECT_EQ(before.substr(0, before.rfind(' ')), after.substr(0, after.rfind(' ')));  // the session id
  EXPECT_EQ(before.back(), '0');
  EXPECT_EQ(after.back(), '1');

  std::string inactive = "v=0\r\no=t 1 3 IN IP4 0.0.0.0\r\ns=-\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\n"
                         "m=audio 25998 RTP/AVP 8\r\na=inactive\r\n";
  auto off = reoffer(3, "a", inactive);
  ASSERT_TRUE(off["ok"]) << off;
  EXPECT_EQ(off["direction"], "inactive");
  EXPECT_EQ(off["codec"], "PCMA");
  EXPECT_EQ(origin(off["sdp"]).back(), '2');

  auto resumed = reoffer(4, "a", kOffer);
  EXPECT_EQ(resumed["direction"], "sendrecv");
  EXPECT_EQ(resumed["codec"], "PCMU");
  EXPECT_EQ(origin(resumed["sdp"]).back(), '3');

  std::string g722_only = "v=0\r\no=t 1 4 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                           "m=audio 25998 RTP/AVP 9\r\n";
  auto refused = reoffer(5, "a", g722_only);
  EXPECT_EQ(refused["code"], "not-acceptable") << refused;
  EXPECT_EQ(origin(reoffer(6, "a", kOffer)["sdp"]).back(), '4');  // the refused one took no version

  ASSERT_TRUE(call(R"({"id":7,"op":"open","leg":"b"})")["ok"]);
  EXPECT_EQ(reoffer(8, "b", kOffer)["code"], "wrong-state");
  EXPECT_EQ(reoffer(9, "c", kOffer)["code"], "unknown-leg");
  EXPECT_EQ(reoffer(10, "a", "not sdp")["code"], "bad-sdp");
}

}  // namespace
}  // namespace callplan::media::engine
