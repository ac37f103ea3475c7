#!/usr/bin/python3
"""The media benchmark through `callplan serve` (docs/performance.md "Media"): sipp calls from
the trunk's address into serve, half of them into an announcement followed by a chain of menus
(a key every few seconds, RFC 4733), half into voicemail; every caller streams G.711 A-law RTP
with sipp's play_pcap_audio, so the keys and the audio go through RTP into serve's own
`callplan media` process, as on a real call.

    /usr/bin/python3 bench/media/sipp_bench.py --binary build/release/tools/callplan/callplan \\
        --legs 200 --seconds 60

Reported from one run, over a window of --seconds once every call is up:

- CPU per leg-second of the media process and, separately, of serve (/proc/PID/stat, read at
  the window's ends; the leg-seconds from the calls' start and end in serve's call detail
  records: one caller leg per call), and the same over the whole run (set-up and tear-down
  included);
- keys lost: each menu call's mailbox in serve's call detail records says how many of its
  keys serve saw in order (bench/media/bench_tenant.py); every key after a lost one counts as
  lost too;
- the recording-length error: each voicemail WAV against the audio streamed before `#`;
- the interval between the packets the media process sends (and those sipp sends), from the
  kernel's timestamps on the loopback device (bench/media/packet_timing.py; needs root);
- sipp's own CPU and its call failures: at many calls sipp's pcap play (one thread per
  playing call) is a load of its own.

Loopback only: serve on 127.0.0.1, sipp as the carrier on 127.0.0.2, every port in --ports
(default 39000-39999: RTP of the media side from the bottom, SIP and sipp's media at the top).
sipp's pcap play writes raw packets, so sipp needs root (or CAP_NET_RAW).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import math
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import wave
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_tenant  # noqa: E402
import caller_streams  # noqa: E402
from media_bench import cpu_seconds, load_average  # noqa: E402

SERVER_IP, TRUNK_IP = "127.0.0.1", "127.0.0.2"
CALLER = "+15559990000"
FIRST_KEY_AT = 1.0  # seconds after the ACK: the first menu plays by then
TONE_SECONDS = 0.5  # the voicemail tone before the recording starts
SAMPLE_EVERY = 0.25


@dataclass
class Layout:
    """Every port of a run, from one range."""
    rtp_lo: int
    rtp_hi: int
    sip: int
    trunk: int
    menu_sip: int
    voicemail_sip: int
    menu_media: int
    voicemail_media: int

    @classmethod
    def from_range(cls, lo: int, hi: int) -> "Layout":
        top = hi - 99
        return cls(rtp_lo=lo, rtp_hi=top - 1, menu_media=top, voicemail_media=top + 10,
                   sip=hi - 9, trunk=hi - 8, menu_sip=hi - 7, voicemail_sip=hi - 6)

    @property
    def rtp_legs(self) -> int:
        return (self.rtp_hi - self.rtp_lo + 1) // 2


def open_legs(layout: Layout) -> int:
    """The media side's RTP sockets open now (one per leg): local 127.0.0.1, port in range."""
    count = 0
    with open("/proc/net/udp") as f:
        next(f)
        for line in f:
            local = line.split(None, 2)[1]
            address, _, port = local.partition(":")
            if address == "0100007F" and layout.rtp_lo <= int(port, 16) <= layout.rtp_hi:
                count += 1
    return count


def greeting_seconds() -> float:
    """The default greeting as espeak-ng says it (what the voicemail caller waits out)."""
    out = subprocess.run(["espeak-ng", "-v", bench_tenant.LANGUAGE, "--stdout", bench_tenant.GREETING],
                         check=True, capture_output=True).stdout
    with wave.open(io.BytesIO(out)) as w:  # streamed: its header has no real length
        return (len(out) - 44) / (w.getframerate() * w.getsampwidth() * w.getnchannels())


def wav_seconds(path: Path) -> float:
    with wave.open(str(path)) as w:
        return w.getnframes() / w.getframerate()


class Process:
    """A program of the run, its output in the run's folder, stopped by its own id."""

    def __init__(self, name: str, args: list[str], folder: Path) -> None:
        self.name = name
        self.log = folder / f"{name}.log"
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(args, cwd=folder, stdin=subprocess.DEVNULL, stdout=out,
                                         stderr=subprocess.STDOUT, start_new_session=True)

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for(self, pattern: str, timeout: float) -> re.Match:
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            match = rx.search(self.text())
            if match:
                return match
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{self.name}: no /{pattern}/ (exit {self.proc.poll()}):\n"
                                   + self.text()[-3000:])
            time.sleep(0.05)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20) -> int | None:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


def scenario(folder: Path, name: str, **replace: str) -> Path:
    text = (HERE / "scenarios" / f"{name}.xml").read_text()
    for key, value in replace.items():
        text = text.replace(key, value)
    path = folder / f"{name}.xml"
    path.write_text(text)
    return path


def pinned(cpus: str | None) -> list[str]:
    return ["taskset", "-c", cpus] if cpus else []


def sipp(folder: Path, name: str, scenario_file: Path, layout: Layout, *, port: int, media_port: int,
         called: str, calls: int, rate: float, timeout_s: float, cpus: str | None = None) -> Process:
    args = [*pinned(cpus), shutil.which("sipp") or "sipp", "-sf", str(scenario_file), "-i", TRUNK_IP, "-p", str(port),
            "-mi", TRUNK_IP, "-mp", str(media_port), "-m", str(calls), "-l", str(calls),
            "-r", f"{rate:g}", "-nostdin", "-timeout", f"{int(timeout_s)}s",
            "-buff_size", str(4 << 20), "-key", "called", called, "-key", "caller", CALLER,
            "-trace_err", "-error_file", str(folder / f"{name}.errors.log"),
            "-trace_screen", "-screen_file", str(folder / f"{name}.screen.log"),
            f"{SERVER_IP}:{layout.sip}"]
    return Process(name, args, folder)


@dataclass
class Sample:
    t: float
    legs: int
    cpu: dict[str, float] = field(default_factory=dict)


def switches(pid: int) -> tuple[int, int]:
    """(voluntary, involuntary) context switches of every thread of a process: the first are
    its own waits (about one per wake-up), the second other threads taking its core."""
    voluntary = involuntary = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        for line in (task / "status").read_text().splitlines():
            if line.startswith("voluntary_ctxt_switches"):
                voluntary += int(line.split()[1])
            elif line.startswith("nonvoluntary_ctxt_switches"):
                involuntary += int(line.split()[1])
    return voluntary, involuntary


def threads(pid: int) -> int:
    try:
        return len(os.listdir(f"/proc/{pid}/task"))
    except FileNotFoundError:
        return 0


def cpu_of(pids: dict[str, int]) -> dict[str, float]:
    out = {}
    for name, pid in pids.items():
        try:
            out[name] = cpu_seconds(pid)
        except (FileNotFoundError, ProcessLookupError):
            out[name] = float("nan")
    return out


def utc(text: str) -> float:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def call_spans(cdrs: list[dict]) -> list[tuple[float, float]]:
    """(start, end) of every call, wall clock: a call's one caller leg lives from its INVITE
    (the announcement opens it; voicemail a moment later, at its answer) to its BYE."""
    return [(utc(c["start"]), utc(c["end"])) for c in cdrs if c.get("start") and c.get("end")]


def leg_seconds(spans: list[tuple[float, float]], start: float, end: float) -> float:
    return sum(max(0.0, min(b, end) - max(a, start)) for a, b in spans)


def concurrent(spans: list[tuple[float, float]], at: float) -> int:
    return sum(1 for a, b in spans if a <= at < b)


def parse_cdrs(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def run(args: argparse.Namespace, folder: Path) -> dict:
    lo, _, hi = args.ports.partition("-")
    layout = Layout.from_range(int(lo), int(hi))
    menu_calls = args.legs // 2
    voicemail_calls = args.legs - menu_calls
    # Each menu call holds two ports (serve opens the phones' side as the menu answers), each
    # voicemail call one; the media side picks ports from a random place, so leave some over.
    if 2 * menu_calls + voicemail_calls > layout.rtp_legs * 0.95:
        raise SystemExit(f"--ports {args.ports}: {layout.rtp_legs} RTP ports are too few for {args.legs} "
                         "legs; give a wider range")
    greeting = greeting_seconds()
    wait = greeting + TONE_SECONDS + args.greeting_margin
    ramp = math.ceil(max(menu_calls, voicemail_calls) / args.rate)
    # The window opens once every call is set up and every caller streams (the voicemail
    # callers after the greeting), and every call lasts beyond its end.
    settle = max(bench_tenant.WELCOME_SECONDS, wait) + 1.0
    timing_s = args.timing_seconds if args.sniff else 0
    hold = ramp + settle + args.seconds + timing_s + 4
    depth = min(bench_tenant.MAX_DEPTH, int((hold - FIRST_KEY_AT - 1.0) / args.key_interval))
    keys = bench_tenant.keys_for(depth)
    tenant = bench_tenant.write_tenant(folder, depth)

    check = subprocess.run([args.binary, "check", str(tenant)], capture_output=True, text=True)
    if check.returncode != 0:
        raise SystemExit(f"callplan check {tenant}: exit {check.returncode}\n{check.stdout}{check.stderr}")
    caller_streams.menu_caller(folder / "menu_caller.pcap", keys, FIRST_KEY_AT, args.key_interval, hold)
    audio_seconds = caller_streams.voicemail_caller(folder / "voicemail_caller.pcap", hold - wait)
    menu_xml = scenario(folder, "menu_caller", CALLER_PCAP=str(folder / "menu_caller.pcap"),
                        HOLD_MS=str(int(hold * 1000) + 500))
    voicemail_xml = scenario(folder, "voicemail_caller", CALLER_PCAP=str(folder / "voicemail_caller.pcap"),
                             WAIT_MS=str(int(wait * 1000)), BYE_TIMEOUT_MS=str(int((hold + 60) * 1000)))

    serve = Process("serve", [*pinned(args.serve_cpus), args.binary, "serve", str(tenant), "--listen", f"udp:{SERVER_IP}:{layout.sip}",
                              "--trunk", f"{TRUNK_IP}:{layout.trunk}",
                              "--rtp-ports", f"{layout.rtp_lo}-{layout.rtp_hi}",
                              "--state-dir", str(folder / "state"), "--cdr", str(folder / "cdr.jsonl"),
                              "--rate-limit", "0", "--endpoint-rate-limit", "0", "--log-level", "info",
                              "--log-limit", "0"],
                    folder)
    sniffer = perf = None
    sipps: list[Process] = []
    try:
        serve.wait_for(r"callplan serve: ready", 30)
        media_pid = int(serve.wait_for(r"media side: connected to process (\d+)", 30).group(1))
        pids = {"media": media_pid, "serve": serve.proc.pid}
        started = time.monotonic()
        load_start = load_average()
        cpu_start = cpu_of(pids)
        sipps = [sipp(folder, "sipp-menu", menu_xml, layout, port=layout.menu_sip, media_port=layout.menu_media,
                      called=bench_tenant.MENU_NUMBER, calls=menu_calls, rate=args.rate, timeout_s=hold + 120,
                      cpus=args.sipp_cpus),
                 sipp(folder, "sipp-voicemail", voicemail_xml, layout, port=layout.voicemail_sip,
                      media_port=layout.voicemail_media, called=bench_tenant.VOICEMAIL_NUMBER,
                      calls=voicemail_calls, rate=args.rate, timeout_s=hold + 120, cpus=args.sipp_cpus)]
        for p in sipps:
            pids[p.name] = p.proc.pid
        samples: list[Sample] = []
        window: dict = {}
        opens = started + ramp + settle
        while any(p.proc.poll() is None for p in sipps):
            now = time.monotonic()
            sample = Sample(now - started, open_legs(layout), cpu_of(pids))
            samples.append(sample)
            if not window and now >= opens:
                window = {"start": time.time(), "cpu": sample.cpu, "load": load_average(),
                          "switches": switches(media_pid),
                          "sipp_threads": {p.name: threads(p.proc.pid) for p in sipps}}
                if args.perf:
                    perf = subprocess.Popen(["perf", "record", "-F", "499", "-g", "-p", str(media_pid),
                                             "-o", str(folder / "perf.data"), "--", "sleep", str(args.seconds)],
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if window and "end" not in window and now >= opens + args.seconds:
                window.update(end=time.time(), cpu_end=sample.cpu, load_end=load_average(),
                              switches_end=switches(media_pid),
                              sipp_running=[p.proc.poll() is None for p in sipps])
                # The packet timing comes after the CPU window: the packet socket's tap costs
                # every sender a copy of each packet (about 8 % of the media process's CPU).
                if args.sniff:
                    sniffer = subprocess.Popen([sys.executable, str(HERE / "packet_timing.py"), "--ports",
                                                f"{layout.rtp_lo}-{layout.rtp_hi}", "--media-ip", SERVER_IP,
                                                "--seconds", str(timing_s)],
                                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            time.sleep(SAMPLE_EVERY)
        samples.append(Sample(time.monotonic() - started, open_legs(layout), cpu_of(pids)))
        # The last BYEs and the call detail records (written off serve's event loop).
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and len(parse_cdrs(folder / "cdr.jsonl")) < args.legs:
            time.sleep(0.2)
        time.sleep(1.0)
        cpu_done = cpu_of(pids)
        load_done = load_average()
    finally:
        for p in sipps:
            p.stop(signal.SIGKILL if p.proc.poll() is None else signal.SIGTERM)
        rc = serve.stop()
        if perf is not None and perf.poll() is None:
            perf.send_signal(signal.SIGINT)
            perf.wait(timeout=30)
    timing = None
    if sniffer is not None:
        out, _ = sniffer.communicate(timeout=timing_s + 30)
        timing = json.loads(out.strip().splitlines()[-1]) if out.strip() else None

    log = serve.text()
    cdrs = parse_cdrs(folder / "cdr.jsonl")
    return analyse(args, folder, layout, samples, window, cpu_start, cpu_done, load_start, load_done,
                   log, cdrs, sipps, timing, depth=depth, audio_seconds=audio_seconds,
                   greeting=greeting, wait=wait, hold=hold, ramp=ramp, serve_exit=rc)


def perf_summary(data: Path) -> list[str]:
    """Where the media process spent its time: the symbols with the most samples of their own,
    the heaviest first. Both reports are left next to perf.data: perf-self.txt (own samples)
    and perf-children.txt (with what each symbol calls)."""
    def report(mode: str) -> str:
        return subprocess.run(["perf", "report", "-i", str(data), "--stdio", mode, "--sort", "dso,symbol",
                               "-g", "none", "--percent-limit", "0.5"], capture_output=True, text=True).stdout

    own = report("--no-children")
    data.with_name("perf-self.txt").write_text(own)
    data.with_name("perf-children.txt").write_text(report("--children"))
    return [" ".join(line.split()) for line in own.splitlines() if line.strip() and not line.startswith("#")][:30]


def sipp_summary(p: Process) -> dict:
    """Calls that succeeded and failed, from sipp's final screen."""
    screen = p.log.with_name(f"{p.name}.screen.log")
    text = screen.read_text(errors="replace") if screen.exists() else ""
    ok = re.findall(r"Successful call\s*\|\s*\d+\s*\|\s*(\d+)", text)
    failed = re.findall(r"Failed call\s*\|\s*\d+\s*\|\s*(\d+)", text)
    return {"exit": p.proc.returncode, "successful": int(ok[-1]) if ok else None,
            "failed": int(failed[-1]) if failed else None}


def analyse(args, folder, layout, samples, window, cpu_start, cpu_done, load_start, load_done, log, cdrs,
            sipps, timing, *, depth, audio_seconds, greeting, wait, hold, ramp, serve_exit) -> dict:
    result: dict = {"legs_asked": args.legs, "seconds": args.seconds, "menu_depth": depth,
                    "key_interval_s": args.key_interval, "hold_s": hold, "ramp_s": ramp,
                    "greeting_s": round(greeting, 2), "voicemail_wait_s": round(wait, 2),
                    "serve_exit": serve_exit}
    spans = call_spans(cdrs)
    if window and "end" in window:
        span = window["end"] - window["start"]
        ls = leg_seconds(spans, window["start"], window["end"])
        counts = [concurrent(spans, window["start"] + i) for i in range(int(span) + 1)]
        result["window"] = {
            "seconds": round(span, 2), "leg_seconds": round(ls, 1),
            "legs_min": min(counts), "legs_max": max(counts),
            "load": [window["load"], window["load_end"]],
            "every_sipp_still_calling": all(window["sipp_running"]),
            "media_switches_per_s": {
                "voluntary": round((window["switches_end"][0] - window["switches"][0]) / span),
                "involuntary": round((window["switches_end"][1] - window["switches"][1]) / span)},
            "sipp_threads": window["sipp_threads"],
        }
        for name in window["cpu"]:
            used = window["cpu_end"][name] - window["cpu"][name]
            result["window"][f"{name}_cpu_s"] = round(used, 2)
            result["window"][f"{name}_ms_per_leg_s"] = round(1000 * used / ls, 4) if ls else None
    total_ls = sum(b - a for a, b in spans)
    result["whole_run"] = {"leg_seconds": round(total_ls, 1), "load": [load_start, load_done]}
    for name in ("media", "serve"):
        used = cpu_done[name] - cpu_start[name]
        result["whole_run"][f"{name}_cpu_s"] = round(used, 2)
        result["whole_run"][f"{name}_ms_per_leg_s"] = round(1000 * used / total_ls, 4) if total_ls else None
    # The media side's RTP sockets: one per caller, plus the phone side each menu keeps ready.
    result["rtp_sockets_peak"] = max((s.legs for s in samples), default=0)

    # Keys: each menu call's mailbox says how many keys were seen in order.
    menu = [c for c in cdrs if c.get("dialled") == bench_tenant.MENU_NUMBER]
    seen = []
    other = []
    for c in menu:
        box = c.get("answered_by", "")
        if c.get("disposition") == "voicemail" and box == bench_tenant.DONE_BOX:
            seen.append(depth)
        elif c.get("disposition") == "voicemail" and box.isdigit() and 300 <= int(box) < 300 + depth:
            seen.append(int(box) - 300)
        else:
            other.append({k: c.get(k) for k in ("disposition", "answered_by", "status", "ended_by")})
    menu_expected = args.legs // 2
    result["keys"] = {
        "menu_calls_recorded": len(menu), "menu_calls_expected": menu_expected,
        "pressed": depth * menu_expected,
        "seen_in_order": sum(seen),
        "lost": depth * menu_expected - sum(seen),
        "calls_with_a_lost_key": sum(1 for s in seen if s < depth) + (menu_expected - len(seen)),
        "first_lost_at": sorted(s for s in seen if s < depth)[:20],
        "menu_calls_other": other[:10],
    }

    # Recordings of the voicemail calls: length against the audio sent before #.
    vm_calls = [c for c in cdrs if c.get("dialled") == bench_tenant.VOICEMAIL_NUMBER]
    messages = sorted((folder / "state" / "voicemail" / "bench" / bench_tenant.VOICEMAIL_BOX / "messages")
                      .glob("*/message.wav"))
    errors = [1000 * (wav_seconds(m) - audio_seconds) for m in messages]
    ended = re.findall(rf"voicemail of {bench_tenant.VOICEMAIL_BOX} recorded: [\d.]+ s, ended by (\w+)", log)
    result["recordings"] = {
        "voicemail_calls_recorded": len(vm_calls), "expected": args.legs - menu_expected,
        "messages": len(messages), "ended_by_hash": ended.count("hash"),
        "ended_otherwise": len(ended) - ended.count("hash"),
        "audio_sent_s": round(audio_seconds, 3),
        "error_ms_min": round(min(errors), 1) if errors else None,
        "error_ms_max": round(max(errors), 1) if errors else None,
        "error_ms_max_abs": round(max(abs(e) for e in errors), 1) if errors else None,
        "error_ms_mean": round(statistics.mean(errors), 2) if errors else None,
    }
    stats = re.findall(r"media leg \S+ closed: (\d+) packets sent, (\d+) received, (\d+) lost", log)
    result["media_legs_closed"] = {"count": len(stats), "sent": sum(int(s[0]) for s in stats),
                                   "received": sum(int(s[1]) for s in stats),
                                   "lost": sum(int(s[2]) for s in stats)}
    result["sipp"] = {p.name: sipp_summary(p) for p in sipps}
    if timing is not None:
        result["packet_timing"] = timing
    if (folder / "perf.data").exists():
        result["perf"] = perf_summary(folder / "perf.data")
    problems = [line for line in log.splitlines() if re.search(r"\b(error|warn|failed|refused)\b", line, re.I)]
    result["serve_problem_lines"] = len(problems)
    result["serve_problem_examples"] = problems[:5]
    return result


def report(r: dict) -> str:
    w = r.get("window", {})
    k, rec = r["keys"], r["recordings"]
    lines = [
        f"legs {r['legs_asked']}: {w.get('legs_min')}-{w.get('legs_max')} calls up in the {w.get('seconds')} s "
        f"window, load {w.get('load')}, {r['rtp_sockets_peak']} RTP sockets at the peak",
        f"media CPU {w.get('media_ms_per_leg_s')} ms per leg-second in the window "
        f"({r['whole_run']['media_ms_per_leg_s']} over the whole run); "
        f"serve {w.get('serve_ms_per_leg_s')} ({r['whole_run']['serve_ms_per_leg_s']})",
        f"keys: {k['lost']} lost of {k['pressed']} pressed ({k['calls_with_a_lost_key']} calls with a lost key)",
        f"recordings: {rec['messages']} of {rec['expected']}, ended by # {rec['ended_by_hash']}, "
        f"error {rec['error_ms_min']}..{rec['error_ms_max']} ms against {rec['audio_sent_s']} s sent",
    ]
    t = r.get("packet_timing")
    if t:
        for d in ("sent", "received"):
            s = t[d]
            lines.append(f"{d:>8}: {s['packets']} packets of {s['streams']} streams, within 18-22 ms "
                         f"{100 * (s['within_18_22'] or 0):.2f} %, p0.1/p50/p99.9 "
                         f"{s['p0.1_ms']}/{s['p50_ms']}/{s['p99.9_ms']} ms, max {s['max_ms']}")
    lines.append(f"sipp: {r['sipp']}; CPU in the window "
                 + ", ".join(f"{p} {w.get(p + '_cpu_s')} s" for p in r['sipp']))
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", default=os.environ.get("CALLPLAN", "build/release/tools/callplan/callplan"))
    parser.add_argument("--legs", type=int, default=200, help="concurrent calls, half menus, half voicemail")
    parser.add_argument("--seconds", type=float, default=60, help="the measured window")
    parser.add_argument("--rate", type=float, default=20, help="new calls per second, per sipp")
    parser.add_argument("--key-interval", type=float, default=3.0, help="seconds between a menu caller's keys")
    parser.add_argument("--greeting-margin", type=float, default=2.0,
                        help="seconds the voicemail caller waits beyond the greeting and the tone")
    parser.add_argument("--ports", default="39000-39999")
    parser.add_argument("--timing-seconds", type=float, default=10,
                        help="after the CPU window: how long to time the packets")
    parser.add_argument("--no-sniff", dest="sniff", action="store_false",
                        help="do not time the packets (the sniffer needs root)")
    parser.add_argument("--perf", action="store_true",
                        help="perf record the media process over the window (needs perf: Debian linux-perf)")
    parser.add_argument("--serve-cpus", help="taskset CPU list for serve and its media process (e.g. 0)")
    parser.add_argument("--sipp-cpus", help="taskset CPU list for the sipp callers (e.g. 1)")
    parser.add_argument("--keep", type=Path, help="keep the run's files (tenant, pcaps, logs, state) here")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()
    if not os.access(args.binary, os.X_OK):
        parser.error(f"--binary {args.binary}: not an executable")
    for program in ("sipp", "espeak-ng"):
        if shutil.which(program) is None:
            parser.error(f"{program} is not installed (scripts/install-deps.sh)")
    args.binary = str(Path(args.binary).resolve())
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        result = run(args, args.keep.resolve())
    else:
        with tempfile.TemporaryDirectory(prefix="callplan-sipp-media-bench-") as tmp:
            result = run(args, Path(tmp))
    print(report(result), flush=True)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
