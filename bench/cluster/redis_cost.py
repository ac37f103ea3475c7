#!/usr/bin/python3
"""What the cluster's bindings cost Redis itself (issue 14 item 5, docs/performance.md
"Cluster"), without a node: the figures the arithmetic for 100,000 phones needs.

    /usr/bin/python3 bench/cluster/redis_cost.py [--bindings 100000] [--subscribers 0,2]

With a redis-server this script starts on a Unix socket (no persistence) and stops by its PID:

1. **Memory**: --bindings records as a node writes them (cluster/binding_record.hpp: field
   `username LF contact`, value the v1 record) in one company's hash, then MEMORY USAGE of the
   hash (exact: SAMPLES 0) over their number, and Redis's used_memory before and after.
2. **The put script** (src/cluster/scripts.cpp: HGET, compare, HSET, PUBLISH; one per
   changed binding, i.e. per REGISTER) run by redis-benchmark at its best (50 clients) over
   --bindings different fields, with 0 and with N subscribers on the channel (the other nodes:
   redis-cli SUBSCRIBE processes): scripts per second Redis sustains on one core. That is the
   ceiling of REGISTERs per second for the whole cluster.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "cluster"))

from redis_process import REDIS_CLI, RedisProcess  # noqa: E402

PUT = (ROOT / "src/cluster/scripts.cpp").read_text().split('kPut = R"lua(', 1)[1].split(')lua"', 1)[0]


def record(i: int, now_ms: int) -> tuple[str, str]:
    """A binding of phone i as a node writes it: a UDP phone behind its office's NAT."""
    user = f"acme-r{i:06d}"
    contact = f"sip:{user}@192.168.{i >> 8 & 255}.{i & 255}:5060"
    value = "\n".join(["v1", str(now_ms), str(now_ms + 3_600_000), "udp:10.0.0.1:5060", "udp",
                       f"203.0.{i >> 8 & 255}.{i & 255}", str(1024 + i % 60000), "1000", "2",
                       f"{i:08x}-4f1c-9a2e-bench@192.168.{i >> 8 & 255}.{i & 255}"])
    return f"{user}\n{contact}", value


def resp(*args: str) -> str:
    return f"*{len(args)}\r\n" + "".join(f"${len(a.encode())}\r\n{a}\r\n" for a in args)


def used_memory(redis: RedisProcess) -> int:
    return int(re.search(r"used_memory:(\d+)", redis.cli("INFO", "memory")).group(1))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bindings", type=int, default=100_000)
    ap.add_argument("--subscribers", default="0,2")
    ap.add_argument("--requests", type=int, default=200_000)
    ap.add_argument("--json", default=str(ROOT / "build/bench-cluster-redis.json"))
    args = ap.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-cluster-redis-"))
    print(f"bench/cluster/redis_cost.py: {platform.node()}, {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.1f}; logs in {workdir}", flush=True)
    redis = RedisProcess(workdir).start()
    key = "callplan:{acme}:bindings"
    result: dict[str, object] = {"command": " ".join([sys.executable] + sys.argv),
                                 "host": platform.node(), "cores": os.cpu_count()}
    subscribers: list[subprocess.Popen[bytes]] = []
    try:
        before = used_memory(redis)
        now_ms = int(time.time() * 1000)
        pipe = "".join(resp("HSET", key, *record(i, now_ms)) for i in range(args.bindings))
        out = subprocess.run([REDIS_CLI, "-s", str(redis.socket), "--pipe"], input=pipe.encode(),
                             capture_output=True, timeout=300)
        assert out.returncode == 0, out.stderr
        hash_bytes = int(redis.cli("MEMORY", "USAGE", key, "SAMPLES", "0"))
        after = used_memory(redis)
        result["memory"] = {"bindings": args.bindings, "hash_bytes": hash_bytes,
                            "bytes_per_binding": round(hash_bytes / args.bindings, 1),
                            "used_memory_growth_bytes": after - before,
                            "example_record_bytes": len(record(1, now_ms)[0]) + len(record(1, now_ms)[1])}
        print(f"memory: {result['memory']}", flush=True)
        sha = redis.cli("SCRIPT", "LOAD", PUT)
        field, value = record(7, now_ms)
        runs = []
        wanted = [int(n) for n in args.subscribers.split(",")]
        for count in wanted:
            while len(subscribers) < count:
                subscribers.append(subprocess.Popen(
                    [REDIS_CLI, "-s", str(redis.socket), "SUBSCRIBE", "callplan:bindings"],
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True))
            time.sleep(0.3)
            bench = subprocess.run(
                ["redis-benchmark", "-s", str(redis.socket), "-n", str(args.requests), "-c", "50",
                 "-r", str(args.bindings), "-q", "--csv",
                 "EVALSHA", sha, "1", key, "acme-r__rand_int__\n" + field.split("\n", 1)[1], value,
                 str(now_ms + 1), "callplan:bindings",
                 "put\nudp:10.0.0.1:5060\nacme\nacme-r__rand_int__\n" + field.split("\n", 1)[1]
                 + "\n" + value],
                capture_output=True, text=True, timeout=300)
            m = re.search(r'"([0-9.]+)"', bench.stdout.splitlines()[-1] if bench.stdout else "")
            per_s = float(m.group(1)) if m else None
            runs.append({"subscribers": count, "put_scripts_per_s": per_s, "raw": bench.stdout.strip()})
            print(f"put script with {count} subscriber(s): {per_s} per s", flush=True)
        result["put_script"] = runs
        result["hlen_after"] = int(redis.cli("HLEN", key))
    finally:
        for s in subscribers:
            s.kill()
            s.wait()
        redis.stop()
    result["load_average_at_end"] = os.getloadavg()
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(result, indent=2) + "\n")
    print(f"written {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
