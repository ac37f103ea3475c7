"""End to end on loopback: a phone transfers an outside call (issue 11 item 5). The carrier
(sipp, with this folder's RtpPeer for its audio) calls the menu, presses 1, Alice (baresip)
answers and transfers the call with baresip's blind transfer (REFER). serve takes the REFER
itself (202, NOTIFY sipfrag; RFC 3515), rings the target with its own INVITE while the caller
hears ringback, and bridges the caller to whoever answers. The carrier never sees a REFER or
anything of the inside. With a short --transfer-timeout (documented in docs/sip-server.md),
an unanswered transfer comes back to Alice.

A carrier's call answered straight by a phone is relayed end to end by serve; when that phone
transfers it, serve takes the call over (a re-INVITE in the carrier's own dialog, with the
offer of a media leg of serve's) and carries the transfer out the same way. The attended
transfer (REFER with Replaces, RFC 5589) is linphonec's: the phone holds the outside call,
calls a colleague, and joins the two; serve sends the colleague an INVITE with Replaces.

When serve cannot take a relayed call over (no own media side: --no-media, --media-server;
a call from before a restart) the REFER gets 403 and the call goes on relayed; a carrier BYE
crossing serve's re-INVITE ends the call cleanly (sipp as the phone, so every answer to its
REFER is checked). An attended transfer to an outside number (linphonec's consultation call
goes to the trunk) is joined by serve.

Part of the sip_e2e_media ctest; about 49 s for the first nine tests (the six of relayed
calls: 6.5, 6.5, 2.5, 10, 3.5 and 2 s), then about 4, 4, 7.5, 5.5, 5 and 10 s for the
six added with issue 11's missing cases (94 s for the file, nice 19 on the loaded 2-core
machine). Every test starts and stops serve through
serving(), which checks its clean exit."""

from __future__ import annotations

import contextlib
import re
import socket
import time
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

from sip_e2e_linphone import LINPHONEC, Linphonec, write_tone
from sip_e2e_phones import Baresip
from sip_e2e_server import SERVER_IP, TRUNK_IP, ServerProcess, free_udp_port
from test_sip_e2e import CRASH, TENANT, Lab, expect_ok  # noqa: F401
from test_own_media_calls import (SCENARIOS, RtpPeer, assert_no_inside,  # noqa: F401
                                  connect_through_menu, menu_caller, ulaw_level)

TRANSFER_TIMEOUT = 3  # seconds (serve --transfer-timeout), instead of the default 30
RTP_PORTS = "36000-36499"  # the media process's legs (this file's range: 36000-36999)
ALICE_DIRECT = "+31850000001"  # rings Alice (101) alone
EXTERNAL = "+31612345678"
OUTSIDE = "+31201234567"  # an outside number a phone calls (the trunk answers)


class FollowingRtpPeer(RtpPeer):
    """The carrier's RTP for a call serve takes over: it sends to where RTP last came from
    (the phone while the call is relayed end to end, serve's media leg after the re-INVITE),
    as a carrier sends to the address of the latest SDP it got."""

    def _receive(self) -> None:
        while self.running:
            try:
                data, source = self.sock.recvfrom(2048)
            except socket.timeout:
                continue
            except OSError:
                return
            if len(data) < 12:
                continue
            pt = data[1] & 0x7F
            payload = data[12:]
            level = sum(ulaw_level(b) for b in payload) // max(1, len(payload)) if pt == 0 else 0
            with self.lock:
                self.remote = source
                self.received.append((time.monotonic(), pt, level))


@contextlib.contextmanager
def serving(tmp_path: Path, extra_args: list[str], **kw: object) -> Iterator[Lab]:
    """serve for one test, with its peers: stopped at the end (SIGTERM), when it must exit 0
    and have logged no crash. The one set-up and tear-down of every test here."""
    lab = Lab(tmp_path)
    try:
        lab.start_server(extra_args=extra_args, **kw)
        yield lab
    finally:
        rc = lab.close()
    assert lab.server is not None
    assert rc == 0, f"serve did not stop cleanly (exit {rc})\n{lab.server.stderr_text()}"
    bad = [line for line in lab.server.lines if CRASH.search(line)]
    assert not bad, "server stderr:\n" + "\n".join(bad[:20])


OWN_MEDIA = ["--rtp-ports", RTP_PORTS, "--transfer-timeout", str(TRANSFER_TIMEOUT)]


def answering_a_reinvite(scenario: str, media_port: str, keep_offer: bool = False) -> str:
    """A sipp UAS scenario (one ACK awaited) that, after that ACK, answers one re-INVITE
    with 200 and an SDP of its own on `media_port` and takes its ACK. With `keep_offer`
    the re-INVITE must carry an audio offer (kept in the variable `offer`)."""
    check = ("""
    <action>
      <ereg regexp="m=audio [0-9]+ RTP/AVP" search_in="body" check_it="true" assign_to="offer"/>
    </action>
  </recv>""" if keep_offer else "</recv>")
    answer = f"""  <recv request="ACK" crlf="true"/>
  <recv request="INVITE" crlf="true">{check}
  <send>
    <![CDATA[

      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Contact: <sip:[local_ip]:[local_port];transport=[transport]>
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=carrier 53655765 2353687638 IN IP4 [local_ip]
      s=-
      c=IN IP4 [local_ip]
      t=0 0
      m=audio {media_port} RTP/AVP 0
      a=rtpmap:0 PCMU/8000

    ]]>
  </send>
  <recv request="ACK" crlf="true"/>
"""
    ack = '  <recv request="ACK" crlf="true"/>\n'
    assert scenario.count(ack) == 1
    scenario = scenario.replace(ack, answer)
    if keep_offer:
        scenario = scenario.replace("</scenario>", '  <Reference variables="offer"/>\n</scenario>')
    return scenario


@pytest.fixture
def office(tmp_path: Path):
    """serve with its own media side, Alice (101) and Bob (102) on baresip, the RtpPeer."""
    phones: list[Baresip] = []
    rtp = FollowingRtpPeer(TRUNK_IP)
    with serving(tmp_path, OWN_MEDIA) as lab:
        try:
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


def direct_caller(lab: Lab, tmp_path: Path, rtp: RtpPeer, ending: str, pause_ms: int,
                  held_first: bool = False):
    """The carrier calls Alice's direct number: she answers, and serve relays the call end to
    end until a REFER makes it take the call over (trunk_call_taken_over.xml). `held_first`:
    the phone puts the call on hold before (a re-INVITE relayed to the carrier, answered
    recvonly), as a phone that starts an attended transfer does."""
    text = (SCENARIOS / "trunk_call_taken_over.xml").read_text()
    if held_first:
        start = text.index("  <!-- serve's re-INVITE")
        end = text.index("HANGUP")
        hold = text[start:end].replace("a=fmtp:101 0-15\n\n    ]]>", "a=fmtp:101 0-15\n      a=recvonly\n\n    ]]>")
        assert hold != text[start:end]
        text = text[:start] + hold.replace("serve's re-INVITE", "the phone's hold, relayed") + text[start:]
    part = (SCENARIOS / f"own_media_hangup_{ending}.part").read_text()
    if ending == "caller":
        # The last message the carrier received is serve's ACK, whose To is the carrier
        # itself: its own BYE names serve by the dialog's tag instead of [last_To:].
        part = part.replace("[last_To:]", "To: <sip:[called]@[remote_ip]:[remote_port]>[peer_tag_param]")
    scenario = tmp_path / f"taken-{ending}.xml"
    scenario.write_text(text.replace("HANGUP", part))
    time.sleep(0.2)
    return lab.peer("carrier", str(scenario), local_ip=TRUNK_IP,
                    local_port=free_udp_port(TRUNK_IP), remote=lab.server.hostport,
                    pause_ms=pause_ms, timeout_s=25,
                    keys={"called": ALICE_DIRECT, "caller": EXTERNAL,
                          "rtp_port": str(rtp.port)}).start()


def answer_direct(lab: Lab, alice: Baresip, rtp: RtpPeer) -> None:
    """Alice answers the carrier's call; their RTP flows straight between them."""
    alice.wait_event("CALL_INCOMING", 5)
    alice.command("accept")
    alice.wait_event("CALL_ESTABLISHED", 5)
    rtp.wait_remote(5)  # Alice's RTP reached the carrier: the call is relayed, not anchored
    assert not any("taken over" in line for line in lab.server.lines)


def test_blind_transfer_of_a_carrier_call_answered_straight_by_a_phone(office, tmp_path: Path) -> None:
    """Alice answered the carrier herself (no menu: serve only relayed the call) and
    transfers it to Bob with baresip's blind transfer. serve takes the call over (its
    re-INVITE in the carrier's dialog, answered by the scenario), the caller hears ringback,
    then Bob; the carrier never sees a REFER, a NOTIFY or anything of the inside. About 8 s."""
    lab, alice, bob, rtp = office
    carrier = direct_caller(lab, tmp_path, rtp, "serve", pause_ms=0)
    answer_direct(lab, alice, rtp)
    time.sleep(0.3)
    transferred = time.monotonic()
    alice.command("transfer", "102")
    lab.server.wait_for(r"taken over from the proxy", 5)
    lab.server.wait_for(r"transfers the call to 102", 5)
    bob.wait_event("CALL_INCOMING", 5)
    # The caller hears ringback (1 s of tone, 4 s of silence), and nothing of Alice: her
    # media was moved to serve too (its re-INVITE), so she no longer reaches the carrier.
    time.sleep(max(0.0, transferred + 2.6 - time.monotonic()))
    _, on = rtp.loud_share(transferred + 0.4, transferred + 0.9)
    _, off = rtp.loud_share(transferred + 1.6, transferred + 2.6)
    assert on > 0.8 and off < 0.2, f"no ringback cadence while Bob rings: {on:.0%} on, {off:.0%} off"
    bob.command("accept")
    bob.wait_event("CALL_ESTABLISHED", 5)
    lab.server.wait_for(r"transferred by e2e-alice-desk to 102", 5)
    alice.wait_event("CALL_CLOSED", 5)
    answered = time.monotonic()
    time.sleep(1.2)
    count, share = rtp.loud_share(answered + 0.3, answered + 1.2)
    assert count > 30 and share > 0.9, f"caller hears Bob? {count} packets, {share:.0%} tone"
    bob.command("hangup")  # serve's BYE to the carrier, in the carrier's own dialog
    expect_ok(carrier)
    assert_carrier_saw_no_transfer(carrier, alice, bob)
    invites = [m for m in carrier.messages() if m.method == "INVITE" and m.direction == "received"]
    assert len(invites) == 1, "the carrier got one re-INVITE from serve"
    records = lab.server.call_records(2)
    [main] = [r for r in records if ";transfer=" not in r["call_id"]]
    assert main["disposition"] == "answered" and main["answered_by"] == "101", main
    assert main["ended_by"] == "callee", main  # Bob hung up: serve's BYE to the carrier
    [rang] = [r for r in records if ";transfer=" in r["call_id"]]
    assert rang["answered_by"] == "102" and rang["caller"] == "101", rang


def test_an_unanswered_transfer_of_a_relayed_call_comes_back_to_the_phone(office, tmp_path: Path) -> None:
    """The same call, Bob lets it ring: after --transfer-timeout the call comes back to Alice
    (she rings again when she hung up after the REFER), and the caller hears her again. About
    9 s."""
    lab, alice, bob, rtp = office
    carrier = direct_caller(lab, tmp_path, rtp, "serve", pause_ms=0)
    answer_direct(lab, alice, rtp)
    alice.command("transfer", "102")
    bob.wait_event("CALL_INCOMING", 5)
    started = time.monotonic()
    line = lab.server.wait_for(r"transfer to 102 was not answered", TRANSFER_TIMEOUT + 3)
    assert time.monotonic() - started >= TRANSFER_TIMEOUT - 0.5
    mark = len(lab.server.lines)
    bob.wait_event("CALL_CLOSED", 3)
    if "calling e2e-alice-desk back" in line:
        wait_count(alice, "CALL_INCOMING", 2, 5)
        alice.command("accept")
    back = time.monotonic()
    lab.server.wait_for(r"connected to the phone", 5, start=mark - 1)
    time.sleep(1.2)
    count, share = rtp.loud_share(back + 0.4, back + 1.2)
    assert count > 25 and share > 0.9, f"the caller is not back with Alice: {count}, {share:.0%}"
    alice.command("hangup")
    expect_ok(carrier)
    assert_carrier_saw_no_transfer(carrier, alice, bob)


def test_a_carrier_that_refuses_the_reinvite_keeps_the_call_as_it_was(office, tmp_path: Path) -> None:
    """A carrier that answers serve's re-INVITE 488: Alice's REFER is refused (503 with a
    Warning), the call goes on relayed end to end, and Alice's BYE reaches the carrier with a
    CSeq above the one serve used. About 4 s."""
    lab, alice, _, rtp = office
    scenario = tmp_path / "refuses.xml"
    text = (SCENARIOS / "trunk_call_taken_over.xml").read_text()
    refused = text[:text.index("  <send>\n    <![CDATA[\n\n      SIP/2.0 200 OK")] + """  <send>
    <![CDATA[

      SIP/2.0 488 Not Acceptable Here
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0

    ]]>
  </send>
  <recv request="ACK"/>
  <recv request="BYE" timeout="10000">
    <action>
      <ereg regexp="CSeq: *([0-9]+) BYE" search_in="msg" check_it="true" assign_to="bye,bye_cseq"/>
    </action>
  </recv>
  <send>
    <![CDATA[

      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0

    ]]>
  </send>
  <Reference variables="offer,bye,bye_cseq"/>
</scenario>
"""
    scenario.write_text(refused)
    time.sleep(0.2)
    carrier = lab.peer("carrier", str(scenario), local_ip=TRUNK_IP, local_port=free_udp_port(TRUNK_IP),
                       remote=lab.server.hostport, pause_ms=0, timeout_s=20,
                       keys={"called": ALICE_DIRECT, "caller": EXTERNAL, "rtp_port": str(rtp.port)}).start()
    answer_direct(lab, alice, rtp)
    alice.command("transfer", "102")
    lab.server.wait_for(r"not taken over \(488", 5)
    time.sleep(0.5)
    alice.command("hangup")
    expect_ok(carrier)
    reinvite, bye = [m for m in carrier.messages()
                     if m.direction == "received" and m.method in ("INVITE", "BYE")]
    assert int(bye.header("CSeq").split()[0]) > int(reinvite.header("CSeq").split()[0]), bye.text
    assert_carrier_saw_no_transfer(carrier, alice)


def linphonecs(tmp_path: Path, lab: Lab, *names: str) -> list[Linphonec]:
    """Alice (alice-desk), Bob (bob-desk) on linphonec, registered."""
    passwords = {"alice": "Alice-desk-pass-1", "bob": "Bob-desk-pass-2"}
    phones = [Linphonec(tmp_path, name, username=f"e2e-{name}-desk", password=passwords[name],
                        realm="e2e", server=lab.server.hostport, transport="udp") for name in names]
    for p in phones:
        p.wait_registered(timeout=8)
    return phones


def answer_and_hold(lab: Lab, tmp_path: Path, alice: Linphonec, rtp: RtpPeer):
    """The carrier calls Alice's direct number; Alice (linphonec) answers and holds the call
    (a re-INVITE relayed to the carrier), as before an attended transfer. The carrier's sipp
    hangs up 4 s after serve's take-over. Returns it."""
    carrier = direct_caller(lab, tmp_path, rtp, "caller", pause_ms=4000, held_first=True)
    alice.wait_line(r"Receiving new incoming call from sip:\+31612345678@", timeout=5)
    alice.command("answer")
    alice.wait_line(r"Call 1 with .* connected", timeout=5)
    rtp.wait_remote(5)
    mark = alice.mark()
    alice.command("pause 1")
    alice.wait_line(r"[Pp]aus", timeout=5, start=mark)
    return carrier


@pytest.mark.skipif(LINPHONEC is None, reason="linphonec (Debian linphone-cli) is not installed")
def test_attended_transfer_of_an_outside_call_with_linphonec(tmp_path: Path) -> None:
    """Alice (linphonec) answers the carrier, holds it, calls Bob (linphonec), and joins the
    two (`transfer 1 --to-call 2`: REFER with Replaces). serve takes the carrier's call over,
    sends Bob an INVITE with Replaces over his call with Alice, Bob's phone takes it in place of
    that call, and the caller talks with Bob; Alice is told (NOTIFY 200) and let go. About 12 s."""
    rtp = FollowingRtpPeer(TRUNK_IP)
    phones: list[Linphonec] = []
    with serving(tmp_path, OWN_MEDIA) as lab:
        try:
            phones = linphonecs(tmp_path, lab, "alice", "bob")
            alice, bob = phones
            tone = tmp_path / "long-tone.wav"
            write_tone(tone, seconds=30.0)
            bob.command(f"play {tone}")  # his microphone, long enough for the joined call
            carrier = answer_and_hold(lab, tmp_path, alice, rtp)
            alice.command("call 102")
            bob.wait_line(r"Receiving new incoming call", timeout=5)
            bob.command("answer")
            alice.wait_line(r"Call 2 with sip:102@.* connected", timeout=5)
            mark = alice.mark()
            alice.command("transfer 1 --to-call 2")
            lab.server.wait_for(r"taken over from the proxy", 5)
            lab.server.wait_for(r"transfers the call to e2e-bob-desk \(attended", 5)
            lab.server.wait_for(r"transferred by e2e-alice-desk to e2e-bob-desk", 5)
            joined = time.monotonic()
            alice.wait_line(r"Call 1 with .* ended", timeout=5, start=mark)
            time.sleep(1.2)
            count, share = rtp.loud_share(joined + 0.3, joined + 1.2)
            assert count > 30 and share > 0.9, f"the caller hears Bob? {count} packets, {share:.0%}"
            bob.wait_line(r"Call \d+ with .* ended", timeout=8)  # the carrier's BYE, passed on
            expect_ok(carrier)
            assert_carrier_saw_no_transfer(carrier)
            for m in carrier.messages():
                for word in ("e2e-alice-desk", "e2e-bob-desk", f":{alice.sip_port}", f":{bob.sip_port}"):
                    assert word not in m.text, m.text
        finally:
            rtp.close()
            for p in phones:
                p.close()


def test_an_attended_transfer_naming_no_call_leaves_the_call_with_the_phone(tmp_path: Path) -> None:
    """A phone (sipp) answers a carrier's call and sends REFER with a Replaces that names no
    call serve relays: serve takes the call over (the carrier's and the phone's re-INVITEs),
    answers 202, NOTIFY 100 and NOTIFY 481 (terminated), and the call stays with the phone:
    the carrier's BYE reaches it. About 3 s."""
    rtp = FollowingRtpPeer(TRUNK_IP)
    with serving(tmp_path, ["--rtp-ports", RTP_PORTS]) as lab:
        try:
            phone = lab.phone("alice-desk", str(SCENARIOS / "device_refer_unknown_replaces.xml"),
                              pause_ms=500, timeout_s=20)
            carrier = direct_caller(lab, tmp_path, rtp, "caller", pause_ms=1500)
            lab.server.wait_for(r"replacing call nosuchcall@example, which serve does not know", 8)
            expect_ok(phone, carrier)  # NOTIFY 481 checked by the phone; the BYE passed on
            assert_carrier_saw_no_transfer(carrier)
            for m in carrier.messages():
                assert "e2e-alice-desk" not in m.text, m.text
        finally:
            rtp.close()


def test_blind_transfer_of_a_phones_call_out_to_the_carrier(office, tmp_path: Path) -> None:
    """Alice calls an outside number (relayed end to end to the trunk) and transfers that call
    to Bob: serve takes it over with a re-INVITE in the dialog the carrier answered, showing
    Alice's caller ID as before, and the carrier's next request comes from serve (the BYE
    when Bob hangs up). About 4 s."""
    lab, alice, bob, _ = office
    text = (SCENARIOS / "trunk_uas_answer.xml").read_text()
    scenario = tmp_path / "trunk-taken-over.xml"
    scenario.write_text(answering_a_reinvite(text, "[media_port]"))
    trunk = lab.trunk_uas(str(scenario), timeout_s=20)
    time.sleep(0.2)
    alice.command("dial", EXTERNAL)
    alice.wait_event("CALL_ESTABLISHED", 5)
    time.sleep(0.3)
    alice.command("transfer", "102")
    lab.server.wait_for(r"taken over from the proxy", 5)
    bob.wait_event("CALL_INCOMING", 5)
    bob.command("accept")
    bob.wait_event("CALL_ESTABLISHED", 5)
    lab.server.wait_for(r"transferred by e2e-alice-desk to 102", 5)
    time.sleep(0.3)
    bob.command("hangup")
    expect_ok(trunk)  # serve's re-INVITE answered, then serve's BYE
    received = [m for m in trunk.messages() if m.direction == "received" and m.method == "INVITE"]
    assert len(received) == 2, [m.first_line for m in trunk.messages()]
    first, again = received
    assert again.header("Call-ID") == first.header("Call-ID")
    assert "+31850000001" in (again.header("From") or ""), again.text  # Alice's caller ID, as before
    assert_carrier_saw_no_transfer(trunk, alice, bob)


# The cases where serve cannot (or no longer needs to) take a relayed call over: sipp plays
# the phone, so every answer to its REFER is checked. Their media legs, where serve runs its
# own media side, use their own RTP range.
REFUSAL_RTP_PORTS = "43000-43499"


def metric(metrics: str, name: str) -> int:
    """A gauge or counter of serve's --metrics endpoint (docs/sip-server.md "Metrics")."""
    with urllib.request.urlopen(f"http://{metrics}/metrics", timeout=3) as answer:
        text = answer.read().decode()
    found = re.search(rf"^{re.escape(name)} (\d+)", text, re.M)
    assert found, f"no {name} in\n{text}"
    return int(found.group(1))


def refused_once(lab: Lab, why: str) -> None:
    """One log line says why the REFER was refused, and it says `why`."""
    lines = [line for line in lab.server.lines if "REFER from a phone in a call with the carrier refused" in line]
    assert len(lines) == 1 and why in lines[0], lines


def assert_refused_and_relayed(phone, carrier, why: str) -> None:
    """The phone's REFER got 403 with a Warning saying `why`; the carrier saw no REFER and no
    re-INVITE (serve never took the call over), and its BYE reached the phone (the
    scenarios end with it): the call went on, relayed end to end."""
    [refused] = [m for m in phone.messages() if m.direction == "received" and m.status == 403]
    assert why in (refused.header("Warning") or ""), refused.text
    received = [m.method for m in carrier.messages() if m.direction == "received" and m.method]
    assert received == [], received  # the carrier called and hung up; nothing came to it


@pytest.mark.parametrize("media", ["--no-media", "--media-server"])
def test_a_transfer_without_the_own_media_side_is_refused_and_the_call_goes_on(tmp_path: Path, media: str) -> None:
    """serve runs without its own media side (--no-media, or --media-server: nothing of its
    own to anchor the call in): the phone's REFER in a call with the carrier gets 403 with a
    Warning, the call stays relayed (the carrier's BYE reaches the phone). About 4 s each."""
    if media == "--no-media":
        kw: dict[str, object] = {}
        args = ["--no-media"]
    else:
        kw, args = {"media_server": f"sip:{SERVER_IP}:{free_udp_port(SERVER_IP)}"}, []
    with serving(tmp_path, args, **kw) as lab:
        phone = lab.phone("alice-desk", "device_refer_refused.xml", pause_ms=300, timeout_s=15)
        carrier = lab.call("trunk_call_answered.xml", ALICE_DIRECT, caller=EXTERNAL, pause_ms=1500,
                           timeout_s=15)
        lab.server.wait_for(r"REFER from a phone in a call with the carrier refused \(403\)", 5)
        expect_ok(phone, carrier)
        why = "transfer needs callplan's own media side"
        refused_once(lab, why)
        assert_refused_and_relayed(phone, carrier, why)
        [record] = lab.server.call_records(1)
        assert record["disposition"] == "answered" and record["ended_by"] == "caller", record


def test_a_transfer_of_a_call_from_before_a_restart_is_refused_and_the_call_goes_on(tmp_path: Path) -> None:
    """A carrier's call answered by a phone, then serve is killed (-9) and started again on
    the same ports and state directory: the phone's REFER reaches a relay that knows the
    dialog again by its token but not what a take-over needs. 403 with a Warning, and the
    call goes on relayed: the carrier's BYE still reaches the phone. About 7.5 s."""
    with serving(tmp_path, ["--rtp-ports", REFUSAL_RTP_PORTS]) as lab:
        phone = lab.phone("alice-desk", "device_refer_refused.xml", pause_ms=4000, timeout_s=20)
        carrier = lab.call("trunk_call_answered.xml", ALICE_DIRECT, caller=EXTERNAL, pause_ms=5500,
                           timeout_s=20)
        time.sleep(1.0)  # the phone answers at once; it sends its REFER 4 s after the ACK
        old = lab.server
        assert old is not None and old.proc is not None
        old.proc.kill()
        old.proc.wait(timeout=5)
        fresh = ServerProcess(TENANT, tmp_path)
        fresh.port, fresh.trunk_port, fresh.args = old.port, old.trunk_port, old.args
        lab.server = fresh.start()
        lab.server.wait_for(r"REFER from a phone in a call with the carrier refused \(403\)", 6)
        expect_ok(phone, carrier)
        why = "set up before the server restarted"
        refused_once(lab, why)
        assert_refused_and_relayed(phone, carrier, why)


REINVITE_ANSWERS = {
    # RFC 3261 15.1.2: a request pending at the BYE is answered 487.
    "487": """  <send>
    <![CDATA[

      SIP/2.0 487 Request Terminated
      Via: [$re_via]
      From: [$re_from]
      To: [$re_to]
      Call-ID: [call_id]
      CSeq: [$re_cseq]
      Content-Length: 0

    ]]>
  </send>
""",
    # A carrier that answers the re-INVITE all the same, after its own BYE.
    "200": """  <send>
    <![CDATA[

      SIP/2.0 200 OK
      Via: [$re_via]
      From: [$re_from]
      To: [$re_to]
      Call-ID: [call_id]
      CSeq: [$re_cseq]
      Contact: <sip:[caller]@[local_ip]:[local_port]>
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=trunk 53655765 2353687638 IN IP4 [local_ip]
      s=-
      c=IN IP4 [local_ip]
      t=0 0
      m=audio [rtp_port] RTP/AVP 0
      a=rtpmap:0 PCMU/8000

    ]]>
  </send>
""",
}


@pytest.mark.parametrize("answer", sorted(REINVITE_ANSWERS))
def test_a_carrier_bye_crossing_the_takeover_ends_the_call_and_leaves_nothing(tmp_path: Path, answer: str) -> None:
    """The phone transfers a relayed carrier call; the carrier hangs up while serve's
    re-INVITE to it is outstanding, and answers the re-INVITE only after its BYE (487, or
    even 200). Both legs end (the BYE reaches the phone), the REFER gets 481, the phone gets
    no re-INVITE of serve's and nothing is transferred, the media leg closes, the proxy's and
    the media side's tables are empty, and the call has one record. About 5 s each."""
    metrics = f"127.0.0.1:{free_udp_port('127.0.0.1')}"
    with serving(tmp_path, ["--rtp-ports", REFUSAL_RTP_PORTS, "--metrics", metrics]) as lab:
        phone = lab.phone("alice-desk", "device_refer_call_ended.xml", pause_ms=300, timeout_s=15)
        text = (SCENARIOS / "trunk_call_bye_crosses_takeover.xml").read_text()
        scenario = tmp_path / f"bye-crossing-{answer}.xml"
        scenario.write_text(text.replace("REINVITE_ANSWER\n", REINVITE_ANSWERS[answer]))
        time.sleep(0.2)
        carrier = lab.peer("carrier", str(scenario), local_ip=TRUNK_IP,
                           local_port=free_udp_port(TRUNK_IP), remote=lab.server.hostport,
                           timeout_s=15,
                           keys={"called": ALICE_DIRECT, "caller": EXTERNAL,
                                 "rtp_port": str(free_udp_port(TRUNK_IP))}).start()
        lab.server.wait_for(r"the call ended while serve was taking it over: the transfer is dropped", 8)
        expect_ok(phone, carrier)
        lab.server.wait_for(r"media leg c\d+ closed", 3)
        if answer == "200":
            lab.server.wait_for(r"answered serve's re-INVITE \(200\) after the call ended: ignored", 3)
        assert not any("taken over from the proxy" in line or "transfers the call" in line
                       for line in lab.server.lines), lab.server.stderr_text()
        invites = [m for m in phone.messages() if m.direction == "received" and m.method == "INVITE"]
        assert len(invites) == 1, "serve sent the phone a re-INVITE after the call ended"
        reinvites = [m for m in carrier.messages() if m.direction == "received" and m.method == "INVITE"]
        assert len(reinvites) == 1, [m.first_line for m in carrier.messages()]
        assert_carrier_saw_no_transfer(carrier)
        time.sleep(1.2)  # the gauges are published every second
        assert metric(metrics, "callplan_dialogs") == 0
        assert metric(metrics, "callplan_media_legs") == 0
        [record] = lab.server.call_records(1)
        assert record["disposition"] == "answered" and record["ended_by"] == "caller", record


def outside_party(lab: Lab, tmp_path: Path, rtp: RtpPeer) -> object:
    """The trunk answering a phone's call out (the consultation call of an attended transfer),
    with `rtp` as its audio; it answers serve's re-INVITE (the join) and takes the BYE."""
    text = (SCENARIOS / "trunk_uas_answer.xml").read_text()
    text = text.replace("c=IN IP[media_ip_type] [media_ip]", "c=IN IP4 [local_ip]")
    text = text.replace("m=audio [media_port] RTP/AVP 0", "m=audio [rtp_port] RTP/AVP 0")
    text = answering_a_reinvite(text, "[rtp_port]", keep_offer=True)
    scenario = tmp_path / "outside-party.xml"
    scenario.write_text(text)
    assert lab.server is not None
    return lab.peer("trunk-uas", str(scenario), local_ip=TRUNK_IP, local_port=lab.server.trunk_port,
                    timeout_s=25, keys={"rtp_port": str(rtp.port)}).start()


@pytest.mark.skipif(LINPHONEC is None, reason="linphonec (Debian linphone-cli) is not installed")
def test_attended_transfer_of_an_outside_call_to_an_outside_number_with_linphonec(tmp_path: Path) -> None:
    """Alice (linphonec) answers the carrier, holds it, calls an outside number (relayed to
    the trunk) and joins the two (`transfer 1 --to-call 2`: REFER whose Replaces names her
    call with the trunk). serve takes the first call over, re-INVITEs the outside party in
    the consultation call's own dialog, bridges the caller to it and lets Alice go from both
    calls. The caller hears the outside party; neither carrier sees a REFER, a NOTIFY or
    anything of the inside. About 10 s."""
    caller_rtp = FollowingRtpPeer(TRUNK_IP)
    outside_rtp = FollowingRtpPeer(TRUNK_IP)
    phones: list[Linphonec] = []
    with serving(tmp_path, ["--rtp-ports", "43500-43999"]) as lab:
        try:
            phones = linphonecs(tmp_path, lab, "alice")
            [alice] = phones
            outside = outside_party(lab, tmp_path, outside_rtp)
            carrier = answer_and_hold(lab, tmp_path, alice, caller_rtp)
            alice.command(f"call {OUTSIDE}")
            alice.wait_line(rf"Call 2 with sip:\{OUTSIDE}@.* connected", timeout=5)
            outside_rtp.wait_remote(5)
            mark = alice.mark()
            alice.command("transfer 1 --to-call 2")
            lab.server.wait_for(r"taken over from the proxy", 5)
            lab.server.wait_for(rf"transfers the call to its call .* with \{OUTSIDE} \(attended", 5)
            lab.server.wait_for(rf"transferred by e2e-alice-desk to \{OUTSIDE} \(trunk\)", 5)
            joined = time.monotonic()
            alice.wait_line(r"Call 1 with .* ended", timeout=5, start=mark)
            alice.wait_line(r"Call 2 with .* ended", timeout=5, start=mark)
            time.sleep(1.2)
            count, share = caller_rtp.loud_share(joined + 0.3, joined + 1.2)
            assert count > 30 and share > 0.9, f"the caller hears the outside party? {count} packets, {share:.0%}"
            count, share = outside_rtp.loud_share(joined + 0.3, joined + 1.2)
            assert count > 30 and share > 0.9, f"the outside party hears the caller? {count} packets, {share:.0%}"
            expect_ok(carrier, outside)  # the caller hangs up: serve's BYE reaches the outside party
            for peer in (carrier, outside):
                assert_carrier_saw_no_transfer(peer)
                for m in peer.messages():
                    assert "e2e-alice-desk" not in m.text and f":{alice.sip_port}" not in m.text, m.text
            invites = [m for m in outside.messages() if m.direction == "received" and m.method == "INVITE"]
            assert len(invites) == 2 and invites[1].header("Call-ID") == invites[0].header("Call-ID")
            records = lab.server.call_records(2)
            [out] = [r for r in records if r["dialled"] == OUTSIDE]
            assert out["caller"] == "101" and out["ended_by"] == "caller", out  # Alice left it
        finally:
            caller_rtp.close()
            outside_rtp.close()
            for p in phones:
                p.close()
