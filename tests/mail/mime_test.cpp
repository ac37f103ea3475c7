#include "mail/mime.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <date/date.h>

namespace callplan::mail {
namespace {

std::string unbase64(std::string_view text) {
  std::string out(text.size(), '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  out.resize(static_cast<std::size_t>(n));
  while (text.ends_with("=")) {  // EVP_DecodeBlock keeps the padding's zero bytes
    out.pop_back();
    text.remove_suffix(1);
  }
  return out;
}

// The text back from a header of encoded-words, as a mail reader would show it.
std::string decode_words(const std::string& header) {
  std::string out;
  std::size_t pos = 0;
  while ((pos = header.find("=?UTF-8?B?", pos)) != std::string::npos) {
    const auto end = header.find("?=", pos + 10);
    out += unbase64(std::string_view(header).substr(pos + 10, end - pos - 10));
    pos = end + 2;
  }
  return out;
}

TEST(Base64, KnownValuesAndLineLength) {
  EXPECT_EQ(base64("", 0), "");
  EXPECT_EQ(base64("f", 0), "Zg==");
  EXPECT_EQ(base64("fo", 0), "Zm8=");
  EXPECT_EQ(base64("foobar", 0), "Zm9vYmFy");
  EXPECT_EQ(base64("foobar"), "Zm9vYmFy\r\n");
  std::string bytes;
  for (int i = 0; i < 1000; ++i) bytes.push_back(static_cast<char>(i * 7));
  const std::string lines = base64(bytes);
  std::size_t start = 0, count = 0;
  std::string joined;
  while (start < lines.size()) {
    const auto end = lines.find("\r\n", start);
    ASSERT_NE(end, std::string::npos);
    EXPECT_LE(end - start, 76U);
    if (end + 2 < lines.size()) {
      EXPECT_EQ(end - start, 76U);  // every line but the last is full
    }
    joined += lines.substr(start, end - start);
    start = end + 2;
    ++count;
  }
  EXPECT_EQ(count, (4 * 334 + 75) / 76);
  EXPECT_EQ(unbase64(joined), bytes);
}

TEST(HeaderText, AsciiStaysNonAsciiIsEncoded) {
  EXPECT_EQ(encode_header_text("Voicemail from +31612345678"), "Voicemail from +31612345678");
  EXPECT_EQ(encode_header_text("Jürgen"), "=?UTF-8?B?SsO8cmdlbg==?=");
  EXPECT_EQ(decode_words(encode_header_text("Jürgen")), "Jürgen");
}

TEST(HeaderText, LongTextIsSplitBetweenCharactersIntoShortWords) {
  std::string text;
  for (int i = 0; i < 40; ++i) text += "é€😀a";  // 2-, 3- and 4-byte characters
  const std::string header = encode_header_text(text);
  std::size_t pos = 0, words = 0;
  while (pos < header.size()) {
    auto end = header.find("\r\n ", pos);
    if (end == std::string::npos) end = header.size();
    const std::string word = header.substr(pos, end - pos);
    EXPECT_LE(word.size(), 75U);
    EXPECT_TRUE(word.starts_with("=?UTF-8?B?") && word.ends_with("?=")) << word;
    // Each word alone is valid UTF-8: it decodes to whole characters.
    const std::string piece = decode_words(word);
    const auto lead = static_cast<unsigned char>(piece[0]);
    EXPECT_TRUE(lead < 0x80 || lead >= 0xC0) << word;
    pos = end + 3;
    ++words;
  }
  EXPECT_GT(words, 5U);
  EXPECT_EQ(decode_words(header), text);
}

TEST(Address, QuotedEncodedOrBare) {
  EXPECT_EQ(format_address({"", "anna@acme.example"}), "anna@acme.example");
  EXPECT_EQ(format_address({"Anna de Vries", "anna@acme.example"}), "Anna de Vries <anna@acme.example>");
  EXPECT_EQ(format_address({"Vries, Anna \"A\"", "a@b.c"}), "\"Vries, Anna \\\"A\\\"\" <a@b.c>");
  EXPECT_EQ(format_address({"Jürgen", "j@b.c"}), "=?UTF-8?B?SsO8cmdlbg==?= <j@b.c>");
}

TEST(QuotedPrintable, EncodesWhatMustBeAndKeepsLinesShort) {
  EXPECT_EQ(quoted_printable("a=b\n"), "a=3Db\r\n");
  EXPECT_EQ(quoted_printable("café"), "caf=C3=A9");
  EXPECT_EQ(quoted_printable("trailing \nspace"), "trailing=20\r\nspace");
  EXPECT_EQ(quoted_printable("From here\n"), "=46rom here\r\n");
  const std::string long_line(200, 'x');
  const std::string qp = quoted_printable(long_line + "é");
  std::size_t start = 0;
  std::string back;
  while (start < qp.size()) {
    auto end = qp.find("\r\n", start);
    if (end == std::string::npos) end = qp.size();
    EXPECT_LE(end - start, 76U);
    back += qp.substr(start, end - start);
    start = end + 2;
  }
  EXPECT_EQ(back.find("=3D"), std::string::npos);
}

TEST(DateHeader, Rfc5322InTheZone) {
  using namespace date;
  const auto when = sys_days{2026_y / December / 7} + std::chrono::hours(2) + std::chrono::minutes(13) +
                    std::chrono::seconds(5);
  EXPECT_EQ(rfc5322_date(when, "Europe/Amsterdam"), "Mon, 07 Dec 2026 03:13:05 +0100");
  EXPECT_EQ(rfc5322_date(when, "America/New_York"), "Sun, 06 Dec 2026 21:13:05 -0500");
  EXPECT_EQ(rfc5322_date(when, "No/Where"), "Mon, 07 Dec 2026 02:13:05 +0000");
}

TEST(MessageId, UniqueAtTheSendersDomain) {
  const auto a = make_message_id("voicemail@acme.example");
  const auto b = make_message_id("voicemail@acme.example");
  EXPECT_NE(a, b);
  EXPECT_TRUE(a.starts_with("<") && a.ends_with("@acme.example>")) << a;
}

TEST(Render, MultipartWithOneAttachment) {
  MailMessage m{{"Voicemail", "vm@acme.example"}, {"Anna", "anna@acme.example"}, "Subject é", "Body\nline 2\n",
                Attachment{"msg.wav", "audio/wav", std::string("RIFF\0\1\2", 7)}, std::chrono::system_clock::now(),
                "Europe/Amsterdam"};
  auto bytes = render(m);
  ASSERT_TRUE(bytes) << bytes.error();
  const std::string& s = *bytes;
  EXPECT_NE(s.find("From: Voicemail <vm@acme.example>\r\n"), std::string::npos);
  EXPECT_NE(s.find("Subject: =?UTF-8?B?"), std::string::npos);
  EXPECT_NE(s.find("\r\nDate: "), std::string::npos);
  EXPECT_NE(s.find("\r\nMessage-ID: <"), std::string::npos);
  EXPECT_NE(s.find("Content-Type: multipart/mixed;\r\n boundary=\"=_callplan_"), std::string::npos);
  EXPECT_NE(s.find("Content-Type: audio/wav;\r\n name=\"msg.wav\"\r\n"), std::string::npos);
  EXPECT_NE(s.find("Content-Disposition: attachment;\r\n filename=\"msg.wav\"\r\n"), std::string::npos);
  EXPECT_NE(s.find(base64(std::string("RIFF\0\1\2", 7))), std::string::npos);
  // No bare LF anywhere: SMTP wants CRLF.
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n') {
      ASSERT_TRUE(i > 0 && s[i - 1] == '\r') << "bare LF at " << i;
    }
  }
}

TEST(Render, LongHeadersAreFoldedAtSpaces) {
  MailMessage m{{"Voicemail", "vm@acme.example"}, {"Anna", "anna@acme.example"}, "", "Body", std::nullopt,
                std::chrono::system_clock::now(), "UTC"};
  for (int i = 0; i < 12; ++i) m.subject += "word" + std::to_string(i) + " and ";
  m.subject += "end";
  const std::string s = render(m).value();
  const auto start = s.find("Subject:");
  const auto end = s.find("\r\nDate:");
  const std::string folded = s.substr(start, end - start);
  std::size_t lines = 0;
  std::string unfolded;
  for (std::size_t pos = 0;;) {
    const auto nl = folded.find("\r\n", pos);
    const std::string line = folded.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    EXPECT_LE(line.size(), 78U) << line;
    if (lines > 0) {
      EXPECT_EQ(line[0], ' ');
    }
    unfolded += line;
    ++lines;
    if (nl == std::string::npos) break;
    pos = nl + 2;
  }
  EXPECT_GT(lines, 1U);
  EXPECT_EQ(unfolded, "Subject: " + m.subject);  // unfolding (removing CRLF) gives the text back
}

TEST(Render, NothingATenantWritesCanAddAHeader) {
  MailMessage m{{"Voicemail", "vm@acme.example"}, {"Anna", "anna@acme.example"}, "Hi", "Body", std::nullopt,
                std::chrono::system_clock::now(), "UTC"};
  auto bad = m;
  bad.subject = "Hi\r\nBcc: victim@example.com";
  EXPECT_EQ(render(bad).error(), "the subject contains a line break");
  bad = m;
  bad.to.name = "Anna\nBcc: x@y.z";
  EXPECT_EQ(render(bad).error(), "a name contains a line break");
  bad = m;
  bad.to.email = "anna@acme.example>, <victim@example.com";
  EXPECT_FALSE(render(bad));
  EXPECT_TRUE(render(m));
}

TEST(EmailAddress, PlausibleAddressesOnly) {
  EXPECT_TRUE(is_email_address("anna@acme.example"));
  for (auto bad : {"", "anna", "@acme", "anna@", "a@b@c", "an na@b", "a@b\r\n", "<a@b>"}) {
    EXPECT_FALSE(is_email_address(bad)) << bad;
  }
}

}  // namespace
}  // namespace callplan::mail
