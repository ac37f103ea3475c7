"""The RTP that the benchmark's sipp callers send (bench/media/sipp_bench.py), as pcap files for
sipp's play_pcap_audio, made from the captures sipp ships:

- the audio is the PCMA speech of /usr/share/sip-tester/g711a.pcap (7.1 s), looped as long as
  the call lasts and cut into 20 ms packets, the packet size a phone sends (`a=ptime:20`; the
  capture itself has 30 ms packets);
- each key is the RFC 4733 event of the matching /usr/share/sip-tester/dtmf_2833_*.pcap, its
  payloads (event code, end bit, volume, duration) and its three end packets as captured.

One stream per call, with one SSRC and continuous sequence numbers and timestamps, as a phone
sends it: an event replaces the audio packets while it lasts, and the audio goes on after it
with the timestamp the elapsed time gives. sipp can play one pcap at a time per call, so the
keys are in the same file as the audio; sipp copies the RTP of a capture unchanged (only the
UDP ports are rewritten), so what is written here is exactly what serve's media side gets.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

SIPP_SHARE = Path("/usr/share/sip-tester")
RATE = 8000
FRAME_SAMPLES = 160  # 20 ms
PCMA = 8
TELEPHONE_EVENT = 101  # the payload type of sipp's dtmf_2833_*.pcap
KEY_FILES = {**{str(d): f"dtmf_2833_{d}.pcap" for d in range(10)},
             "*": "dtmf_2833_star.pcap", "#": "dtmf_2833_pound.pcap"}


def read_pcap_rtp(path: Path) -> list[bytes]:
    """The UDP payloads (RTP packets) of a classic pcap of Ethernet + IPv4 + UDP frames, in
    capture order. Raises ValueError on anything else."""
    data = path.read_bytes()
    if len(data) < 24:
        raise ValueError(f"{path}: not a pcap file")
    magic, = struct.unpack("<I", data[:4])
    order = {0xA1B2C3D4: "<", 0xD4C3B2A1: ">", 0xA1B23C4D: "<", 0x4D3CB2A1: ">"}.get(magic)
    if order is None:
        raise ValueError(f"{path}: not a classic pcap file (magic {magic:#x})")
    linktype, = struct.unpack(order + "I", data[20:24])
    if linktype != 1:
        raise ValueError(f"{path}: link type {linktype}, expected Ethernet (1)")
    out, offset = [], 24
    while offset + 16 <= len(data):
        _, _, captured, _ = struct.unpack(order + "IIII", data[offset:offset + 16])
        frame = data[offset + 16:offset + 16 + captured]
        offset += 16 + captured
        if len(frame) < 14 + 20 or frame[12:14] != b"\x08\x00" or frame[23] != 17:
            raise ValueError(f"{path}: a frame that is not IPv4/UDP")
        ihl = (frame[14] & 0x0F) * 4
        udp = frame[14 + ihl:]
        length, = struct.unpack("!H", udp[4:6])
        out.append(udp[8:length])
    return out


def capture_audio(path: Path = SIPP_SHARE / "g711a.pcap") -> bytes:
    """The PCMA samples of a one-stream capture, in sequence order."""
    packets = [p for p in read_pcap_rtp(path) if p[1] & 0x7F == PCMA]
    if not packets:
        raise ValueError(f"{path}: no PCMA packets")
    packets.sort(key=lambda p: struct.unpack("!H", p[2:4])[0])
    return b"".join(p[12:] for p in packets)


@dataclass(frozen=True)
class KeyPacket:
    payload: bytes  # the 4-byte telephone-event payload
    marker: bool

    @property
    def duration(self) -> int:
        return struct.unpack("!H", self.payload[2:4])[0]

    @property
    def end(self) -> bool:
        return bool(self.payload[1] & 0x80)


def capture_key(key: str) -> list[KeyPacket]:
    """The event packets of sipp's capture of `key` (0-9, *, #), in capture order."""
    path = SIPP_SHARE / KEY_FILES[key]
    packets = [KeyPacket(p[12:16], bool(p[1] & 0x80)) for p in read_pcap_rtp(path)
               if p[1] & 0x7F == TELEPHONE_EVENT]
    if not packets or not packets[-1].end:
        raise ValueError(f"{path}: no complete telephone-event")
    return packets


class CallerStream:
    """Writes one caller's stream into a pcap that sipp plays (Ethernet + IPv4 + UDP frames;
    sipp rewrites the ports and takes the packets' timing from the capture times)."""

    def __init__(self, audio: bytes, ssrc: int, seq: int = 1000, ts: int = 16000) -> None:
        self.audio = audio
        self._looped = audio + audio[:FRAME_SAMPLES]  # a frame may wrap around the end
        self.ssrc, self.seq, self.ts = ssrc, seq, ts
        self.t = 0.0  # seconds from the stream's start
        self.audio_at = 0  # where in the looped audio the next frame starts
        self.frames: list[bytes] = []
        self.first = True

    def _packet(self, pt: int, marker: bool, ts: int, payload: bytes, at: float) -> None:
        header = struct.pack("!BBHII", 0x80, pt | (0x80 if marker else 0), self.seq & 0xFFFF,
                             ts & 0xFFFFFFFF, self.ssrc)
        udp = struct.pack("!HHHH", 6000, 6000, 8 + 12 + len(payload), 0) + header + payload
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0,
                         bytes([127, 0, 0, 2]), bytes([127, 0, 0, 1])) + udp
        frame = b"\x00" * 12 + b"\x08\x00" + ip
        when = 1_000_000 + at
        sec = int(when)
        self.frames.append(struct.pack("<IIII", sec, int(round((when - sec) * 1e6)), len(frame),
                                       len(frame)) + frame)

    def speak(self, seconds: float) -> None:
        """`seconds` (whole 20 ms frames) of the looped capture's audio."""
        for _ in range(int(round(seconds * RATE / FRAME_SAMPLES))):
            start = self.audio_at % len(self.audio)
            chunk = self._looped[start:start + FRAME_SAMPLES]
            self._packet(PCMA, self.first, self.ts, chunk, self.t)
            self.first = False
            self.audio_at += FRAME_SAMPLES
            self.seq += 1
            self.ts += FRAME_SAMPLES
            self.t += FRAME_SAMPLES / RATE

    def press(self, key: str) -> float:
        """The key's captured event at the current timestamp: each packet sent when the time
        its duration field says has passed, the end packets (same sequence number, as in the
        capture) together; then the stream resumes one frame after the event's end. Returns
        the time of the key's first packet."""
        packets = capture_key(key)
        start_ts, start_t = self.ts, self.t
        last_end_duration = None
        for packet in packets:
            if packet.end and last_end_duration == packet.duration:
                self.seq -= 1  # a repeated end packet: the same packet again
            self._packet(TELEPHONE_EVENT, packet.marker, start_ts, packet.payload,
                         start_t + packet.duration / RATE)
            self.seq += 1
            last_end_duration = packet.duration if packet.end else None
        elapsed = packets[-1].duration + FRAME_SAMPLES
        self.ts = start_ts + elapsed
        self.t = start_t + elapsed / RATE
        return start_t

    def write(self, path: Path) -> Path:
        header = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)
        path.write_bytes(header + b"".join(self.frames))
        return path


def menu_caller(path: Path, keys: str, first_key_at: float, interval: float,
                seconds: float) -> list[float]:
    """Audio for `seconds`, with `keys` pressed from `first_key_at` on, one every `interval`
    seconds. Returns the time of each key."""
    stream = CallerStream(capture_audio(), ssrc=0x4D454E55)
    times = []
    for i, key in enumerate(keys):
        stream.speak(max(0.0, first_key_at + i * interval - stream.t))
        times.append(stream.press(key))
    stream.speak(max(0.0, seconds - stream.t))
    stream.write(path)
    return times


def voicemail_caller(path: Path, seconds: float) -> float:
    """`seconds` of audio, then `#` (which ends the message where the key goes down: the
    recording should be exactly the audio). Returns the audio's length in seconds."""
    stream = CallerStream(capture_audio(), ssrc=0x564D4149)
    stream.speak(seconds)
    audio = stream.t
    stream.press("#")
    stream.write(path)
    return audio
