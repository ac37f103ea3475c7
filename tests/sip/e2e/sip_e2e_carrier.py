"""What the carrier must not see (issue 12.3, docs/sip-server.md "What the carrier sees"):
words of the inside (device usernames, phones' ports) in what a sipp carrier received, as
plain text or inside the server's `cp1.` dialog tokens decoded as base64url, as anyone can.
"""
from __future__ import annotations

import base64
import re

from sip_e2e_sipp import SippPeer

TOKEN = re.compile(r"cp1\.([A-Za-z0-9_-]+)")


def readable(text: str) -> str:
    """The message and, after it, every dialog token in it decoded (latin-1 keeps bytes)."""
    decoded = []
    for token in TOKEN.findall(text):
        padded = token + "=" * (-len(token) % 4)
        decoded.append(base64.urlsafe_b64decode(padded).decode("latin-1"))
    return "\n".join([text, *decoded])


def inside_seen_by(carrier: SippPeer, words: list[str]) -> list[str]:
    """Each `word` of the inside found in a message the carrier received, with the message's
    first line; [] when nothing leaked. Fails when the carrier received nothing at all."""
    received = [m for m in carrier.messages() if m.direction == "received"]
    assert received, carrier.report()
    return [f"{word!r} in {m.first_line}" for m in received for word in words
            if word in readable(m.text)]
