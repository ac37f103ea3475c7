#!/usr/bin/python3
"""What the state store costs `callplan serve` (issue 13, docs/performance.md "State in serve").

    /usr/bin/python3 bench/sip/state_run.py --callplan build/release/tools/callplan/callplan

In one run, on the same machine and ports:

1. REGISTER/s and calls/s, with `--state-dir` (every REGISTER and every round-robin move
   enqueued for the SQLite writer thread) and with `--memory-only`: for each, the highest
   stepped rate at which every request succeeded (sipp exit 0), as bench/sip/run.py measures
   calls. REGISTERs are sipp's register.xml (401 challenge, then MD5 digest, then 200) for
   1,000 phones in turn (bench/sip/tenant.yaml plus generated users and devices, --phones),
   each REGISTER a new Call-ID, so every one changes a binding and is written: no two
   changes of one batch hit the same row. Calls are run.py's "one target" plan. Rate limits are off (--rate-limit 0
   --endpoint-rate-limit 0) so the load is measured, not the limiter. The ratio state/memory
   is the figure (target >= 0.9).
2. A restart with 100,000 stored registrations: a state.db holding 100,000 UDP registrations
   (written by SQLite directly, in the schema `serve` made), then the time from starting
   `callplan serve` until a trunk INVITE reaches a phone whose binding is one of them:
   ready to route (target < 2 s).

Ports from --port-base (23500: this block is the state helper's), loopback only.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import (ROOT, SERVER_IP, TRUNK_IP, Server, sipp_options,  # noqa: E402
                  start_callplan, register_phones)
from sip_e2e_sipp import SippPeer  # noqa: E402
import run  # noqa: E402  (run_step / search for calls, as bench/sip/run.py)

NO_LIMITS = ["--rate-limit", "0", "--endpoint-rate-limit", "0"]
BENCH_TENANT = ROOT / "bench/sip/tenant.yaml"


def many_phones_tenant(path: Path, count: int) -> list[tuple[str, str]]:
    """bench/sip/tenant.yaml with `count` more users and devices, so that a REGISTER load
    changes `count` different bindings in turn (the store writes each one; nothing is
    coalesced), as a real office's phones do. Returns (username, password) of the new ones."""
    text = BENCH_TENANT.read_text()
    users = "".join(f'  - {{extension: "{3000 + i}", first_name: R{i}, last_name: Bench}}\n'
                    for i in range(count))
    devices = "".join(f'  - {{id: r{i:04d}, user: "{3000 + i}", '
                      f'sip: {{password: "Reg-{i:04d}-pass"}}}}\n' for i in range(count))
    anchor_user = '  - {extension: "203", first_name: Tre, last_name: Bench}\n'
    anchor_device = '  - {id: three, user: "203", sip: {password: "Bench-three-pass"}}\n'
    assert anchor_user in text and anchor_device in text, "bench/sip/tenant.yaml changed"
    text = text.replace(anchor_user, anchor_user + users).replace(anchor_device,
                                                                  anchor_device + devices)
    path.write_text(text)
    return [(f"bench-r{i:04d}", f"Reg-{i:04d}-pass") for i in range(count)]


def register_step(server: Server, port: int, server_port: int, contact_port: int, rate: int,
                  seconds: float, workdir: Path, phones: list[tuple[str, str]],
                  name: str = "registers") -> dict[str, object]:
    """`rate * seconds` REGISTERs (each with its 401 round trip) at `rate` per second, the
    phones in turn; `name` names the sipp peer and its files (two loads at once need two)."""
    count = max(3, int(rate * seconds))
    inf = workdir / f"{name}-users.csv"
    inf.write_text("SEQUENTIAL\n" + "".join(
        f"{user};[authentication username={user} password={password}]\n"
        for user, password in phones))
    peer = SippPeer(workdir, name, "register.xml", local_ip=SERVER_IP, local_port=port,
                    remote=f"{SERVER_IP}:{server_port}", calls=count, timeout_s=seconds + 20,
                    trace=False,
                    keys={"domain": "bench", "contact_port": str(contact_port),
                          "expires": "3600"},
                    extra=["-inf", str(inf), "-r", str(rate), "-rp", "1000",
                           "-l", str(max(50, rate * 4)), *sipp_options(True)])
    cpu0 = server.cpu_seconds()
    started = time.monotonic()
    rc = peer.run()
    elapsed = time.monotonic() - started
    cpu = server.cpu_seconds() - cpu0
    return {"rate": rate, "calls": count, "ok": rc == 0,
            "successful": peer.screen_counter("Successful call"),
            "failed": peer.screen_counter("Failed call"), "seconds": round(elapsed, 2),
            "server_cpu_s": round(cpu, 3),
            "cpu_per_1000_calls_s": round(1000 * cpu / count, 4), "exit_codes": [rc]}


def keeps_pace(result: dict[str, object], seconds: float) -> bool:
    """A step passes when every request succeeded *and* the load ran at the asked rate: sipp
    falls behind (and still exits 0) when the server answers too slowly."""
    return bool(result["ok"]) and float(result["seconds"]) <= seconds * 1.5 + 1


def ladder(kind: str, servers: dict[str, Server], ports: dict[str, dict[str, object]],
           args: argparse.Namespace, deadline: float, workdir: Path,
           log: list[dict[str, object]]) -> dict[str, dict[str, object] | None]:
    """Both modes at each rate, back to back (so a busy moment of the shared machine hits
    both), rates x--factor until a mode fails; a failed mode stops, the other goes on."""
    best: dict[str, dict[str, object] | None] = {mode: None for mode in servers}
    running = set(servers)
    rate = args.start_rate
    step = 0
    while running and rate <= args.max_rate and time.monotonic() + 2 * args.seconds + 40 < deadline:
        # Which mode goes first alternates: the second of a pair may meet the first's
        # leftovers (the writer thread's last batch, sipp's sockets closing).
        step += 1
        for mode in sorted(running, reverse=step % 2 == 0):
            p = ports[mode]
            if kind == "register":
                r = register_step(servers[mode], int(p["caller"]), int(p["server"]),
                                  int(p["phones"][0]), rate, args.seconds, workdir,
                                  args.register_phones)
            else:
                r = run.run_step(servers[mode], p, "one", rate, args.seconds, workdir)
            r["ok"] = keeps_pace(r, args.seconds)
            r.update(server=mode, plan=kind)
            log.append(r)
            print(f"  {mode:8} {kind:8} {rate:6d}/s  {'ok' if r['ok'] else 'FAILED'} "
                  f"({r['successful']}/{r['calls']} in {r['seconds']} s, "
                  f"server CPU {r['cpu_per_1000_calls_s']:.3f} s/1000)", flush=True)
            if r["ok"]:
                best[mode] = r
            else:
                running.discard(mode)
        rate = int(rate * args.factor)
    return best


def saturate(kind: str, servers: dict[str, Server], ports: dict[str, dict[str, object]],
             args: argparse.Namespace, workdir: Path,
             log: list[dict[str, object]]) -> dict[str, object]:
    """--saturate ROUNDS: each round offers both modes the same load, above what either
    answers in time (--saturate-rate), back to back in alternating order, and takes the rate
    each actually sustained (successful / seconds). On a shared machine a ladder of x1.15
    steps can only say 1.0 or 0.87; the median of per-round ratios is finer and robust to one
    busy moment."""
    ratios, rates = [], {mode: [] for mode in servers}
    for n in range(args.saturate):
        got = {}
        for mode in sorted(servers, reverse=n % 2 == 1):
            p = ports[mode]
            if kind == "register":
                r = register_step(servers[mode], int(p["caller"]), int(p["server"]),
                                  int(p["phones"][0]), args.saturate_rate, args.seconds,
                                  workdir, args.register_phones)
            else:
                r = run.run_step(servers[mode], p, "one", args.saturate_rate, args.seconds,
                                 workdir)
            sustained = float(r["successful"] or 0) / max(float(r["seconds"]), 1e-3)
            r.update(server=mode, plan=f"{kind}-saturated", sustained_per_s=round(sustained, 1))
            log.append(r)
            got[mode] = sustained
            rates[mode].append(sustained)
            print(f"  {mode:8} {kind:8} saturated: {sustained:7.1f}/s sustained "
                  f"({r['successful']}/{r['calls']} in {r['seconds']} s, server CPU "
                  f"{r['cpu_per_1000_calls_s']:.3f} s/1000)", flush=True)
        if got.get("memory"):
            ratios.append(got["state"] / got["memory"])
    return {"rounds": args.saturate, "offered_per_s": args.saturate_rate,
            "median_per_s": {m: round(statistics.median(v), 1) for m, v in rates.items() if v},
            "median_ratio": round(statistics.median(ratios), 3) if ratios else None,
            "ratios": [round(x, 3) for x in ratios]}


def fill_state(db_path: Path, count: int, phone_port: int) -> None:
    """`count` live UDP registrations in the schema serve wrote; bench-one (the phone of the
    one-target number) among them, at `phone_port`."""
    now_ms = int(time.time() * 1000)
    db = sqlite3.connect(db_path)
    rows = [("bench", f"user{i:06d}", f"sip:user{i:06d}@10.{i >> 16 & 255}.{i >> 8 & 255}."
             f"{i & 255}:5060", f"10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}", 5060, "udp",
             now_ms + 3_600_000, f"reg-{i}", 1, 1000, "", 0) for i in range(count - 1)]
    rows.append(("bench", "bench-one", f"sip:bench-one@{SERVER_IP}:{phone_port}", SERVER_IP,
                 phone_port, "udp", now_ms + 3_600_000, "reg-one", 1, 1000, "", 0))
    with db:
        db.execute("DELETE FROM registrations")
        db.executemany("INSERT INTO registrations VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    db.close()


def invite(trunk_port: int, server_port: int) -> bytes:
    call_id = secrets.token_hex(8)
    lines = [f"INVITE sip:+31850001001@{SERVER_IP}:{server_port} SIP/2.0",
             f"Via: SIP/2.0/UDP {TRUNK_IP}:{trunk_port};branch=z9hG4bK{call_id};rport",
             "Max-Forwards: 70",
             f"From: <sip:+31201234567@{TRUNK_IP}>;tag={call_id[:8]}",
             f"To: <sip:+31850001001@{SERVER_IP}>",
             f"Call-ID: {call_id}@{TRUNK_IP}", "CSeq: 1 INVITE",
             f"Contact: <sip:+31201234567@{TRUNK_IP}:{trunk_port}>", "Content-Length: 0", "", ""]
    return "\r\n".join(lines).encode()


def process_cpu_seconds(pid: int) -> float:
    """utime + stime of one process, all its threads (not its children), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def restart_with(binary: str, ports: dict[str, object], count: int, workdir: Path,
                 fill: bool = True) -> dict:
    """Seconds from exec to a trunk INVITE reaching a phone kept in a store of `count`, and the
    CPU time serve (its own process, all threads) had used by then: on a shared machine the
    wall clock is mostly waiting for a core, the CPU time is what the start costs."""
    state = workdir / "restart-state"
    server_port, trunk_port = int(ports["server"]), int(ports["trunk"])
    # Let serve create the directory and schema, then fill it.
    if fill:
        start_callplan(binary, server_port, trunk_port, workdir,
                       extra=["--state-dir", str(state)]).stop()
    phone = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    phone.bind((SERVER_IP, int(ports["phones"][0])))
    trunk = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    trunk.bind((TRUNK_IP, trunk_port))
    try:
        if fill:
            fill_state(state / "state.db", count, int(ports["phones"][0]))
        size_mb = (state / "state.db").stat().st_size / 1e6
        started = time.monotonic()
        proc = subprocess.Popen([binary, "serve", str(ROOT / "bench/sip/tenant.yaml"),
                                 "--listen", f"udp:{SERVER_IP}:{server_port}", "--trunk",
                                 f"{TRUNK_IP}:{trunk_port}", "--log-level", "error",
                                 "--state-dir", str(state)],
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=(workdir / "restart.stderr.log").open("w"),
                                start_new_session=True)
        phone.settimeout(0.01)
        routed = cpu = None
        while routed is None and time.monotonic() - started < 30:
            trunk.sendto(invite(trunk_port, server_port), (SERVER_IP, server_port))
            deadline = time.monotonic() + 0.02
            while time.monotonic() < deadline:
                try:
                    data = phone.recv(65535)
                except socket.timeout:
                    continue
                if data.startswith(b"INVITE "):
                    routed = time.monotonic() - started
                    cpu = process_cpu_seconds(proc.pid)
                    break
        # Twice: the first lets calls in progress (the INVITEs above ring a phone that never
        # answers) drain for 10 s, the second stops at once.
        proc.terminate()
        time.sleep(0.2)
        proc.terminate()
        proc.wait(timeout=10)
        log = (workdir / "restart.stderr.log").read_text()
        back = [line for line in log.splitlines() if "back from" in line]
        return {"registrations": count, "state_db_mb": round(size_mb, 1),
                "seconds_to_route": round(routed, 3) if routed else None,
                "serve_cpu_s_at_route": round(cpu, 3) if cpu is not None else None,
                "log": back[0] if back else log[-500:]}
    finally:
        phone.close()
        trunk.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--callplan", default=str(ROOT / "build/release/tools/callplan/callplan"))
    ap.add_argument("--start-rate", type=int, default=200)
    ap.add_argument("--factor", type=float, default=1.5)
    ap.add_argument("--max-rate", type=int, default=8000)
    ap.add_argument("--seconds", type=float, default=4.0)
    ap.add_argument("--budget", type=float, default=600.0)
    ap.add_argument("--registrations", type=int, default=100_000)
    ap.add_argument("--phones", type=int, default=1000,
                    help="phones registering in turn in the REGISTER load")
    ap.add_argument("--port-base", type=int, default=23500)
    ap.add_argument("--restart-runs", type=int, default=1,
                    help="restarts on the same state.db (the first fills it)")
    ap.add_argument("--only", choices=("all", "restart", "register", "calls"), default="all")
    ap.add_argument("--saturate", type=int, default=0, metavar="ROUNDS",
                    help="instead of the ladder: ROUNDS of one saturating load per mode")
    ap.add_argument("--saturate-rate", type=int, default=2000)
    ap.add_argument("--json", default=str(ROOT / "build/bench-sip-state.json"))
    args = ap.parse_args()

    deadline = time.monotonic() + args.budget
    workdir = Path(tempfile.mkdtemp(prefix="bench-sip-state-"))
    base = args.port_base
    ports = {"server": base, "trunk": base + 1, "caller": base + 2,
             "phones": [base + 3, base + 4, base + 5]}
    print(f"bench/sip/state_run.py: {platform.node()}, {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.1f}; logs in {workdir}", flush=True)
    modes = {"memory": ["--memory-only"], "state": ["--state-dir", str(workdir / "state")]}
    many = workdir / "many-phones.yaml"
    args.register_phones = many_phones_tenant(many, args.phones)
    # Each mode its own server and ports (base, base + 10), both up for the whole ladder.
    mode_ports = {mode: {"server": base + 10 * i, "trunk": base + 10 * i + 1,
                         "caller": base + 10 * i + 2,
                         "phones": [base + 10 * i + 3, base + 10 * i + 4, base + 10 * i + 5]}
                  for i, mode in enumerate(modes)}
    log: list[dict[str, object]] = []
    best: dict[str, dict[str, dict[str, object] | None]] = {"register": {}, "calls": {}}
    kinds = {"all": ("register", "calls"), "restart": (), "register": ("register",),
             "calls": ("calls",)}[args.only]
    saturated: dict[str, dict[str, object]] = {}
    for n, kind in enumerate(kinds):
        servers: dict[str, Server] = {}
        try:
            for mode, extra in modes.items():
                p = mode_ports[mode]
                servers[mode] = start_callplan(args.callplan, int(p["server"]), int(p["trunk"]),
                                               workdir, extra=[*NO_LIMITS, *extra],
                                               tenant=many if kind == "register" else BENCH_TENANT)
                if kind == "calls":
                    register_phones(int(p["server"]), list(p["phones"]))
            part = time.monotonic() + (deadline - time.monotonic() - 60) / (len(kinds) - n)
            if args.saturate:
                saturated[kind] = saturate(kind, servers, mode_ports, args, workdir, log)
                best[kind] = {}
            else:
                best[kind] = ladder(kind, servers, mode_ports, args, part, workdir, log)
        finally:
            for server in servers.values():
                server.stop()
    restarts = [restart_with(args.callplan, ports, args.registrations, workdir, fill=i == 0)
                for i in range(args.restart_runs if args.only in ("all", "restart") else 0)]

    def rate(r: dict[str, object] | None) -> int:
        return int(r["rate"]) if r else 0

    print(f"\n{'':10} {'memory only':>14} {'--state-dir':>14} {'ratio':>8}")
    rows = {}
    for kind in ("register", "calls"):
        if not best.get(kind):
            continue
        m, s = best[kind].get("memory"), best[kind].get("state")
        ratio = round(rate(s) / rate(m), 2) if rate(m) else None
        rows[kind] = {"memory": m, "state": s, "ratio": ratio}
        print(f"{kind + '/s':10} {rate(m):>14} {rate(s):>14} {ratio or '-':>8}")
    for kind, sat in saturated.items():
        med = sat["median_per_s"]
        print(f"{kind + '/s':10} {med.get('memory', 0):>14} {med.get('state', 0):>14} "
              f"{sat['median_ratio'] or '-':>8}  (saturated, median of {sat['rounds']} rounds: "
              f"{sat['ratios']})")
    for r in restarts:
        print(f"restart with {r['registrations']} registrations ({r['state_db_mb']} MB): "
              f"routed after {r['seconds_to_route']} s wall, {r['serve_cpu_s_at_route']} s "
              f"of serve's CPU\n  {r['log']}")
    result = {"command": " ".join([sys.executable] + sys.argv), "host": platform.node(),
              "cores": os.cpu_count(), "load_average_at_end": os.getloadavg(),
              "results": rows, "saturated": saturated, "restarts": restarts, "steps": log}
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
