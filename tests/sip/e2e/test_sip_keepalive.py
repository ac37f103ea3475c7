"""NAT keep-alives and phones that are gone (docs/sip-server.md, "Keep-alives" and "When a
phone stops answering"): OPTIONS pings to the server, CRLF keep-alives on UDP and TCP, and a
binding dropped before its expiry when its TCP connection closes or its phone leaves an
INVITE unanswered.
"""

from __future__ import annotations

import secrets
import socket
import time

from sip_e2e_server import SERVER_IP, TRUNK_IP, free_udp_port
from sip_e2e_udp import CRLF, UdpUac, digest_params, digest_response, ha1, parse_response, register
from test_sip_e2e import DEVICES, Lab, callplan_only, expect_ok, final_status, lab  # noqa: F401

pytestmark = callplan_only


def test_options_to_the_server_is_a_ping_answered_without_credentials(lab: Lab) -> None:
    assert lab.server is not None
    with UdpUac(SERVER_IP) as uac:
        ping = uac.options(lab.server.address)
        assert ping is not None and ping.status == 200, ping and ping.text
        allow = ", ".join(ping.headers("Allow"))
        for method in ("INVITE", "OPTIONS", "REGISTER", "BYE"):
            assert method in allow, ping.text
        # An OPTIONS to a user is no ping: credentials first, as for every other request.
        uri = f"sip:101@{lab.server.hostport}"
        probe = uac.final_response(uac.request("OPTIONS", uri, lab.server.address,
                                               from_user="probe"), lab.server.address)
        assert probe is not None and probe.status == 407, probe and probe.text


def test_crlf_keepalives_on_udp_are_ignored_without_a_log_line(lab: Lab) -> None:
    assert lab.server is not None
    before = len(lab.server.lines)
    with UdpUac(SERVER_IP) as uac:
        for _ in range(3):
            uac.send(b"\r\n\r\n", lab.server.address)
            uac.send(b"\r\n", lab.server.address)
        assert uac.collect(0.5) == [], "a CRLF keep-alive over UDP gets no answer"
        assert uac.options(lab.server.address).status == 200  # type: ignore[union-attr]
    assert lab.server.lines[before:] == [], "\n".join(lab.server.lines[before:])


def tcp_register(sock: socket.socket, server: tuple[str, int], user: str, password: str) -> str:
    """REGISTER over an open TCP connection with MD5 digest; the final response's text."""
    local_ip, local_port = sock.getsockname()
    uri = f"sip:{server[0]}:{server[1]}"
    call_id = secrets.token_hex(8)

    def request(cseq: int, extra: list[str]) -> bytes:
        return CRLF.join([
            f"REGISTER {uri} SIP/2.0",
            f"Via: SIP/2.0/TCP {local_ip}:{local_port};branch=z9hG4bK{secrets.token_hex(8)};rport",
            "Max-Forwards: 70", f"From: <sip:{user}@{server[0]}>;tag={secrets.token_hex(4)}",
            f"To: <sip:{user}@{server[0]}>", f"Call-ID: {call_id}", f"CSeq: {cseq} REGISTER",
            f"Contact: <sip:{user}@{local_ip}:{local_port};transport=tcp>", "Expires: 300",
            *extra, "Content-Length: 0", "", ""]).encode()

    def final(data: bytes) -> str:
        sock.sendall(data)
        buffer = b""
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            sock.settimeout(max(0.05, deadline - time.monotonic()))
            buffer += sock.recv(65536)
            for message in buffer.split(b"\r\n\r\n"):
                response = parse_response(message + b"\r\n\r\n")
                if response and response.status >= 200:
                    return response.text
        raise AssertionError(f"no final response over TCP: {buffer!r}")

    challenge = parse_response(final(request(1, [])).encode())
    assert challenge is not None and challenge.status == 401, challenge
    params = digest_params(challenge.headers("WWW-Authenticate")[0])
    key = ha1("MD5", user, params["realm"], password)
    answer = digest_response("MD5", key, "REGISTER", uri, params["nonce"], "auth", "00000001", "ab12")
    auth = (f'Authorization: Digest username="{user}", realm="{params["realm"]}", '
            f'nonce="{params["nonce"]}", uri="{uri}", response="{answer}", algorithm=MD5, '
            f'qop=auth, nc=00000001, cnonce="ab12"')
    return final(request(2, [auth]))


def test_tcp_crlf_ping_gets_a_pong_and_a_closed_connection_drops_its_binding(lab: Lab) -> None:
    lab.close()
    lab.start_server(tcp=True)
    assert lab.server is not None
    d = DEVICES["alice-desk"]
    with socket.create_connection(lab.server.address, timeout=5) as sock:
        ok = tcp_register(sock, lab.server.address, d["username"], d["password"])
        assert ok.startswith("SIP/2.0 200"), ok
        sock.sendall(b"\r\n\r\n")  # RFC 5626 3.5.1 ping
        sock.settimeout(2)
        assert sock.recv(16) == b"\r\n", "the pong is one CRLF"
    lab.server.wait_for(rf"binding {d['username']} on tcp:.*dropped, its TCP connection closed",
                        timeout=5)
    # Nothing left to ring: the call ends at once instead of waiting for a phone.
    started = time.monotonic()
    caller = lab.call("trunk_call_rejected.xml", "+31850000001")
    expect_ok(caller)
    assert final_status(caller) == 480, caller.report()
    assert time.monotonic() - started < 2.5, "nothing should ring"


def test_a_phone_that_never_answers_an_invite_loses_its_binding(lab: Lab) -> None:
    """32 s: the INVITE's transaction must give up (Timer B, 64*T1) before the binding goes."""
    assert lab.server is not None
    d = DEVICES["alice-desk"]
    with UdpUac(SERVER_IP, free_udp_port(SERVER_IP)) as dead_phone:
        _, ok = register(dead_phone, lab.server.address, user=d["username"], algorithm="MD5",
                         password=d["password"])
        assert ok is not None and ok.status == 200, ok and ok.text
        caller = lab.call("trunk_call_rejected.xml", "+31850000001", timeout_s=40)
        lab.server.wait_for(rf"binding {d['username']} at udp:{SERVER_IP}:{dead_phone.local_port}: "
                            "dropped, its phone did not answer an INVITE", timeout=40)
        expect_ok(caller)
    # The next call finds nobody to ring at once.
    started = time.monotonic()
    again = lab.call("trunk_call_rejected.xml", "+31850000001", name="caller2")
    expect_ok(again)
    assert final_status(again) == 480 and time.monotonic() - started < 2.5, again.report()
