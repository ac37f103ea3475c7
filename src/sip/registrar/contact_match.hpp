// sip/registrar/contact_match.hpp — is a Contact in a REGISTER the same as a stored binding?
// RFC 3261 19.1.4 URI equality, as the registrar needs it (10.3 step 7: "the registrar checks
// whether there is a binding with the same URI").
//
//   same_contact_uri(a, b): both sip/sips URIs parsed with parse_uri.
//
// Rules: same scheme (sip never equals sips); user and password equal byte for byte after
// %-decoding; host equal ignoring case; port equal, where an absent port does not equal 5060;
// the parameters user, ttl, method, maddr and transport equal (ignoring case) and present in
// both or neither; any other parameter equal when both have it, ignored when only one does;
// URI headers equal as written (the registrar refuses contacts with headers anyway).
#pragma once

#include "sip/uri.hpp"

namespace callplan::sip {

bool same_contact_uri(const Uri& a, const Uri& b);

}  // namespace callplan::sip
