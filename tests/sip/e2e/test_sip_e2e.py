"""End-to-end SIP tests: `callplan serve` with tests/sip/e2e/tenant.yaml on loopback, sipp
as the phones and the trunk (issue 6, item 7; SPEC section 9).

    CALLPLAN_BIN=build/dev/tools/callplan/callplan /usr/bin/python3 -m pytest -q tests/sip/e2e

Each test starts its own server on free ports, registers the phones it needs (register.xml,
then the phone's UAS scenario on the same port), runs the caller, and checks every sipp
exit code (0 = all its calls went as the scenario says) and what the peers saw. Everything is
killed at the end, also on failure. CALLPLAN_E2E_SERVER=kamailio runs the tests that a
static Kamailio config can pass against standin_kamailio.cfg, to check the tests themselves.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
import yaml  # type: ignore[import]

from sip_e2e_server import SERVER_IP, TRUNK_IP, ServerProcess, free_udp_port, which_server
from sip_e2e_sipp import EXIT_OK, EXIT_TIMEOUT, SIPP, SippPeer
from sip_e2e_udp import UdpUac, parse_response, register

HERE = Path(__file__).resolve().parent
TENANT = HERE / "tenant.yaml"
TORTURE = HERE.parent / "torture"
EXTERNAL_CALLER = "+31201234567"
# What must never appear on the server's stderr (sanitizers, aborts, uncaught exceptions).
CRASH = re.compile(r"AddressSanitizer|LeakSanitizer|runtime error:|terminate called|"
                   r"Segmentation fault|Assertion .* failed|internal error", re.I)

if SIPP is None:
    pytest.skip("sipp (Debian sip-tester) is not installed", allow_module_level=True)

callplan_only = pytest.mark.skipif(which_server() != "callplan",
                                   reason="needs callplan itself, not the stand-in")


def tenant_devices(tenant: Path = TENANT) -> dict[str, dict[str, str]]:
    """Device id -> {username, password?, user?} as the server will see them."""
    doc = yaml.safe_load(tenant.read_text())
    login = doc["tenant"]["login"]
    out = {}
    for dev in doc["devices"]:
        sip = dev.get("sip", {})
        out[dev["id"]] = {"username": sip.get("username", f"{login}-{dev['id']}"),
                          "password": sip.get("password", ""), "user": dev.get("user", "")}
    return out


DEVICES = tenant_devices()


class Lab:
    """One test's server and sipp peers; close() kills whatever still runs."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.server: ServerProcess | None = None
        self.peers: list[SippPeer] = []

    def start_server(self, tenant: Path = TENANT, **kw: object) -> ServerProcess:
        self.server = ServerProcess(tenant, self.workdir, **kw)  # type: ignore[arg-type]
        self.server.start()
        return self.server

    def peer(self, name: str, scenario: str, **kw: object) -> SippPeer:
        p = SippPeer(self.workdir, name, scenario, **kw)  # type: ignore[arg-type]
        self.peers.append(p)
        return p

    def register(self, device: str, port: int, expect_ok: bool = True,
                 transport: str = "u1", name: str | None = None) -> SippPeer:
        d = DEVICES[device]
        assert self.server is not None
        reg = self.peer(f"{name or device}-register", "register.xml", local_ip=SERVER_IP,
                        local_port=port, remote=self.server.hostport, timeout_s=8,
                        keys={"domain": SERVER_IP, "contact_port": str(port), "expires": "300"},
                        inject=[d["username"], f"[authentication username={d['username']} "
                                               f"password={d['password']}]"],
                extra=["-t", transport])
        rc = reg.run()
        if expect_ok:
            assert rc == EXIT_OK, f"registration of {device} failed\n{reg.report()}"
        return reg

    def phone(self, device: str, scenario: str, *, pause_ms: int = 500, calls: int = 1,
              timeout_s: float = 25, name: str | None = None) -> SippPeer:
        """Register `device`, then start its UAS scenario on the same port.
        CALLPLAN_E2E_REGISTER_WITH=python registers with the runner's own MD5 UAC instead of
        register.xml: to see what else works while sipp registration is broken."""
        port = free_udp_port(SERVER_IP)
        if os.environ.get("CALLPLAN_E2E_REGISTER_WITH") == "python":
            assert self.server is not None
            d = DEVICES[device]
            with UdpUac(SERVER_IP, port) as uac:
                _, ok = register(uac, self.server.address, user=d["username"],
                                 algorithm="MD5", password=d["password"])
            assert ok is not None and ok.status == 200, ok and ok.text
        else:
            self.register(device, port, name=name)
        return self.peer(name or device, scenario, local_ip=SERVER_IP, local_port=port, calls=calls,
                         pause_ms=pause_ms, timeout_s=timeout_s).start()

    def trunk_uas(self, scenario: str, *, timeout_s: float = 20, calls: int = 1) -> SippPeer:
        assert self.server is not None
        return self.peer("trunk-uas", scenario, local_ip=TRUNK_IP,
                         local_port=self.server.trunk_port, calls=calls,
                         timeout_s=timeout_s).start()

    def call(self, scenario: str, called: str, *, name: str = "caller",
             caller: str = EXTERNAL_CALLER, from_ip: str = TRUNK_IP, pause_ms: int = 500,
             timeout_s: float = 25, inject: list[str] | None = None) -> SippPeer:
        assert self.server is not None
        time.sleep(0.2)  # the phones' sipp processes bind their ports
        return self.peer(name, scenario, local_ip=from_ip, local_port=free_udp_port(from_ip),
                         remote=self.server.hostport, pause_ms=pause_ms, timeout_s=timeout_s,
                         keys={"called": called, "caller": caller}, inject=inject).start()

    def close(self) -> int | None:
        for p in self.peers:
            p.kill()
        return self.server.stop() if self.server else None


@pytest.fixture
def lab(tmp_path: Path):
    lab = Lab(tmp_path)
    try:
        lab.start_server()
        yield lab
    finally:
        rc = lab.close()
    if lab.server is not None and lab.server.kind == "callplan":
        assert rc == 0, f"callplan serve did not stop cleanly on SIGTERM (exit {rc})\n" \
                        f"{lab.server.stderr_text()}"
        bad = [line for line in lab.server.lines if CRASH.search(line)]
        assert not bad, "server stderr:\n" + "\n".join(bad[:20])


def expect_ok(*peers: SippPeer) -> None:
    """Wait for every peer; each must exit 0 (all its calls as scripted)."""
    for p in peers:
        if p.returncode is None:
            p.wait()
    bad = [p for p in peers if p.returncode != EXIT_OK]
    assert not bad, "\n\n".join(p.report() for p in bad)


def final_status(peer: SippPeer) -> int | None:
    finals = [m.status for m in peer.messages()
              if m.direction == "received" and m.status and m.status >= 200]
    return finals[0] if finals else None


def first_invite(peer: SippPeer) -> float:
    invites = peer.received("INVITE")
    assert invites, f"{peer.name} got no INVITE\n{peer.report()}"
    return invites[0].time


def cancel_time(peer: SippPeer) -> float:
    cancels = peer.received("CANCEL")
    assert cancels, f"{peer.name} got no CANCEL\n{peer.report()}"
    return cancels[0].time


# --- registration ------------------------------------------------------------------------

def test_register_md5(lab: Lab) -> None:
    reg = lab.register("alice-desk", free_udp_port(SERVER_IP))
    challenge = reg.received(401)[0]
    assert 'realm="e2e"' in challenge.text, "digest realm must be the tenant login"


def test_register_wrong_password_is_refused(lab: Lab) -> None:
    DEVICES["bad"] = dict(DEVICES["alice-desk"], password="not-the-password")
    try:
        reg = lab.register("bad", free_udp_port(SERVER_IP), expect_ok=False)
    finally:
        del DEVICES["bad"]
    assert reg.returncode != EXIT_OK
    assert not reg.received(200), reg.report()


@callplan_only
def test_register_over_tcp(lab: Lab) -> None:
    lab.close()
    lab.start_server(tcp=True)
    reg = lab.register("bob-desk", free_udp_port(SERVER_IP), transport="t1")
    assert "SIP/2.0/TCP" in reg.received(200)[0].text


@callplan_only
def test_register_sha256(lab: Lab) -> None:
    assert lab.server is not None
    eve = DEVICES["eve-desk"]
    with UdpUac(SERVER_IP) as uac:
        challenge, answer = register(uac, lab.server.address, user=eve["username"],
                                     algorithm="SHA-256", password="Eve-sha256-pass")
        assert challenge is not None and challenge.status == 401, challenge
        algorithms = [h for h in challenge.headers("WWW-Authenticate")]
        # Only a SHA-256 secret is stored for eve: she is offered SHA-256 alone
        # (docs/sip-server.md, "Digest: which algorithms are offered").
        assert len(algorithms) == 1 and "algorithm=SHA-256" in algorithms[0], algorithms
        assert answer is not None and answer.status == 200, answer and answer.text
        assert answer.headers("Contact"), "a 200 to REGISTER lists the bindings"
    # A device with a password is offered MD5 alone by default: libre 1.x (baresip) gives up
    # at the first challenge that is not MD5.
    with UdpUac(SERVER_IP) as uac:
        name = next(d for d in DEVICES.values() if d["password"])
        challenge, answer = register(uac, lab.server.address, user=name["username"],
                                     algorithm="MD5", password=name["password"])
        assert challenge is not None
        assert [h.split("algorithm=")[1].split(",")[0]
                for h in challenge.headers("WWW-Authenticate")] == ["MD5"], challenge.text
        assert answer is not None and answer.status == 200, answer and answer.text


@callplan_only
def test_digest_sha256_first_when_asked(lab: Lab) -> None:
    lab.close()
    lab.start_server(extra_args=["--digest", "sha256,md5"])
    assert lab.server is not None
    name = next(d for d in DEVICES.values() if d["password"])
    with UdpUac(SERVER_IP) as uac:
        challenge, answer = register(uac, lab.server.address, user=name["username"],
                                     algorithm="SHA-256", password=name["password"])
        assert challenge is not None
        assert [h.split("algorithm=")[1].split(",")[0]
                for h in challenge.headers("WWW-Authenticate")] == ["SHA-256", "MD5"]
        assert answer is not None and answer.status == 200, answer and answer.text


@pytest.mark.ringing_times
@callplan_only
def test_a_device_over_its_own_budget_gets_503_and_its_colleague_does_not(lab: Lab) -> None:
    # --account-rate-limit 2: 2 authenticated requests a second per device, bursts of 20,
    # whatever port they come from (each REGISTER below has a socket, so a port, of its own:
    # the per-phone limit, off here, would not see them as one phone).
    lab.close()
    lab.start_server(extra_args=["--account-rate-limit", "2", "--endpoint-rate-limit", "0"])
    assert lab.server is not None
    alice, bob = DEVICES["alice-desk"], DEVICES["bob-desk"]
    answers = []
    for _ in range(30):  # Expires 0: each unregisters, so the registrar's binding cap stays out
        with UdpUac(SERVER_IP) as uac:
            _, answer = register(uac, lab.server.address, user=alice["username"], algorithm="MD5",
                                 password=alice["password"], expires=0)
            assert answer is not None
            answers.append(answer)
    statuses = [a.status for a in answers]
    assert set(statuses) == {200, 503}, statuses
    assert 20 <= statuses.count(200) <= 26, statuses  # the burst, and what refilled meanwhile
    assert statuses[:20] == [200] * 20, statuses
    assert all(a.headers("Retry-After") == ["5"] for a in answers if a.status == 503)
    lab.server.wait_for(r"rate-limited source=127\.0\.0\.1", 2)
    # A colleague on the same address is not held back.
    with UdpUac(SERVER_IP) as uac:
        _, answer = register(uac, lab.server.address, user=bob["username"], algorithm="MD5",
                             password=bob["password"])
        assert answer is not None and answer.status == 200, answer and answer.text


# --- calls from the trunk ----------------------------------------------------------------

def test_call_rings_registered_device(lab: Lab) -> None:
    alice = lab.phone("alice-desk", "device_answer.xml", pause_ms=300)
    caller = lab.call("trunk_call_answered.xml", "+31850000001", pause_ms=500)
    expect_ok(caller, alice)
    leg = alice.received("INVITE")[0]
    assert EXTERNAL_CALLER in (leg.header("From") or ""), \
        f"the internal leg shows the caller (SPEC 3.8)\n{leg.text}"
    assert leg.header("Record-Route"), "the proxy must Record-Route the INVITE"


@pytest.mark.ringing_times
def test_unanswered_call_gets_480(lab: Lab) -> None:
    alice = lab.phone("alice-desk", "device_ring_cancel.xml")
    caller = lab.call("trunk_call_rejected.xml", "+31850000001")
    expect_ok(caller, alice)
    assert final_status(caller) == 480, caller.report()
    rang = cancel_time(alice) - first_invite(alice)
    assert 4.0 <= rang <= 6.5, f"the 5 s transfer time-out rang {rang:.2f} s"


def test_unknown_number_gets_404(lab: Lab) -> None:
    caller = lab.call("trunk_call_rejected.xml", "+31850009999")
    expect_ok(caller)
    assert final_status(caller) == 404, caller.report()


@callplan_only
def test_voicemail_without_media_server_gets_480_with_warning(lab: Lab) -> None:
    lab.close()
    lab.start_server(extra_args=["--no-media"])  # a proxy alone: no media side of its own
    caller = lab.call("trunk_call_rejected.xml", "+31850000005")
    expect_ok(caller)
    final = [m for m in caller.messages() if m.direction == "received" and m.status
             and m.status >= 200][0]
    assert final.status == 480, caller.report()
    assert final.header("Warning"), f"480 without a Warning header:\n{final.text}"


def start_with_media_server(lab: Lab, scenario: str, keys: dict[str, str]) -> SippPeer:
    """Restart the server with --media-server pointing at a sipp media server."""
    lab.close()
    media_port = free_udp_port(SERVER_IP)
    lab.start_server(media_server=f"sip:media@{SERVER_IP}:{media_port}")
    return lab.peer("media", scenario, local_ip=SERVER_IP, local_port=media_port, keys=keys,
                    timeout_s=20).start()


@callplan_only
def test_voicemail_goes_to_the_media_server(lab: Lab) -> None:
    media = start_with_media_server(lab, "media_voicemail.xml", {})
    caller = lab.call("trunk_call_answered.xml", "+31850000005")
    expect_ok(caller, media)  # answered by the media server; ACK and BYE through the proxy


@callplan_only
def test_announcement_then_voicemail_are_two_requests_to_the_media_server(lab: Lab) -> None:
    lab.close()
    media_port = free_udp_port(SERVER_IP)
    lab.start_server(media_server=f"sip:media@{SERVER_IP}:{media_port}")
    media = lab.peer("media", "media_jobs_distinct.xml", local_ip=SERVER_IP,
                     local_port=media_port, timeout_s=20, calls=2).start()
    caller = lab.call("trunk_call_answered.xml", "+31850000009")
    expect_ok(caller, media)  # 183 from the announcement, then the voicemail's 200; no 482
    invites = media.received("INVITE")
    assert len(invites) == 2, media.report()
    call_ids = {m.header("Call-ID") for m in invites}
    from_tags = {(m.header("From") or "").split("tag=")[-1] for m in invites}
    assert len(call_ids) == 2 and len(from_tags) == 2, \
        f"the two jobs share a Call-ID or From tag: {call_ids} {from_tags}"
    statuses = [m.status for m in caller.messages() if m.direction == "received" and m.status]
    assert 183 in statuses and 200 in statuses and 482 not in statuses, statuses
    # The caller's responses are in its own dialog: its Call-ID, whatever the media server saw.
    caller_id = caller.messages()[0].header("Call-ID")
    assert all(m.header("Call-ID") == caller_id for m in caller.messages()), caller.report()


@callplan_only
def test_menu_digit_from_the_media_server_routes_on(lab: Lab) -> None:
    media = start_with_media_server(lab, "media_menu.xml", {"digit": "1"})
    alice = lab.phone("alice-desk", "device_answer.xml", pause_ms=500)
    caller = lab.call("trunk_call_answered.xml", "+31850000008")
    expect_ok(caller, media, alice)  # the prompt as early media, then "1" rang Alice
    statuses = [m.status for m in caller.messages() if m.direction == "received" and m.status]
    assert 183 in statuses, f"the prompt's early media did not reach the caller: {statuses}"


@pytest.mark.ringing_times
def test_ring_all_one_answers_others_cancelled(lab: Lab) -> None:
    bob = lab.phone("bob-desk", "device_answer.xml", pause_ms=1000)
    carol = lab.phone("carol-desk", "device_ring_cancel.xml")
    dave = lab.phone("dave-desk", "device_ring_cancel.xml")
    caller = lab.call("trunk_call_answered.xml", "+31850000002")
    expect_ok(caller, bob, carol, dave)
    starts = [first_invite(p) for p in (bob, carol, dave)]
    assert max(starts) - min(starts) < 0.5, f"ring_all legs start together: {starts}"


@pytest.mark.ringing_times
@callplan_only
def test_the_answering_users_other_phone_stops_ringing_at_once(lab: Lab) -> None:
    # One user, two phones (two bindings of alice-desk): the first answers, the other must
    # get its CANCEL at once, not when the leg would have timed out (issue 12.2).
    ringing = lab.phone("alice-desk", "device_ring_cancel.xml", name="alice-mobile")
    answering = lab.phone("alice-desk", "device_answer.xml", pause_ms=500)
    caller = lab.call("trunk_call_answered.xml", "+31850000001", pause_ms=500)
    expect_ok(caller, answering, ringing)
    # sipp logs what it receives: the caller's ACK comes right after the 200 it answers.
    answered = answering.received("ACK")[0].time
    stopped = cancel_time(ringing) - answered
    assert stopped < 1.0, f"the other phone rang {stopped:.2f} s after the answer"
    assert [m.status for m in caller.messages() if m.direction == "received" and m.status
            and m.status >= 200 and "INVITE" in (m.header("CSeq") or "")].count(200) >= 1
    (record,) = lab.server.call_records(1)
    assert record["disposition"] == "answered", record
    assert record["answered_by"] == "101" and record["status"] == 200, record
    assert record["answered_device"] == DEVICES["alice-desk"]["username"], record
    assert record["caller"] == EXTERNAL_CALLER and record["dialled"] == "+31850000001", record
    assert record["company"] == "e2e" and record["ended_by"] == "caller", record
    assert record["answer"] and record["start"] <= record["answer"] <= record["end"], record
    assert 0 <= record["duration"] <= 2, record


@callplan_only
def test_an_answer_that_crosses_the_cancel_is_ended_by_the_server(lab: Lab) -> None:
    # The second phone answers after its CANCEL: the caller must not get that 200 (it has
    # its call) and the phone must not stay in a silent call: the server ACKs and BYEs it.
    late = lab.phone("alice-desk", "device_answer_after_cancel.xml", name="alice-mobile")
    answering = lab.phone("alice-desk", "device_answer.xml", pause_ms=500)
    caller = lab.call("trunk_call_answered.xml", "+31850000001", pause_ms=1500)
    expect_ok(caller, answering, late)
    bye = late.received("BYE")[0]
    assert "late" in (bye.header("To") or ""), f"the BYE ends the late dialog:\n{bye.text}"
    # The late phone's To tag is "<pid>late<n>": no 200 with it reached the caller.
    relayed = [m for m in caller.messages() if m.direction == "received" and m.status == 200
               and "late" in (m.header("To") or "")]
    assert not relayed, f"the late 200 reached the caller:\n{relayed[0].text}"
    assert len(lab.server.call_records(1)) == 1


@callplan_only
def test_every_call_writes_one_record_with_its_disposition(lab: Lab) -> None:
    alice = lab.phone("alice-desk", "device_ring_cancel.xml")
    unanswered = lab.call("trunk_call_rejected.xml", "+31850000001", name="unanswered")
    unknown = lab.call("trunk_call_rejected.xml", "+31850009999", name="unknown")
    expect_ok(unanswered, unknown, alice)
    records = {r["dialled"]: r for r in lab.server.call_records(2)}
    assert records["+31850000001"]["disposition"] == "unanswered", records
    assert records["+31850000001"]["status"] == 480, records
    assert records["+31850000001"]["answer"] is None, records
    assert records["+31850000001"]["duration"] == 0, records
    assert records["+31850009999"]["disposition"] == "rejected", records
    assert records["+31850009999"]["status"] == 404, records
    lines = [line for line in lab.server.stderr_text(200).splitlines() if " -> " in line]
    assert len(lines) == 2, lines


@callplan_only
def test_a_state_directory_that_cannot_be_created_is_exit_2(tmp_path: Path) -> None:
    binary = os.environ.get("CALLPLAN_BIN") or "callplan"
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    run = subprocess.run([binary, "serve", str(TENANT), "--listen", f"udp:{SERVER_IP}:0",
                          "--state-dir", str(blocker / "state")],
                         capture_output=True, text=True, timeout=10)
    assert run.returncode == 2, run.stderr
    assert "--state-dir" in run.stderr and str(blocker / "state") in run.stderr, run.stderr


def ring_in_turns(lab: Lab, number: str) -> tuple[list[SippPeer], list[float]]:
    """Bob and carol ring until cancelled, dave answers: a hunt over 102, 103, 104 with 5 s
    turns. Checks that each turn starts one time-out after the previous one; returns the
    phones and the times their INVITEs arrived."""
    phones = [lab.phone("bob-desk", "device_ring_cancel.xml"),
              lab.phone("carol-desk", "device_ring_cancel.xml"),
              lab.phone("dave-desk", "device_answer.xml", pause_ms=500)]
    caller = lab.call("trunk_call_answered.xml", number)
    expect_ok(caller, *phones)
    starts = [first_invite(p) for p in phones]
    for before, after, name in zip(starts, starts[1:], ("carol", "dave")):
        assert 4.0 <= after - before <= 6.5, f"{name} rang {after - before:.2f} s after the last"
    return phones, starts


@pytest.mark.ringing_times
@callplan_only
def test_cascade_rings_one_at_a_time(lab: Lab) -> None:
    (bob, carol, _), (_, t_carol, t_dave) = ring_in_turns(lab, "+31850000003")
    # cascade: a member's turn ends when the next one starts
    assert abs(cancel_time(bob) - t_carol) < 1.0
    assert abs(cancel_time(carol) - t_dave) < 1.0


@pytest.mark.ringing_times
@callplan_only
def test_cascade_skips_a_busy_member_at_once(lab: Lab) -> None:
    bob = lab.phone("bob-desk", "device_busy.xml")
    carol = lab.phone("carol-desk", "device_answer.xml", pause_ms=500)
    caller = lab.call("trunk_call_answered.xml", "+31850000003")
    expect_ok(caller, bob, carol)
    waited = first_invite(carol) - first_invite(bob)
    assert waited < 1.5, f"after bob's 486 carol should ring at once, not after {waited:.2f} s"


@pytest.mark.ringing_times
@callplan_only
def test_memory_hunt_keeps_earlier_legs_ringing(lab: Lab) -> None:
    (bob, carol, _), (_, _, t_dave) = ring_in_turns(lab, "+31850000004")
    # bob and carol ring on until dave answers (about 0.5 s after his INVITE)
    for p in (bob, carol):
        assert cancel_time(p) > t_dave, f"{p.name} was cancelled before dave answered"


def test_caller_cancel_cancels_every_leg(lab: Lab) -> None:
    phones = [lab.phone(d, "device_ring_cancel.xml") for d in ("bob-desk", "carol-desk",
                                                               "dave-desk")]
    caller = lab.call("trunk_call_cancel.xml", "+31850000002", pause_ms=1000)
    expect_ok(caller, *phones)


def test_external_transfer_presents_caller_id(lab: Lab) -> None:
    carrier = lab.trunk_uas("trunk_uas_transfer.xml")
    caller = lab.call("trunk_call_answered.xml", "+31850000006", pause_ms=500)
    expect_ok(caller, carrier)


# --- calls from phones -------------------------------------------------------------------

def test_device_dials_an_extension(lab: Lab) -> None:
    alice = lab.phone("alice-desk", "device_answer.xml", pause_ms=300)
    bob = DEVICES["bob-desk"]
    caller = lab.call("device_call_auth.xml", "101", from_ip=SERVER_IP,
                      inject=[bob["username"], f"[authentication username={bob['username']} "
                                               f"password={bob['password']}]"])
    expect_ok(caller, alice)
    leg = alice.received("INVITE")[0]
    if which_server() == "callplan":  # the stand-in passes the From through
        assert "102" in (leg.header("From") or ""), \
            f"an internal leg shows the calling user's extension (docs/routing.md)\n{leg.text}"


@callplan_only
@pytest.mark.parametrize("carrier_scenario,phone_scenario,hangs_up", [
    ("trunk_uas_answer.xml", "device_call_route.xml", "phone"),
    ("trunk_uas_hangup.xml", "device_call_route_far_bye.xml", "carrier")])
def test_the_carrier_sees_nothing_of_the_inside(lab: Lab, carrier_scenario: str,
                                                phone_scenario: str, hangs_up: str) -> None:
    # Bob's phone dials out with a preloaded Route naming the server (an "outbound proxy"
    # setting). Nothing of the inside may reach the carrier: no Via, Route, Record-Route or
    # Contact of the phone, no device username; the caller ID of SPEC 3.8 in every request
    # of the dialog (INVITE, ACK, BYE) and in the To of its answers to the carrier's BYE.
    # What the phone gets keeps its own From (To in the carrier's BYE) (issue 12.3).
    assert lab.server is not None
    carrier = lab.trunk_uas(carrier_scenario)
    bob = DEVICES["bob-desk"]
    caller = lab.call(phone_scenario, "+31612345678", from_ip=SERVER_IP,
                      inject=[bob["username"], f"[authentication username={bob['username']} "
                                               f"password={bob['password']}]"])
    expect_ok(caller, carrier)
    phone_port = caller.args[caller.args.index("-p") + 1]
    seen = [m for m in carrier.messages() if m.direction == "received"]
    expected = {"INVITE", "ACK", "BYE"} if hangs_up == "phone" else {"INVITE", "ACK"}
    assert {m.method for m in seen if m.method} >= expected, \
        [m.text.splitlines()[0] for m in seen]
    for m in seen:
        # The message alone (sipp's log may run on into the next entry).
        text = m.text.replace("\r\n", "\n").split("\n------")[0]
        assert bob["username"] not in text, f"the device username reached the carrier:\n{text}"
        assert f":{phone_port}" not in text, f"the phone's address reached the carrier:\n{text}"
        vias = [line for line in text.splitlines() if line.lower().startswith(("via:", "v:"))]
        # Our Via on our requests; on our answers to its requests, the carrier's own alone.
        own = lab.server.hostport if m.method else TRUNK_IP
        assert len(vias) == 1 and own in vias[0], f"inside Vias:\n{text}"
        assert not m.header("Route"), f"a Route reached the carrier:\n{text}"
        if m.method:
            assert "+31850000002" in (m.header("From") or ""), \
                f"{m.method} without the caller ID of SPEC 3.8:\n{text}"
        for name in ("Contact", "Record-Route"):
            value = m.header(name)
            assert value is None or lab.server.hostport in value, f"{name} of the inside:\n{text}"
        if m.status and "BYE" in (m.header("CSeq") or ""):
            assert "+31850000002" in (m.header("To") or ""), f"the phone's own To:\n{text}"
    answers = [m for m in caller.messages() if m.direction == "received" and m.status]
    assert answers and all(bob["username"] in (m.header("From") or "") for m in answers), \
        "a response relayed to the phone must keep the phone's own From"
    if hangs_up == "carrier":
        bye = caller.received("BYE")[0]
        assert bob["username"] in (bye.header("To") or ""), f"the phone's own To:\n{bye.text}"
        assert f":{phone_port}" in bye.first_line, f"sent to the phone's Contact:\n{bye.text}"
    (record,) = lab.server.call_records(1)
    assert record["ended_by"] == ("caller" if hangs_up == "phone" else "callee"), record
    assert record["answered_device"] == "trunk" and record["caller"] == "102", record


@callplan_only
def test_the_carrier_calling_in_sees_nothing_of_the_phone(lab: Lab) -> None:
    # A call from the trunk answered by Alice's phone: its 180 and 200 reach the carrier with
    # the server's Contact and without the phone's Via, Record-Route or username; the carrier's
    # ACK and BYE, sent to that Contact, still reach the phone (issue 12.3).
    assert lab.server is not None
    alice = lab.phone("alice-desk", "device_answer.xml", pause_ms=300)
    caller = lab.call("trunk_call_answered.xml", "+31850000001", pause_ms=500)
    expect_ok(caller, alice)
    phone_port = alice.args[alice.args.index("-p") + 1]
    answers = [m for m in caller.messages() if m.direction == "received" and m.status]
    assert any(m.status == 200 for m in answers), caller.report()
    for m in answers:
        text = m.text.replace("\r\n", "\n").split("\n------")[0]
        assert DEVICES["alice-desk"]["username"] not in text, f"the username leaked:\n{text}"
        assert f":{phone_port}" not in text, f"the phone's address leaked:\n{text}"
        contact = m.header("Contact")
        assert contact is None or lab.server.hostport in contact, text
    assert alice.received("BYE"), "the carrier's BYE reached the phone through our Contact"
    (record,) = lab.server.call_records(1)
    assert record["ended_by"] == "caller" and record["answered_device"] == "e2e-alice-desk"


def test_unauthenticated_invite_never_reaches_the_trunk(lab: Lab) -> None:
    carrier = lab.trunk_uas("trunk_uas_transfer.xml", timeout_s=4)
    caller = lab.call("device_call_unauth.xml", "+31612345678", from_ip=SERVER_IP,
                      caller=DEVICES["bob-desk"]["username"])
    expect_ok(caller)
    carrier.wait()  # sipp's -timeout (4 s) ends it: exit 97 when nothing came at all
    assert not carrier.received("INVITE"), f"the INVITE reached the trunk:\n{carrier.report()}"
    # and the trunk really listened (a sipp that failed to bind would prove nothing)
    assert carrier.returncode == EXIT_TIMEOUT or carrier.messages(), carrier.report()


# --- robustness --------------------------------------------------------------------------

def test_torture_corpus_never_kills_the_server(lab: Lab) -> None:
    assert lab.server is not None
    files = sorted((TORTURE / "rfc4475").glob("*.dat"))
    files += sorted((TORTURE / "rfc5118").glob("*.dat"))
    assert len(files) > 50
    answered = {}
    for i, f in enumerate(files):
        with UdpUac(SERVER_IP) as uac:
            uac.send(f.read_bytes(), lab.server.address)
            replies = uac.collect(0.15)
        parsed = [parse_response(r) for r in replies]
        for raw, resp in zip(replies, parsed):
            assert resp is not None, f"{f.name}: the server sent a non-response {raw[:80]!r}"
        answered[f.name] = [r.status for r in parsed if r is not None]
        assert lab.server.alive(), f"server died on {f.name}\n{lab.server.stderr_text()}"
        if i % 10 == 9:
            with UdpUac(SERVER_IP) as uac:
                assert uac.options(lab.server.address) is not None, f"silent after {f.name}"
    with UdpUac(SERVER_IP) as uac:
        probe = uac.options(lab.server.address)
    assert probe is not None and probe.status in (200, 407, 405), probe and probe.text
    (lab.workdir / "torture-answers.txt").write_text(
        "\n".join(f"{k}: {v}" for k, v in answered.items()))


@callplan_only
def test_a_request_that_already_passed_through_us_is_a_loop(lab: Lab) -> None:
    """RFC 3261 16.3 step 4: an INVITE whose Vias already name this server (a trunk routing
    the call back to us) gets 482 and is not routed again."""
    assert lab.server is not None
    host, port = lab.server.address
    with UdpUac(TRUNK_IP) as trunk:
        invite = trunk.request(
            "INVITE", f"sip:+31850000001@{host}:{port}", lab.server.address,
            from_user=EXTERNAL_CALLER, to_user="+31850000001",
            extra=[f"Via: SIP/2.0/UDP {host}:{port};branch=z9hG4bKearlier"])
        resp = trunk.final_response(invite, lab.server.address)
        assert resp is not None and resp.status == 482, resp and resp.text
        # the ACK for the 482 (same branch, the 482's To tag) ends the transaction at once
        head = invite.decode().split("\r\n")
        to = resp.headers("To")[0]
        ack = [f"ACK sip:+31850000001@{host}:{port} SIP/2.0", head[1], "Max-Forwards: 70",
               head[3], f"To: {to}", head[5], "CSeq: 1 ACK", "Content-Length: 0", "", ""]
        trunk.send("\r\n".join(ack).encode(), lab.server.address)


@callplan_only
def test_sighup_reload_during_a_call(lab: Lab, tmp_path: Path) -> None:
    # The server under test reads a copy of the tenant, so this test can rewrite it.
    assert lab.server is not None
    lab.close()
    tenant = tmp_path / "reload-tenant.yaml"
    tenant.write_text(TENANT.read_text())
    server = lab.start_server(tenant)
    alice = lab.phone("alice-desk", "device_answer.xml", pause_ms=200, calls=3)
    call1 = lab.call("trunk_call_answered.xml", "+31850000001", name="call1", pause_ms=3000)
    time.sleep(1.0)  # answered and held for 3 s
    tenant.write_text(TENANT.read_text().replace(
        '  - {number: "+31850000001", plan: alice-direct, label: Alice direct}',
        '  - {number: "+31850000001", plan: alice-direct, label: Alice direct}\n'
        '  - {number: "+31850000007", plan: alice-direct, label: Added by the reload}'))
    mark = len(server.lines)
    server.signal(signal.SIGHUP)
    server.wait_for(r"callplan serve: reloaded", 5, start=mark)
    expect_ok(call1)  # the call in progress completes
    call2 = lab.call("trunk_call_answered.xml", "+31850000007", name="call2")
    expect_ok(call2)  # the new number routes

    tenant.write_text(TENANT.read_text() + "\nunknown_top_level_key: true\n")
    mark = len(server.lines)
    server.signal(signal.SIGHUP)
    server.wait_for(r"callplan serve: reload refused", 5, start=mark)
    call3 = lab.call("trunk_call_answered.xml", "+31850000007", name="call3")
    expect_ok(call3, alice)  # the last good tenant still routes


def test_sigterm_lets_calls_finish_and_refuses_new_ones(lab: Lab) -> None:
    server = lab.server
    assert server is not None
    alice = lab.phone("alice-desk", "device_answer.xml", pause_ms=200)
    call1 = lab.call("trunk_call_answered.xml", "+31850000001", name="call1", pause_ms=3000)
    time.sleep(1.0)  # answered, held for 3 s; its BYE must still cross the server
    mark = len(server.lines)
    server.signal(signal.SIGTERM)
    server.wait_for(r"callplan serve: stopping", 5, start=mark)
    call2 = lab.call("trunk_call_rejected.xml", "+31850000001", name="call2")
    expect_ok(call2)
    assert final_status(call2) == 503, call2.report()
    expect_ok(call1, alice)  # the established call ended normally, through the server
    assert server.proc is not None
    assert server.proc.wait(timeout=10) == 0, server.stderr_text()


# --- sipvicious ----------------------------------------------------------------------------

def _sipvicious(tool: str, args: list[str], workdir: Path, timeout: float = 25) -> str:
    exe = shutil.which(tool)
    if exe is None:
        pytest.skip(f"{tool} (Debian sipvicious) is not installed")
    env = {"HOME": str(workdir), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([exe, *args], cwd=workdir, env=env, capture_output=True,
                          timeout=timeout, text=True)
    return proc.stdout + proc.stderr


def test_svwar_finds_no_extension(lab: Lab) -> None:
    assert lab.server is not None
    words = lab.workdir / "users.txt"
    names = [d["username"] for d in DEVICES.values()] + ["101", "102", "e2e", "admin"]
    words.write_text("\n".join(names) + "\n")
    # svwar first asks for a user that cannot exist; when that answer looks like the answer
    # for a real user it gives up ("found nothing"); --force makes it scan on regardless.
    dictionary = ["-d", str(words)]
    runs: list[tuple[str, list[str], list[str]]] = [
        ("REGISTER", dictionary, []), ("REGISTER", dictionary, ["--force"]),
        ("REGISTER", ["-e", "100-110,1000-1010"], ["--force"]),
        ("INVITE", dictionary, []), ("INVITE", dictionary, ["--force"]),
        ("OPTIONS", dictionary, ["--force"]),
    ]
    for method, targets, force in runs:
        out = _sipvicious("svwar", ["-m", method, *targets, *force,
                                    "-p", str(lab.server.port), "-b", SERVER_IP,
                                    "-x", SERVER_IP, "-P", str(free_udp_port(SERVER_IP)),
                                    "--maximumtime", "3", SERVER_IP], lab.workdir)
        what = f"svwar -m {method} {' '.join(force + targets)}"
        assert "found nothing" in out, f"{what}:\n{out}"
        for name in names:
            assert f"| {name} " not in out, f"{what} found {name}:\n{out}"
        assert lab.server.alive(), f"server died under {what}\n{lab.server.stderr_text()}"


def test_svmap_finds_the_server_and_it_survives(lab: Lab) -> None:
    assert lab.server is not None
    out = _sipvicious("svmap", ["-p", str(lab.server.port), "-b", SERVER_IP, "-x", SERVER_IP,
                                "-P", str(free_udp_port(SERVER_IP)), SERVER_IP], lab.workdir)
    assert lab.server.alive(), f"server died under svmap\n{lab.server.stderr_text()}"
    assert f"{SERVER_IP}:{lab.server.port}" in out, out
    with UdpUac(SERVER_IP) as uac:
        assert uac.options(lab.server.address) is not None


def test_svcrack_guesses_nothing_and_the_server_survives(lab: Lab) -> None:
    # Wrong passwords only: a right guess would register svcrack's Contact (sip:123@1.1.1.1),
    # an address off this machine. This checks that the flood is answered and survived.
    assert lab.server is not None
    words = lab.workdir / "passwords.txt"
    words.write_text("\n".join(["1234", "password", "admin", "e2e", "alice", "Alice-desk-pass",
                                 "Alice-desk-pass-2", "101", "secret"]) + "\n")
    user = DEVICES["alice-desk"]["username"]
    for guesses in (["-d", str(words)], ["-r", "1000-1030"]):
        out = _sipvicious("svcrack", ["-u", user, *guesses, "-p", str(lab.server.port),
                                      "-b", SERVER_IP, "-x", SERVER_IP,
                                      "-P", str(free_udp_port(SERVER_IP)),
                                      "--maximumtime", "3", SERVER_IP], lab.workdir)
        # svcrack 0.3.3 only computes MD5 digests and dies on a first challenge it cannot
        # answer: then nothing was tried at all.
        assert "Traceback" not in out, f"svcrack could not try a single password:\n{out}"
        assert "found nothing" in out, out
        assert lab.server.alive(), f"server died under svcrack\n{lab.server.stderr_text()}"
    with UdpUac(SERVER_IP) as uac:
        assert uac.options(lab.server.address) is not None, "silent after svcrack"
