"""SUBSCRIBE/NOTIFY (RFC 6665) with sipp as the phone (docs/sip-server.md, "Events"):
message waiting (RFC 3842) from the voicemail store, a busy lamp (RFC 4235 dialog) that
follows a colleague's call, refusals (403 for another user's box, 404 for nobody, 489 for an
unknown event package).
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

from sip_e2e_server import SERVER_IP, free_udp_port
from sip_e2e_sipp import EXIT_OK, SippPeer
from test_sip_e2e import DEVICES, Lab, callplan_only, expect_ok, lab  # noqa: F401

pytestmark = callplan_only


def subscriber(lab: Lab, device: str, scenario: str, keys: dict[str, str] | None = None,
               timeout_s: float = 20) -> SippPeer:
    d = DEVICES[device]
    assert lab.server is not None
    return lab.peer(f"{device}-{scenario}", scenario, local_ip=SERVER_IP,
                    local_port=free_udp_port(SERVER_IP), remote=lab.server.hostport,
                    timeout_s=timeout_s, keys=keys,
                    inject=[d["username"], f"[authentication username={d['username']} "
                                           f"password={d['password']}]"])


def refusal(peer: SippPeer) -> int | None:
    """The answer after the 407 challenge."""
    finals = [m.status for m in peer.messages()
              if m.direction == "received" and m.status and m.status >= 200]
    return finals[-1] if finals else None


def deposit(state: Path, extension: str, message_id: str) -> None:
    """A message as the voicemail store writes it (docs/voicemail.md): folder, WAV, record."""
    folder = state / "voicemail" / "e2e" / extension / "messages" / message_id
    folder.mkdir(parents=True)
    (folder / "message.wav").write_bytes(b"RIFF")  # the counter only needs it to exist
    record = {"format": 1, "id": message_id, "caller": "+31201234567", "caller_name": "",
              "called": "+31850000001", "received": "2026-12-07T07:00:00+01:00",
              "seconds": 4.0, "reason": "no_answer", "state": "new", "audio": "message.wav"}
    (folder / "message.json").write_text(json.dumps(record))


def test_a_phone_sees_message_waiting_change_and_unsubscribes(lab: Lab) -> None:
    phone = subscriber(lab, "alice-desk", "subscribe_mwi.xml").start()
    time.sleep(1.5)  # subscribed, first NOTIFY: nothing waits
    assert phone.returncode is None, phone.report()
    deposit(lab.workdir / "state", "101", "20261207T060000.000Z-0001")
    assert phone.wait() == EXIT_OK, phone.report()
    notifies = phone.received("NOTIFY")
    assert len(notifies) == 3, phone.report()
    first, second, last = notifies
    assert "Messages-Waiting: no" in first.text
    assert (first.header("Content-Type") or "") == "application/simple-message-summary"
    assert "Message-Account: sip:101@e2e" in second.text
    # The server polls the store every 5 s: the change arrives within that.
    assert second.time - first.time < 8, phone.report()
    assert (last.header("Subscription-State") or "").startswith("terminated"), last.text


def test_another_users_mailbox_is_forbidden(lab: Lab) -> None:
    peer = subscriber(lab, "bob-desk", "subscribe_refused.xml",
                      keys={"target": "101", "event": "message-summary"})
    assert peer.run() == EXIT_OK, peer.report()
    assert refusal(peer) == 403, peer.report()


def test_nobody_is_not_found(lab: Lab) -> None:
    peer = subscriber(lab, "bob-desk", "subscribe_refused.xml",
                      keys={"target": "999", "event": "message-summary"})
    assert peer.run() == EXIT_OK, peer.report()
    assert refusal(peer) == 404, peer.report()


def test_an_unknown_event_package_is_489_with_allow_events(lab: Lab) -> None:
    peer = subscriber(lab, "bob-desk", "subscribe_refused.xml",
                      keys={"target": "102", "event": "x-no-such-package"})
    assert peer.run() == EXIT_OK, peer.report()
    assert refusal(peer) == 489, peer.report()
    answer = peer.received(489)[0]
    assert "message-summary" in (answer.header("Allow-Events") or ""), answer.text


def lamp(notify_text: str) -> str:
    """The state a dialog-info NOTIFY shows: idle, or the state of its one dialog."""
    m = re.search(r"<state>([a-z]+)</state>", notify_text)
    return m.group(1) if m else "idle"


def test_a_busy_lamp_follows_a_colleagues_call(lab: Lab) -> None:
    watcher = subscriber(lab, "bob-desk", "subscribe_blf.xml", keys={"target": "101"},
                         timeout_s=25).start()
    time.sleep(1.0)  # subscribed: the lamp is idle
    alice = lab.phone("alice-desk", "device_answer.xml", pause_ms=800)
    caller = lab.call("trunk_call_answered.xml", "+31850000001", pause_ms=1000)
    expect_ok(caller, alice)
    assert watcher.wait() == EXIT_OK, watcher.report()
    notifies = watcher.received("NOTIFY")
    states = [lamp(n.text) for n in notifies[:4]]
    assert states == ["idle", "early", "confirmed", "idle"], watcher.report()
    versions = [re.search(r'version="(\d+)"', n.text).group(1) for n in notifies[:4]]  # type: ignore[union-attr]
    assert versions == ["0", "1", "2", "3"], versions
    assert (notifies[0].header("Content-Type") or "") == "application/dialog-info+xml"
    assert 'entity="sip:101@e2e"' in notifies[0].text
    assert (notifies[-1].header("Subscription-State") or "").startswith("terminated")
