#include "mail/outbox.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "mail/outbox_sender.hpp"
#include "../prompt/test_audio.hpp"

namespace callplan::mail {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using media::test::TempDir;

const Envelope envelope{"vm@acme.example", {"anna@acme.example"}};

struct Box {
  TempDir dir;
  std::vector<std::string> lines;
  Outbox outbox{dir / "outbox", [this](std::string_view l) { lines.emplace_back(l); }};
};

TEST(Outbox, EnqueueReadDeliver) {
  Box b;
  auto id = b.outbox.enqueue(envelope, "Subject: x\r\n\r\nbody\r\n");
  ASSERT_TRUE(id) << id.error();
  EXPECT_EQ(b.outbox.pending(), std::vector<std::string>{*id});
  EXPECT_TRUE(fs::exists(b.dir / "outbox" / (*id + ".mail")));
  auto mail = b.outbox.read(*id);
  ASSERT_TRUE(mail) << mail.error();
  EXPECT_EQ(mail->envelope.from, "vm@acme.example");
  EXPECT_EQ(mail->envelope.to, std::vector<std::string>{"anna@acme.example"});
  EXPECT_EQ(mail->message, "Subject: x\r\n\r\nbody\r\n");
  ASSERT_TRUE(b.outbox.delivered(*id));
  EXPECT_TRUE(b.outbox.pending().empty());
  EXPECT_FALSE(b.outbox.delivered(*id));
}

TEST(Outbox, FailedMailIsKeptWithItsReason) {
  Box b;
  auto id = b.outbox.enqueue(envelope, "m").value();
  ASSERT_TRUE(b.outbox.failed(id, "550 5.1.1 no such user"));
  EXPECT_TRUE(b.outbox.pending().empty());
  EXPECT_EQ(b.outbox.failed_ids(), std::vector<std::string>{id});
  EXPECT_EQ(media::read_whole_file(b.dir / "outbox" / "failed" / (id + ".reason")), "550 5.1.1 no such user\n");
  EXPECT_TRUE(media::read_whole_file(b.dir / "outbox" / "failed" / (id + ".mail"))->ends_with("\n\nm"));
}

TEST(Outbox, BadEnvelopesAreRefused) {
  Box b;
  EXPECT_FALSE(b.outbox.enqueue({"vm@acme.example", {}}, "m"));
  EXPECT_FALSE(b.outbox.enqueue({"vm@acme.example", {"x\nRCPT TO:<y@z>"}}, "m"));
  EXPECT_FALSE(b.outbox.enqueue({"nobody", {"anna@acme.example"}}, "m"));
  EXPECT_TRUE(b.outbox.pending().empty());
}

TEST(Outbox, FileFormatRoundTripAndErrors) {
  const std::string bytes = serialize_mail({"a@b.c", {"d@e.f", "g@h.i"}}, "X: y\r\n\r\nz");
  EXPECT_EQ(bytes, "callplan-outbox 1\nfrom: a@b.c\nto: d@e.f\nto: g@h.i\n\nX: y\r\n\r\nz");
  auto mail = parse_mail_file("id", bytes);
  ASSERT_TRUE(mail);
  EXPECT_EQ(mail->envelope.to.size(), 2U);
  EXPECT_EQ(mail->message, "X: y\r\n\r\nz");
  EXPECT_EQ(parse_mail_file("id", "junk\n\n").error(), "it does not start with \"callplan-outbox 1\"");
  EXPECT_EQ(parse_mail_file("id", "callplan-outbox 1\nfrom: a@b.c\n").error(), "the header ends without a blank line");
  EXPECT_EQ(parse_mail_file("id", "callplan-outbox 1\nfrom: a@b.c\n\nm").error(), "no to: line");
  EXPECT_EQ(parse_mail_file("id", "callplan-outbox 1\ncc: a@b.c\n\nm").error(), "unknown header line \"cc: a@b.c\"");
}

TEST(Outbox, TemporariesFromACrashAreRemovedAtOpen) {
  TempDir dir;
  fs::create_directories(dir / "outbox" / "failed");
  std::ofstream(dir / "outbox" / ".tmp-20261207T000000.000Z-1.mail-9-0") << "callplan-outbox 1\nfro";
  std::ofstream(dir / "outbox" / "20261207T000000.000Z-2.mail") << serialize_mail(envelope, "whole");
  std::vector<std::string> lines;
  Outbox outbox(dir / "outbox", [&](std::string_view l) { lines.emplace_back(l); });
  ASSERT_EQ(lines.size(), 1U);
  EXPECT_TRUE(lines[0].starts_with("mail: removed unfinished ")) << lines[0];
  EXPECT_EQ(outbox.pending(), std::vector<std::string>{"20261207T000000.000Z-2"});
}

// --- the sender, with a scripted transport ---------------------------------------------------

struct Scripted {
  std::vector<Delivery> replies;  // one per attempt, the last one repeats
  std::vector<std::string> seen;
  OutboxSender::Transport transport() {
    return [this](const QueuedMail& mail) {
      seen.push_back(mail.id);
      const auto i = std::min(seen.size() - 1, replies.size() - 1);
      return replies[i];
    };
  }
};

RetryPolicy quick() {
  RetryPolicy p;
  p.first = 20ms;
  p.longest = 80ms;
  p.rescan = 10ms;
  return p;
}

TEST(OutboxSender, BackoffDoublesUpToTheLongest) {
  RetryPolicy p;
  EXPECT_EQ(backoff_after(1, p), 10s);
  EXPECT_EQ(backoff_after(2, p), 20s);
  EXPECT_EQ(backoff_after(3, p), 40s);
  EXPECT_EQ(backoff_after(7, p), 640s);
  EXPECT_EQ(backoff_after(8, p), 900s);
  EXPECT_EQ(backoff_after(1000, p), 900s);
}

TEST(OutboxSender, DeliveredMailIsRemovedAndLogged) {
  Box b;
  auto id = b.outbox.enqueue(envelope, "m").value();
  Scripted server{{{Delivery::Outcome::delivered, 250, "250 2.0.0 Ok: queued as 4F2A"}}, {}};
  std::vector<std::string> lines;
  OutboxSender sender(b.outbox, server.transport(), quick(), [&](std::string_view l) { lines.emplace_back(l); });
  sender.run_once();
  EXPECT_TRUE(b.outbox.pending().empty());
  ASSERT_EQ(lines.size(), 1U);
  EXPECT_EQ(lines[0], "mail " + id + " to anna@acme.example attempt 1: delivered: 250 2.0.0 Ok: queued as 4F2A");
  EXPECT_EQ(sender.counts().delivered, 1U);
}

TEST(OutboxSender, RetriesWithGrowingBackoffUntilTaken) {
  Box b;
  auto id = b.outbox.enqueue(envelope, "m").value();
  Scripted server{{{Delivery::Outcome::temporary, 0, "could not connect to 127.0.0.1:24999"},
                   {Delivery::Outcome::temporary, 421, "421 4.3.2 Service not available"},
                   {Delivery::Outcome::temporary, 451, "451 4.7.1 Try again later"},
                   {Delivery::Outcome::delivered, 250, "250 OK"}},
                  {}};
  std::vector<std::string> lines;
  OutboxSender sender(b.outbox, server.transport(), quick(), [&](std::string_view l) { lines.emplace_back(l); });
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 200 && !b.outbox.pending().empty(); ++i) {
    std::this_thread::sleep_until(sender.run_once());
  }
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(b.outbox.pending().empty());
  ASSERT_EQ(lines.size(), 4U);
  const std::string head = "mail " + id + " to anna@acme.example attempt ";
  EXPECT_EQ(lines[0], head + "1: not delivered: could not connect to 127.0.0.1:24999; next attempt in 20 ms");
  EXPECT_EQ(lines[1], head + "2: not delivered: 421 4.3.2 Service not available; next attempt in 40 ms");
  EXPECT_EQ(lines[2], head + "3: not delivered: 451 4.7.1 Try again later; next attempt in 80 ms");
  EXPECT_EQ(lines[3], head + "4: delivered: 250 OK");
  // Waits of 20 + 40 + 80 ms between the attempts.
  EXPECT_GE(took, 140ms);
  EXPECT_EQ(server.seen.size(), 4U);
}

TEST(OutboxSender, PermanentRejectionGoesToFailed) {
  Box b;
  auto id = b.outbox.enqueue(envelope, "m").value();
  Scripted server{{{Delivery::Outcome::permanent, 550, "550 5.1.1 <anna@acme.example>: Recipient address rejected"}}, {}};
  std::vector<std::string> lines;
  OutboxSender sender(b.outbox, server.transport(), quick(), [&](std::string_view l) { lines.emplace_back(l); });
  sender.run_once();
  sender.run_once();
  EXPECT_TRUE(b.outbox.pending().empty());
  EXPECT_EQ(b.outbox.failed_ids(), std::vector<std::string>{id});
  EXPECT_EQ(server.seen.size(), 1U);  // never tried again
  ASSERT_EQ(lines.size(), 1U);
  EXPECT_EQ(lines[0], "mail " + id + " to anna@acme.example attempt 1: rejected: 550 5.1.1 <anna@acme.example>: "
                      "Recipient address rejected; kept in failed/" + id + ".mail");
  EXPECT_EQ(sender.counts().failed, 1U);
}

TEST(OutboxSender, DamagedFileIsSetAsideNotRetriedForever) {
  Box b;
  std::ofstream(b.dir / "outbox" / "20261207T000000.000Z-1.mail") << "not an outbox file";
  auto good = b.outbox.enqueue(envelope, "m").value();
  Scripted server{{{Delivery::Outcome::delivered, 250, "250 OK"}}, {}};
  std::vector<std::string> lines;
  OutboxSender sender(b.outbox, server.transport(), quick(), [&](std::string_view l) { lines.emplace_back(l); });
  sender.run_once();
  EXPECT_TRUE(b.outbox.pending().empty());
  EXPECT_EQ(b.outbox.failed_ids(), std::vector<std::string>{"20261207T000000.000Z-1"});
  EXPECT_EQ(server.seen, std::vector<std::string>{good});
  ASSERT_EQ(lines.size(), 2U);
  EXPECT_NE(lines[0].find("cannot be read"), std::string::npos);
}

TEST(OutboxSender, ThreadSendsWhatIsQueuedLaterAndStops) {
  Box b;
  Scripted server{{{Delivery::Outcome::delivered, 250, "250 OK"}}, {}};
  std::mutex m;
  std::vector<std::string> lines;
  RetryPolicy slow_rescan = quick();
  slow_rescan.rescan = 10s;  // only wake() can make it look
  OutboxSender sender(b.outbox, server.transport(), slow_rescan, [&](std::string_view l) {
    std::lock_guard lock(m);
    lines.emplace_back(l);
  });
  sender.start();
  std::this_thread::sleep_for(50ms);
  ASSERT_TRUE(b.outbox.enqueue(envelope, "m"));
  sender.wake();
  for (int i = 0; i < 500 && !b.outbox.pending().empty(); ++i) std::this_thread::sleep_for(10ms);
  EXPECT_TRUE(b.outbox.pending().empty());
  const auto start = std::chrono::steady_clock::now();
  sender.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
  std::lock_guard lock(m);
  EXPECT_EQ(lines.size(), 1U);
}

TEST(SmtpClient, NoServerIsATemporaryFailure) {
  auto settings = parse_smtp_url("smtp://127.0.0.1:24999").value();
  const auto result = send_mail(settings, envelope, "Subject: x\r\n\r\nx\r\n", {2s, 5s});
  EXPECT_EQ(result.outcome, Delivery::Outcome::temporary);
  EXPECT_EQ(result.code, 0);
  EXPECT_NE(result.reply.find("onnect"), std::string::npos) << result.reply;
}

}  // namespace
}  // namespace callplan::mail
