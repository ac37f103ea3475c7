"""Measures `callplan media`'s CPU per leg-second: N legs, each playing ringback to a far end
that streams PCMU back (one Python socket sends every leg's packets every 20 ms), for S seconds.
Not run by ctest; usage: /usr/bin/python3 tests/media_engine/cpu_per_leg.py [N] [S]
(ports 25100-25999; CALLPLAN=path/to/callplan)."""

from __future__ import annotations

import os
import socket
import struct
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from media_process import HOST, Media  # noqa: E402


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    legs = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 10
    with tempfile.TemporaryDirectory() as tmp:
        media = Media(Path(tmp), ports="25100-25899")
        far = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        far.bind((HOST, 25990))
        far.setblocking(False)
        offer = ("v=0\r\no=far 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                 "m=audio 25990 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\na=ptime:20\r\n")
        ports = []
        for i in range(legs):
            reply = media.request("open", leg=f"l{i}", offer=offer)
            assert reply["ok"], reply
            ports.append(reply["port"])
            assert media.request("ringback", leg=f"l{i}")["ok"]
        payload = bytes([0xFF]) * 160
        start_cpu, start = cpu_seconds(media.proc.pid), time.monotonic()
        deadline, n = start, 0
        while time.monotonic() - start < seconds:
            for i, port in enumerate(ports):
                far.sendto(struct.pack("!BBHII", 0x80, 0, n & 0xFFFF, (n * 160) & 0xFFFFFFFF, i) + payload, (HOST, port))
            try:
                while True:
                    far.recv(2048)  # drain what the legs send
            except BlockingIOError:
                pass
            n += 1
            deadline += 0.020
            time.sleep(max(0.0, deadline - time.monotonic()))
        used, elapsed = cpu_seconds(media.proc.pid) - start_cpu, time.monotonic() - start
        closes = [media.request("close", leg=f"l{i}")["stats"] for i in range(legs)]
        media.stop()
    received = sum(s["received"] for s in closes)
    print(f"{legs} legs for {elapsed:.1f} s: {used:.2f} s CPU, {1000 * used / (legs * elapsed):.3f} ms per "
          f"leg-second; {received} packets received ({received / (legs * elapsed) :.1f}/leg-s), "
          f"{sum(s['sent'] for s in closes)} sent")


if __name__ == "__main__":
    main()
