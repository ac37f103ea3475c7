// sip/transaction/own_request.hpp — what a CANCEL (RFC 3261 9.1) and the ACK for a non-2xx
// final response (17.1.1.3) copy from a client transaction's INVITE, read off the bytes the
// layer sent instead of parsing them again. Internal to the transaction layer.
//
// Why (issue 18): every branch a ring-all call CANCELs used to have its INVITE parsed twice
// more, once for the CANCEL and once for the ACK of its 487. The INVITE is our own, written
// by MessageWriter (one header field per line, folds collapsed), so its lines are read as
// they are. Anything unexpected (a folded line, a Via with two values on its line, more
// Route lines than kMaxRoutes) makes read_own_request() return false, and the layer parses
// the request as before.
//
//   OwnRequest invite;
//   if (read_own_request(txn.request, invite)) cancel = own_cancel(invite);
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace callplan::sip::transaction_detail {

struct OwnRequest {
  static constexpr std::size_t kMaxRoutes = 8;

  std::string_view request_uri;
  std::string_view top_via;   // the first Via value
  std::string_view from;      // the first From value
  std::string_view to;        // the first To value
  std::string_view call_id;   // the first Call-ID value
  std::uint32_t cseq = 0;
  // Route, From, To and Call-ID fields in the order they appear (what a CANCEL copies), with
  // their names as the layer writes them.
  struct Field {
    std::string_view name;
    std::string_view value;
  };
  std::array<Field, kMaxRoutes + 3> copied{};
  std::size_t copied_count = 0;
};

// Reads `request` (a request the layer sent). False when it cannot be read this simply.
bool read_own_request(std::string_view request, OwnRequest& out);

// RFC 3261 9.1: the CANCEL for it, as build_cancel() writes it from the parsed request.
std::string own_cancel(const OwnRequest& invite);

// 17.1.1.3: the ACK for a non-2xx final response whose To field is `response_to`.
std::string own_ack(const OwnRequest& invite, std::string_view response_to);

}  // namespace callplan::sip::transaction_detail
