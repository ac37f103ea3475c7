"""A phone for the cluster tests, in Python where sipp cannot play it: one sipp process cannot
register over TCP and then answer calls on that connection (it maps messages to calls by
Call-ID and drops an INVITE of a Call-ID it did not start), and it cannot ignore what comes
from the wrong address. Blocking, one socket, loopback only.

- `Phone(transport="tcp", ...)`: registers over its own TCP connection to a node and answers
  on it: the connection only that node holds.
- `Phone(transport="udp", contact_host="10.99.0.1", only_from=NODE_A_IP)`: "behind NAT": its
  Via and Contact name a private address it does not send from, so the node reaches it at the
  address and port its packets come from; and, like an address-restricted NAT, it takes
  packets from its node's address only (the others are kept in `ignored`).
"""

from __future__ import annotations

import re
import secrets
import socket
import time
from dataclasses import dataclass, field

from sip_e2e_udp import digest_params, digest_response, ha1

CRLF = "\r\n"
_COMPACT = {"v": "via", "f": "from", "t": "to", "i": "call-id", "m": "contact", "l": "content-length"}


@dataclass
class Msg:
    text: str
    source: tuple[str, int]
    start: str = ""
    headers: list[tuple[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        head = self.text.split(CRLF + CRLF, 1)[0].split(CRLF)
        self.start = head[0]
        for line in head[1:]:
            name, _, value = line.partition(":")
            key = name.strip().lower()
            self.headers.append((_COMPACT.get(key, key), value.strip()))

    @property
    def method(self) -> str | None:
        return None if self.start.startswith("SIP/2.0") else self.start.split(" ", 1)[0]

    @property
    def request_uri(self) -> str:
        return self.start.split(" ")[1]

    @property
    def status(self) -> int | None:
        m = re.match(r"SIP/2\.0 (\d{3})", self.start)
        return int(m.group(1)) if m else None

    def all(self, name: str) -> list[str]:
        """Every value of a header, in order (lines with several values split at commas
        before a '<', as Record-Route and Route are written)."""
        out: list[str] = []
        for key, value in self.headers:
            if key == name.lower():
                out += [v.strip() for v in (re.split(r",(?=\s*<)", value) if "<" in value else [value])]
        return out

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key == name.lower():
                return value
        return None

    def lines(self, name: str) -> list[str]:
        """The header's lines as received, `Name: value`, to copy into a response."""
        return [f"{name}: {value}" for key, value in self.headers if key == name.lower()]


class Phone:
    def __init__(self, *, transport: str, local_ip: str, node: tuple[str, int], username: str,
                 password: str, contact_host: str | None = None,
                 only_from: str | None = None) -> None:
        self.transport = transport
        self.node = node
        self.username, self.password = username, password
        self.only_from = only_from
        kind = socket.SOCK_STREAM if transport == "tcp" else socket.SOCK_DGRAM
        self.sock = socket.socket(socket.AF_INET, kind)
        self.sock.bind((local_ip, 0))
        if transport == "tcp":
            self.sock.connect(node)
        self.local_ip, self.local_port = self.sock.getsockname()
        # What it writes in Via and Contact: its own address, or the private one behind NAT.
        self.sent_by = f"{contact_host}:5060" if contact_host else f"{self.local_ip}:{self.local_port}"
        self.contact = f"<sip:{username}@{self.sent_by}" + (";transport=tcp>" if transport == "tcp" else ">")
        self.buffer = b""
        self.received: list[Msg] = []
        self.ignored: list[Msg] = []

    def close(self) -> None:
        self.sock.close()

    # --- the wire

    def send(self, text: str, to: tuple[str, int] | None = None) -> None:
        data = text.encode()
        if self.transport == "tcp":
            self.sock.sendall(data)
        else:
            self.sock.sendto(data, to or self.node)

    def _read_one(self, until: float) -> Msg | None:
        while True:
            if self.transport == "tcp":
                head_end = self.buffer.find(b"\r\n\r\n")
                if head_end >= 0:
                    if head_end == 0:  # a keep-alive CRLF pair
                        self.buffer = self.buffer[4:]
                        continue
                    m = re.search(rb"\r\n(?:content-length|l)\s*:\s*(\d+)",
                                  self.buffer[:head_end + 2], re.I)
                    end = head_end + 4 + (int(m.group(1)) if m else 0)
                    if len(self.buffer) >= end:
                        data, self.buffer = self.buffer[:end], self.buffer[end:]
                        return Msg(data.decode(errors="replace"), self.node)
            left = until - time.monotonic()
            if left <= 0:
                return None
            self.sock.settimeout(left)
            try:
                if self.transport == "tcp":
                    chunk = self.sock.recv(65535)
                    if not chunk:
                        return None
                    self.buffer += chunk
                    continue
                data, source = self.sock.recvfrom(65535)
            except (socket.timeout, ConnectionRefusedError):
                return None
            if not data.strip():
                continue
            msg = Msg(data.decode(errors="replace"), source)
            if self.only_from and source[0] != self.only_from:
                self.ignored.append(msg)  # the NAT lets it no further
                continue
            return msg

    def quiet(self, seconds: float) -> list[Msg]:
        """Whatever arrives within `seconds` (nothing, when the phone is left alone)."""
        until = time.monotonic() + seconds
        out = []
        while (msg := self._read_one(until)) is not None:
            out.append(msg)
        self.received += out
        return out

    def wait(self, what: str | int, timeout: float = 8.0) -> Msg:
        """The next request of method `what` or response of status `what` (others are kept in
        `received` and skipped)."""
        until = time.monotonic() + timeout
        while (msg := self._read_one(until)) is not None:
            self.received.append(msg)
            if msg.method == what or msg.status == what:
                return msg
        raise AssertionError(f"{self.username}: no {what} within {timeout} s; got "
                             f"{[m.start for m in self.received]}")

    # --- what a phone does

    def _via(self) -> str:
        return (f"Via: SIP/2.0/{self.transport.upper()} {self.sent_by}"
                f";branch=z9hG4bK{secrets.token_hex(8)};rport")

    def register(self, expires: int = 300) -> Msg:
        uri = f"sip:{self.node[0]}:{self.node[1]}"
        call_id, tag = secrets.token_hex(8), secrets.token_hex(4)

        def request(cseq: int, extra: list[str]) -> str:
            return CRLF.join([
                f"REGISTER {uri} SIP/2.0", self._via(), "Max-Forwards: 70",
                f"From: <sip:{self.username}@{self.node[0]}>;tag={tag}",
                f"To: <sip:{self.username}@{self.node[0]}>", f"Call-ID: {call_id}",
                f"CSeq: {cseq} REGISTER", f"Contact: {self.contact}", f"Expires: {expires}",
                *extra, "Content-Length: 0", "", ""])

        self.send(request(1, []))
        challenge = self._final()
        assert challenge.status == 401, challenge.text
        p = digest_params(challenge.all("www-authenticate")[0])
        cnonce = secrets.token_hex(8)
        key = ha1("MD5", self.username, p["realm"], self.password)
        response = digest_response("MD5", key, "REGISTER", uri, p["nonce"], "auth", "00000001", cnonce)
        self.send(request(2, [f'Authorization: Digest username="{self.username}", '
                              f'realm="{p["realm"]}", nonce="{p["nonce"]}", uri="{uri}", '
                              f'response="{response}", algorithm=MD5, qop=auth, nc=00000001, '
                              f'cnonce="{cnonce}"']))
        ok = self._final()
        assert ok.status == 200, ok.text
        return ok

    def _final(self, timeout: float = 4.0) -> Msg:
        until = time.monotonic() + timeout
        while (msg := self._read_one(until)) is not None:
            if msg.status is not None and msg.status >= 200:
                return msg
        raise AssertionError(f"{self.username}: no final response within {timeout} s")

    def respond(self, request: Msg, status: str, to_tag: str, body: str = "") -> None:
        to = request.header("to") or ""
        lines = [f"SIP/2.0 {status}", *request.lines("via"), *request.lines("from"),
                 f"To: {to}" + ("" if "tag=" in to else f";tag={to_tag}"),
                 f"Call-ID: {request.header('call-id')}", f"CSeq: {request.header('cseq')}",
                 *request.lines("record-route"), f"Contact: {self.contact}"]
        if body:
            lines += ["Content-Type: application/sdp"]
        self.send(CRLF.join(lines + [f"Content-Length: {len(body)}", "", body]), request.source)

    def answer(self, timeout: float = 8.0) -> tuple[Msg, str]:
        """Rings and answers the next INVITE, takes its ACK; the INVITE and our tag."""
        invite = self.wait("INVITE", timeout)
        tag = secrets.token_hex(4)
        self.respond(invite, "180 Ringing", tag)
        sdp = CRLF.join(["v=0", f"o=phone 1 1 IN IP4 {self.local_ip}", "s=-",
                         f"c=IN IP4 {self.local_ip}", "t=0 0", "m=audio 4000 RTP/AVP 0", ""])
        self.respond(invite, "200 OK", tag, sdp)
        self.wait("ACK", timeout)
        return invite, tag

    def take_bye(self, timeout: float = 8.0) -> Msg:
        bye = self.wait("BYE", timeout)
        self.respond(bye, "200 OK", "")
        return bye

    def hang_up(self, invite: Msg, tag: str, timeout: float = 8.0) -> Msg:
        """BYE on the callee's side of `invite`'s dialog, along its route set (RFC 3261 12.1.1:
        the Record-Route in order); the final response."""
        target = re.search(r"<([^>]+)>", invite.header("contact") or "")
        assert target, invite.text
        self.send(CRLF.join([
            f"BYE {target.group(1)} SIP/2.0", self._via(), "Max-Forwards: 70",
            f"From: {invite.header('to')};tag={tag}", f"To: {invite.header('from')}",
            *[f"Route: {r}" for r in invite.all("record-route")],
            f"Call-ID: {invite.header('call-id')}", "CSeq: 1 BYE", "Content-Length: 0", "", ""]),
            invite.source)
        return self._final(timeout)
