// media/engine/mailbox_ops.cpp — the `mailbox` command (docs/media.md): the store operations
// of the mailbox by phone, run on the worker thread because they touch the disk. serve's
// mailbox call (src/sip/b2bua/mailbox_call.*) drives them; the message audio itself is played
// with an ordinary `play` of the file the listing names.
#include <asio/post.hpp>
#include <fmt/format.h>

#include "media/engine/engine.hpp"
#include "media/engine/worker.hpp"
#include "voicemail/voicemail_store.hpp"

namespace callplan::media::engine {

using nlohmann::json;

namespace {

// A listed message as serve's mailbox call needs it: what to say about it and what to play.
json message_json(const voicemail::VoicemailStore& store, const voicemail::Mailbox& box,
                  const voicemail::MessageRecord& m) {
  return {{"id", m.id},
          {"caller", m.caller},
          {"caller_name", m.caller_name},
          {"received", m.received},
          {"seconds", m.seconds},
          {"state", voicemail::to_string(m.state)},
          {"file", store.audio_file(box, m.id).string()}};
}

}  // namespace

void Engine::mailbox(const Request& r, const MailboxCmd& c) {
  auto box = voicemail::Mailbox::make(c.company, c.extension);
  if (!box)
    return reply_error(r.id, errc::bad_request,
                       fmt::format("no mailbox \"{}/{}\": company is [a-z0-9-]+, extension digits",
                                   c.company, c.extension));
  std::shared_ptr<const Audio> greeting;
  if (c.action == MailboxCmd::Action::keep_greeting) {
    auto it = pending_greetings_.find(r.leg);
    if (it == pending_greetings_.end())
      return reply_error(r.id, errc::wrong_state, "no greeting was recorded on this leg");
    greeting = it->second;
    pending_greetings_.erase(it);
  }
  std::weak_ptr<bool> alive = alive_;
  worker_->run([this, alive, c, box = *box, greeting, id = r.id] {
    json reply;
    std::string error;
    switch (c.action) {
      case MailboxCmd::Action::list: {
        // New messages first (SPEC 10: `1` new messages, then the saved ones), each group
        // oldest first as the store lists them.
        json fresh = json::array(), saved = json::array();
        for (const auto& m : store_->list(box).messages)
          (m.state == voicemail::MessageState::new_message ? fresh : saved)
              .push_back(message_json(*store_, box, m));
        reply = {{"new", fresh}, {"saved", saved}};
        break;
      }
      case MailboxCmd::Action::save:
        if (auto done = store_->mark_heard(box, c.id); !done) error = done.error();
        break;
      case MailboxCmd::Action::remove:
        if (auto done = store_->remove(box, c.id); !done) error = done.error();
        break;
      case MailboxCmd::Action::keep_greeting: {
        auto stored = store_->store_greeting(box, *greeting, std::chrono::system_clock::now(), c.time_zone);
        if (!stored)
          error = stored.error();
        else
          reply = {{"greeting", stored->id}, {"seconds", stored->seconds}};  // "id" is the request's
        if (stored) log_(fmt::format("voicemail {}: new greeting {} ({:.1f} s)", box.name(), stored->id, stored->seconds));
        break;
      }
    }
    asio::post(io_, [this, alive, id, error, reply = std::move(reply)]() mutable {
      if (alive.expired()) return;
      if (!error.empty()) return reply_error(id, "store-failed", error);
      reply_ok(id, reply.is_null() ? json::object() : std::move(reply));
    });
  });
}

}  // namespace callplan::media::engine
