"""End to end on loopback: a phone transfers an outside call (issue 11 item 5). The carrier
(sipp, with this folder's RtpPeer for its audio) calls the menu, presses 1, Alice (baresip)
answers and transfers the call with baresip's blind transfer (REFER). serve takes the REFER
itself (202, NOTIFY sipfrag; RFC 3515), rings the target with its own INVITE while the caller
hears ringback, and bridges the caller to whoever answers. The carrier never sees a REFER or
anything of the inside. With a short --transfer-timeout (documented in docs/sip-server.md),
an unanswered transfer comes back to Alice.

Part of the sip_e2e ctest; about 30 s for the four tests."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from sip_e2e_phones import Baresip
from sip_e2e_server import TRUNK_IP
from test_sip_e2e import CRASH, Lab, expect_ok  # noqa: F401
from test_own_media_calls import (RTP_PORTS, RtpPeer, assert_no_inside,  # noqa: F401
                                  connect_through_menu, menu_caller)

TRANSFER_TIMEOUT = 3  # seconds (serve --transfer-timeout), instead of the default 30


@pytest.fixture
def office(tmp_path: Path):
    """serve with its own media side, Alice (101) and Bob (102) on baresip, the RtpPeer."""
    lab = Lab(tmp_path)
    phones: list[Baresip] = []
    rtp = RtpPeer(TRUNK_IP)
    try:
        lab.start_server(extra_args=["--rtp-ports", RTP_PORTS,
                                     "--transfer-timeout", str(TRANSFER_TIMEOUT)])
        lab.server.wait_for(r"media side: connected to process", 10)
        for name, device, password in (("alice", "alice-desk", "Alice-desk-pass-1"),
                                       ("bob", "bob-desk", "Bob-desk-pass-2")):
            phones.append(Baresip(tmp_path, name, username=f"e2e-{device}", password=password,
                                  server=lab.server.hostport, transport="udp"))
        for p in phones:
            p.wait_registered()
        yield lab, phones[0], phones[1], rtp
    finally:
        rtp.close()
        for p in phones:
            p.close()
        rc = lab.close()
    assert rc == 0, f"serve did not stop cleanly (exit {rc})\n{lab.server.stderr_text()}"
    bad = [line for line in lab.server.lines if CRASH.search(line)]
    assert not bad, "server stderr:\n" + "\n".join(bad[:20])


def wait_count(phone: Baresip, kind: str, count: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while sum(1 for e in phone.events if e.get("type") == kind) < count:
        assert time.monotonic() < deadline, f"{phone.name}: fewer than {count} {kind}\n{phone.text()}"
        time.sleep(0.05)


def assert_carrier_saw_no_transfer(carrier, *phones: Baresip) -> None:
    for m in carrier.messages():
        assert m.method not in ("REFER", "NOTIFY"), m.text
    for p in phones:
        assert_no_inside(carrier, p)


def test_blind_transfer_of_an_outside_call(office, tmp_path: Path) -> None:
    lab, alice, bob, rtp = office
    carrier = menu_caller(lab, tmp_path, rtp, "serve", pause_ms=0)
    connect_through_menu(lab, alice, rtp)
    alice.command("transfer", "102")
    lab.server.wait_for(r"transfers the call to 102", 5)
    bob.wait_event("CALL_INCOMING", 5)
    time.sleep(0.3)
    bob.command("accept")
    bob.wait_event("CALL_ESTABLISHED", 5)
    lab.server.wait_for(r"transferred by e2e-alice-desk to 102", 5)
    alice.wait_event("CALL_CLOSED", 5)  # serve's BYE once Bob answered
    answered = time.monotonic()
    time.sleep(1.2)
    count, share = rtp.loud_share(answered + 0.3, answered + 1.2)
    assert count > 30 and share > 0.9, f"caller hears Bob? {count} packets, {share:.0%} tone"
    bob.command("hangup")  # serve's BYE to the carrier
    expect_ok(carrier)
    assert_carrier_saw_no_transfer(carrier, alice, bob)


def test_unanswered_transfer_comes_back_to_the_phone(office, tmp_path: Path) -> None:
    lab, alice, bob, rtp = office
    carrier = menu_caller(lab, tmp_path, rtp, "serve", pause_ms=0)
    connect_through_menu(lab, alice, rtp)
    transferred = time.monotonic()
    alice.command("transfer", "102")
    bob.wait_event("CALL_INCOMING", 5)  # Bob lets it ring
    started = time.monotonic()
    # Meanwhile the caller hears ringback (1 s of tone, then 4 s of silence), not Alice's
    # steady tone any more.
    time.sleep(max(0.0, transferred + 2.6 - time.monotonic()))
    _, on = rtp.loud_share(transferred + 0.25, transferred + 0.85)
    _, off = rtp.loud_share(transferred + 1.4, transferred + 2.6)
    assert on > 0.8 and off < 0.2, f"no ringback cadence while Bob rings: {on:.0%} on, {off:.0%} off"
    line = lab.server.wait_for(r"transfer to 102 was not answered", TRANSFER_TIMEOUT + 3)
    assert time.monotonic() - started >= TRANSFER_TIMEOUT - 0.5
    mark = len(lab.server.lines)
    bob.wait_event("CALL_CLOSED", 3)  # Bob stops ringing
    if "calling e2e-alice-desk back" in line:  # Alice hung up after the REFER: she rings again
        wait_count(alice, "CALL_INCOMING", 2, 5)
        alice.command("accept")
    back = time.monotonic()
    lab.server.wait_for(r"connected to the phone", 5, start=mark - 1)
    time.sleep(1.2)
    count, share = rtp.loud_share(back + 0.4, back + 1.2)
    assert count > 25 and share > 0.9, f"the caller is not back with Alice: {count}, {share:.0%}\n{lab.server.stderr_text()}"
    alice.command("hangup")
    expect_ok(carrier)
    assert_carrier_saw_no_transfer(carrier, alice, bob)


def test_refer_in_a_proxied_carrier_call_never_reaches_the_carrier(office) -> None:
    """A carrier's call answered straight by Alice (proxied, not anchored by serve): her REFER
    is answered 403 by serve and never relayed (docs/sip-server.md: not built yet)."""
    lab, alice, _, _ = office
    carrier = lab.call("trunk_call_answered.xml", "+31850000001", pause_ms=4000)
    alice.wait_event("CALL_INCOMING", 5)
    alice.command("accept")
    alice.wait_event("CALL_ESTABLISHED", 5)
    alice.command("transfer", "102")
    lab.server.wait_for(r"REFER from a phone in a call with the carrier refused \(403\)", 5)
    carrier.wait()
    assert carrier.messages(), "the carrier's trace is empty"
    assert_carrier_saw_no_transfer(carrier, alice)


def test_blind_transfer_to_an_external_number(office, tmp_path: Path) -> None:
    """Alice sends the carrier's caller out again: serve's INVITE to the trunk shows Alice's
    caller ID (SPEC 3.8) and nothing of the inside; the caller's BYE ends the trunk's leg."""
    lab, alice, bob, rtp = office
    trunk = lab.trunk_uas("trunk_uas_answer.xml", timeout_s=20)
    carrier = menu_caller(lab, tmp_path, rtp, "caller", pause_ms=7000)
    connect_through_menu(lab, alice, rtp)
    alice.command("transfer", "+31612345678")
    lab.server.wait_for(r"transferred by e2e-alice-desk to \+31612345678 \(trunk\)", 8)
    expect_ok(carrier, trunk)  # the caller's BYE, and serve's BYE to the trunk's leg
    [invite] = [m for m in trunk.messages() if m.method == "INVITE"]
    assert invite.text.startswith("INVITE sip:+31612345678@"), invite.text
    assert "+31850000001" in (invite.header("From") or ""), invite.text  # Alice's caller ID
    assert_carrier_saw_no_transfer(trunk, alice, bob)
    assert_carrier_saw_no_transfer(carrier, alice, bob)
