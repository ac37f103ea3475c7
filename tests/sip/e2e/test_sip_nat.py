"""A phone behind NAT (RFC 3581, RFC 3261 18.2.1; docs/sip-server.md "Where a phone is
reached"), played by sipp on loopback: it writes the private 192.168.1.20:5060 in its Via and
Contact and sends from 127.0.0.1 and a port of its own, as a phone behind a home router does.
The server must answer with received/rport in the Via and reach the phone where its packets
come from: the INVITE, the ACK and the caller's BYE all arrive at sipp's socket.
"""

from __future__ import annotations

from sip_e2e_server import SERVER_IP, free_udp_port
from sip_e2e_sipp import EXIT_OK
from test_sip_e2e import DEVICES, EXTERNAL_CALLER, Lab, callplan_only, expect_ok, lab  # noqa: F401

PRIVATE = "192.168.1.20:5060"


def register_behind_nat(lab: Lab, device: str, port: int):
    d = DEVICES[device]
    assert lab.server is not None
    reg = lab.peer(f"{device}-register-nat", "register_behind_nat.xml", local_ip=SERVER_IP,
                   local_port=port, remote=lab.server.hostport, timeout_s=8,
                   keys={"domain": SERVER_IP, "expires": "300"},
                   inject=[d["username"], f"[authentication username={d['username']} "
                                          f"password={d['password']}]"])
    rc = reg.run()
    assert rc == EXIT_OK, f"registration behind NAT failed\n{reg.report()}"
    return reg


@callplan_only
def test_responses_carry_received_and_rport(lab: Lab) -> None:
    port = free_udp_port(SERVER_IP)
    reg = register_behind_nat(lab, "alice-desk", port)
    for response in reg.received(401) + reg.received(200):
        via = response.header("Via") or ""
        assert f"received={SERVER_IP};rport={port}" in via, f"RFC 3581 Via expected\n{response.text}"


@callplan_only
def test_a_phone_behind_nat_is_called_where_its_register_came_from(lab: Lab) -> None:
    port = free_udp_port(SERVER_IP)
    register_behind_nat(lab, "alice-desk", port)
    alice = lab.peer("alice-nat", "device_answer_behind_nat.xml", local_ip=SERVER_IP,
                     local_port=port, pause_ms=300, timeout_s=25).start()
    caller = lab.call("trunk_call_answered.xml", "+31850000001", pause_ms=500)
    expect_ok(caller, alice)
    invite = alice.received("INVITE")[0]
    # Flow-based (reach.hpp): the Request-URI stays the registered Contact, only the
    # destination is the NAT mapping.
    assert invite.first_line.startswith(f"INVITE sip:{DEVICES['alice-desk']['username']}@{PRIVATE}"), \
        invite.text
    assert EXTERNAL_CALLER in (invite.header("From") or "")
    assert alice.received("ACK") and alice.received("BYE"), alice.report()
