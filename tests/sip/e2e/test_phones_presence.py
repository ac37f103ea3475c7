"""Presence (RFC 3856) on the wire, sipp as the watching phone (docs/sip-server.md,
"Events"): the PIDF bodies as a colleague registers and takes a call, and the refusals.
Another company's phone finds nobody. What real phones make of it is in test_sip_phones.py
and test_linphone.py. About 10 s.
"""
from __future__ import annotations

import re
import time
from pathlib import Path

from sip_e2e_server import SERVER_IP, free_udp_port
from sip_e2e_sipp import EXIT_OK, SippPeer
from test_sip_companies import Companies, auth_inject, company
from test_sip_e2e import DEVICES, Lab, callplan_only, expect_ok, lab  # noqa: F401

pytestmark = callplan_only


def subscriber(lab: Lab, device: str, scenario: str, keys: dict[str, str],
               timeout_s: float = 20) -> SippPeer:
    d = DEVICES[device]
    assert lab.server is not None
    # Named by what it asks, so that two at once keep their own traces.
    return lab.peer(f"{device}-{keys['target']}-{keys.get('event', 'presence')}", scenario, local_ip=SERVER_IP,
                    local_port=free_udp_port(SERVER_IP), remote=lab.server.hostport,
                    timeout_s=timeout_s, keys=keys,
                    inject=[d["username"], f"[authentication username={d['username']} "
                                           f"password={d['password']}]"])


def shown(pidf: str) -> str:
    """closed, open, or on-the-phone: what a PIDF NOTIFY body says."""
    basic = re.search(r"<basic>(open|closed)</basic>", pidf)
    assert basic, pidf
    if "<rpid:on-the-phone/>" in pidf:
        assert basic.group(1) == "open", pidf
        return "on-the-phone"
    return basic.group(1)


def test_presence_follows_registration_and_calls(lab: Lab) -> None:
    watcher = subscriber(lab, "bob-desk", "subscribe_presence.xml", {"target": "101"},
                         timeout_s=25).start()
    time.sleep(1.0)  # subscribed: alice is not registered
    alice = lab.phone("alice-desk", "device_answer.xml", pause_ms=800)
    caller = lab.call("trunk_call_answered.xml", "+31850000001", pause_ms=1000)
    expect_ok(caller, alice)
    assert watcher.wait() == EXIT_OK, watcher.report()
    notifies = watcher.received("NOTIFY")
    assert [shown(n.text) for n in notifies[:4]] == \
        ["closed", "open", "on-the-phone", "open"], watcher.report()
    first = notifies[0]
    assert (first.header("Content-Type") or "") == "application/pidf+xml", first.text
    assert (first.header("Event") or "") == "presence", first.text
    assert 'entity="sip:101@e2e"' in first.text, first.text
    assert (notifies[-1].header("Subscription-State") or "").startswith("terminated")


def refusal(peer: SippPeer) -> int | None:
    finals = [m.status for m in peer.messages()
              if m.direction == "received" and m.status and m.status >= 200]
    return finals[-1] if finals else None


def test_presence_of_nobody_is_404_and_presence_is_an_allowed_event(lab: Lab) -> None:
    nobody = subscriber(lab, "bob-desk", "subscribe_refused.xml",
                        {"target": "999", "event": "presence"}).start()
    unknown = subscriber(lab, "bob-desk", "subscribe_refused.xml",
                         {"target": "101", "event": "x-no-such-package"}).start()
    assert nobody.wait() == EXIT_OK, nobody.report()
    assert unknown.wait() == EXIT_OK, unknown.report()
    assert refusal(nobody) == 404, nobody.report()
    assert refusal(unknown) == 489, unknown.report()
    allowed = unknown.received(489)[0].header("Allow-Events") or ""
    assert "presence" in allowed and "dialog" in allowed, allowed


def test_another_companys_phone_is_not_found(tmp_path: Path) -> None:
    """Two companies with the same extensions: a phone of one cannot watch a device of the
    other by its SIP username, neither its presence nor its busy lamp (`dialog`), nor send it
    a MESSAGE (404: names are looked up in the sender's own company, as for calls)."""
    files = []
    for login, number in (("north", "+31850000101"), ("south", "+31850000201")):
        f = tmp_path / f"{login}.yaml"
        f.write_text(company(login, [number]))
        files.append(f)
    companies = Companies(tmp_path)
    try:
        server = companies.start(files)
        for event in ("presence", "dialog"):
            peer = companies.peer(f"south-phone-watches-north-desk-{event}",
                                  "subscribe_refused.xml",
                                  local_ip=SERVER_IP, local_port=free_udp_port(SERVER_IP),
                                  remote=server.hostport, timeout_s=10,
                                  keys={"target": "north-desk", "event": event},
                                  inject=auth_inject("south", "phone"))
            assert peer.run() == EXIT_OK, peer.report()
            assert refusal(peer) == 404, peer.report()
        chat = companies.peer("south-phone-writes-to-north-desk", "message_send.xml",
                              local_ip=SERVER_IP, local_port=free_udp_port(SERVER_IP),
                              remote=server.hostport, timeout_s=10,
                              keys={"target": "north-desk"},
                              inject=auth_inject("south", "phone"))
        assert chat.run() == EXIT_OK, chat.report()
        assert refusal(chat) == 404, chat.report()
    finally:
        companies.close()
