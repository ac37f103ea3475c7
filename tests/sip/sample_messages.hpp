// Typical messages from real phones, shared by the unit tests (and mirrored in the benchmark).
#pragma once

#include <string>

namespace callplan::sip::test {

inline const std::string kInvite =
    "INVITE sip:+31201234567@pbx.example.com SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport\r\n"
    "Max-Forwards: 70\r\n"
    "To: <sip:+31201234567@pbx.example.com>\r\n"
    "From: \"Alice\" <sip:201@pbx.example.com>;tag=1928301774\r\n"
    "Call-ID: a84b4c76e66710@192.0.2.10\r\n"
    "CSeq: 314159 INVITE\r\n"
    "Contact: <sip:201@192.0.2.10:5060;transport=udp>\r\n"
    "Route: <sip:edge.example.com;lr>, <sip:core.example.com;lr>\r\n"
    "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS\r\n"
    "Supported: replaces, timer\r\n"
    "User-Agent: Yealink SIP-T46S\r\n"
    "Content-Type: application/sdp\r\n"
    "Content-Length: 23\r\n"
    "\r\n"
    "v=0\r\no=- 1 1 IN IP4 x\r\n";

inline const std::string kRegister =
    "REGISTER sip:pbx.example.com SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKnashds7\r\n"
    "Max-Forwards: 70\r\n"
    "To: <sip:201@pbx.example.com>\r\n"
    "From: <sip:201@pbx.example.com>;tag=456248\r\n"
    "Call-ID: 843817637684230@998sdasdh09\r\n"
    "CSeq: 1826 REGISTER\r\n"
    "Contact: <sip:201@192.0.2.10:5060>;expires=3600;q=0.7\r\n"
    "Authorization: Digest username=\"201\", realm=\"pbx.example.com\", "
    "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", uri=\"sip:pbx.example.com\", "
    "response=\"6629fae49393a05397450978507c4ef1\", algorithm=MD5, qop=auth, nc=00000001, "
    "cnonce=\"0a4f113b\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"\r\n"
    "Expires: 3600\r\n"
    "Content-Length: 0\r\n"
    "\r\n";

}  // namespace callplan::sip::test
