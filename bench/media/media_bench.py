#!/usr/bin/python3
"""The media benchmark (docs/performance.md "Media"): `callplan media` carrying N concurrent
legs, half of them callers listening to an announcement while pressing digits (RFC 4733), half
leaving a voicemail, every far end streaming G.711 PCMU at 50 packets per second on loopback.

Reported per run: the media process's CPU time per leg-second (from /proc/PID/stat over a
fixed window, the robust figure on a shared machine) with the wake-ups behind it (context
switches), the load average, the timing of the packets the process sends (kernel receive
timestamps at the far end: the interval between consecutive packets of a leg), digits lost
(pressed and never reported by a `digit` event) and the recording-length error (the
`recorded` event's seconds against the audio sent before `#`).

    /usr/bin/python3 bench/media/media_bench.py --binary after=build/release/tools/callplan/callplan
    /usr/bin/python3 bench/media/media_bench.py --binary before=/tmp/callplan-main \\
        --binary after=build/release/tools/callplan/callplan --legs 50,100,200 --seconds 20

With several binaries the runs alternate (N=50 before, N=50 after, N=100 before, ...), so each
pair shares the machine's load; `--repeat R` does the whole series R times (A, B, A, B, ...) and
ends with each binary's range. A binary may carry options for `callplan media` after its path
(`--binary "syscalls=build/release/tools/callplan/callplan --packet-io syscalls"`). The far ends are one Python process with one UDP socket:
all of its work is a few microseconds per packet, well within 20 ms for 200 legs; its own
lateness is reported so that a run where it fell behind is visible. Loopback only, ports
28000-28499 by default (--ports).

The same calls through `callplan serve`, with sipp as the callers and RTP on the wire:
bench/media/sipp_bench.py.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import wave
from dataclasses import dataclass, field
from pathlib import Path

HOST = "127.0.0.1"
FRAME = 0.020
SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)  # Linux; the same value for SCM_
TE_PT = 101
DIGITS = "1234567890*"  # pressed in turn; `#` ends a voicemail

# ---- G.711 mu-law (ITU-T G.711), for the far ends' tone ------------------------------------------


def ulaw(sample: int) -> int:
    sign = 0x80 if sample < 0 else 0
    magnitude = min(abs(sample), 32635) + 0x84
    exponent = max(0, magnitude.bit_length() - 8)
    mantissa = (magnitude >> (exponent + 3)) & 0x0F
    return ~(sign | (exponent << 4) | mantissa) & 0xFF


def tone_frames(hz: float, amplitude: int = 6000) -> list[bytes]:
    """One second of a tone as 50 PCMU payloads (a whole number of cycles: it loops cleanly)."""
    samples = [int(amplitude * math.sin(2 * math.pi * hz * n / 8000)) for n in range(8000)]
    return [bytes(ulaw(s) for s in samples[i:i + 160]) for i in range(0, 8000, 160)]


def write_prompt(path: Path, seconds: float) -> None:
    """The announcement: a two-tone 8 kHz WAV, long enough to play through the whole run."""
    frames = bytearray()
    for n in range(int(seconds * 8000)):
        v = 4000 * math.sin(2 * math.pi * 350 * n / 8000) + 3000 * math.sin(2 * math.pi * 1100 * n / 8000)
        frames += struct.pack("<h", int(v))
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(bytes(frames))


# ---- the process ----------------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def context_switches(pid: int) -> int:
    """Voluntary and involuntary switches of every thread: about one per wake-up."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        for line in (task / "status").read_text().splitlines():
            if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                total += int(line.split()[1])
    return total


def load_average() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


class Control:
    """The control socket: JSON lines; replies matched by id, events queued."""

    def __init__(self, path: Path, proc: subprocess.Popen, log: Path):
        deadline = time.monotonic() + 20
        while True:
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                self.sock.connect(str(path))
                break
            except OSError:
                self.sock.close()
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("callplan media did not start: " + log.read_text())
                time.sleep(0.05)
        self.sock.setblocking(False)
        self.buffer = b""
        self.next_id = 1
        self.events: list[dict] = []
        self.replies: dict[int, dict] = {}

    def send(self, op: str, **fields) -> int:
        rid = self.next_id
        self.next_id += 1
        self.sock.setblocking(True)
        self.sock.sendall(json.dumps({"id": rid, "op": op, **fields}).encode() + b"\n")
        self.sock.setblocking(False)
        return rid

    def poll(self) -> None:
        try:
            while True:
                chunk = self.sock.recv(1 << 16)
                if not chunk:
                    raise ConnectionError("the media process closed its control socket")
                self.buffer += chunk
        except BlockingIOError:
            pass
        *lines, self.buffer = self.buffer.split(b"\n")
        for line in lines:
            message = json.loads(line)
            if "event" in message:
                self.events.append(message)
            else:
                self.replies[message["id"]] = message

    def request(self, op: str, timeout: float = 10, **fields) -> dict:
        rid = self.send(op, **fields)
        deadline = time.monotonic() + timeout
        while rid not in self.replies:
            if time.monotonic() > deadline:
                raise TimeoutError(f"no reply to {op}")
            time.sleep(0.001)
            self.poll()
        return self.replies.pop(rid)


# ---- the far ends -------------------------------------------------------------------------------


@dataclass
class Leg:
    name: str
    kind: str  # "announcement" or "voicemail"
    port: int = 0  # the media process's RTP port for this leg
    seq: int = 0
    ts: int = 0
    ssrc: int = 0
    frame: int = 0
    events: list[tuple[bytes, bool, int]] = field(default_factory=list)  # payload, marker, ts
    pressed: list[str] = field(default_factory=list)
    got: list[str] = field(default_factory=list)
    next_press: float = 0.0
    audio_frames: int = 0  # voicemail: audio frames sent before `#`
    hash_sent: bool = False
    recorded: dict | None = None
    last_seq: int | None = None
    last_ns: int = 0
    intervals: list[int] = field(default_factory=list)  # ns between consecutive packets we got
    received: int = 0


def press(leg: Leg, digit: str, frames: int = 5) -> None:
    """An RFC 4733 event of `frames` x 20 ms, then its end packet three times."""
    code = "0123456789*#".index(digit)
    leg.events = [(struct.pack("!BBH", code, 10, 160 * (i + 1)), i == 0, leg.ts) for i in range(frames)]
    leg.events += [(struct.pack("!BBH", code, 0x80 | 10, 160 * frames), False, leg.ts)] * 3


def offer(port: int) -> str:
    return ("v=0\r\no=bench 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            f"m=audio {port} RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n"
            "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=ptime:20\r\na=sendrecv\r\n")


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(p / 100 * len(values)))]


def in_order(pressed: list[str], got: list[str]) -> int:
    """How many pressed digits were reported, in order (a lost one does not shift the rest)."""
    matched, i = 0, 0
    for digit in got:
        j = i
        while j < len(pressed) and pressed[j] != digit:
            j += 1
        if j < len(pressed):
            matched, i = matched + 1, j + 1
    return matched


def run(binary: str, legs_n: int, seconds: float, ports: tuple[int, int], warmup: float = 2.0,
        extra: tuple[str, ...] = ()) -> dict:
    lo, hi = ports
    far_port = hi - 1 if (hi - 1) % 2 == 0 else hi - 2
    media_ports = f"{lo}-{far_port - 2}"
    with tempfile.TemporaryDirectory(prefix="callplan-media-bench-") as tmp_name:
        tmp = Path(tmp_name)
        prompt = tmp / "announcement.wav"
        write_prompt(prompt, seconds + warmup + 30)
        log = tmp / "media.log"
        with open(log, "wb") as log_file:
            proc = subprocess.Popen(
                [binary, "media", "--control", f"unix:{tmp / 'media.sock'}", "--rtp-address", HOST,
                 "--rtp-ports", media_ports, "--state-dir", str(tmp / "state"),
                 "--prompt-cache", str(tmp / "speech"), *extra], stdout=log_file, stderr=log_file)
        try:
            return _drive(proc, Control(tmp / "media.sock", proc, log), prompt, legs_n, seconds, far_port, warmup)
        finally:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


def _drive(proc, control: Control, prompt: Path, legs_n: int, seconds: float, far_port: int, warmup: float) -> dict:
    far = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    far.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    far.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    far.bind((HOST, far_port))
    far.setblocking(False)
    tone = tone_frames(440)
    legs: list[Leg] = []
    by_port: dict[int, Leg] = {}
    by_name: dict[str, Leg] = {}
    ssrc = 0x1000
    for i in range(legs_n):
        leg = Leg(name=f"l{i}", kind="announcement" if i % 2 == 0 else "voicemail", ssrc=ssrc + i,
                  seq=(i * 7919) & 0xFFFF, ts=(i * 104729) & 0xFFFFFFFF)
        reply = control.request("open", leg=leg.name, offer=offer(far_port))
        if not reply.get("ok"):
            raise RuntimeError(f"open {leg.name}: {reply}")
        leg.port = reply["port"]
        if leg.kind == "announcement":
            reply = control.request("play", leg=leg.name, prompt={"file": str(prompt)})
            if not reply.get("ok"):
                raise RuntimeError(f"play {leg.name}: {reply}")
            control.send("collect", leg=leg.name, timeout_ms=600_000)
        else:
            reply = control.request("record", leg=leg.name, company="bench", extension=str(100 + i),
                                    caller="+15550000", called="100", reason="busy", beep=False,
                                    max_seconds=seconds + warmup + 60, silence_seconds=30)
            if not reply.get("ok"):
                raise RuntimeError(f"record {leg.name}: {reply}")
        legs.append(leg)
        by_port[leg.port] = leg
        by_name[leg.name] = leg

    ancillary = socket.CMSG_SPACE(16)
    measuring = False
    lateness: list[float] = []

    def receive() -> None:
        while True:
            try:
                data, anc, _, addr = far.recvmsg(2048, ancillary)
            except BlockingIOError:
                return
            leg = by_port.get(addr[1])
            if leg is None or len(data) < 12:
                continue
            ns = 0
            for level, kind, value in anc:
                if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
                    sec, nsec = struct.unpack("@qq", value[:16])
                    ns = sec * 1_000_000_000 + nsec
            seq = (data[2] << 8) | data[3]
            if measuring:
                leg.received += 1
                if leg.last_seq is not None and seq == (leg.last_seq + 1) & 0xFFFF:
                    leg.intervals.append(ns - leg.last_ns)
            leg.last_seq, leg.last_ns = seq, ns

    def handle_events() -> None:
        control.poll()
        for e in control.events:
            leg = by_name.get(e.get("leg", ""))
            if leg is None:
                continue
            if e["event"] == "digit":
                leg.got.append(e["digit"])
                control.send("collect", leg=leg.name, timeout_ms=600_000)
            elif e["event"] in ("recorded", "dropped", "record_failed"):
                leg.recorded = e
        control.events.clear()
        control.replies.clear()

    def send_all() -> None:
        for leg in legs:
            if leg.events:
                payload, marker, ts = leg.events.pop(0)
                pt = (0x80 if marker else 0) | TE_PT
            else:
                payload, ts, pt = tone[leg.frame % 50], leg.ts, 0
                if not leg.hash_sent:
                    leg.audio_frames += 1
            far.sendto(struct.pack("!BBHII", 0x80, pt, leg.seq, ts & 0xFFFFFFFF, leg.ssrc) + payload,
                       (HOST, leg.port))
            leg.seq = (leg.seq + 1) & 0xFFFF
            leg.ts = (leg.ts + 160) & 0xFFFFFFFF
            leg.frame += 1

    receive()  # what the legs sent while they were set up
    start = time.monotonic()
    window_start = start + warmup
    window_end = window_start + seconds
    for i, leg in enumerate(legs):  # digits spread over the second, one per leg per second
        leg.next_press = window_start + (i % 50) * FRAME
    deadline = start
    cpu0 = switches0 = load0 = 0.0
    far_cpu0 = 0.0
    finished_at = None
    while True:
        now = time.monotonic()
        if not measuring and now >= window_start and finished_at is None:
            receive()
            measuring = True
            cpu0, switches0, load0 = cpu_seconds(proc.pid), context_switches(proc.pid), load_average()
            far_cpu0 = sum(os.times()[:2])
        if measuring and now >= window_end:
            cpu1, switches1, load1 = cpu_seconds(proc.pid), context_switches(proc.pid), load_average()
            far_cpu = sum(os.times()[:2]) - far_cpu0
            elapsed = now - window_start
            measuring = False
            finished_at = now
        if measuring:
            lateness.append(now - deadline)
            for leg in legs:
                if leg.kind == "announcement" and not leg.events and now >= leg.next_press:
                    digit = DIGITS[len(leg.pressed) % len(DIGITS)]
                    leg.pressed.append(digit)
                    press(leg, digit)
                    leg.next_press += 1.0
        if finished_at is not None:
            # After the window: let the last digits arrive, then `#` on every voicemail leg.
            if now >= finished_at + 0.5:
                for leg in legs:
                    if leg.kind == "voicemail" and not leg.hash_sent and not leg.events:
                        leg.hash_sent = True
                        press(leg, "#")
            done = all(leg.recorded for leg in legs if leg.kind == "voicemail")
            if (done and now >= finished_at + 1.0) or now >= finished_at + 30:
                break
        send_all()
        receive()
        handle_events()
        deadline += FRAME
        if deadline < time.monotonic() - 5 * FRAME:
            deadline = time.monotonic()  # we fell far behind: no burst
        time.sleep(max(0.0, deadline - time.monotonic()))

    stats = []
    for leg in legs:
        reply = control.request("close", leg=leg.name)
        stats.append(reply.get("stats", {}))
    far.close()

    leg_seconds = legs_n * elapsed
    intervals_ms = [ns / 1e6 for leg in legs for ns in leg.intervals]
    within = sum(1 for v in intervals_ms if 18.0 <= v <= 22.0)
    pressed = sum(len(leg.pressed) for leg in legs)
    matched = sum(in_order(leg.pressed, leg.got) for leg in legs if leg.kind == "announcement")
    got = sum(len(leg.got) for leg in legs if leg.kind == "announcement")
    errors_ms = []
    unrecorded = 0
    for leg in legs:
        if leg.kind != "voicemail":
            continue
        if not leg.recorded or leg.recorded["event"] != "recorded" or leg.recorded.get("ended") != "hash":
            unrecorded += 1
            continue
        errors_ms.append(1000 * (leg.recorded["seconds"] - leg.audio_frames * FRAME))
    expected_sec = [leg.audio_frames * FRAME for leg in legs if leg.kind == "voicemail"]
    return {
        "legs": legs_n,
        "seconds": round(elapsed, 2),
        "cpu_s": round(cpu1 - cpu0, 3),
        "cpu_ms_per_leg_s": round(1000 * (cpu1 - cpu0) / leg_seconds, 4),
        "switches_per_s": round((switches1 - switches0) / elapsed),
        "load": [load0, load1],
        "packets_per_leg_s": round(sum(leg.received for leg in legs) / leg_seconds, 2),
        "interval_ms": {"p0.1": round(percentile(intervals_ms, 0.1), 2), "p50": round(percentile(intervals_ms, 50), 2),
                        "p99.9": round(percentile(intervals_ms, 99.9), 2),
                        "min": round(min(intervals_ms, default=float("nan")), 2),
                        "max": round(max(intervals_ms, default=float("nan")), 2),
                        "within_18_22": round(within / max(1, len(intervals_ms)), 5),
                        "count": len(intervals_ms)},
        "digits_pressed": pressed,
        "digits_lost": pressed - matched,
        "digits_extra": got - matched,  # reported twice, or never pressed
        "recordings": len(errors_ms),
        "recordings_failed": unrecorded,
        "recording_seconds": round(statistics.mean(expected_sec), 2) if expected_sec else 0,
        "recording_error_ms_max_abs": round(max((abs(e) for e in errors_ms), default=float("nan")), 1),
        "media_lost": sum(s.get("lost", 0) for s in stats),
        "media_late": sum(s.get("late", 0) for s in stats),
        "far_cpu_s": round(far_cpu, 2),
        "far_late_ms_p99": round(1000 * percentile(lateness, 99), 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", action="append", default=[],
                        help="LABEL=PATH [OPTION...] of a callplan binary and options for its `media` "
                             "command (repeat to compare; default after=$CALLPLAN or "
                             "build/release/tools/callplan/callplan)")
    parser.add_argument("--repeat", type=int, default=1, help="run the whole series this many times")
    parser.add_argument("--legs", default="50,100,200", help="comma-separated leg counts")
    parser.add_argument("--seconds", type=float, default=20, help="measured window per run")
    parser.add_argument("--ports", default="28000-28499", help="UDP ports LO-HI (the far end takes the top one)")
    parser.add_argument("--json", type=Path, help="write every run's figures here")
    args = parser.parse_args()
    binaries = []
    for spec in args.binary or [f"after={os.environ.get('CALLPLAN', 'build/release/tools/callplan/callplan')}"]:
        label, _, rest = spec.partition("=")
        path, *extra = rest.split()
        if not path or not os.access(path, os.X_OK):
            parser.error(f"--binary {spec}: LABEL=PATH of an executable callplan")
        binaries.append((label, path, tuple(extra)))
    lo, _, hi = args.ports.partition("-")
    ports = (int(lo), int(hi))
    counts = [int(n) for n in args.legs.split(",")]
    if max(counts) > (ports[1] - ports[0] - 4) // 2:
        parser.error(f"--ports {args.ports} has too few even ports for {max(counts)} legs")

    results = []
    print(f"{'binary':<8} {'legs':>4} {'CPU ms/leg-s':>12} {'switch/s':>8} {'load':>9} {'pkt/leg-s':>9} "
          f"{'interval p0.1/p50/p99.9 ms':>27} {'in 18-22':>8} {'digits lost':>11} {'rec err ms':>10}", flush=True)
    for repetition in range(args.repeat):
        for n in counts:
            for label, path, extra in binaries:
                r = run(path, n, args.seconds, ports, extra=extra)
                r["binary"] = label
                r["repetition"] = repetition + 1
                results.append(r)
                iv = r["interval_ms"]
                print(f"{label:<8} {n:>4} {r['cpu_ms_per_leg_s']:>12.3f} {r['switches_per_s']:>8} "
                      f"{r['load'][0]:>4.1f}-{r['load'][1]:<4.1f} {r['packets_per_leg_s']:>9.2f} "
                      f"{iv['p0.1']:>8.2f}/{iv['p50']:>6.2f}/{iv['p99.9']:>6.2f}      {100 * iv['within_18_22']:>7.2f}% "
                      f"{r['digits_lost']:>5}/{r['digits_pressed']:<5} {r['recording_error_ms_max_abs']:>10}", flush=True)
    if args.repeat > 1:
        print("ranges over the repetitions (CPU ms per leg-second; sent within 18-22 ms; lost packets "
              "the process counted):")
        for n in counts:
            for label, _, _ in binaries:
                rs = [r for r in results if r["binary"] == label and r["legs"] == n]
                cpu = [r["cpu_ms_per_leg_s"] for r in rs]
                within = [100 * r["interval_ms"]["within_18_22"] for r in rs]
                print(f"  {label:<10} {n:>4} legs: {min(cpu):.3f}-{max(cpu):.3f} ms; "
                      f"{min(within):.1f}-{max(within):.1f} %; lost {[r['media_lost'] for r in rs]}", flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
