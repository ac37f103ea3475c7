#!/usr/bin/python3
"""Calls per second through `callplan serve` and through Kamailio, same sipp load, same run.

    /usr/bin/python3 bench/sip/run.py --callplan build/e2e-release/tools/callplan/callplan

For each plan — "one" (rings one registered phone, which answers) and "all" (ring-all over
three phones: one answers, two are cancelled) — and each server, the trunk (sipp UAC on
127.0.0.2) places calls at a stepped rate: `rate x --seconds` calls per step, each step a
fresh set of sipp phones. A step passes when every call on every peer succeeded (sipp exit
0 everywhere: INVITE, 200, ACK, BYE, 200 at the caller; CANCEL/487 at the losing phones).
The result is the highest passing rate; the table shows both servers and callplan/Kamailio.

Both servers see identical traffic: the same sipp scenarios (tests/sip/e2e/scenarios), the
same phones on the same loopback ports. Kamailio (bench/sip/kamailio.cfg) relays to fixed
targets; callplan routes through its engine and registrar (the phones register first). Only
loopback is used. The whole run is bounded by --budget seconds (default 540).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "sip" / "e2e"))

from sip_e2e_server import SERVER_IP, TRUNK_IP, free_udp_port  # noqa: E402
from sip_e2e_sipp import SippPeer  # noqa: E402
from sip_e2e_udp import UdpUac, register  # noqa: E402

NUMBERS = {"one": "+31850001001", "all": "+31850001002"}
DEVICES = [("bench-one", "Bench-one-pass"), ("bench-two", "Bench-two-pass"),
           ("bench-three", "Bench-three-pass")]


class Server:
    """A server under load, started once per run, stopped by its process id."""

    def __init__(self, name: str, args: list[str], ready: str | None, workdir: Path,
                 port: int) -> None:
        self.name = name
        self.args = args
        self.log = (workdir / f"{name}.stderr.log").open("w")
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, start_new_session=True)
        self.ready = threading.Event()
        rx = re.compile(ready or "(?!)")
        threading.Thread(target=self._read, args=(rx,), daemon=True).start()
        if ready is None:  # a quiet server: ready when it answers an OPTIONS
            with UdpUac(SERVER_IP) as probe:
                if probe.options((SERVER_IP, port), timeout_s=10) is not None:
                    self.ready.set()
        if not self.ready.wait(15):
            self.stop()
            raise SystemExit(f"{name} did not start: {' '.join(args)}\nsee {self.log.name}")

    def _read(self, rx: re.Pattern[str]) -> None:
        assert self.proc.stderr is not None
        for raw in self.proc.stderr:
            line = raw.decode(errors="replace")
            self.log.write(line)
            if rx.search(line):
                self.ready.set()
        self.log.flush()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        try:  # Kamailio's worker processes live in the group we created for it
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=5)


def run_step(server_port: int, phone_ports: list[int], plan: str, rate: int, seconds: float,
             workdir: Path) -> dict[str, object]:
    """One load step: fresh phones, `rate * seconds` calls; did every call succeed?"""
    calls = max(1, int(rate * seconds))
    wall = seconds + 10
    big_buffers = ["-buff_size", "1048576"]  # bursts must not overflow the 208 KiB default
    phones = [SippPeer(workdir, f"{plan}-phone{i + 1}",
                       "device_answer.xml" if i == 0 else "device_ring_cancel.xml",
                       local_ip=SERVER_IP, local_port=port, calls=calls, timeout_s=wall,
                       pause_ms=0, trace=False, extra=big_buffers)
              for i, port in enumerate(phone_ports[:1 if plan == "one" else 3])]
    for p in phones:
        p.start()
    time.sleep(0.3)
    caller = SippPeer(workdir, f"{plan}-caller", "trunk_call_answered.xml", local_ip=TRUNK_IP,
                      local_port=free_udp_port(TRUNK_IP), remote=f"{SERVER_IP}:{server_port}",
                      calls=calls, timeout_s=wall, pause_ms=0, trace=False,
                      keys={"called": NUMBERS[plan], "caller": "+31201234567"},
                      extra=["-r", str(rate), "-rp", "1000", "-l", str(max(50, rate * 4)),
                             *big_buffers])
    started = time.monotonic()
    caller.run()
    elapsed = time.monotonic() - started
    for p in phones:
        p.wait(timeout=10)
    ok = caller.returncode == 0 and all(p.returncode == 0 for p in phones)
    done = caller.screen_counter("Successful call")
    return {"rate": rate, "calls": calls, "ok": ok, "successful": done,
            "failed": caller.screen_counter("Failed call"), "seconds": round(elapsed, 2),
            "exit_codes": [caller.returncode] + [p.returncode for p in phones]}


def register_phones(server_port: int, ports: list[int]) -> None:
    """Bind each phone's port, REGISTER it (MD5 digest) with callplan, release the port for
    the phone's sipp. Registration is not what is measured, so the runner's own UAC does it."""
    for (user, password), port in zip(DEVICES, ports):
        with UdpUac(SERVER_IP, port) as uac:
            _, ok = register(uac, (SERVER_IP, server_port), user=user, algorithm="MD5",
                             password=password, expires=3600)
        if ok is None or ok.status != 200:
            raise SystemExit(f"{user} could not register with callplan: {ok and ok.text}")


def search(name: str, server_port: int, phone_ports: list[int], plan: str,
           args: argparse.Namespace, deadline: float, workdir: Path,
           log: list[dict[str, object]]) -> int:
    """The highest passing rate: geometric steps up, then one bisection between the last
    pass and the first failure (when time allows)."""
    best, rate, failed_at = 0, args.start_rate, None
    while rate <= args.max_rate and time.monotonic() + args.seconds + 25 < deadline:
        step = run_step(server_port, phone_ports, plan, rate, args.seconds, workdir)
        step.update(server=name, plan=plan)
        log.append(step)
        print(f"  {name:8} {plan:3} {rate:6d} cps  {'ok' if step['ok'] else 'FAILED'} "
              f"({step['successful']}/{step['calls']} in {step['seconds']} s, "
              f"exit {step['exit_codes']})", flush=True)
        if not step["ok"]:
            failed_at = rate
            break
        best = rate
        rate = int(rate * args.factor)
    if failed_at and best and time.monotonic() + args.seconds + 25 < deadline:
        mid = (best + failed_at) // 2
        if best < mid < failed_at:
            step = run_step(server_port, phone_ports, plan, mid, args.seconds, workdir)
            step.update(server=name, plan=plan)
            log.append(step)
            print(f"  {name:8} {plan:3} {mid:6d} cps  {'ok' if step['ok'] else 'FAILED'}",
                  flush=True)
            if step["ok"]:
                best = mid
    return best


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--callplan", default=str(ROOT / "build/e2e-release/tools/callplan/callplan"),
                    help="the callplan binary (a Release build)")
    ap.add_argument("--kamailio", default="/usr/sbin/kamailio")
    ap.add_argument("--servers", default="kamailio,callplan", help="which halves to run")
    ap.add_argument("--plans", default="one,all")
    ap.add_argument("--children", default="1,2",
                    help="Kamailio UDP worker counts (-n) to try; Kamailio's best counts. On a "
                         "2-core machine one worker beat two, four and eight (docs/performance.md)")
    ap.add_argument("--start-rate", type=int, default=100)
    ap.add_argument("--factor", type=float, default=1.5)
    ap.add_argument("--max-rate", type=int, default=6000)
    ap.add_argument("--seconds", type=float, default=5.0, help="load per step, in seconds")
    ap.add_argument("--budget", type=float, default=540.0, help="whole run, seconds")
    ap.add_argument("--json", default=str(ROOT / "build/bench-sip.json"))
    args = ap.parse_args()

    deadline = time.monotonic() + args.budget
    servers = args.servers.split(",")
    plans = args.plans.split(",")
    workdir = Path(tempfile.mkdtemp(prefix="bench-sip-"))
    phone_ports = [free_udp_port(SERVER_IP) for _ in range(3)]
    children = [int(c) for c in args.children.split(",")]
    runs = [(name, c) for name in servers for c in (children if name == "kamailio" else [0])]
    share = args.budget / (len(runs) * len(plans))
    by_children: dict[str, dict[int, int]] = {p: {} for p in plans}
    log: list[dict[str, object]] = []
    best: dict[str, dict[str, int]] = {p: {} for p in plans}
    print(f"bench/sip: {platform.node()}, {os.cpu_count()} cores; logs in {workdir}", flush=True)

    for plan in plans:
        for name, workers in runs:
            port = free_udp_port(SERVER_IP)
            if name == "kamailio":
                uas = [f'"sip:bench@{SERVER_IP}:{p}"' for p in phone_ports]
                server = Server(name, [args.kamailio, "-f", str(ROOT / "bench/sip/kamailio.cfg"),
                                       "-DD", "-E", "-n", str(workers), "-m", "256",
                                       "-M", "16", "-Y", str(workdir),
                                       "-A", f"LISTEN=udp:{SERVER_IP}:{port}",
                                       "-A", f"UAS1={uas[0]}", "-A", f"UAS2={uas[1]}",
                                       "-A", f"UAS3={uas[2]}"],
                                None, workdir, port)
            else:
                tenant = ROOT / "bench/sip/tenant.yaml"
                server = Server(name, [args.callplan, "serve", str(tenant), "--listen",
                                       f"udp:{SERVER_IP}:{port}", "--trunk",
                                       f"{TRUNK_IP}:{free_udp_port(TRUNK_IP)}",
                                       "--log-level", "error"],
                                r"callplan serve: ready", workdir, port)
            try:
                if name == "callplan":
                    register_phones(port, phone_ports)
                part_deadline = min(deadline, time.monotonic() + share)
                label = f"kamailio-n{workers}" if name == "kamailio" else name
                rate = search(label, port, phone_ports, plan, args, part_deadline, workdir, log)
                if name == "kamailio":
                    by_children[plan][workers] = rate
                    rate = max(rate, best[plan].get(name, 0))
                best[plan][name] = rate
            finally:
                server.stop()

    print("\nplan                     kamailio cps   callplan cps   callplan/kamailio")
    rows = {}
    for plan in plans:
        k, c = best[plan].get("kamailio"), best[plan].get("callplan")
        ratio = round(c / k, 2) if k and c is not None else None
        rows[plan] = {"kamailio_cps": k, "callplan_cps": c, "ratio": ratio,
                      "number": NUMBERS[plan]}
        label = {"one": "one target", "all": "ring-all over three"}[plan]
        tried = ", ".join(f"-n {n}: {r}" for n, r in sorted(by_children[plan].items()))
        if tried:
            print(f"  (kamailio {tried})")
        print(f"{label:24} {k if k is not None else '-':>12} {c if c is not None else '-':>14}"
              f" {ratio if ratio is not None else '-':>19}")
    result = {"command": " ".join([sys.executable] + sys.argv), "host": platform.node(),
              "cores": os.cpu_count(), "kamailio_cps_by_children": by_children,
              "seconds_per_step": args.seconds, "results": rows, "steps": log,
              "note": "highest rate with zero failed calls (every sipp peer exit 0)"}
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nwritten {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
