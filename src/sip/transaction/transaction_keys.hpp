// sip/transaction/transaction_keys.hpp — the strings transactions are found by (RFC 3261
// 17.1.3 for responses, 17.2.3 for requests). Internal to the transaction layer.
//
// Each function writes the key into `out` (cleared first), so the layer can reuse one scratch
// string per lookup and allocate only when it stores a new key. Keys of the two request kinds
// start with different letters, so they share one map without colliding.
#pragma once

#include <string>
#include <string_view>

#include "sip/message.hpp"

namespace callplan::sip::transaction_detail {

// RFC 3261 17.2.3: top Via branch, sent-by and the method of the transaction: ACK belongs to
// the INVITE; CANCEL has its own transaction (pass "INVITE" as `method` to find the INVITE a
// CANCEL is for). Precondition: request.top_via.rfc3261_branch().
void branch_key(const Message& request, std::string_view method, std::string& out);

// RFC 2543 fallback (17.2.3): Request-URI, To tag, From tag, Call-ID, CSeq number, top Via
// and the method of the transaction. `to_tag` is passed in because an ACK for a non-2xx
// carries the tag of our response, not the INVITE's: the layer tries both.
void rfc2543_key(const Message& request, std::string_view method, std::string_view to_tag,
                 std::string& out);

// The method a request's server transaction is keyed by: INVITE for ACK, else its own.
std::string_view transaction_method(const Message& request);

// Client side (17.1.3): the branch we put in our Via + the CSeq method. A response is looked
// up with its top Via branch and CSeq method.
void client_key(std::string_view branch, std::string_view method, std::string& out);

// The method token of a request we send: the text up to the first space ("" when none).
std::string_view request_method_token(std::string_view request) noexcept;

}  // namespace callplan::sip::transaction_detail
