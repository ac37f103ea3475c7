#!/usr/bin/python3
"""What `--cluster` costs `callplan serve`, and what two nodes on one machine do
(issue 14 item 5, docs/performance.md "Cluster").

    /usr/bin/python3 bench/cluster/cluster_run.py --callplan build/release/tools/callplan/callplan

In one run, with a redis-server this script starts on a Unix socket (no persistence) and stops
by its PID:

1. **One node, with and without `--cluster`**: two servers up side by side, `single` (no
   `--cluster`) and `cluster` (`--cluster unix:... --cluster-secret-file`), both with their own
   `--state-dir` and no rate limits. Each round offers both the same saturating load, back to
   back, the one going first alternating, and takes the rate each sustained (successful /
   seconds): REGISTERs (sipp's register.xml over 1,000 phones in turn, each REGISTER a new
   Call-ID: every one changes a binding, so with `--cluster` every one is a script run in
   Redis before its 200) and calls (bench/sip/run.py's one-target plan). The figure is the
   median over the rounds of cluster/single (target >= 0.8).
2. **Two nodes together**: nodes A and B on one Redis, each loaded by its own sipp at the same
   time (REGISTERs: half the phones each; calls: each node's caller rings a phone registered at
   that node), their sustained rates summed; and, before that, A alone under a REGISTER load
   while B only listens: B's CPU per change it applies (what every node pays for every other
   node's REGISTERs).
3. **What grows**: Redis's memory per binding (MEMORY USAGE of the company's hash over its
   HLEN), and a node's start with N bindings of another node in Redis (--resync-phones, a
   tenant with N devices): the time to "in step" from its log line.

Ports from --port-base (47500: in the cluster helper's block 47000-47999), loopback only.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench" / "sip"))
sys.path.insert(0, str(ROOT / "tests" / "cluster"))

from load import SERVER_IP, Server, start_callplan  # noqa: E402
from redis_process import RedisProcess  # noqa: E402
from sip_e2e_udp import UdpUac, register  # noqa: E402
from state_run import BENCH_TENANT, NO_LIMITS, many_phones_tenant, register_step  # noqa: E402
import run  # noqa: E402  (run_step: the one-target call load of bench/sip/run.py)

# Node B's own one-target number: rings 202 (bench-two), as +31850001001 rings 201.
run.NUMBERS["one-b"] = "+31850001004"
run.PHONES["one-b"] = ["device_answer.xml"]


def two_numbers_tenant(path: Path) -> Path:
    """bench/sip/tenant.yaml with +31850001004 ringing 202 alone."""
    text = BENCH_TENANT.read_text()
    number = '  - {number: "+31850001003", plan: cascade}\n'
    plan = "  - id: cascade\n"
    assert number in text and plan in text, "bench/sip/tenant.yaml changed"
    text = text.replace(number, number + '  - {number: "+31850001004", plan: one-target-b}\n')
    text = text.replace(plan, "  - id: one-target-b\n    steps:\n      - transfer: "
                              '{to: "202", follow_personal_plan: false, timeout: 30}\n' + plan)
    path.write_text(text)
    return path


def register_load(server: Server, name: str, port: int, server_port: int, contact_port: int,
                  rate: int, seconds: float, workdir: Path,
                  phones: list[tuple[str, str]]) -> dict[str, object]:
    """bench/sip/state_run.py's REGISTER load under a name of its own (two can run at once),
    with the rate it sustained and the server's CPU per 1,000 successful REGISTERs."""
    r = register_step(server, port, server_port, contact_port, rate, seconds, workdir, phones,
                      name=name)
    done = int(r["successful"] or 0)
    r["successful"] = done
    r["sustained_per_s"] = round(done / max(float(r["seconds"]), 1e-3), 1)
    r["cpu_per_1000_s"] = round(1000 * float(r["server_cpu_s"]) / max(done, 1), 4)
    return r


def call_load(server: Server, ports: dict[str, object], plan: str, rate: int, seconds: float,
              workdir: Path) -> dict[str, object]:
    r = run.run_step(server, ports, plan, rate, seconds, workdir)
    done = int(r["successful"] or 0)
    r["sustained_per_s"] = round(done / max(float(r["seconds"]), 1e-3), 1)
    r["cpu_per_1000_s"] = round(1000 * float(r["server_cpu_s"]) / max(done, 1), 4)
    return r


def register_device(server_port: int, port: int, user: str, password: str) -> None:
    with UdpUac(SERVER_IP, port) as uac:
        _, ok = register(uac, (SERVER_IP, server_port), user=user, algorithm="MD5",
                         password=password, expires=3600)
    if ok is None or ok.status != 200:
        raise SystemExit(f"{user} could not register: {ok and ok.text}")


class Lab:
    """The run's Redis, secret and nodes; everything stopped by its PID at the end."""

    def __init__(self, args: argparse.Namespace, workdir: Path) -> None:
        self.args = args
        self.workdir = workdir
        self.redis = RedisProcess(workdir)
        self.secret = workdir / "cluster.key"
        self.secret.write_bytes(secrets.token_bytes(32))
        self.secret.chmod(0o600)
        self.servers: list[Server] = []

    def node(self, name: str, port: int, tenant: Path, cluster: bool) -> Server:
        state = self.workdir / f"state-{name}"
        extra = [*NO_LIMITS, "--state-dir", str(state)]
        if cluster:
            extra += ["--cluster", self.redis.url, "--cluster-secret-file", str(self.secret)]
        server = start_callplan(self.args.callplan, port, port + 1, self.workdir, tenant=tenant,
                                extra=extra)
        self.servers.append(server)
        return server

    def stop_nodes(self) -> None:
        for s in self.servers:
            s.stop()
        self.servers = []


def ports_of(base: int) -> dict[str, object]:
    return {"server": base, "trunk": base + 1, "caller": base + 2,
            "phones": [base + 3, base + 4, base + 5]}


def one_node(lab: Lab, kind: str, args: argparse.Namespace, phones: list[tuple[str, str]],
             tenants: dict[str, Path], log: list[dict[str, object]]) -> dict[str, object]:
    """Part 1 for `kind` (register, calls): rounds of single vs cluster."""
    base = args.port_base
    modes = {"single": base, "cluster": base + 10}
    servers = {mode: lab.node(mode, p, tenants[kind], mode == "cluster") for mode, p in modes.items()}
    try:
        if kind == "calls":
            for mode, p in modes.items():
                register_device(p, p + 3, "bench-one", "Bench-one-pass")
        ratios, rates, cpus = [], {m: [] for m in modes}, {m: [] for m in modes}
        for n in range(args.rounds):
            got = {}
            for mode in sorted(modes, reverse=n % 2 == 1):
                p = ports_of(modes[mode])
                if kind == "register":
                    r = register_load(servers[mode], f"{mode}-register", int(p["caller"]),
                                      int(p["server"]), int(p["phones"][0]), args.register_rate,
                                      args.seconds, lab.workdir, phones)
                else:
                    r = call_load(servers[mode], p, "one", args.call_rate, args.seconds, lab.workdir)
                r.update(part="one node", mode=mode, kind=kind, round=n + 1)
                log.append(r)
                got[mode] = float(r["sustained_per_s"])
                rates[mode].append(got[mode])
                cpus[mode].append(float(r["cpu_per_1000_s"]))
                print(f"  round {n + 1} {mode:8} {kind:8} {got[mode]:8.1f}/s sustained "
                      f"({r['successful']}/{r['calls']} in {r['seconds']} s, server CPU "
                      f"{r['cpu_per_1000_s']:.3f} s/1000)", flush=True)
            if got["single"]:
                ratios.append(got["cluster"] / got["single"])
        return {"offered_per_s": args.register_rate if kind == "register" else args.call_rate,
                "median_per_s": {m: round(statistics.median(v), 1) for m, v in rates.items()},
                "median_cpu_per_1000_s": {m: round(statistics.median(v), 4) for m, v in cpus.items()},
                "ratios": [round(x, 3) for x in ratios],
                "median_ratio": round(statistics.median(ratios), 3) if ratios else None}
    finally:
        lab.stop_nodes()


def two_nodes(lab: Lab, args: argparse.Namespace, phones: list[tuple[str, str]],
              tenants: dict[str, Path], log: list[dict[str, object]]) -> dict[str, object]:
    """Part 2: A and B loaded at once; B's CPU per change applied."""
    base = args.port_base + 20
    out: dict[str, object] = {}
    half = len(phones) // 2
    # REGISTERs: first A alone (B listens), then both at once.
    a = lab.node("a", base, tenants["register"], True)
    b = lab.node("b", base + 10, tenants["register"], True)
    try:
        applied = []
        for n in range(args.rounds):
            b_cpu0 = b.cpu_seconds()
            r = register_load(a, "a-alone-register", base + 2, base, base + 3, args.register_rate,
                              args.seconds, lab.workdir, phones)
            time.sleep(0.5)  # B's last messages
            b_cpu = b.cpu_seconds() - b_cpu0
            done = int(r["successful"] or 0)
            applied.append(1e6 * b_cpu / max(done, 1))
            r.update(part="B listening", b_cpu_s=round(b_cpu, 3), round=n + 1)
            log.append(r)
            print(f"  round {n + 1} A alone  register {r['sustained_per_s']:8.1f}/s; B applied "
                  f"them with {b_cpu:.3f} s of CPU ({applied[-1]:.1f} us per change)", flush=True)
        out["b_cpu_us_per_applied_change"] = round(statistics.median(applied), 1)
        out["b_cpu_us_per_applied_change_rounds"] = [round(x, 1) for x in applied]
        sums = together(
            "register", args.rounds, log,
            lambda: register_load(a, "a-both-register", base + 2, base, base + 3,
                                  args.register_rate, args.seconds, lab.workdir, phones[:half]),
            lambda: register_load(b, "b-both-register", base + 12, base + 10, base + 13,
                                  args.register_rate, args.seconds, lab.workdir, phones[half:]))
        out["register_together_per_s"] = round(statistics.median(sums), 1)
        out["register_together_rounds"] = sums
    finally:
        lab.stop_nodes()
    # Calls: each node's caller rings a phone registered at that node.
    a = lab.node("a", base, tenants["two"], True)
    b = lab.node("b", base + 10, tenants["two"], True)
    try:
        register_device(base, base + 3, "bench-one", "Bench-one-pass")
        register_device(base + 10, base + 13, "bench-two", "Bench-two-pass")
        sums = together(
            "calls", args.rounds, log,
            lambda: call_load(a, ports_of(base), "one", args.call_rate, args.seconds, lab.workdir),
            lambda: call_load(b, ports_of(base + 10), "one-b", args.call_rate, args.seconds,
                              lab.workdir))
        out["calls_together_per_s"] = round(statistics.median(sums), 1)
        out["calls_together_rounds"] = sums
    finally:
        lab.stop_nodes()
    return out


def together(kind: str, rounds: int, log: list[dict[str, object]],
             load_a: Callable[[], dict[str, object]],
             load_b: Callable[[], dict[str, object]]) -> list[float]:
    """Runs the two nodes' loads at once, `rounds` times; the sum of their sustained rates
    per round. Each node's result goes to `log`."""
    sums: list[float] = []
    for n in range(rounds):
        results: dict[str, dict[str, object]] = {}

        def run_one(name: str, load: Callable[[], dict[str, object]]) -> None:
            results[name] = load()
        threads = [threading.Thread(target=run_one, args=("a", load_a)),
                   threading.Thread(target=run_one, args=("b", load_b))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        total = sum(float(r["sustained_per_s"]) for r in results.values())
        sums.append(total)
        for name, r in results.items():
            r.update(part="two nodes", node=name, kind=kind, round=n + 1)
            log.append(r)
        print(f"  round {n + 1} A + B    {kind:8} {total:8.1f}/s sustained together "
              f"(A {results['a']['sustained_per_s']}, B {results['b']['sustained_per_s']})",
              flush=True)
    return sums


def redis_bytes_per_binding(lab: Lab) -> dict[str, object]:
    key = "callplan:{bench}:bindings"
    count = int(lab.redis.cli("HLEN", key) or 0)
    usage = int(lab.redis.cli("MEMORY", "USAGE", key, "SAMPLES", "0") or 0)
    return {"bindings": count, "hash_bytes": usage,
            "bytes_per_binding": round(usage / count, 1) if count else None}


def resync(lab: Lab, args: argparse.Namespace, count: int) -> dict[str, object]:
    """A node starting with `count` bindings of another node in Redis: ms to "in step"."""
    tenant = lab.workdir / f"resync-{count}.yaml"
    phones = many_phones_tenant(tenant, count)
    now_ms = int(time.time() * 1000)
    # HSET through redis-cli --pipe: the records as a node writes them (binding_record.hpp).
    lines = []
    for i, (user, _) in enumerate(phones):
        contact = f"sip:{user}@10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}:5060"
        record = "\n".join(["v1", str(now_ms), str(now_ms + 3_600_000), "udp:127.0.0.99:5060",
                            "udp", f"10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}", "5060", "1000",
                            "1", f"reg-{i}"])
        args_ = ["HSET", "callplan:{bench}:bindings", f"{user}\n{contact}", record]
        lines.append(f"*{len(args_)}\r\n" + "".join(f"${len(a.encode())}\r\n{a}\r\n" for a in args_))
    pipe = subprocess.run([*lab.redis._cli(), "--pipe"], input="".join(lines).encode(),
                          capture_output=True, timeout=120, env=lab.redis._env())
    assert pipe.returncode == 0, pipe.stderr
    port = args.port_base + 40
    log_file = lab.workdir / f"resync-{count}.log"
    started = time.monotonic()
    proc = subprocess.Popen([args.callplan, "serve", str(tenant), "--listen",
                             f"udp:{SERVER_IP}:{port}", "--trunk", f"127.0.0.2:{port + 1}",
                             "--log-level", "error", "--state-dir",
                             str(lab.workdir / f"state-resync-{count}"), "--no-media",
                             "--cluster", lab.redis.url, "--cluster-secret-file", str(lab.secret)],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=log_file.open("w"), start_new_session=True)
    rss_kib = None
    try:
        line, ready = None, None
        while time.monotonic() - started < 120 and ready is None:
            text = log_file.read_text()
            line = line or next((x for x in text.splitlines() if "in step with Redis" in x), None)
            if "callplan serve: ready" in text:
                ready = time.monotonic() - started
            time.sleep(0.02)
        time.sleep(0.5)
        for row in Path(f"/proc/{proc.pid}/status").read_text().splitlines():
            if row.startswith("VmRSS:"):
                rss_kib = int(row.split()[1])
    finally:
        proc.terminate()
        proc.wait(timeout=15)
    m = re.search(r"in (\d+) ms: (\d+) binding", line or "")
    return {"bindings": count, "in_step_ms": int(m.group(1)) if m else None,
            "applied": int(m.group(2)) if m else None,
            "seconds_to_ready": round(ready, 2) if ready else None, "rss_kib": rss_kib,
            "log": line}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--callplan", default=str(ROOT / "build/release/tools/callplan/callplan"))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=4.0)
    ap.add_argument("--register-rate", type=int, default=6000,
                    help="offered REGISTERs/s (above what a node answers here: saturating)")
    ap.add_argument("--call-rate", type=int, default=3000, help="offered calls/s (saturating)")
    ap.add_argument("--phones", type=int, default=1000)
    ap.add_argument("--resync-phones", default="1,10000,100000",
                    help="comma-separated binding counts for the start measurement")
    ap.add_argument("--only", choices=("all", "one", "two", "grow"), default="all")
    ap.add_argument("--port-base", type=int, default=47500)
    ap.add_argument("--json", default=str(ROOT / "build/bench-cluster.json"))
    args = ap.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-cluster-"))
    print(f"bench/cluster/cluster_run.py: {platform.node()}, {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.1f}; logs in {workdir}", flush=True)
    phones = many_phones_tenant(workdir / "many-phones.yaml", args.phones)
    tenants = {"register": workdir / "many-phones.yaml", "calls": BENCH_TENANT,
               "two": two_numbers_tenant(workdir / "two-numbers.yaml")}
    lab = Lab(args, workdir)
    log: list[dict[str, object]] = []
    result: dict[str, object] = {"command": " ".join([sys.executable] + sys.argv),
                                 "host": platform.node(), "cores": os.cpu_count()}
    try:
        if args.only in ("all", "one"):
            lab.redis.start()
            one = {}
            for kind in ("register", "calls"):
                one[kind] = one_node(lab, kind, args, phones, tenants, log)
                if kind == "register":
                    result["redis_after_register_load"] = redis_bytes_per_binding(lab)
            result["one_node"] = one
            lab.redis.stop()
        if args.only in ("all", "two"):
            lab.redis.start()
            result["two_nodes"] = two_nodes(lab, args, phones, tenants, log)
            lab.redis.stop()
        if args.only in ("all", "grow"):
            starts = []
            for count in (int(c) for c in args.resync_phones.split(",") if c):
                lab.redis.start()
                starts.append(resync(lab, args, count))
                print(f"  a node starting with {count} bindings of another node in Redis: "
                      f"{starts[-1]}", flush=True)
                lab.redis.stop()
            result["starts"] = starts
    finally:
        lab.stop_nodes()
        lab.redis.stop()
    result["load_average_at_end"] = os.getloadavg()
    result["steps"] = log
    print()
    for kind, r in (result.get("one_node") or {}).items():
        print(f"one node {kind + '/s':12} single {r['median_per_s']['single']:>8} cluster "
              f"{r['median_per_s']['cluster']:>8}  ratio {r['median_ratio']} (rounds {r['ratios']}); "
              f"CPU s/1000 {r['median_cpu_per_1000_s']}")
    if "redis_after_register_load" in result:
        print(f"Redis: {result['redis_after_register_load']}")
    if "two_nodes" in result:
        print(f"two nodes: {({k: v for k, v in result['two_nodes'].items() if 'rounds' not in k})}")
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(result, indent=2) + "\n")
    print(f"written {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
