"""The example company (examples/acme) with real phones: the carrier calls Acme's main line
and the phones do what `callplan simulate` says the plan does at that moment (issue 12.7:
"trunk calls along the example's plans"). The server runs under faketime (Debian
`faketime`), shifted to a Tuesday morning and to a Sunday, so both branches of the plan's
office-hours condition are played every run. In office hours reception rings on both of
Anna's devices, linphonec (the reception desk's account) and baresip (her laptop); the
desk answers, the laptop stops ringing within a second. After hours the media side answers
with the closed message and no phone rings. The carrier hears nothing of the inside.
Each run's books (the call detail records and the call log) hold exactly one entry per call,
however it ended: answered, cancelled by the caller while both phones rang, or voicemail.
About 20 s.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import yaml  # type: ignore[import]

from sip_e2e_carrier import inside_seen_by
from sip_e2e_linphone import LINPHONEC, Linphonec
from sip_e2e_phones import BARESIP, Baresip
from sip_e2e_server import TRUNK_IP, ServerProcess, free_udp_port, which_server
from sip_e2e_sipp import EXIT_OK, SippPeer

ACME = Path(__file__).resolve().parents[3] / "examples" / "acme"
MAIN_LINE = "+31881234567"
CALLER = "+31201234567"

# The library itself, preloaded (the `faketime` wrapper forks: our SIGTERM would stop the
# wrapper and orphan the server).
LIBFAKETIME = Path("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1")
FAKETIME = str(LIBFAKETIME) if LIBFAKETIME.exists() else None
ZONE = dt.timezone(dt.timedelta(hours=1))  # Europe/Amsterdam in winter; the shift is whole days

for tool, package in ((LINPHONEC, "linphone-cli"), (BARESIP, "baresip"), (FAKETIME, "faketime")):
    if tool is None:
        if os.environ.get("CI"):
            pytest.fail(f"{package} (Debian) is not installed", pytrace=False)
        pytest.skip(f"{package} (Debian) is not installed", allow_module_level=True)
if which_server() != "callplan":
    pytest.skip("needs callplan itself, not the stand-in", allow_module_level=True)


def device(device_id: str) -> tuple[str, str]:
    """SIP username (default acme-<id>) and password of an Acme device."""
    doc = yaml.safe_load((ACME / "devices.yaml").read_text())
    sip = next(d["sip"] for d in doc["devices"] if d["id"] == device_id)
    return sip.get("username", f"acme-{device_id}"), sip["password"]


def shifted(weekday: int, hour: int) -> tuple[int, str]:
    """Seconds from now to the next `weekday` (0 = Monday) at `hour`:00 (Amsterdam winter
    time, whole hours), and that instant as simulate's --at."""
    now = dt.datetime.now(ZONE)
    target = now.replace(hour=hour, minute=0, second=0, microsecond=0)
    target += dt.timedelta(days=(weekday - now.weekday()) % 7)
    if target <= now:
        target += dt.timedelta(days=7)
    return int((target - now).total_seconds()), target.isoformat(timespec="minutes")


def first_ring(binary: str, at: str) -> list[str]:
    """The targets the plan rings first for a call to the main line at `at`, as the
    simulator says ([] when it rings nobody: after hours)."""
    out = subprocess.run([binary, "simulate", str(ACME / "acme.yaml"), "--to", MAIN_LINE,
                          "--from", CALLER, "--at", at, "--format", "json"],
                         check=True, capture_output=True, text=True).stdout
    rings = [e for e in json.loads(out)["events"] if e["type"] == "ring"]
    return rings[0]["targets"] if rings and rings[0]["t"] == 0 else []


def books(server: ServerProcess) -> tuple[dict[str, list[dict]], dict[str, list[str]]]:
    """The call detail records and the per-call log lines (`call ID: ... -> ...`), by Call-ID,
    once the server has stopped (a record kept open until the end would be written then)."""
    records: dict[str, list[dict]] = {}
    for line in server.cdr.read_text().splitlines():
        record = json.loads(line)
        records.setdefault(record["call_id"], []).append(record)
    deadline = time.monotonic() + 2  # the server has exited; its last lines may be in the pipe
    while "callplan serve: stopped" not in (log := server.stderr_text(100000)):
        assert time.monotonic() < deadline, log
        time.sleep(0.05)
    lines: dict[str, list[str]] = {}
    for line in log.splitlines():
        if m := re.match(r"callplan serve: call (\S+): .* -> ", line):
            lines.setdefault(m.group(1), []).append(line)
    return records, lines


def assert_one_entry_per_call(server: ServerProcess, calls: int) -> list[dict]:
    """Exactly `calls` calls in the books, each with one record and one log line; the
    records in the order they were written."""
    records, lines = books(server)
    assert len(records) == calls and all(len(r) == 1 for r in records.values()), records
    assert lines.keys() == records.keys(), (lines, records)
    assert all(len(line) == 1 for line in lines.values()), lines
    return [json.loads(line) for line in server.cdr.read_text().splitlines()]


@pytest.mark.parametrize("weekday,hour", [(1, 10), (6, 12)], ids=["tuesday-10h", "sunday-12h"])
def test_the_main_line_rings_what_the_simulator_says(tmp_path: Path, weekday: int, hour: int,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    seconds, at = shifted(weekday, hour)
    server = ServerProcess(ACME / "acme.yaml", tmp_path, tcp=True)
    binary = server.args[0]
    expected = first_ring(binary, at)
    # The wall clock moves (schedules, records); timers keep the real monotonic clock. The
    # media process inherits the environment, so it lives in the same shifted time.
    monkeypatch.setenv("LD_PRELOAD", str(LIBFAKETIME))
    monkeypatch.setenv("FAKETIME", f"+{seconds}s")
    monkeypatch.setenv("DONT_FAKE_MONOTONIC", "1")
    # An ASan build wants its runtime first among the libraries; libfaketime only wraps the
    # clock calls, so the order does not matter for what ASan checks.
    asan = [o for o in os.environ.get("ASAN_OPTIONS", "").split(":") if o]
    monkeypatch.setenv("ASAN_OPTIONS", ":".join(asan + ["verify_asan_link_order=0"]))
    server.start()
    for name in ("LD_PRELOAD", "FAKETIME", "DONT_FAKE_MONOTONIC"):  # not for the phones
        monkeypatch.delenv(name)
    phones: list[Linphonec | Baresip] = []
    carrier: SippPeer | None = None
    try:
        username, secret = device("reception")
        desk = Linphonec(tmp_path, "reception", username=username, password=secret,
                         realm="acme", server=server.hostport, transport="udp")
        phones.append(desk)
        username, secret = device("anna-softphone")
        laptop = Baresip(tmp_path, "anna-laptop", username=username, password=secret,
                         server=server.hostport, transport="tcp")
        phones.append(laptop)
        desk.wait_registered(timeout=8)
        laptop.wait_registered()
        carrier = SippPeer(tmp_path, "carrier", "trunk_call_answered_anywhere.xml",
                           local_ip=TRUNK_IP,
                           local_port=free_udp_port(TRUNK_IP), remote=server.hostport,
                           pause_ms=1000, timeout_s=15,
                           keys={"called": MAIN_LINE, "caller": CALLER},
                           extra=["-mp", str(free_udp_port(TRUNK_IP))]).start()
        if expected == ["001"]:  # office hours: Anna's two devices
            desk.wait_line(rf"Receiving new incoming call from sip:\{CALLER}@", timeout=5)
            laptop.wait_event("CALL_INCOMING")
            desk.command("answer")
            desk.wait_line(r"Call \d+ with .* connected", timeout=5)
            answered = time.monotonic()
            laptop.wait_event("CALL_CLOSED", timeout=1.0)
            assert time.monotonic() - answered < 1.0
            assert not laptop.has_event("CALL_ESTABLISHED")
            desk.wait_line(r"Call \d+ with .* ended", timeout=8)  # the carrier's BYE
            assert carrier.wait(timeout=10) == EXIT_OK, carrier.report()
            records = server.call_records(1)
            assert records[0]["answered_by"] == "001", records
            # A second caller gives up while both of Anna's devices ring: both stop.
            mark = desk.mark()
            ringing = len(laptop.events)
            quitter = SippPeer(tmp_path, "quitter", "trunk_call_cancel.xml", local_ip=TRUNK_IP,
                               local_port=free_udp_port(TRUNK_IP), remote=server.hostport,
                               timeout_s=10, keys={"called": MAIN_LINE, "caller": CALLER},
                               extra=["-mp", str(free_udp_port(TRUNK_IP))]).start()
            try:
                desk.wait_line(r"Receiving new incoming call", timeout=5, start=mark)
                assert quitter.wait(timeout=10) == EXIT_OK, quitter.report()
                desk.wait_line(r"Call \d+ with .* ended", timeout=3, start=mark)
                deadline = time.monotonic() + 3
                while sum(e.get("type") == "CALL_CLOSED" for e in laptop.events[ringing:]) < 1:
                    assert time.monotonic() < deadline, laptop.text()
                    time.sleep(0.05)
            finally:
                quitter.kill()
            dispositions = [("answered", 200), ("abandoned", 487)]
        else:  # after hours: the closed message on the media side, no phone rings
            assert expected == [], f"the example's plan changed: first ring {expected}"
            assert carrier.wait(timeout=12) == EXIT_OK, carrier.report()
            assert not laptop.has_event("CALL_INCOMING"), laptop.text()
            assert not desk.has_line("Receiving new incoming call"), desk.text()
            dispositions = [("voicemail", 200)]
        inside = ["acme-reception", "acme-anna-softphone", f":{desk.sip_port}",
                  f":{laptop.sip_port}"]
        assert not (leaks := inside_seen_by(carrier, inside)), leaks
    finally:
        if carrier is not None:
            carrier.kill()
        for p in phones:
            p.close()
        rc = server.stop()
    assert rc == 0, server.stderr_text()
    records = assert_one_entry_per_call(server, len(dispositions))
    assert [(r["disposition"], r["status"]) for r in records] == dispositions, records
    if expected == []:  # the mailbox took the call: answered by it, ended by the carrier's BYE
        (record,) = records
        assert record["answered_by"] == "001" and record["answered_device"] == "media-server", record
        assert record["answer"] and record["start"] <= record["answer"] <= record["end"], record
        assert record["ended_by"] == "caller" and record["duration"] >= 1, record
