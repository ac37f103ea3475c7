// The control protocol's parser (media/engine/control_protocol.hpp): every command, and every
// malformed request gets a stable code and, when the line had one, its id back.
#include <gtest/gtest.h>

#include "media/engine/control_protocol.hpp"

namespace callplan::media::engine {
namespace {

TEST(ControlProtocol, OpenWithAndWithoutOffer) {
  auto p = parse_request(R"({"id":1,"op":"open","leg":"c1-a","offer":"v=0\r\n","rtp_timeout_ms":5000})");
  ASSERT_TRUE(p.request) << p.error->message;
  EXPECT_EQ(p.request->leg, "c1-a");
  const auto& open = std::get<OpenCmd>(p.request->command);
  EXPECT_EQ(open.offer, "v=0\r\n");
  EXPECT_EQ(open.rtp_timeout_ms, 5000u);
  auto q = parse_request(R"({"id":"x","op":"open","leg":"b"})");
  ASSERT_TRUE(q.request);
  EXPECT_FALSE(std::get<OpenCmd>(q.request->command).offer);
  EXPECT_EQ(q.request->id, "x");
}

TEST(ControlProtocol, PlayPromptKinds) {
  auto file = parse_request(R"({"id":2,"op":"play","leg":"a","prompt":{"file":"/p/closed.wav"},"barge_in":true})");
  ASSERT_TRUE(file.request);
  const auto& play = std::get<PlayCmd>(file.request->command);
  EXPECT_EQ(play.prompt.kind, PromptRef::Kind::file);
  EXPECT_TRUE(play.barge_in);
  EXPECT_FALSE(play.flush);
  auto flushed = parse_request(R"({"id":2,"op":"play","leg":"a","prompt":{"tone":"beep"},"flush":true})");
  ASSERT_TRUE(flushed.request);
  EXPECT_TRUE(std::get<PlayCmd>(flushed.request->command).flush);
  auto text = parse_request(R"({"id":3,"op":"play","leg":"a","prompt":{"text":"Welkom","language":"nl"}})");
  ASSERT_TRUE(text.request);
  EXPECT_EQ(std::get<PlayCmd>(text.request->command).prompt.language, "nl");
  EXPECT_FALSE(std::get<PlayCmd>(text.request->command).barge_in);
  auto tone = parse_request(R"({"id":4,"op":"play","leg":"a","prompt":{"tone":"ringback"}})");
  ASSERT_TRUE(tone.request);
  EXPECT_EQ(std::get<PlayCmd>(tone.request->command).prompt.kind, PromptRef::Kind::tone);
}

TEST(ControlProtocol, PromptProblems) {
  for (const char* line : {R"({"id":5,"op":"play","leg":"a"})",
                           R"({"id":5,"op":"play","leg":"a","prompt":"closed.wav"})",
                           R"({"id":5,"op":"play","leg":"a","prompt":{"file":"a.wav","text":"x"}})",
                           R"({"id":5,"op":"play","leg":"a","prompt":{"tone":"siren"}})",
                           R"({"id":5,"op":"play","leg":"a","prompt":{"file":""}})"}) {
    auto p = parse_request(line);
    ASSERT_FALSE(p.request) << line;
    EXPECT_EQ(p.error->code, "bad-request") << line;
    EXPECT_EQ(p.id, 5) << line;
  }
}

TEST(ControlProtocol, RecordFieldsAndDefaults) {
  auto p = parse_request(R"({"id":6,"op":"record","leg":"a","company":"acme","extension":"001",
    "caller":"+31612345678","called":"+31881234567","reason":"busy","email":"anna@acme.example"})");
  ASSERT_TRUE(p.request) << p.error->message;
  const auto& r = std::get<RecordCmd>(p.request->command);
  EXPECT_EQ(r.reason, "busy");
  EXPECT_EQ(r.max_seconds, 180.0);
  EXPECT_EQ(r.silence_seconds, 10.0);
  EXPECT_TRUE(r.beep);
  EXPECT_EQ(r.time_zone, "UTC");
  EXPECT_EQ(r.email, "anna@acme.example");
  auto missing = parse_request(R"({"id":7,"op":"record","leg":"a","company":"acme"})");
  ASSERT_FALSE(missing.request);
  EXPECT_NE(missing.error->message.find("extension"), std::string::npos);
  auto range = parse_request(R"({"id":8,"op":"record","leg":"a","company":"acme","extension":"1",
    "caller":"x","called":"y","reason":"busy","max_seconds":0})");
  ASSERT_FALSE(range.request);
  EXPECT_NE(range.error->message.find("max_seconds"), std::string::npos);
}

TEST(ControlProtocol, OtherCommands) {
  EXPECT_EQ(std::get<CollectCmd>(parse_request(R"({"id":1,"op":"collect","leg":"a","timeout_ms":800,"flush":true})")
                                     .request->command).timeout_ms, 800u);
  EXPECT_FALSE(std::get<RingbackCmd>(parse_request(R"({"id":1,"op":"ringback","leg":"a","on":false})").request->command).on);
  EXPECT_EQ(std::get<ReofferCmd>(parse_request(R"({"id":1,"op":"reoffer","leg":"a","sdp":"v=0"})").request->command).sdp, "v=0");
  EXPECT_EQ(parse_request(R"({"id":1,"op":"reoffer","leg":"a"})").error->code, "bad-request");
  EXPECT_EQ(std::get<BridgeCmd>(parse_request(R"({"id":1,"op":"bridge","leg":"a","with":"b"})").request->command).with, "b");
  for (const char* op : {"stop", "unbridge", "close"})
    EXPECT_TRUE(parse_request(std::string(R"({"id":1,"op":")") + op + R"(","leg":"a"})").request) << op;
  auto ping = parse_request(R"({"id":1,"op":"ping"})");
  ASSERT_TRUE(ping.request);
  EXPECT_TRUE(ping.request->leg.empty());
}

TEST(ControlProtocol, MalformedLines) {
  struct Case {
    const char* line;
    const char* code;
    bool has_id;
  };
  for (const Case& c : {Case{"not json", "bad-request", false}, Case{"[1,2]", "bad-request", false},
                        Case{R"({"op":"ping"})", "bad-request", false},
                        Case{R"({"id":1.5,"op":"ping"})", "bad-request", true},
                        Case{R"({"id":3,"op":"fly","leg":"a"})", "unknown-op", true},
                        Case{R"({"id":3,"op":"close"})", "bad-request", true},
                        Case{R"({"id":3,"op":"close","leg":""})", "bad-request", true},
                        Case{R"({"id":3,"op":7})", "bad-request", true}}) {
    auto p = parse_request(c.line);
    ASSERT_FALSE(p.request) << c.line;
    EXPECT_EQ(p.error->code, c.code) << c.line;
    EXPECT_EQ(!p.id.is_null(), c.has_id) << c.line;
  }
  EXPECT_FALSE(parse_request(std::string(kMaxLineBytes + 1, ' ')).request);
}

TEST(ControlProtocol, RepliesAndEvents) {
  EXPECT_EQ(ok_reply(4, {{"seconds", 1.5}}).dump(), R"({"id":4,"ok":true,"seconds":1.5})");
  EXPECT_EQ(error_reply("x", "unknown-leg", "no leg").dump(),
            R"({"code":"unknown-leg","id":"x","message":"no leg","ok":false})");
  EXPECT_EQ(event("digit", "a", {{"digit", "5"}}).dump(), R"({"digit":"5","event":"digit","leg":"a"})");
}

}  // namespace
}  // namespace callplan::media::engine
