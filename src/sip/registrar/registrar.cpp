#include "sip/registrar/registrar.hpp"

#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "sip/name_addr.hpp"
#include "sip/registrar/contact_match.hpp"
#include "sip/uri.hpp"

namespace callplan::sip {
namespace {

// One Contact value of the REGISTER, checked and with its expiry worked out. The views point
// into the request.
struct RequestedContact {
  Uri uri;
  std::uint32_t expires = 0;  // seconds, already capped at the maximum; 0 removes
  int q_millis = 1000;
};

RegisterOutcome refuse(int status, std::string reason, std::string warning) {
  RegisterOutcome out;
  out.status = status;
  out.reason = std::move(reason);
  out.warning = std::move(warning);
  return out;
}

std::optional<Uri> parse_stored(const Binding& binding) {
  Uri uri;
  if (parse_uri(binding.contact, uri) != UriError::none) return std::nullopt;
  return uri;
}

// The binding in `bindings` whose contact is the same URI (RFC 3261 19.1.4), or end().
std::vector<Binding>::iterator find_binding(std::vector<Binding>& bindings, const Uri& uri) {
  return std::find_if(bindings.begin(), bindings.end(), [&](const Binding& b) {
    const std::optional<Uri> stored = parse_stored(b);
    return stored && same_contact_uri(*stored, uri);
  });
}

// RFC 3261 10.3 steps 6 and 7: within one Call-ID the CSeq must grow, or the REGISTER is an
// old one arriving late (or a retransmission that already took effect). The RFC says the
// request "MUST be aborted and the request fails"; 500 is what it names in step 7.
bool out_of_order(const Binding& b, const Message& request) {
  return b.call_id == request.call_id && request.cseq.number <= b.cseq;
}

std::uint32_t remaining_seconds(const Binding& b, std::chrono::steady_clock::time_point now) {
  const auto left = std::chrono::ceil<std::chrono::seconds>(b.expires - now).count();
  return static_cast<std::uint32_t>(std::max<std::int64_t>(left, 0));
}

}  // namespace

std::vector<HeaderLine> RegisterOutcome::headers() const {
  std::vector<HeaderLine> lines;
  lines.reserve(contacts.size() + 1);
  for (const std::string& contact : contacts) lines.push_back({"Contact", contact});
  if (!min_expires.empty()) lines.push_back({"Min-Expires", min_expires});
  return lines;
}

Registrar::Registrar(Location& location, RegistrarPolicy policy)
    : location_(location), policy_(policy) {
  // A policy that cannot be met would make every REGISTER fail in confusing ways.
  policy_.min_expires = std::min(policy_.min_expires, policy_.max_expires);
  policy_.default_expires =
      std::clamp(policy_.default_expires, policy_.min_expires, policy_.max_expires);
}

RegisterOutcome Registrar::handle(const Message& request, std::string_view username,
                                  const Peer& from, TimePoint now) {
  // Step 4 (authorization): a device may only change the bindings of its own address of
  // record, so the To user must be the username it authenticated as. The host part is not
  // compared: phones put the server's address there, which may be any of its names.
  if (!request.to.uri.is_sip() || unescape(request.to.uri.user) != username) {
    return refuse(403, "Forbidden", "To is not the address of record of the authenticated user");
  }

  // Steps 6 and 7, first pass: read and check every Contact before changing anything, since
  // the updates are committed all together or not at all.
  bool wildcard = false;
  std::size_t values = 0;
  std::vector<RequestedContact> requested;
  std::uint32_t max_expires = policy_.max_expires;
  if (from.protocol == Protocol::tcp && policy_.max_expires_connection != 0)
    max_expires = std::max(policy_.min_expires,
                           std::min(max_expires, policy_.max_expires_connection));
  std::optional<RegisterOutcome> failure;
  request.for_each_value(HeaderId::contact, [&](std::string_view value) {
    ++values;
    NameAddr contact;
    if (parse_name_addr(value, contact, NameAddrOptions{.allow_wildcard = true}) !=
        NameAddrError::none) {
      failure = refuse(400, "Bad Request", "a Contact value does not parse");
      return false;
    }
    if (contact.wildcard) {
      wildcard = true;
      return true;
    }
    // RFC 4475 unksm2 / regescrt: only SIP contacts can be called, and headers in a contact
    // would be copied into the requests we send to it.
    if (!contact.uri.is_sip()) {
      failure = refuse(400, "Bad Request", "a Contact is not a sip: or sips: URI");
      return false;
    }
    if (!contact.uri.headers.empty()) {
      failure = refuse(400, "Bad Request", "a Contact URI carries headers");
      return false;
    }
    RequestedContact r;
    r.uri = contact.uri;
    r.q_millis = contact_q_millis(contact);
    std::uint64_t expires = policy_.default_expires;
    if (const std::optional<std::uint32_t> param = contact_expires(contact)) {
      expires = *param;
    } else if (request.expires >= 0) {
      expires = static_cast<std::uint64_t>(request.expires);
    }
    if (expires != 0 && expires < policy_.min_expires) {
      failure = refuse(423, "Interval Too Brief",
                       fmt::format("a Contact asks for {} s, below the minimum", expires));
      failure->min_expires = std::to_string(policy_.min_expires);
      return false;
    }
    r.expires = static_cast<std::uint32_t>(std::min<std::uint64_t>(expires, max_expires));
    requested.push_back(r);
    return true;
  });
  if (failure) return *std::move(failure);
  if (wildcard && (values != 1 || request.expires != 0)) {
    return refuse(400, "Bad Request", "Contact: * needs to stand alone with Expires: 0");
  }

  // Work on a copy of the live bindings; expired ones are simply not carried over.
  const std::span<const Binding> stored = location_.stored(username);
  // Presence was last announced from what is stored (expire() announces the losses), so
  // compare against that, not against what is live right now.
  const bool was_registered = !stored.empty();
  std::vector<Binding> live;
  for (const Binding& b : stored) {
    if (b.expires > now) live.push_back(b);
  }
  std::vector<Binding> next = live;

  if (wildcard) {
    // Step 6: remove every binding, unless one of them was made later in the same Call-ID.
    for (const Binding& b : live) {
      if (out_of_order(b, request)) {
        return refuse(500, "Server Internal Error", "CSeq out of order for Contact: *");
      }
    }
    next.clear();
  }
  for (const RequestedContact& r : requested) {
    // Ordering is checked against the bindings before this request, so the same URI twice in
    // one REGISTER is applied in order instead of failing against itself.
    const auto before = find_binding(live, r.uri);
    if (before != live.end() && out_of_order(*before, request)) {
      return refuse(500, "Server Internal Error", "CSeq out of order for a Contact");
    }
    const auto it = find_binding(next, r.uri);
    if (r.expires == 0) {
      if (it != next.end()) next.erase(it);
      continue;
    }
    Binding& b = it != next.end() ? *it : next.emplace_back();
    b.contact = std::string(r.uri.text);
    b.source = from;
    b.through = {};  // registered here now, whichever node held it before
    b.expires = now + std::chrono::seconds(r.expires);
    b.q_millis = r.q_millis;
    b.call_id = std::string(request.call_id);
    b.cseq = request.cseq.number;
    b.updated = now;
  }
  if (next.size() > policy_.max_contacts) {
    // 403 rather than a 5xx: retrying does not help, the device has to register fewer.
    return refuse(403, "Forbidden",
                  fmt::format("{} contacts, more than the {} allowed", next.size(),
                              policy_.max_contacts));
  }

  // Commit (step 7 end) and answer with every live binding (step 8).
  location_.bindings_of(username) = std::move(next);
  location_.notify(username, was_registered, now);
  RegisterOutcome out;
  for (const Binding* b : location_.lookup(username, now)) {
    out.contacts.push_back(fmt::format("<{}>;expires={}", b->contact, remaining_seconds(*b, now)));
  }
  return out;
}

}  // namespace callplan::sip
