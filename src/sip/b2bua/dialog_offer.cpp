// Offers inside a dialog serve is a party to: re-INVITE and UPDATE (dialog_offer.hpp).
#include "sip/b2bua/dialog_offer.hpp"

#include <algorithm>
#include <span>

#include <fmt/format.h>

#include "sip/b2bua/answered_dialog.hpp"
#include "sip/writer.hpp"

namespace callplan::sip {
namespace {

bool has_sdp(const Message& m) {
  return !m.body.empty() && m.content_type.find("application/sdp") != std::string_view::npos;
}

// The request, kept while the media process answers (the Message views the caller's buffer).
struct HeldRequest {
  std::string bytes;
  Message message;
};

// A 2xx to an INVITE or UPDATE is a target refresh's answer: it carries our Contact (12.2.2).
std::string answer_with(const Transport& transport, const Message& request, const Peer& from,
                        std::string_view sdp) {
  std::string contact = our_contact(transport, from.protocol);
  HeaderLine line{"Contact", contact};
  return build_response(request, 200, "OK",
                        {.extra = std::span(&line, 1),
                         .body = sdp,
                         .content_type = sdp.empty() ? std::string_view{} : std::string_view("application/sdp")});
}

void send_answer(const SipSide& sip, const std::shared_ptr<DialogMedia>& media, ServerId txn,
                 const Message& request, const Peer& from, std::string_view sdp) {
  std::string bytes = answer_with(sip.transport, request, from, sdp);
  sip.layer.respond(txn, bytes);
  if (request.method != Method::invite) return;
  // A re-INVITE's 2xx is resent until its ACK, like the first one. A dialog whose ACK never
  // comes stays up (its BYE ends it, not a lost ACK); only our offer stops waiting.
  std::weak_ptr<DialogMedia> weak = media;
  media->resend.start(sip.transport, sip.timers, from, std::move(bytes), request.cseq.number, [weak] {
    if (auto m = weak.lock(); m && m->pending == DialogMedia::Pending::our_offer)
      m->pending = DialogMedia::Pending::none;
  });
}

void refuse(const SipSide& sip, ServerId txn, const Message& request, int status,
            std::string_view reason, std::string_view why, bool retry_after) {
  std::string text(why);
  std::replace(text.begin(), text.end(), '"', '\'');  // the media's message quotes leg names
  std::string warning = fmt::format("399 callplan \"{}\"", text);
  HeaderLine lines[] = {{"Warning", warning}, {"Retry-After", "1"}};
  sip.layer.respond(txn, build_response(request, status, reason,
                                        {.extra = std::span(lines, retry_after ? 2 : 1)}));
}

}  // namespace

std::string_view sdp_origin(std::string_view sdp) {
  for (std::size_t at = 0; at < sdp.size();) {
    std::size_t end = sdp.find('\n', at);
    if (end == std::string_view::npos) end = sdp.size();
    std::string_view line = sdp.substr(at, end - at);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.starts_with("o=")) return line;
    at = end + 1;
  }
  return {};
}

void take_offer(const SipSide& sip, MediaControl& control, std::shared_ptr<DialogMedia> media,
                ServerId txn, const Message& request, const Peer& from,
                std::function<void(std::string_view, std::string_view)> changed) {
  const bool invite = request.method == Method::invite;
  if (media->pending == DialogMedia::Pending::answering)
    return refuse(sip, txn, request, 500, "Server Internal Error", "an earlier offer is being answered", true);
  if (media->pending == DialogMedia::Pending::our_offer && (invite || has_sdp(request)))
    return refuse(sip, txn, request, 491, "Request Pending", "our offer waits for its answer", false);
  if (!has_sdp(request)) {
    if (!invite) {  // an UPDATE without an offer: a session refresh (RFC 4028) and no more
      sip.layer.respond(txn, answer_with(sip.transport, request, from, {}));
      return;
    }
    // An offerless re-INVITE asks for our offer: the session as it is (its version
    // unchanged, RFC 3264 8), whose answer comes in the ACK.
    media->pending = DialogMedia::Pending::our_offer;
    media->offer_cseq = request.cseq.number;
    send_answer(sip, media, txn, request, from, media->our_sdp);
    return;
  }
  std::string_view origin = sdp_origin(request.body);
  if (!origin.empty() && origin == media->their_origin && !media->our_sdp.empty()) {
    // The same version of the side's session: a refresh; our answer is unchanged too.
    send_answer(sip, media, txn, request, from, media->our_sdp);
    return;
  }
  if (media->leg.empty() || !control.up()) {
    refuse(sip, txn, request, 488, "Not Acceptable Here", "the call has no media leg to change", false);
    return;
  }
  media->pending = DialogMedia::Pending::answering;
  auto held = std::make_shared<HeldRequest>();
  held->bytes.assign(request.raw);
  (void)parse_message(held->bytes, held->message);  // it parsed once already
  nlohmann::json ask{{"op", "reoffer"}, {"leg", media->leg}, {"sdp", std::string(request.body)}};
  control.request(std::move(ask), [sip, media, txn, held, from, changed = std::move(changed)](
                                      const nlohmann::json& reply) {
    media->pending = DialogMedia::Pending::none;
    const Message& offer = held->message;
    if (!reply.value("ok", false)) {
      std::string code = reply.value("code", std::string());
      std::string why = fmt::format("media: {} {}", code, reply.value("message", std::string()));
      if (code == "not-acceptable" || code == "bad-sdp")
        refuse(sip, txn, offer, 488, "Not Acceptable Here", why, false);  // the call goes on as it was
      else
        refuse(sip, txn, offer, 500, "Server Internal Error", why, true);
      return;
    }
    std::string before = media->direction;
    media->our_sdp = reply.value("sdp", std::string());
    media->their_origin.assign(sdp_origin(offer.body));
    media->direction = reply.value("direction", std::string("sendrecv"));
    send_answer(sip, media, txn, offer, from, media->our_sdp);
    if (changed) changed(before, media->direction);
  });
}

bool offer_acked(DialogMedia& media, const Message& ack) {
  if (!media.resend.acked(ack.cseq.number)) return false;
  if (media.pending == DialogMedia::Pending::our_offer && ack.cseq.number == media.offer_cseq) {
    // The answer to our unchanged offer. Taking it as the media process's new parameters
    // would need an `answer` on a running leg; the session stays as it was, which is what
    // a refresh's answer says.
    media.pending = DialogMedia::Pending::none;
  }
  return true;
}

}  // namespace callplan::sip
