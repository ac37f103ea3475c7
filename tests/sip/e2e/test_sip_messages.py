"""MESSAGE (RFC 3428) between a company's phones, with sipp as the phones
(docs/sip-server.md, "Chat: MESSAGE"): relayed to the colleague's registered phone with the
sender's extension as From, 480 when the colleague has no phone registered, 404 for anyone
else (an outside number included: chat never goes to the trunk).
"""

from __future__ import annotations

from sip_e2e_server import SERVER_IP, free_udp_port
from sip_e2e_sipp import EXIT_OK, SippPeer
from test_sip_e2e import DEVICES, Lab, callplan_only, expect_ok, lab  # noqa: F401

pytestmark = callplan_only


def send(lab: Lab, device: str, target: str) -> SippPeer:
    d = DEVICES[device]
    assert lab.server is not None
    peer = lab.peer(f"{device}-message-{target}", "message_send.xml", local_ip=SERVER_IP,
                    local_port=free_udp_port(SERVER_IP), remote=lab.server.hostport,
                    timeout_s=15, keys={"target": target},
                    inject=[d["username"], f"[authentication username={d['username']} "
                                           f"password={d['password']}]"])
    assert peer.run() == EXIT_OK, peer.report()
    return peer


def answer(peer: SippPeer) -> int | None:
    finals = [m.status for m in peer.messages()
              if m.direction == "received" and m.status and m.status >= 200]
    return finals[-1] if finals else None


def test_a_message_reaches_the_colleagues_phone(lab: Lab) -> None:
    alice = lab.phone("alice-desk", "message_receive.xml")
    sender = send(lab, "bob-desk", "101")
    expect_ok(alice)
    assert answer(sender) == 200, sender.report()
    got = alice.received("MESSAGE")[0]
    assert "hello from the e2e test" in got.text
    assert (got.header("From") or "").startswith("<sip:102@"), got.text  # bob's extension
    assert got.header("Proxy-Authorization") is None, "our credentials stay with us"


def test_a_colleague_without_a_phone_is_480_and_nobody_is_404(lab: Lab) -> None:
    assert answer(send(lab, "bob-desk", "103")) == 480
    assert answer(send(lab, "bob-desk", "999")) == 404
    # An outside number: never to the trunk.
    assert answer(send(lab, "bob-desk", "+31612345678")) == 404
