"""A tiny SIP UAC over UDP for what sipp cannot do: SHA-256 digests (RFC 8760), raw bytes
(the torture corpus), and quick OPTIONS probes. Loopback only."""

from __future__ import annotations

import hashlib
import re
import secrets
import socket
import time
from dataclasses import dataclass

CRLF = "\r\n"


@dataclass
class Response:
    status: int
    text: str

    def headers(self, name: str) -> list[str]:
        """Every value of a header (full name, case-insensitive), in order."""
        out = []
        for line in self.text.split(CRLF)[1:]:
            if not line:
                break
            key, _, value = line.partition(":")
            if key.strip().lower() == name.lower():
                out.append(value.strip())
        return out


def parse_response(data: bytes) -> Response | None:
    text = data.decode("utf-8", errors="replace")
    m = re.match(r"SIP/2\.0 (\d{3}) ", text)
    return Response(int(m.group(1)), text) if m else None


class UdpUac:
    """One UDP socket on a loopback address; sends requests, collects responses."""

    def __init__(self, local_ip: str = "127.0.0.1", local_port: int = 0) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((local_ip, local_port))
        self.local_ip, self.local_port = self.sock.getsockname()

    def close(self) -> None:
        self.sock.close()

    def __enter__(self) -> "UdpUac":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def send(self, data: bytes, server: tuple[str, int]) -> None:
        self.sock.sendto(data, server)

    def receive(self, until: float) -> bytes | None:
        """The next datagram, or None once time.monotonic() passes `until`."""
        left = until - time.monotonic()
        if left <= 0:
            return None
        self.sock.settimeout(left)
        try:
            return self.sock.recvfrom(65535)[0]
        except (socket.timeout, ConnectionRefusedError):
            return None

    def collect(self, wait_s: float) -> list[bytes]:
        """Everything that arrives within wait_s seconds."""
        until = time.monotonic() + wait_s
        out = []
        while (data := self.receive(until)) is not None:
            out.append(data)
        return out

    def final_response(self, data: bytes, server: tuple[str, int],
                       timeout_s: float = 4.0) -> Response | None:
        """Send a request (retransmitted like Timer E, 0.5 s doubling) and wait for a final
        response (>= 200) to it; None when none came."""
        branch = re.search(rb"branch=([^;\r\n ]+)", data)
        deadline = time.monotonic() + timeout_s
        interval = 0.5
        while time.monotonic() < deadline:
            self.send(data, server)
            until = min(deadline, time.monotonic() + interval)
            while (got := self.receive(until)) is not None:
                resp = parse_response(got)
                if resp is None or resp.status < 200:
                    continue
                if branch and branch.group(1).decode() not in resp.text:
                    continue  # a late answer to an earlier request
                return resp
            interval = min(interval * 2, 4.0)
        return None

    def request(self, method: str, uri: str, server: tuple[str, int], *, from_user: str,
                to_user: str | None = None, domain: str | None = None, call_id: str | None = None,
                cseq: int = 1, extra: list[str] | None = None) -> bytes:
        domain = domain or server[0]
        to_user = to_user or from_user
        lines = [
            f"{method} {uri} SIP/2.0",
            f"Via: SIP/2.0/UDP {self.local_ip}:{self.local_port}"
            f";branch=z9hG4bK{secrets.token_hex(8)};rport",
            "Max-Forwards: 70",
            f"From: <sip:{from_user}@{domain}>;tag={secrets.token_hex(4)}",
            f"To: <sip:{to_user}@{domain}>",
            f"Call-ID: {call_id or secrets.token_hex(8)}@{self.local_ip}",
            f"CSeq: {cseq} {method}",
            f"Contact: <sip:{from_user}@{self.local_ip}:{self.local_port}>",
            *(extra or []),
            "User-Agent: callplan-e2e-uac",
            "Content-Length: 0",
            "", "",
        ]
        return CRLF.join(lines).encode()

    def options(self, server: tuple[str, int], timeout_s: float = 3.0) -> Response | None:
        uri = f"sip:{server[0]}:{server[1]}"
        return self.final_response(self.request("OPTIONS", uri, server, from_user="probe"),
                                   server, timeout_s)


def digest_params(challenge: str) -> dict[str, str]:
    """The auth-params of one `Digest ...` challenge (RFC 7616 3.3)."""
    body = challenge.split(" ", 1)[1] if challenge.lower().startswith("digest") else challenge
    return {k.lower(): v1 if v1 else v2
            for k, v1, v2 in re.findall(r'([A-Za-z0-9_-]+)\s*=\s*(?:"([^"]*)"|([^,\s]*))', body)}


def digest_response(algorithm: str, ha1: str, method: str, uri: str, nonce: str,
                    qop: str | None, nc: str, cnonce: str) -> str:
    """RFC 7616 3.4.1 response for MD5 / SHA-256 given HA1 (= H(user:realm:password))."""
    h = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}[algorithm.upper()]

    def hx(s: str) -> str:
        return h(s.encode()).hexdigest()

    ha2 = hx(f"{method}:{uri}")
    if qop:
        return hx(f"{ha1}:{nonce}:{nc}:{cnonce}:{qop}:{ha2}")
    return hx(f"{ha1}:{nonce}:{ha2}")


def ha1(algorithm: str, user: str, realm: str, password: str) -> str:
    h = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}[algorithm.upper()]
    return h(f"{user}:{realm}:{password}".encode()).hexdigest()


def register(uac: UdpUac, server: tuple[str, int], *, user: str, algorithm: str,
             ha1_hex: str | None = None, password: str | None = None,
             expires: int = 300) -> tuple[Response | None, Response | None]:
    """REGISTER, answer the challenge of `algorithm`; returns (challenge, final answer).
    The final answer is None when no challenge of that algorithm was offered."""
    uri = f"sip:{server[0]}:{server[1]}"
    call_id = secrets.token_hex(8)
    first = uac.final_response(
        uac.request("REGISTER", uri, server, from_user=user, call_id=call_id,
                    extra=[f"Expires: {expires}"]), server)
    if first is None or first.status != 401:
        return first, None
    chosen = None
    for challenge in first.headers("WWW-Authenticate"):
        params = digest_params(challenge)
        if params.get("algorithm", "MD5").upper() == algorithm.upper():
            chosen = params
            break
    if chosen is None:
        return first, None
    realm = chosen["realm"]
    key = ha1_hex or ha1(algorithm, user, realm, password or "")
    qop = "auth" if "auth" in chosen.get("qop", "").split(",") else None
    nc, cnonce = "00000001", secrets.token_hex(8)
    response = digest_response(algorithm, key, "REGISTER", uri, chosen["nonce"], qop, nc, cnonce)
    auth = (f'Authorization: Digest username="{user}", realm="{realm}", '
            f'nonce="{chosen["nonce"]}", uri="{uri}", response="{response}", '
            f'algorithm={chosen.get("algorithm", "MD5")}')
    if qop:
        auth += f', qop={qop}, nc={nc}, cnonce="{cnonce}"'
    if "opaque" in chosen:
        auth += f', opaque="{chosen["opaque"]}"'
    second = uac.final_response(
        uac.request("REGISTER", uri, server, from_user=user, call_id=call_id, cseq=2,
                    extra=[auth, f"Expires: {expires}"]), server)
    return first, second
