#include "mail/smtp_settings.hpp"

#include <gtest/gtest.h>

namespace callplan::mail {
namespace {

TEST(SmtpUrl, PlainHostAndPort) {
  auto s = parse_smtp_url("smtp://127.0.0.1:2525");
  ASSERT_TRUE(s) << s.error();
  EXPECT_EQ(s->curl_url, "smtp://127.0.0.1:2525");
  EXPECT_EQ(s->shown_url, "smtp://127.0.0.1:2525");
  EXPECT_FALSE(s->has_login);
  EXPECT_FALSE(s->implicit_tls);
  EXPECT_EQ(s->starttls, StartTls::no);
  EXPECT_EQ(parse_smtp_url("smtp://mail.example")->curl_url, "smtp://mail.example");
  EXPECT_EQ(parse_smtp_url("smtp://[::1]:25/")->curl_url, "smtp://[::1]:25");
}

TEST(SmtpUrl, LoginStartTlsAndCaFile) {
  auto s = parse_smtp_url("smtp://anna%40acme:s3cr%3At@mail.example:587?starttls=required&cafile=/etc/ca.pem");
  ASSERT_TRUE(s) << s.error();
  EXPECT_EQ(s->curl_url, "smtp://anna%40acme:s3cr%3At@mail.example:587");
  EXPECT_TRUE(s->has_login);
  EXPECT_EQ(s->starttls, StartTls::required);
  EXPECT_EQ(s->ca_file, "/etc/ca.pem");
  EXPECT_EQ(s->shown_url, "smtp://anna%40acme:***@mail.example:587?starttls=required&cafile=/etc/ca.pem");
  EXPECT_EQ(s->shown_url.find("s3cr"), std::string::npos);
  EXPECT_EQ(parse_smtp_url("smtp://h?starttls=try")->starttls, StartTls::try_it);
  auto mech = parse_smtp_url("smtp://u:p;auth=LOGIN@h:25");
  ASSERT_TRUE(mech);
  EXPECT_EQ(mech->curl_url, "smtp://u:p;auth=LOGIN@h:25");
  EXPECT_EQ(mech->shown_url, "smtp://u:***@h:25");
}

TEST(SmtpUrl, LoginInTheClearIsKnown) {
  EXPECT_FALSE(parse_smtp_url("smtp://h")->login_in_clear());
  EXPECT_TRUE(parse_smtp_url("smtp://u:p@h")->login_in_clear());
  EXPECT_TRUE(parse_smtp_url("smtp://u:p@h?starttls=try")->login_in_clear());
  EXPECT_FALSE(parse_smtp_url("smtp://u:p@h?starttls=required")->login_in_clear());
  EXPECT_FALSE(parse_smtp_url("smtps://u:p@h")->login_in_clear());
}

TEST(SmtpUrl, ImplicitTls) {
  auto s = parse_smtp_url("smtps://u:p@mail.example");
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->implicit_tls);
  EXPECT_EQ(s->curl_url, "smtps://u:p@mail.example");
}

TEST(SmtpUrl, MistakesAreExplained) {
  EXPECT_EQ(parse_smtp_url("http://h").error(), "\"http://h\" is not an smtp:// or smtps:// URL");
  EXPECT_EQ(parse_smtp_url("smtp://").error(), "the SMTP URL has no host");
  EXPECT_EQ(parse_smtp_url("smtp://h:99999").error(), "the SMTP URL's port \"99999\" is not a port number");
  EXPECT_EQ(parse_smtp_url("smtp://h:").error(), "the SMTP URL's port \"\" is not a port number");
  EXPECT_EQ(parse_smtp_url("smtp://user@h").error(), "the SMTP URL has a user but no password (USER:PASSWORD@HOST)");
  EXPECT_EQ(parse_smtp_url("smtp://h?starttls=yes").error(), "starttls=yes in the SMTP URL: use required, try or no");
  EXPECT_EQ(parse_smtp_url("smtp://h?tls=1").error(), "unknown parameter \"tls\" in the SMTP URL (starttls, cafile)");
  EXPECT_EQ(parse_smtp_url("smtps://h?starttls=required").error(), "smtps:// is TLS from the start; starttls= is for smtp://");
  EXPECT_EQ(parse_smtp_url("smtp://h/x").error(), "the SMTP URL has a path; only host and port are used");
  EXPECT_FALSE(parse_smtp_url("smtp://[::1"));
}

}  // namespace
}  // namespace callplan::mail
