"""Test helpers for `callplan media`: the process, its control socket, and a far end.

The far end is a small RTP endpoint in Python (G.711 PCMU/PCMA and RFC 4733 digits over UDP on
127.0.0.1), written from the RFCs so that it shares no code with the media library it tests.
"""

from __future__ import annotations

import bisect
import json
import math
import os
import random
import socket
import struct
import subprocess
import threading
import time
from pathlib import Path

CALLPLAN = os.environ.get("CALLPLAN", "build/dev/tools/callplan/callplan")
HOST = "127.0.0.1"


# ---- G.711 (ITU-T G.711 segment formulas) ------------------------------------------------------

def ulaw_decode(code: int) -> int:
    code = ~code & 0xFF
    sign, exponent, mantissa = code & 0x80, (code >> 4) & 7, code & 0x0F
    magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84
    return -magnitude if sign else magnitude


def alaw_decode(code: int) -> int:
    code ^= 0x55
    sign, exponent, mantissa = code & 0x80, (code >> 4) & 7, code & 0x0F
    magnitude = (mantissa << 4) + 8 if exponent == 0 else ((mantissa << 4) + 0x108) << (exponent - 1)
    return magnitude if sign else -magnitude


_ULAW = [ulaw_decode(c) for c in range(256)]
_ALAW = [alaw_decode(c) for c in range(256)]


_CODES = {pt: ({v: c for c, v in enumerate(t)}, sorted(set(t))) for pt, t in ((0, _ULAW), (8, _ALAW))}


def encode(samples: list[int], pt: int) -> bytes:
    """The code whose reconstruction value is nearest to each sample."""
    lookup, values = _CODES[pt]
    out = bytearray()
    for s in samples:
        i = bisect.bisect_left(values, s)
        best = min((values[j] for j in (i - 1, i) if 0 <= j < len(values)), key=lambda v: abs(v - s))
        out.append(lookup[best])
    return bytes(out)


def decode(payload: bytes, pt: int) -> list[int]:
    table = _ULAW if pt == 0 else _ALAW
    return [table[b] for b in payload]


def sine(freq: float, amplitude: int = 8000):
    """A source of 160-sample frames of a continuous sine."""
    n = 0

    def frame() -> list[int]:
        nonlocal n
        out = [int(amplitude * math.sin(2 * math.pi * freq * (n + i) / 8000)) for i in range(160)]
        n += 160
        return out
    return frame


def silence() -> list[int]:
    return [0] * 160


# ---- the far end --------------------------------------------------------------------------------

class Phone:
    """One RTP endpoint: sends a frame every 20 ms (audio or RFC 4733 events), records what it gets."""

    def __init__(self, port: int, pt: int = 0, telephone_event: bool = True):
        self.port, self.pt, self.telephone_event = port, pt, telephone_event
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((HOST, port))
        self.sock.settimeout(0.1)
        self.remote: tuple[str, int] | None = None
        self.source = silence
        self.sending = True
        self.received: list[tuple[float, int, int, int, bytes]] = []  # time, pt, seq, ts, payload
        self.lock = threading.Lock()
        self.digits: list[tuple[str, int]] = []
        self.seq, self.ts, self.ssrc = random.randrange(65536), random.randrange(1 << 32), random.randrange(1 << 32)
        self.stopped = False
        self.threads = [threading.Thread(target=self._send_loop, daemon=True),
                        threading.Thread(target=self._receive_loop, daemon=True)]
        for t in self.threads:
            t.start()

    def offer(self) -> str:
        fmts = f"{self.pt} 101" if self.telephone_event else f"{self.pt}"
        name = "PCMU" if self.pt == 0 else "PCMA"
        lines = ["v=0", f"o=phone 1 1 IN IP4 {HOST}", "s=-", f"c=IN IP4 {HOST}", "t=0 0",
                 f"m=audio {self.port} RTP/AVP {fmts}", f"a=rtpmap:{self.pt} {name}/8000"]
        if self.telephone_event:
            lines += ["a=rtpmap:101 telephone-event/8000", "a=fmtp:101 0-15"]
        lines += ["a=ptime:20", "a=sendrecv"]
        return "\r\n".join(lines) + "\r\n"

    def connect(self, answer_sdp: str) -> None:
        port = int(next(line.split()[1] for line in answer_sdp.splitlines() if line.startswith("m=audio")))
        self.remote = (HOST, port)

    def press(self, digit: str, ms: int = 100) -> None:
        with self.lock:
            self.digits.append((digit, ms))

    def _packet(self, pt: int, payload: bytes, ts: int, marker: bool = False) -> bytes:
        header = struct.pack("!BBHII", 0x80, (0x80 if marker else 0) | pt, self.seq, ts & 0xFFFFFFFF, self.ssrc)
        self.seq = (self.seq + 1) & 0xFFFF
        return header + payload

    def _send_loop(self) -> None:
        event_packets: list[tuple[bytes, bool]] = []
        event_ts = 0
        deadline = time.monotonic()
        while not self.stopped:
            deadline += 0.020
            if self.remote and self.sending:
                if not event_packets:
                    with self.lock:
                        if self.digits:
                            digit, ms = self.digits.pop(0)
                            event = "0123456789*#".index(digit)
                            frames = ms // 20
                            event_ts = self.ts
                            event_packets = [(struct.pack("!BBH", event, 10, 160 * (i + 1)), i == 0)
                                             for i in range(frames)]
                            event_packets += [(struct.pack("!BBH", event, 0x80 | 10, 160 * frames), False)] * 3
                if event_packets:
                    payload, marker = event_packets.pop(0)
                    data = self._packet(101, payload, event_ts, marker)
                else:
                    data = self._packet(self.pt, encode(self.source(), self.pt), self.ts)
                try:
                    self.sock.sendto(data, self.remote)
                except OSError:
                    pass
            self.ts += 160
            time.sleep(max(0.0, deadline - time.monotonic()))

    def _receive_loop(self) -> None:
        while not self.stopped:
            try:
                data, _ = self.sock.recvfrom(2048)
            except (socket.timeout, OSError):
                continue
            if len(data) < 12:
                continue
            pt, seq, ts = data[1] & 0x7F, struct.unpack("!H", data[2:4])[0], struct.unpack("!I", data[4:8])[0]
            with self.lock:
                self.received.append((time.monotonic(), pt, seq, ts, data[12:]))

    def audio(self, since: float = 0.0) -> list[int]:
        """Decoded audio received after `since` (monotonic time), in arrival order."""
        with self.lock:
            packets = [p for p in self.received if p[0] >= since and p[1] in (0, 8)]
        samples: list[int] = []
        for _, pt, _, _, payload in packets:
            samples += decode(payload, pt)
        return samples

    def close(self) -> None:
        self.stopped = True
        for t in self.threads:
            t.join(timeout=1)
        self.sock.close()


def loud_span(samples: list[int], threshold: int = 2000) -> tuple[int, int] | None:
    """Index of the first and one past the last sample louder than threshold."""
    idx = [i for i, s in enumerate(samples) if abs(s) > threshold]
    return (idx[0], idx[-1] + 1) if idx else None


def frequency(samples: list[int]) -> float:
    """A tone's frequency in Hz: the median over 100 ms windows of the zero crossings.

    The median, because on a loaded machine one late packet is played out as 20 ms of silence
    (as a phone's jitter buffer would); that gap says nothing about the tone, and counted over
    the whole recording it pulled a 1000 Hz tone to 981 Hz."""
    window = 800
    if len(samples) < 2 * window:
        return _crossing_frequency(samples)
    rates = sorted(_crossing_frequency(samples[i:i + window])
                   for i in range(0, len(samples) - window + 1, window))
    return rates[len(rates) // 2]


def _crossing_frequency(samples: list[int]) -> float:
    crossings = sum(1 for a, b in zip(samples, samples[1:]) if (a < 0) != (b < 0))
    return crossings / 2 / (len(samples) / 8000)


# ---- the process and its control socket --------------------------------------------------------

class Media:
    """`callplan media` as a child, and one control connection to it."""

    def __init__(self, tmp: Path, ports: str = "25100-25299", extra: list[str] | None = None,
                 socket_path: Path | None = None):
        self.tmp = tmp
        self.socket_path = socket_path or tmp / "media.sock"
        self.state = tmp / "state"
        self.log = open(tmp / "media.log", "ab")
        self.proc = subprocess.Popen(
            [CALLPLAN, "media", "--control", f"unix:{self.socket_path}", "--rtp-address", HOST,
             "--rtp-ports", ports, "--state-dir", str(self.state), "--prompt-cache", str(tmp / "speech")]
            + (extra or []), stdout=self.log, stderr=self.log)
        self.sock = self._connect()
        self.buffer = b""
        self.next_id = 1
        self.events: list[dict] = []

    def _connect(self) -> socket.socket:
        deadline = time.monotonic() + 20
        while True:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.connect(str(self.socket_path))
                s.settimeout(10)
                return s
            except OSError:
                s.close()
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("callplan media did not start: " + (self.tmp / "media.log").read_text())
                time.sleep(0.05)

    def reconnect(self) -> None:
        self.sock.close()
        self.sock = self._connect()
        self.buffer = b""

    def _line(self, timeout: float) -> dict:
        self.sock.settimeout(timeout)
        while b"\n" not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("control connection closed")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return json.loads(line)

    def send_raw(self, text: str) -> None:
        self.sock.sendall(text.encode() + b"\n")

    def request(self, op: str, timeout: float = 10, **fields) -> dict:
        rid = self.next_id
        self.next_id += 1
        self.send_raw(json.dumps({"id": rid, "op": op, **fields}))
        return self.reply(rid, timeout)

    def reply(self, rid, timeout: float = 10) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            message = self._line(max(0.01, deadline - time.monotonic()))
            if "event" in message:
                self.events.append(message)
            elif message.get("id") == rid:
                return message

    def event(self, name: str, leg: str, timeout: float = 10) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            for i, e in enumerate(self.events):
                if e["event"] == name and e["leg"] == leg:
                    return self.events.pop(i)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no {name} event for {leg}; have {self.events}")
            try:
                message = self._line(remaining)
            except socket.timeout:
                continue
            if "event" in message:
                self.events.append(message)

    def open(self, leg: str, phone: Phone, **fields) -> dict:
        reply = self.request("open", leg=leg, offer=phone.offer(), **fields)
        assert reply["ok"], reply
        phone.connect(reply["sdp"])
        return reply

    def stop(self) -> None:
        self.sock.close()
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
