"""RTP capture files for sipp's play_pcap_audio, written from the RFCs: a tone in G.711 A-law
(RFC 3551) followed, in the same stream, by an RFC 4733 key, so a recording that the key ends
has a known length of audio. Ethernet + IPv4 + UDP frames in a classic pcap file; sipp takes
the RTP payloads and their timing from it."""

from __future__ import annotations

import math
import struct
from pathlib import Path

RATE = 8000
FRAME = 160  # 20 ms


def alaw(sample: int) -> int:
    """One 16-bit linear sample to A-law (ITU-T G.711)."""
    sign = 0x80 if sample >= 0 else 0x00
    if sample < 0:
        sample = -sample - 1
    sample = min(sample, 32767) >> 3
    if sample < 32:
        code = sample >> 1
    else:
        exponent = sample.bit_length() - 5
        code = (exponent << 4) | ((sample >> exponent) & 0x0F)
    return (code | sign) ^ 0x55


def _frame(payload: bytes, t: float) -> bytes:
    udp = struct.pack("!HHHH", 6000, 6002, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0,
                     bytes([127, 0, 0, 2]), bytes([127, 0, 0, 1])) + udp
    eth = b"\x00" * 12 + b"\x08\x00" + ip
    sec = int(t)
    return struct.pack("<IIII", sec, int((t - sec) * 1e6), len(eth), len(eth)) + eth


def tone_then_key(path: Path, seconds: float, key: int = 11, freq: float = 440.0,
                  amplitude: int = 8000) -> Path:
    """`seconds` of a sine in PCMA (payload type 8), then key `key` (11 is #) as RFC 4733
    events (payload type 101: 3 updates, 3 end packets) at the timestamp after the tone."""
    out = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)]
    ssrc, seq, ts, t = 0x1234ABCD, 1000, 160000, 1_000_000.0
    samples = int(round(seconds * RATE))
    for start in range(0, samples, FRAME):
        n = min(FRAME, samples - start)
        payload = bytes(alaw(int(amplitude * math.sin(2 * math.pi * freq * (start + i) / RATE)))
                        for i in range(n))
        header = struct.pack("!BBHII", 0x80, 8 | (0x80 if start == 0 else 0), seq, ts, ssrc)
        out.append(_frame(header + payload, t))
        seq, ts, t = seq + 1, ts + n, t + n / RATE
    for i, duration in enumerate((160, 320, 480, 640, 640, 640)):
        end = 0x80 if i >= 3 else 0
        event = struct.pack("!BBH", key, end | 10, duration)
        header = struct.pack("!BBHII", 0x80, 101 | (0x80 if i == 0 else 0), seq, ts, ssrc)
        out.append(_frame(header + event, t))
        seq, t = seq + 1, t + 0.02
    path.write_bytes(b"".join(out))
    return path
