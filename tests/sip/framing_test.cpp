// Content-Length framing on stream transports.
#include <string>

#include <gtest/gtest.h>

#include "sip/framing.hpp"
#include "sip/message.hpp"
#include "sample_messages.hpp"

namespace callplan::sip {
namespace {

using test::kInvite;
using test::kRegister;

TEST(StreamFramer, FindsBackToBackMessages) {
  const std::string stream = kInvite + kRegister;
  StreamFramer framer;
  Frame f = framer.next(stream);
  ASSERT_EQ(f.status, FrameStatus::complete);
  EXPECT_EQ(f.skip, 0u);
  EXPECT_EQ(f.length, kInvite.size());
  const std::string_view rest = std::string_view(stream).substr(f.length);
  f = framer.next(rest);
  ASSERT_EQ(f.status, FrameStatus::complete);
  EXPECT_EQ(f.length, kRegister.size());
  Message m;
  ParseOptions stream_options;
  stream_options.framing = Framing::stream;
  EXPECT_TRUE(parse_message(rest.substr(0, f.length), m, stream_options).ok());
}

TEST(StreamFramer, NeedsMoreUntilTheBodyIsComplete) {
  StreamFramer framer;
  // Feed one byte at a time: need_more until the last byte, then complete.
  for (std::size_t n = 1; n < kInvite.size(); ++n) {
    ASSERT_EQ(framer.next(std::string_view(kInvite).substr(0, n)).status, FrameStatus::need_more)
        << n;
  }
  const Frame f = framer.next(kInvite);
  EXPECT_EQ(f.status, FrameStatus::complete);
  EXPECT_EQ(f.length, kInvite.size());
}

TEST(StreamFramer, ReportsKeepalivesAndSkipsLeadingCrlf) {
  StreamFramer framer;
  Frame f = framer.next("\r\n\r\n");
  EXPECT_EQ(f.status, FrameStatus::keepalive);
  EXPECT_EQ(f.skip, 4u);
  const std::string stream = "\r\n" + kRegister;
  f = framer.next(stream);
  ASSERT_EQ(f.status, FrameStatus::complete);
  EXPECT_EQ(f.skip, 2u);
  EXPECT_EQ(f.length, kRegister.size());
}

TEST(StreamFramer, MissingContentLengthMeansNoBody) {
  const std::string text = "OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP h\r\n\r\nNEXT";
  StreamFramer framer;
  const Frame f = framer.next(text);
  ASSERT_EQ(f.status, FrameStatus::complete);
  EXPECT_EQ(f.length, text.size() - 4);
}

TEST(StreamFramer, CompactAndFoldedContentLengthCount) {
  const std::string text = "OPTIONS sip:a@b SIP/2.0\r\nl :\r\n  3\r\n\r\nabcdef";
  StreamFramer framer;
  const Frame f = framer.next(text);
  ASSERT_EQ(f.status, FrameStatus::complete);
  EXPECT_EQ(f.length, text.size() - 3);
}

TEST(StreamFramer, RefusesWhatCannotBeResynchronised) {
  StreamFramer framer;
  Frame f = framer.next("OPTIONS sip:a@b SIP/2.0\r\nContent-Length: -1\r\n\r\n");
  EXPECT_EQ(f.status, FrameStatus::invalid);
  f = framer.next("OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 1\r\nl: 2\r\n\r\nab");
  EXPECT_EQ(f.status, FrameStatus::invalid);
  EXPECT_EQ(f.error, "two different Content-Length values");
  f = framer.next("OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 99999999999\r\n\r\n");
  EXPECT_EQ(f.status, FrameStatus::invalid);
  // Endless headers: refused once past the size limit, not buffered forever.
  ParseLimits limits;
  limits.max_message_size = 1024;
  StreamFramer bounded(limits);
  const std::string junk(2000, 'a');
  f = bounded.next(junk);
  EXPECT_EQ(f.status, FrameStatus::invalid);
}

TEST(StreamFramer, TerminatorSplitAcrossReadsIsFound) {
  const std::string text = "OPTIONS sip:a@b SIP/2.0\r\nl: 0\r\n\r\n";
  StreamFramer framer;
  EXPECT_EQ(framer.next(std::string_view(text).substr(0, text.size() - 3)).status,
            FrameStatus::need_more);
  EXPECT_EQ(framer.next(std::string_view(text).substr(0, text.size() - 1)).status,
            FrameStatus::need_more);
  EXPECT_EQ(framer.next(text).status, FrameStatus::complete);
}

}  // namespace
}  // namespace callplan::sip
