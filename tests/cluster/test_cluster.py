"""`callplan serve --cluster` (SPEC 12, docs/cluster.md): two nodes sharing their
registrations through a Redis started by the test on a Unix socket.

- A phone registered at node A rings for a trunk call that arrives at node B, and the record
  in Redis names A as its owner.
- Redis killed and started again empty: the nodes notice, keep registering from memory
  (a REGISTER during the outage is answered), and write their bindings again when it is back;
  a call at B still reaches A's phone afterwards.
- A node killed with kill -9 and started again loads its phones and the other node's from
  Redis (not from its state directory: with --cluster registrations live in Redis).
- Bad --cluster values are usage errors (exit 2) with a message.

    CALLPLAN_BIN=build/dev/tools/callplan/callplan /usr/bin/python3 -m pytest -q tests/cluster

Ports: 29300-29799 (this suite's range); addresses 127.0.0.1 (node A and the phones),
127.0.0.3 (node B), 127.0.0.2 (the carrier).
"""

from __future__ import annotations

import itertools
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from redis_process import REDIS_CLI, REDIS_SERVER, RedisProcess
from sip_e2e_server import ServerProcess
from sip_e2e_sipp import EXIT_OK, SIPP, SippPeer

E2E = Path(__file__).resolve().parents[1] / "sip" / "e2e"
TENANT = E2E / "restart_tenant.yaml"
COMPANY = "e2e"
NODE_A_IP = "127.0.0.1"
NODE_B_IP = "127.0.0.3"
PHONE_IP = "127.0.0.1"
TRUNK_IP = "127.0.0.2"
EXTERNAL_CALLER = "+31201234567"
DAVE_DIRECT = "+31850000011"
BOB_DIRECT = "+31850000012"
DEVICES = {
    "bob-desk": ("e2e-bob-desk", "Bob-desk-pass-2"),
    "carol-desk": ("e2e-carol-desk", "Carol-desk-pass-3"),
    "dave-desk": ("e2e-dave", "Dave-desk-pass-4"),
}


def _missing(what: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is not installed (scripts/install-deps.sh)", pytrace=False)
    pytest.skip(f"{what} is not installed", allow_module_level=True)


if SIPP is None:
    _missing("sipp (Debian sip-tester)")
if REDIS_SERVER is None or REDIS_CLI is None:
    _missing("redis-server (Debian redis-server)")

_ports = itertools.count(29300)


def port(ip: str) -> int:
    """The next port of this suite's range that is free for UDP and TCP on `ip`."""
    for candidate in _ports:
        assert candidate < 29800, "the cluster tests ran out of their port range"
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u, \
                    socket.socket(socket.AF_INET, socket.SOCK_STREAM) as t:
                u.bind((ip, candidate))
                t.bind((ip, candidate))
        except OSError:
            continue
        return candidate
    raise AssertionError("unreachable")


class Node(ServerProcess):
    """`callplan serve --cluster` on its own loopback address and state directory."""

    def __init__(self, name: str, ip: str, redis: RedisProcess, workdir: Path) -> None:
        node_dir = workdir / name
        node_dir.mkdir(exist_ok=True)
        super().__init__(TENANT, node_dir, extra_args=[
            "--no-media", "--cluster", redis.url, "--cluster-retry-max", "400",
            "--cluster-confirm-timeout", "1000"])
        self.name = name
        self.ip = ip
        self.port = port(ip)
        self.trunk_port = port(TRUNK_IP)
        self.args[self.args.index("--listen") + 1] = f"udp:{ip}:{self.port}"
        self.args[self.args.index("--trunk") + 1] = f"{TRUNK_IP}:{self.trunk_port}"

    @property
    def hostport(self) -> str:
        return f"{self.ip}:{self.port}"

    @property
    def node_name(self) -> str:
        return f"udp:{self.ip}:{self.port}"

    def in_step(self, after: int, timeout: float = 8.0) -> str:
        """The next "in step with Redis" line from stderr line `after` on."""
        return self.wait_for(r"cluster: in step with Redis", timeout, start=after)

    def again(self) -> "Node":
        """A new process with the same address, ports and state directory."""
        fresh = Node.__new__(Node)
        ServerProcess.__init__(fresh, TENANT, self.workdir)
        fresh.name, fresh.ip, fresh.port, fresh.trunk_port = self.name, self.ip, self.port, self.trunk_port
        fresh.args, fresh.cdr = self.args, self.cdr
        return fresh


class Lab:
    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.peers: list[SippPeer] = []
        self.redis = RedisProcess(workdir).start()
        self.a = Node("a", NODE_A_IP, self.redis, workdir).start()
        self.b = Node("b", NODE_B_IP, self.redis, workdir).start()

    def register(self, device: str, node: Node, contact_port: int) -> None:
        username, password = DEVICES[device]
        reg = self.peer(f"{device}-register-{node.name}-{len(self.peers)}", "register.xml",
                        local_ip=PHONE_IP, local_port=port(PHONE_IP), remote=node.hostport,
                        timeout_s=8,
                        keys={"domain": node.ip, "contact_port": str(contact_port),
                              "expires": "300"},
                        inject=[username, f"[authentication username={username} "
                                          f"password={password}]"])
        assert reg.run() == EXIT_OK, f"registration of {device} at {node.name} failed\n" \
                                     f"{reg.report()}\n{node.stderr_text()}"

    def phone(self, device: str, contact_port: int, calls: int = 1) -> SippPeer:
        return self.peer(f"{device}-phone-{len(self.peers)}", "device_answer.xml",
                         local_ip=PHONE_IP, local_port=contact_port, calls=calls,
                         pause_ms=300, timeout_s=20).start()

    def trunk_call(self, node: Node, called: str) -> SippPeer:
        return self.peer(f"trunk-{node.name}-{len(self.peers)}", "trunk_call_answered.xml",
                         local_ip=TRUNK_IP, local_port=port(TRUNK_IP), remote=node.hostport,
                         pause_ms=200, timeout_s=15,
                         keys={"called": called, "caller": EXTERNAL_CALLER}).start()

    def peer(self, name: str, scenario: str, **kw: object) -> SippPeer:
        p = SippPeer(self.workdir, name, scenario, **kw)  # type: ignore[arg-type]
        self.peers.append(p)
        return p

    def owners(self) -> dict[str, str]:
        """username -> owning node, from Redis."""
        return {user: record["owner"]
                for (user, _), record in self.redis.bindings(COMPANY).items()}

    def close(self) -> None:
        for p in self.peers:
            p.kill()
        for node in (self.a, self.b):
            node.stop()
        self.redis.stop()


@pytest.fixture
def lab(tmp_path: Path):
    lab = Lab(tmp_path)
    try:
        yield lab
    finally:
        lab.close()


def answered(node: Node, count: int, called: str) -> list[str]:
    return [r["answered_device"] for r in node.call_records(count) if r["dialled"] == called]


def test_a_phone_registered_at_a_rings_for_a_call_at_b(lab: Lab) -> None:
    contact = port(PHONE_IP)
    lab.register("bob-desk", lab.a, contact)
    # In Redis with its owner; node B learned it from the channel.
    assert lab.owners() == {"e2e-bob-desk": lab.a.node_name}
    record = next(iter(lab.redis.bindings(COMPANY).values()))
    assert (record["transport"], record["address"]) == ("udp", PHONE_IP)
    lab.phone("bob-desk", contact)
    call = lab.trunk_call(lab.b, BOB_DIRECT)
    assert call.wait() == EXIT_OK, f"{call.report()}\n{lab.b.stderr_text()}"
    assert answered(lab.b, 1, BOB_DIRECT) == ["e2e-bob-desk"]
    # A phone registered at B is B's.
    lab.register("dave-desk", lab.b, port(PHONE_IP))
    assert lab.owners() == {"e2e-bob-desk": lab.a.node_name, "e2e-dave": lab.b.node_name}


def test_redis_restarted_empty_gets_every_binding_back(lab: Lab) -> None:
    bob, dave, carol = port(PHONE_IP), port(PHONE_IP), port(PHONE_IP)
    lab.register("bob-desk", lab.a, bob)
    lab.register("dave-desk", lab.b, dave)
    seen_a, seen_b = len(lab.a.lines), len(lab.b.lines)
    lab.redis.kill()
    lab.a.wait_for(r"cluster: Redis at .* unreachable", 5, start=seen_a)
    lab.b.wait_for(r"cluster: Redis at .* unreachable", 5, start=seen_b)
    # While Redis is away a REGISTER is answered from memory, at once.
    started = time.monotonic()
    lab.register("carol-desk", lab.a, carol)
    assert time.monotonic() - started < 2.0
    seen_a, seen_b = len(lab.a.lines), len(lab.b.lines)
    lab.redis.start()  # empty: no RDB, no AOF
    assert "2 of this node (2 written again" in lab.a.in_step(seen_a)
    assert "1 of this node (1 written again" in lab.b.in_step(seen_b)
    deadline = time.monotonic() + 5
    want = {"e2e-bob-desk": lab.a.node_name, "e2e-carol-desk": lab.a.node_name,
            "e2e-dave": lab.b.node_name}
    while lab.owners() != want and time.monotonic() < deadline:
        time.sleep(0.05)
    assert lab.owners() == want
    # B dropped what it had of A when it read the empty Redis and heard A's writes after:
    # A's phone rings for a call at B again.
    lab.phone("bob-desk", bob)
    call = lab.trunk_call(lab.b, BOB_DIRECT)
    assert call.wait() == EXIT_OK, f"{call.report()}\n{lab.b.stderr_text()}"
    assert answered(lab.b, 1, BOB_DIRECT) == ["e2e-bob-desk"]


def test_a_node_killed_and_started_again_loads_from_redis(lab: Lab) -> None:
    bob, dave = port(PHONE_IP), port(PHONE_IP)
    lab.register("bob-desk", lab.a, bob)
    lab.register("dave-desk", lab.b, dave)
    for which in ("a", "b"):
        node: Node = getattr(lab, which)
        assert node.proc is not None
        node.proc.send_signal(signal.SIGKILL)
        node.proc.wait(timeout=5)
        fresh = node.again().start()
        setattr(lab, which, fresh)
        # In step before "ready": its own phone back from Redis, the other node's learned.
        line = fresh.wait_for(r"cluster: in step with Redis", 1)
        assert "1 binding(s) of other nodes" in line and "1 back from Redis" in line, line
    lab.phone("bob-desk", bob)
    lab.phone("dave-desk", dave)
    to_bob = lab.trunk_call(lab.b, BOB_DIRECT)  # B restarted last: A's phone, from Redis
    assert to_bob.wait() == EXIT_OK, f"{to_bob.report()}\n{lab.b.stderr_text()}"
    to_dave = lab.trunk_call(lab.a, DAVE_DIRECT)
    assert to_dave.wait() == EXIT_OK, f"{to_dave.report()}\n{lab.a.stderr_text()}"
    assert lab.owners() == {"e2e-bob-desk": lab.a.node_name, "e2e-dave": lab.b.node_name}


@pytest.mark.parametrize("value,message", [
    ("redis.example.com:6379", "expected redis://ADDRESS:PORT or unix:PATH"),
    ("redis://redis.example.com:6379", "is not an IP address"),
    ("redis://127.0.0.1:99999", "is not a port"),
    ("redis://user:secret@127.0.0.1:6379", "not supported"),
    ("unix:", "needs the socket's path"),
])
def test_bad_cluster_addresses_are_usage_errors(tmp_path: Path, value: str, message: str) -> None:
    node = ServerProcess(TENANT, tmp_path, extra_args=["--no-media", "--cluster", value])
    out = subprocess.run(node.args, capture_output=True, text=True, timeout=20, cwd=tmp_path)
    assert out.returncode == 2, out.stderr
    assert f"callplan serve: --cluster {value}: " in out.stderr and message in out.stderr, out.stderr
