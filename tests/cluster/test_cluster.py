"""`callplan serve --cluster` (SPEC 12, docs/cluster.md): two nodes (three in one test) sharing
their registrations, round-robin positions and call records through a Redis started by the
test on a Unix socket.

- A phone registered at node A rings for a trunk call that arrives at node B, the record in
  Redis names A as its owner, and the call's detail record is in the company's stream.
- Redis killed and started again empty: the nodes notice, keep registering from memory
  (a REGISTER during the outage is answered), and write their bindings again when it is back;
  a call at B still reaches A's phone afterwards.
- A node killed with kill -9 and started again loads its phones and the other node's from
  Redis (not from its state directory: with --cluster registrations live in Redis).
- The cluster secret: a digest nonce of node A answered at node B gets a new challenge
  (stale), never a 200, also when replayed after A took it; a call set up through A whose
  phone hangs up through B (A killed meanwhile) ends at the carrier.
- Round robin exact across nodes: calls of one round-robin group alternating between the
  nodes ring the members in the order `callplan simulate --state` gives for those calls one
  after the other, and Redis holds the position simulate ends with.
- Message waiting: a message in node A's voicemail store lights the lamp of a phone that
  watches the mailbox at node B.
- A registration over TCP is capped to 300 s (--cluster-tcp-expires); over UDP it is not.
- Three nodes, one killed with kill -9 while a call is up through it: the others go on at
  once with the round robin where it was and the dead node's phone.
- Bad --cluster values are usage errors (exit 2) with a message; so are a --cluster-node that
  is not an address and a --cluster-auth-file that is missing, readable by others or not one.
- Phones only their node reaches (docs/cluster.md, "Phones reached through their node"), with a
  Redis that asks for a password (--cluster-auth-file): a phone registered over TCP at A (its
  connection is A's) answers two trunk calls at B, relayed through A, hung up by either side;
  INVITEs to A without a node's proof (made with the cluster secret for that very request)
  get 403 and reach no phone; a phone behind an address-restricted NAT at A, which takes
  packets from A's address only, answers a call at B through A.

    CALLPLAN_BIN=build/dev/tools/callplan/callplan /usr/bin/python3 -m pytest -q tests/cluster

Ports: 37000-37999 (this suite's range); addresses 127.0.0.1 (node A and the phones),
127.0.0.3 (node B), 127.0.0.4 (node C), 127.0.0.2 (the carrier). The tests of phones reached
through their node: 127.0.0.71-79, ports 47000-47999.
"""

from __future__ import annotations

import atexit
import hashlib
import hmac
import itertools
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable

import pytest

from redis_process import REDIS_CLI, REDIS_SERVER, RedisProcess
from sip_e2e_server import ServerProcess
from sip_e2e_sipp import EXIT_OK, SIPP, SipMessage, SippPeer
from sip_e2e_udp import UdpUac, digest_params, digest_response, ha1
from sip_phone import Phone

E2E = Path(__file__).resolve().parents[1] / "sip" / "e2e"
# The restart tests' tenant (round-robin group, direct numbers), with a mailbox for Bob so that
# message waiting can be watched by a phone sipp can authenticate.
_BOB = '{extension: "102", first_name: Bob, last_name: Visser, caller_id: "+31850000010"}'
_TENANT_DIR = Path(tempfile.mkdtemp(prefix="callplan-cluster-tenant-"))
atexit.register(shutil.rmtree, _TENANT_DIR, True)
TENANT = _TENANT_DIR / "cluster_tenant.yaml"
_restart = (E2E / "restart_tenant.yaml").read_text()
assert _BOB in _restart
TENANT.write_text(_restart.replace(_BOB, _BOB[:-1] + ", voicemail: true}"))
COMPANY = "e2e"
NODE_A_IP = "127.0.0.1"
NODE_B_IP = "127.0.0.3"
PHONE_IP = "127.0.0.1"
TRUNK_IP = "127.0.0.2"
EXTERNAL_CALLER = "+31201234567"
ROUND_ROBIN = "+31850000010"
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

_ports = itertools.count(37000)
# The tests of phones reached through their node run on 127.0.0.71-79 with ports 47000-47999.
_relay_ports = itertools.count(47000)


def port(ip: str) -> int:
    """The next port of this suite's range that is free for UDP and TCP on `ip`."""
    counter, end = (_relay_ports, 48000) if ip.startswith("127.0.0.7") else (_ports, 38000)
    for candidate in counter:
        assert candidate < end, "the cluster tests ran out of their port range"
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u, \
                    socket.socket(socket.AF_INET, socket.SOCK_STREAM) as t:
                u.bind((ip, candidate))
                t.bind((ip, candidate))
        except OSError:
            continue
        return candidate
    raise AssertionError("unreachable")


def cluster_secret(workdir: Path) -> Path:
    """The secret every node of the test's cluster shares (--cluster-secret-file)."""
    key = workdir / "cluster.key"
    if not key.exists():
        key.write_bytes(secrets.token_bytes(32))
        key.chmod(0o600)
    return key


class Node(ServerProcess):
    """`callplan serve --cluster` on its own loopback address and state directory."""

    def __init__(self, name: str, ip: str, redis: RedisProcess, workdir: Path,
                 tcp: bool = False, trunk_ip: str = TRUNK_IP) -> None:
        node_dir = workdir / name
        node_dir.mkdir(exist_ok=True)
        super().__init__(TENANT, node_dir, extra_args=[
            "--no-media", "--cluster", redis.url, "--cluster-retry-max", "400",
            "--cluster-confirm-timeout", "1000",
            "--cluster-secret-file", str(cluster_secret(workdir)),
            *(["--cluster-auth-file", str(redis.auth_file)] if redis.auth_file else [])])
        self.name = name
        self.ip = ip
        self.port = port(ip)
        self.trunk_ip = trunk_ip
        self.trunk_port = port(trunk_ip)
        self.args[self.args.index("--listen") + 1] = f"udp:{ip}:{self.port}"
        self.args[self.args.index("--trunk") + 1] = f"{trunk_ip}:{self.trunk_port}"
        if tcp:
            self.args += ["--listen", f"tcp:{ip}:{self.port}"]

    @property
    def hostport(self) -> str:
        return f"{self.ip}:{self.port}"

    @property
    def sip_address(self) -> tuple[str, int]:
        return (self.ip, self.port)

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
        fresh.trunk_ip = self.trunk_ip
        fresh.args, fresh.cdr = self.args, self.cdr
        return fresh


class Lab:
    def __init__(self, workdir: Path, a_ip: str = NODE_A_IP, b_ip: str = NODE_B_IP,
                 a_tcp: bool = False, trunk_ip: str = TRUNK_IP,
                 redis_password: str | None = None, redis_user: str | None = None) -> None:
        self.workdir = workdir
        self.peers: list[SippPeer] = []
        self.redis = RedisProcess(workdir, redis_password, redis_user).start()
        self.a = Node("a", a_ip, self.redis, workdir, tcp=a_tcp, trunk_ip=trunk_ip).start()
        self.b = Node("b", b_ip, self.redis, workdir, trunk_ip=trunk_ip).start()
        self.more: list[Node] = []  # nodes a test adds

    def node(self, name: str, ip: str, tcp: bool = False) -> Node:
        """One more node of the cluster, closed with the lab."""
        node = Node(name, ip, self.redis, self.workdir, tcp=tcp)
        self.more.append(node)
        return node.start()

    def register(self, device: str, node: Node, contact_port: int, expires: int = 300,
                 tcp: bool = False) -> SippPeer:
        username, password = DEVICES[device]
        reg = self.peer(f"{device}-register-{node.name}-{len(self.peers)}", "register.xml",
                        local_ip=PHONE_IP, local_port=port(PHONE_IP), remote=node.hostport,
                        timeout_s=8,
                        keys={"domain": node.ip, "contact_port": str(contact_port),
                              "expires": str(expires)},
                        inject=[username, f"[authentication username={username} "
                                          f"password={password}]"],
                        extra=["-t", "t1"] if tcp else None)
        assert reg.run() == EXIT_OK, f"registration of {device} at {node.name} failed\n" \
                                     f"{reg.report()}\n{node.stderr_text()}"
        return reg

    def phone(self, device: str, contact_port: int, calls: int = 1,
              timeout_s: float = 20) -> SippPeer:
        """A sipp phone answering `calls` calls; it ends after them, or after `timeout_s`."""
        return self.peer(f"{device}-phone-{len(self.peers)}", "device_answer.xml",
                         local_ip=PHONE_IP, local_port=contact_port, calls=calls,
                         pause_ms=300, timeout_s=timeout_s).start()

    def trunk_call(self, node: Node, called: str, hold_ms: int = 200) -> SippPeer:
        return self.peer(f"trunk-{node.name}-{len(self.peers)}", "trunk_call_answered.xml",
                         local_ip=node.trunk_ip, local_port=port(node.trunk_ip), remote=node.hostport,
                         pause_ms=hold_ms, timeout_s=15,
                         keys={"called": called, "caller": EXTERNAL_CALLER}).start()

    def peer(self, name: str, scenario: str, **kw: object) -> SippPeer:
        p = SippPeer(self.workdir, name, scenario, **kw)  # type: ignore[arg-type]
        self.peers.append(p)
        return p

    def round_robin(self) -> dict[str, str]:
        """The company's round-robin positions in Redis: group -> member."""
        out = self.redis.cli("--no-raw", "HGETALL", f"callplan:{{{COMPANY}}}:round_robin")
        items = [line.split(") ", 1)[1].strip().strip('"') for line in out.splitlines()
                 if ") " in line]
        return dict(zip(items[0::2], items[1::2]))

    def owners(self) -> dict[str, str]:
        """username -> owning node, from Redis."""
        return {user: record["owner"]
                for (user, _), record in self.redis.bindings(COMPANY).items()}

    def close(self) -> None:
        for p in self.peers:
            p.kill()
        for node in (self.a, self.b, *self.more):
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
    # Its call detail record is in the company's stream too, with the node that wrote it.
    deadline = time.monotonic() + 2
    while "record" not in (stream := lab.redis.cli("XRANGE", f"callplan:{{{COMPANY}}}:cdr", "-", "+")) \
            and time.monotonic() < deadline:
        time.sleep(0.05)
    lines = stream.splitlines()
    assert lines[1:3] == ["node", lab.b.node_name] and lines[3] == "record", stream
    assert json.loads(lines[4])["answered_device"] == "e2e-bob-desk", stream
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


def test_bad_cluster_node_and_auth_files_are_usage_errors(tmp_path: Path) -> None:
    readable = tmp_path / "open.pass"
    readable.write_text("s3cret\n")
    readable.chmod(0o644)
    three = tmp_path / "three.pass"
    three.write_text("a\nb\nc\n")
    three.chmod(0o600)
    for extra, message in [
            (["--cluster-node", "node-a"],
             "--cluster-node node-a: the address the other nodes reach this node at"),
            (["--cluster-auth-file", str(tmp_path / "missing.pass")], "missing.pass: cannot read it"),
            (["--cluster-auth-file", str(readable)], "readable by every user"),
            (["--cluster-auth-file", str(three)], "3 lines")]:
        node = ServerProcess(TENANT, tmp_path, extra_args=[
            "--no-media", "--cluster", f"unix:{tmp_path}/redis.sock", *extra])
        out = subprocess.run(node.args, capture_output=True, text=True, timeout=20, cwd=tmp_path)
        assert out.returncode == 2, out.stderr
        assert message in out.stderr, out.stderr


def callplan_bin() -> str:
    binary = os.environ.get("CALLPLAN_BIN") or "callplan"
    return str(Path(binary).resolve()) if os.sep in binary else binary


def simulated(state: Path, called: str) -> str:
    """Who `callplan simulate` says answers `called` from the routing state in `state` when
    every phone answers; `state` is then the state after that call."""
    out = subprocess.run([callplan_bin(), "simulate", str(TENANT), "--from", EXTERNAL_CALLER,
                          "--to", called, "--answer", "102@1,103@1,104@1", "--state", str(state),
                          "--state-out", str(state), "--format", "json"],
                         capture_output=True, text=True, timeout=30, check=True)
    return json.loads(out.stdout)["result"]["by"]


def test_round_robin_continues_across_nodes(lab: Lab) -> None:
    # Bob and Dave at A, Carol at B: every member rings whichever node takes the call.
    ports = {d: port(PHONE_IP) for d in ("bob-desk", "carol-desk", "dave-desk")}
    lab.register("bob-desk", lab.a, ports["bob-desk"])
    lab.register("carol-desk", lab.b, ports["carol-desk"])
    lab.register("dave-desk", lab.a, ports["dave-desk"])
    # The phones outlive five calls and five `callplan simulate` runs one after the other,
    # however slow the machine (20 s ran out at load 15): each ends after its second call.
    for device, contact in ports.items():
        lab.phone(device, contact, calls=2, timeout_s=90)
    state = lab.workdir / "simulated-state.json"
    state.write_text(json.dumps({"version": 1, "round_robin": {}, "random": 0}))
    nodes = [lab.a, lab.b, lab.a, lab.b, lab.a]
    taken = {lab.a.name: 0, lab.b.name: 0}
    for i, node in enumerate(nodes):
        expected = simulated(state, ROUND_ROBIN)
        call = lab.trunk_call(node, ROUND_ROBIN)
        assert call.wait() == EXIT_OK, f"call {i} at {node.name}\n{call.report()}\n" \
                                       f"{node.stderr_text()}"
        taken[node.name] += 1
        records = node.call_records(taken[node.name])
        got = [r["answered_by"] for r in records if r["dialled"] == ROUND_ROBIN][-1]
        assert got == expected, f"call {i} at {node.name}: answered by {got}, simulate says " \
                                f"{expected}"
    # 102, 103, 104, 102, 103: the order of one node, over two.
    assert json.loads(state.read_text())["round_robin"] == {"desk-round-robin/0": "103"}
    assert lab.round_robin() == {"desk-round-robin/0": "103"}


def digest_authorization(challenge: str, user: str, password: str, uri: str) -> str:
    """The Authorization header answering one WWW-Authenticate challenge (MD5, qop=auth)."""
    p = digest_params(challenge)
    cnonce = secrets.token_hex(8)
    response = digest_response("MD5", ha1("MD5", user, p["realm"], password), "REGISTER", uri,
                               p["nonce"], "auth", "00000001", cnonce)
    return (f'Authorization: Digest username="{user}", realm="{p["realm"]}", '
            f'nonce="{p["nonce"]}", uri="{uri}", response="{response}", algorithm=MD5, '
            f'qop=auth, nc=00000001, cnonce="{cnonce}"')


def test_a_nonce_of_one_node_gets_a_new_challenge_at_another_never_a_replay(lab: Lab) -> None:
    user, password = DEVICES["bob-desk"]
    uri = f"sip:{NODE_A_IP}"
    with UdpUac(PHONE_IP, port(PHONE_IP)) as uac:
        call_id = secrets.token_hex(8)
        cseq = itertools.count(1)

        def register(node: Node, auth: str | None = None):
            extra = ([auth] if auth else []) + ["Expires: 300"]
            request = uac.request("REGISTER", uri, node.sip_address, from_user=user,
                                  call_id=call_id, cseq=next(cseq), extra=extra)
            answer = uac.final_response(request, node.sip_address)
            assert answer is not None, f"no answer from {node.name}"
            return answer

        at_a = register(lab.a)
        assert at_a.status == 401
        from_a = digest_authorization(at_a.headers("WWW-Authenticate")[0], user, password, uri)
        # A's nonce at B: the password is right, the nonce is not B's: a new challenge, stale
        # (the phone answers it without asking its user), not a failure.
        at_b = register(lab.b, from_a)
        assert at_b.status == 401, at_b.text
        assert re.search(r"stale=true", at_b.headers("WWW-Authenticate")[0], re.I), at_b.text
        ok_b = register(lab.b, digest_authorization(at_b.headers("WWW-Authenticate")[0], user,
                                                    password, uri))
        assert ok_b.status == 200, ok_b.text
        assert lab.owners() == {user: lab.b.node_name}
        # A's own nonce at A: taken once, then a replay; at B never.
        assert register(lab.a, from_a).status == 200
        assert register(lab.b, from_a).status == 401
        replayed = register(lab.a, from_a)
        assert replayed.status == 401
        assert not re.search(r"stale=true", replayed.headers("WWW-Authenticate")[0], re.I)
    lab.a.wait_for(r"auth-failure.*reason=replayed", 2)
    assert not any("auth-failure" in line for line in lab.b.lines), lab.b.stderr_text()


def route_set(invite: SipMessage) -> list[str]:
    """The Record-Route entries of a received INVITE, in order (each line may hold several)."""
    entries: list[str] = []
    for line in invite.text.replace("\r\n", "\n").split("\n")[1:]:
        if not line.strip():
            break
        name, _, value = line.partition(":")
        if name.strip().lower() == "record-route":
            entries += [v.strip() for v in re.split(r",(?=\s*<)", value)]
    return entries


def test_a_call_set_up_at_a_is_hung_up_through_b(lab: Lab) -> None:
    contact = port(PHONE_IP)
    lab.register("bob-desk", lab.a, contact)
    bob = lab.phone("bob-desk", contact)
    carrier = lab.peer("carrier-far-bye", "trunk_call_far_bye.xml", local_ip=TRUNK_IP,
                       local_port=port(TRUNK_IP), remote=lab.a.hostport, timeout_s=15,
                       keys={"called": BOB_DIRECT, "caller": EXTERNAL_CALLER}).start()
    deadline = time.monotonic() + 8
    while not bob.received("ACK") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert bob.received("ACK"), f"the call never reached bob through A\n{bob.report()}"
    invite = bob.received("INVITE")[0]
    ack = bob.received("ACK")[0]  # its To is bob's side of the dialog, with his tag
    routes = route_set(invite)
    assert routes and lab.a.hostport in routes[0], routes
    # A dies; bob hangs up through B, with the route set A gave him.
    assert lab.a.proc is not None
    lab.a.proc.send_signal(signal.SIGKILL)
    lab.a.proc.wait(timeout=5)
    target = re.search(r"<([^>]+)>", invite.header("Contact") or "")
    assert target, invite.text
    with UdpUac(PHONE_IP, port(PHONE_IP)) as uac:
        def bye(route: list[str], cseq: int) -> bytes:
            return "\r\n".join([
                f"BYE {target.group(1)} SIP/2.0",
                f"Via: SIP/2.0/UDP {uac.local_ip}:{uac.local_port};branch=z9hG4bK"
                f"{secrets.token_hex(8)};rport",
                "Max-Forwards: 70",
                f"From: {ack.header('To')}",
                f"To: {invite.header('From')}",
                *[f"Route: {r}" for r in route],
                f"Call-ID: {invite.header('Call-ID')}",
                f"CSeq: {cseq} BYE",
                f"Contact: <sip:{uac.local_ip}:{uac.local_port}>",
                "Content-Length: 0", "", ""]).encode()
        # A token altered by one character is nobody's: 481, and nothing reaches the carrier.
        forged = [routes[0].replace("cp1.", "cp1.A", 1)] + routes[1:]
        refused = uac.final_response(bye(forged, 1), lab.b.sip_address)
        assert refused is not None and refused.status == 481, refused
        assert not carrier.received("BYE")
        # A's own token: B relays the BYE to the carrier. (The carrier's sipp answers it to A,
        # the address it called, which is dead: B's transaction is left to time out.)
        uac.send(bye(routes, 2), lab.b.sip_address)
        assert carrier.wait() == EXIT_OK, f"{carrier.report()}\n{lab.b.stderr_text()}"
    relayed = carrier.received("BYE")[0]
    assert relayed.header("Call-ID") == invite.header("Call-ID")
    assert NODE_B_IP in (relayed.header("Via") or ""), relayed.text  # relayed by B
    assert lab.b.proc is not None
    lab.b.proc.send_signal(signal.SIGKILL)  # its BYE transaction would hold a SIGTERM 10 s


def test_a_registration_over_tcp_is_capped_to_300_s(lab: Lab) -> None:
    c = lab.node("c", "127.0.0.4", tcp=True)
    reg = lab.register("bob-desk", c, port(PHONE_IP), expires=3600, tcp=True)
    ok = reg.received(200)[-1]
    # The binding lives only as long as C holds its connection: the phone comes back sooner,
    # at whichever node, when C dies.
    assert re.search(r"expires=300\b", ok.header("Contact") or ""), ok.text
    udp = lab.register("dave-desk", c, port(PHONE_IP), expires=3600).received(200)[-1]
    assert re.search(r"expires=3600\b", udp.header("Contact") or ""), udp.text


def test_three_nodes_one_killed_during_a_call(lab: Lab) -> None:
    c = lab.node("c", "127.0.0.4")
    ports = {d: port(PHONE_IP) for d in ("bob-desk", "carol-desk", "dave-desk")}
    lab.register("bob-desk", lab.a, ports["bob-desk"])
    lab.register("carol-desk", lab.b, ports["carol-desk"])
    lab.register("dave-desk", c, ports["dave-desk"])
    phones = {d: lab.phone(d, p, calls=2) for d, p in ports.items()}
    state = lab.workdir / "simulated-state.json"
    state.write_text(json.dumps({"version": 1, "round_robin": {}, "random": 0}))

    def round_robin_call(node: Node, records_before: int) -> None:
        expected = simulated(state, ROUND_ROBIN)
        call = lab.trunk_call(node, ROUND_ROBIN)
        assert call.wait() == EXIT_OK, f"{call.report()}\n{node.stderr_text()}"
        got = node.call_records(records_before + 1)[-1]["answered_by"]
        assert got == expected, f"at {node.name}: {got}, simulate says {expected}"

    round_robin_call(lab.a, 0)  # 102, bob
    # A call through A is up (dave answers, the carrier holds it 4 s) when A is killed.
    held = lab.trunk_call(lab.a, DAVE_DIRECT, hold_ms=4000)
    deadline = time.monotonic() + 8
    while not phones["dave-desk"].received("ACK") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert phones["dave-desk"].received("ACK"), phones["dave-desk"].report()
    assert lab.a.proc is not None
    lab.a.proc.send_signal(signal.SIGKILL)
    lab.a.proc.wait(timeout=5)
    # The others go on at once: the round robin where A left it, A's phone still reachable.
    round_robin_call(lab.b, 0)  # 103, carol
    round_robin_call(c, 0)      # 104, dave (in A's call too: C does not know it)
    to_bob = lab.trunk_call(c, BOB_DIRECT)
    assert to_bob.wait() == EXIT_OK, f"{to_bob.report()}\n{c.stderr_text()}"
    assert c.call_records(2)[-1]["answered_device"] == "e2e-bob-desk"
    assert lab.round_robin() == {"desk-round-robin/0": "104"}
    held.kill()  # its BYE went to the dead node: a call ringing or up there ends with it


def deposit(state: Path, extension: str, message_id: str) -> None:
    """A message as the voicemail store writes it (docs/voicemail.md): folder, WAV, record."""
    folder = state / "voicemail" / COMPANY / extension / "messages" / message_id
    folder.mkdir(parents=True)
    (folder / "message.wav").write_bytes(b"RIFF")  # the counter only needs it to exist
    record = {"format": 1, "id": message_id, "caller": EXTERNAL_CALLER, "caller_name": "",
              "called": BOB_DIRECT, "received": "2026-12-07T07:00:00+01:00", "seconds": 4.0,
              "reason": "no_answer", "state": "new", "audio": "message.wav"}
    (folder / "message.json").write_text(json.dumps(record))


def test_a_voicemail_at_a_lights_the_lamp_of_a_phone_at_b(lab: Lab) -> None:
    user, password = DEVICES["bob-desk"]
    watcher = lab.peer("bob-mwi-at-b", "subscribe_mwi.xml", local_ip=PHONE_IP,
                       local_port=port(PHONE_IP), remote=lab.b.hostport, timeout_s=15,
                       inject=[user, f"[authentication username={user} password={password}]"]
                       ).start()
    deadline = time.monotonic() + 5
    while not watcher.received("NOTIFY") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "Messages-Waiting: no" in watcher.received("NOTIFY")[0].text, watcher.report()
    # A message in A's store, as A's media side leaves it. A counts its store when it reads
    # Redis again (here after a reload; its own media side tells it at once when it stores one).
    deposit(lab.a.workdir / "state", "102", "20261207T060000.000Z-0001")
    told = time.time()  # sipp stamps its trace with the wall clock
    assert lab.a.proc is not None
    lab.a.proc.send_signal(signal.SIGHUP)
    assert watcher.wait() == EXIT_OK, f"{watcher.report()}\n{lab.b.stderr_text()}"
    lit = watcher.received("NOTIFY")[1]
    assert "Voice-Message: 1/0" in lit.text
    # B has none of it in its own store: the count came from A through Redis, and B told its
    # watcher when it arrived (A's reload, its resync, B's NOTIFY: well under a second).
    assert lit.time - told < 4.0, (lit.time, told)
    assert lab.redis.cli("HGET", f"callplan:{{{COMPANY}}}:mailboxes",
                         f"102\n{lab.a.node_name}") == "1 0"


# --- Phones reached through their node (docs/cluster.md): a TCP connection node A holds, a
# NAT path open to A's address only. These run on 127.0.0.71-79, ports 47000-47999.
RELAY_A_IP, RELAY_B_IP = "127.0.0.71", "127.0.0.72"
TCP_PHONE_IP, NAT_PHONE_IP, STRANGER_IP, RELAY_TRUNK_IP = "127.0.0.75", "127.0.0.76", "127.0.0.77", "127.0.0.79"


@pytest.fixture
def relay_lab(tmp_path: Path):
    # Redis asks for a password here, of the ACL user docs/cluster.md describes
    # (--cluster-auth-file): what an operator's does.
    lab = Lab(tmp_path, a_ip=RELAY_A_IP, b_ip=RELAY_B_IP, a_tcp=True, trunk_ip=RELAY_TRUNK_IP,
              redis_password=secrets.token_hex(12), redis_user="callplan")
    try:
        yield lab
    finally:
        lab.close()


def relay_token(secret: bytes, username: str, flow: str, branch: str, expires: int) -> str:
    """cluster/relay_token.hpp's token, made here from the test's copy of the secret."""
    key = hmac.new(secret, b"callplan cluster: relay routes v1", hashlib.sha256).digest()
    payload = f"{expires}\n{username}\n{flow}".encode()
    mac = hmac.new(key, payload + b"\n" + branch.encode(), hashlib.sha256).digest()[:16]
    return f"cr1.{payload.hex()}.{mac.hex()}"


def wait_owner(lab: Lab, username: str, node: Node) -> None:
    deadline = time.monotonic() + 3
    while lab.owners().get(username) != node.node_name:
        assert time.monotonic() < deadline, lab.owners()
        time.sleep(0.02)
    time.sleep(0.05)  # B hears it on the channel about a millisecond later


def test_a_tcp_phone_at_a_rings_for_calls_at_b_through_a(relay_lab: Lab) -> None:
    lab = relay_lab
    user, password = DEVICES["bob-desk"]
    phone = Phone(transport="tcp", local_ip=TCP_PHONE_IP, node=lab.a.sip_address,
                  username=user, password=password)
    try:
        phone.register()
        wait_owner(lab, user, lab.a)
        record = next(iter(lab.redis.bindings(COMPANY).values()))
        assert record["transport"] == "tcp", record
        # 1. The carrier calls B; B rings Bob through A, on the connection A holds; the carrier
        #    hangs up.
        call = lab.trunk_call(lab.b, BOB_DIRECT)
        invite, _ = phone.answer()
        vias = invite.all("via")
        assert vias[0].startswith(f"SIP/2.0/TCP {lab.a.hostport}"), vias
        assert lab.b.hostport in vias[1], vias  # B sent it, A relayed it
        routes = invite.all("record-route")
        assert routes[0] == f"<sip:{lab.a.hostport};lr;transport=tcp>", routes
        assert lab.b.hostport in routes[1], routes
        phone.take_bye()
        assert call.wait() == EXIT_OK, f"{call.report()}\n{lab.b.stderr_text()}"
        # 2. Again, and Bob hangs up: his BYE goes back through A to B, and on to the carrier.
        carrier = lab.peer("carrier-far-bye", "trunk_call_far_bye.xml", local_ip=RELAY_TRUNK_IP,
                           local_port=port(RELAY_TRUNK_IP), remote=lab.b.hostport, timeout_s=10,
                           keys={"called": BOB_DIRECT, "caller": EXTERNAL_CALLER}).start()
        invite, tag = phone.answer()
        ok = phone.hang_up(invite, tag)
        assert ok.status == 200, ok.text
        assert carrier.wait() == EXIT_OK, f"{carrier.report()}\n{lab.b.stderr_text()}"
        assert lab.b.hostport in (carrier.received("BYE")[0].header("Via") or "")
        assert answered(lab.b, 2, BOB_DIRECT) == ["e2e-bob-desk", "e2e-bob-desk"]

        # 3. Whoever sends A an INVITE for its phone without a node's proof is refused, and
        #    nothing reaches the phone. Only a token made with the cluster secret, for that very
        #    request (its branch), is taken.
        secret = cluster_secret(lab.workdir).read_bytes()
        flow = f"tcp:{TCP_PHONE_IP}:{phone.local_port}"
        expires = int(time.time()) + 60
        with UdpUac(STRANGER_IP, port(STRANGER_IP)) as stranger:
            def invite_with(token_for: Callable[[str], str]) -> int | None:
                branch = f"z9hG4bK{secrets.token_hex(8)}"
                request = "\r\n".join([
                    f"INVITE {invite.request_uri} SIP/2.0",
                    f"Via: SIP/2.0/UDP {STRANGER_IP}:{stranger.local_port};branch={branch};rport",
                    "Max-Forwards: 70", f"Route: <sip:{token_for(branch)}@{lab.a.hostport};lr>",
                    f"From: <sip:{EXTERNAL_CALLER}@{STRANGER_IP}>;tag={secrets.token_hex(4)}",
                    f"To: <sip:{user}@{lab.a.ip}>", f"Call-ID: {secrets.token_hex(8)}",
                    "CSeq: 1 INVITE", f"Contact: <sip:{STRANGER_IP}:{stranger.local_port}>",
                    "Content-Length: 0", "", ""]).encode()
                answer = stranger.final_response(request, lab.a.sip_address, timeout_s=3)
                return answer.status if answer else None

            seen = len(phone.received)
            assert invite_with(lambda _: "cr1.00.00") == 403
            assert invite_with(lambda b: relay_token(secrets.token_bytes(32), user, flow, b,
                                                     expires)) == 403
            assert invite_with(lambda b: relay_token(secret, user, flow, b + "0", expires)) == 403
            assert invite_with(lambda b: relay_token(secret, user, flow, b, expires - 3600)) == 403
            assert phone.quiet(0.2) == [] and len(phone.received) == seen
            lab.a.wait_for(r"auth-failure source=127\.0\.0\.77 .*reason=cluster-route-expired", 2)
            refusals = [line for line in lab.a.lines if "cluster-route-" in line]
            assert len(refusals) == 4 and all("source=127.0.0.77" in r for r in refusals), refusals
            # The positive control: the proof made right (as B makes it) reaches the phone.
            answers: list[int | None] = []
            stranger_call = threading.Thread(target=lambda: answers.append(invite_with(
                lambda b: relay_token(secret, user, flow, b, expires))))
            stranger_call.start()
            relayed = phone.wait("INVITE", 4)
            assert relayed.all("via")[0].startswith(f"SIP/2.0/TCP {lab.a.hostport}")
            phone.respond(relayed, "486 Busy Here", "busy")
            stranger_call.join(5)
            assert answers == [486], answers
    finally:
        phone.close()


def test_a_phone_behind_nat_at_a_is_reached_through_a(relay_lab: Lab) -> None:
    lab = relay_lab
    user, password = DEVICES["bob-desk"]
    # Its Contact names a private address it does not send from: reached at its NAT mapping,
    # which (an address-restricted NAT) lets in A's packets only.
    phone = Phone(transport="udp", local_ip=NAT_PHONE_IP, node=lab.a.sip_address, username=user,
                  password=password, contact_host="10.99.0.1", only_from=RELAY_A_IP)
    try:
        phone.register()
        wait_owner(lab, user, lab.a)
        call = lab.trunk_call(lab.b, BOB_DIRECT)
        invite, _ = phone.answer()
        assert invite.source[0] == RELAY_A_IP
        vias = invite.all("via")
        assert vias[0].startswith(f"SIP/2.0/UDP {lab.a.hostport}") and lab.b.hostport in vias[1], vias
        assert invite.all("record-route")[0] == f"<sip:{lab.a.hostport};lr>"
        assert phone.take_bye().source[0] == RELAY_A_IP
        assert call.wait() == EXIT_OK, f"{call.report()}\n{lab.b.stderr_text()}"
        assert phone.ignored == [], [m.start for m in phone.ignored]  # nothing came from B
        assert answered(lab.b, 1, BOB_DIRECT) == ["e2e-bob-desk"]
    finally:
        phone.close()
