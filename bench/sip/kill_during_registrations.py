#!/usr/bin/python3
"""SPEC 11's bound, checked against the real server: kill -9 `callplan serve` in the middle of
a stream of registrations; no phone whose 200 came more than 100 ms before the kill may be
missing from the state store afterwards (what the next start loads).

    /usr/bin/python3 bench/sip/kill_during_registrations.py \
        --callplan build/dev/tools/callplan/callplan [--phones 1000] [--kill-after 0.4] [--runs 3]

Four threads register the phones (MD5 digest, the runner's own UAC) as fast as the server
answers; the kill comes --kill-after seconds in. Ports --port-base (23700) + 20 per run.
"""

from __future__ import annotations

import argparse
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import ROOT  # noqa: E402,F401  (puts tests/sip/e2e on the path)
from sip_e2e_udp import UdpUac, register  # noqa: E402
from state_run import many_phones_tenant  # noqa: E402


def one_run(binary: str, phones: int, kill_after: float,
            port: int = 23700) -> tuple[int, int, int, int]:
    work = Path(tempfile.mkdtemp(prefix="kill-during-registrations-"))
    users = many_phones_tenant(work / "tenant.yaml", phones)
    server = subprocess.Popen([binary, "serve", str(work / "tenant.yaml"), "--listen",
                               f"udp:127.0.0.1:{port}", "--trunk", f"127.0.0.2:{port + 1}",
                               "--state-dir", str(work / "state"), "--rate-limit", "0",
                               "--endpoint-rate-limit", "0"],
                              stderr=subprocess.PIPE, text=True)
    assert server.stderr is not None
    for line in server.stderr:
        if "ready" in line:
            break
    ok: dict[str, float] = {}

    def phone_line(chunk: list[tuple[str, str]], local_port: int) -> None:
        with UdpUac("127.0.0.1", local_port) as uac:
            for user, password in chunk:
                try:
                    _, r = register(uac, ("127.0.0.1", port), user=user, algorithm="MD5",
                                     password=password, expires=3600)
                except OSError:
                    return
                if r is not None and r.status == 200:
                    ok[user] = time.monotonic()

    lines = [threading.Thread(target=phone_line, args=(users[i::4], port + 10 + i))
             for i in range(4)]
    for t in lines:
        t.start()
    time.sleep(kill_after)
    killed_at = time.monotonic()
    server.kill()
    server.wait()
    for t in lines:
        t.join(timeout=10)
    db = sqlite3.connect(f"file:{work / 'state' / 'state.db'}?mode=ro", uri=True)
    stored = {row[0] for row in db.execute("SELECT username FROM registrations")}
    db.close()
    old = [u for u, t in ok.items() if t < killed_at - 0.1]
    recent = [u for u, t in ok.items() if t >= killed_at - 0.1]
    return len(ok), len(old), sum(u not in stored for u in old), len(recent)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--callplan", default=str(ROOT / "build/dev/tools/callplan/callplan"))
    ap.add_argument("--phones", type=int, default=1000)
    ap.add_argument("--kill-after", type=float, default=0.4)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--port-base", type=int, default=23700,
                    help="the server's port; the phones use PORT+10..PORT+13")
    args = ap.parse_args()
    lost = 0
    for run in range(args.runs):
        # Each run its own ports: a phone thread of the run before may still hold its socket.
        registered, old, missing, recent = one_run(args.callplan, args.phones, args.kill_after,
                                                   args.port_base + 20 * run)
        lost += missing
        print(f"200s before the kill: {registered}; more than 100 ms before: {old}, missing "
              f"after it: {missing}; within the last 100 ms: {recent}", flush=True)
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
