"""`callplan serve --metrics`: scraped while sipp phones register and call, parsed with
Prometheus' own text-format parser (Debian's python3-prometheus-client), and every counter
checked to move by exactly what the test did (docs/sip-server.md, "Metrics").

    CALLPLAN_BIN=build/dev/tools/callplan/callplan /usr/bin/python3 -m pytest -q tests/sip/metrics

Reuses the end-to-end harness of tests/sip/e2e (the server process, sipp peers, the tenant).
"""

from __future__ import annotations

import signal
import socket
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

E2E = Path(__file__).resolve().parent.parent / "e2e"
sys.path.insert(0, str(E2E))

from prometheus_client.parser import text_string_to_metric_families  # noqa: E402

from sip_e2e_server import SERVER_IP, free_udp_port, which_server  # noqa: E402
from sip_e2e_sipp import EXIT_OK, SIPP  # noqa: E402
from test_sip_e2e import DEVICES, TENANT, Lab, expect_ok  # noqa: E402

if SIPP is None:
    pytest.skip("sipp (Debian sip-tester) is not installed", allow_module_level=True)
if which_server() != "callplan":
    pytest.skip("needs callplan itself, not the stand-in", allow_module_level=True)

# This test's own port range (the project's agents and CI jobs run tests side by side).
PORTS = range(29100, 29200)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def free_tcp_port() -> int:
    for port in PORTS:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind((SERVER_IP, port))
            except OSError:
                continue
            return port
    raise AssertionError(f"no free TCP port in {PORTS}")


Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


class Scraper:
    def __init__(self, port: int) -> None:
        self.url = f"http://{SERVER_IP}:{port}/metrics"

    def text(self) -> str:
        with urllib.request.urlopen(self.url, timeout=2) as reply:
            assert reply.status == 200
            assert reply.headers["Content-Type"] == CONTENT_TYPE
            return reply.read().decode()

    def families(self) -> dict:
        return {f.name: f for f in text_string_to_metric_families(self.text())}

    def samples(self) -> Samples:
        return {(s.name, tuple(sorted(s.labels.items()))): s.value
                for f in self.families().values() for s in f.samples}

    def wait_for(self, name: str, value: float, labels: dict[str, str] | None = None,
                 timeout: float = 3.0) -> Samples:
        """Scrape until sample `name{labels}` equals `value` (gauges are published once a
        second from the SIP loop); AssertionError with the last value after `timeout` s."""
        key = (name, tuple(sorted((labels or {}).items())))
        deadline = time.monotonic() + timeout
        while True:
            samples = self.samples()
            if samples.get(key) == value:
                return samples
            if time.monotonic() > deadline:
                raise AssertionError(f"{name}{labels or ''} is {samples.get(key)}, expected {value}")
            time.sleep(0.1)


def moved(before: Samples, after: Samples) -> dict:
    """The samples whose value changed, with the difference."""
    return {k: after[k] - before.get(k, 0) for k in after if after[k] != before.get(k, 0)}


@pytest.fixture
def metered(tmp_path: Path):
    """A server on a copy of the e2e tenant (to break it for a reload) with --metrics."""
    tenant = tmp_path / "tenant.yaml"
    tenant.write_text(TENANT.read_text())
    port = free_tcp_port()
    lab = Lab(tmp_path)
    try:
        lab.start_server(tenant, extra_args=["--metrics", f"{SERVER_IP}:{port}"])
        yield lab, tenant, Scraper(port)
    finally:
        rc = lab.close()
    assert rc == 0, f"callplan serve did not stop cleanly:\n{lab.server and lab.server.stderr_text()}"


def test_the_exposition_parses_and_names_follow_prometheus_conventions(metered) -> None:
    _, _, scraper = metered
    text = scraper.text()
    families = {f.name: f for f in text_string_to_metric_families(text)}
    expected = {
        "callplan_calls_in_progress": "gauge", "callplan_dialogs": "gauge",
        "callplan_calls_started": "counter", "callplan_calls": "counter",
        "callplan_registrations": "gauge", "callplan_sip_requests": "counter",
        "callplan_sip_rate_limited": "counter", "callplan_auth_failures": "counter",
        "callplan_reloads": "counter", "callplan_reload_failures": "counter",
        "callplan_mail_outbox": "gauge", "callplan_media_legs": "gauge",
    }
    assert {name: f.type for name, f in families.items()} == expected
    for f in families.values():
        assert f.documentation, f"{f.name} has no HELP"
        for s in f.samples:
            # counters end in _total (the parser strips it from the family's name)
            assert s.name == (f.name + "_total" if f.type == "counter" else f.name)
            assert s.value == 0, f"a fresh server: {s}"
    # One sample per served company, 0 before any phone registered.
    assert [s.labels for s in families["callplan_registrations"].samples] == [{"company": "e2e"}]
    assert text.count("# TYPE ") == len(expected)


def test_only_get_metrics_is_answered(metered) -> None:
    _, _, scraper = metered
    base = scraper.url.removesuffix("/metrics")
    for path in ("/", "/metrics/", "/favicon.ico"):
        with pytest.raises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(base + path, timeout=2)
        assert e.value.code == 404, path
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(urllib.request.Request(scraper.url, data=b"x", method="POST"),
                               timeout=2)
    assert e.value.code == 405
    assert e.value.headers["Allow"] == "GET, HEAD"


def test_counters_move_with_registrations_calls_auth_failures_and_reloads(metered) -> None:
    lab, tenant, scraper = metered
    before = scraper.samples()

    # Scrapes go on all the time from another thread while the phones work: each must
    # parse (the SIP loop never waits for them; they never see a half-written exposition).
    scrapes, errors, done = [0], [], threading.Event()

    def scrape_on() -> None:
        while not done.is_set():
            try:
                scraper.families()
                scrapes[0] += 1
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append(repr(e))
            time.sleep(0.02)

    background = threading.Thread(target=scrape_on, daemon=True)
    background.start()
    try:
        # One failed registration (a wrong password), then a phone that registers and
        # answers a call from the trunk.
        DEVICES["bad"] = dict(DEVICES["alice-desk"], password="not-the-password")
        try:
            bad = lab.register("bad", free_udp_port(SERVER_IP), expect_ok=False)
        finally:
            del DEVICES["bad"]
        assert bad.returncode != EXIT_OK
        alice = lab.phone("alice-desk", "device_answer.xml", pause_ms=300)
        caller = lab.call("trunk_call_answered.xml", "+31850000001", pause_ms=500)
        expect_ok(caller, alice)
        lab.server.call_records(1)
    finally:
        done.set()
        background.join(timeout=5)
    assert not errors, errors[:3]
    assert scrapes[0] >= 10, f"only {scrapes[0]} scrapes while the calls ran"

    # The counters count as things happen; the gauges are at most a second old.
    after = scraper.wait_for("callplan_calls_total", 1, {"disposition": "answered"})
    scraper.wait_for("callplan_calls_started_total", 1)
    scraper.wait_for("callplan_registrations", 1, {"company": "e2e"})
    scraper.wait_for("callplan_dialogs", 0)  # the caller hung up
    after = scraper.wait_for("callplan_calls_in_progress", 0)
    change = moved(before, after)
    requests = {dict(k[1])["method"]: v for k, v in change.items()
                if k[0] == "callplan_sip_requests_total"}
    # The bad REGISTER and its retry with wrong credentials, alice's two (challenge, then
    # credentials); the trunk's INVITE, its ACK for the 200 and its BYE. sipp may retransmit
    # over UDP, so at least.
    assert requests.get("REGISTER", 0) >= 4, change
    assert requests.get("INVITE", 0) >= 1 and requests.get("ACK", 0) >= 1, change
    assert requests.get("BYE", 0) >= 1, change
    assert set(requests) <= {"REGISTER", "INVITE", "ACK", "BYE"}, change
    assert change[("callplan_auth_failures_total", ())] >= 1, change
    for disposition in ("voicemail", "hangup", "unanswered", "abandoned", "rejected", "other"):
        assert ("callplan_calls_total", (("disposition", disposition),)) not in change

    # A reload that is taken, then one that is refused (the tenant now has an error).
    server = lab.server
    mark = len(server.lines)
    server.signal(signal.SIGHUP)
    server.wait_for(r"callplan serve: reloaded", 5, start=mark)
    tenant.write_text(TENANT.read_text() + "\nunknown_top_level_key: true\n")
    mark = len(server.lines)
    server.signal(signal.SIGHUP)
    server.wait_for(r"callplan serve: reload refused", 5, start=mark)
    # The refusal is logged while the reload runs, and counted when it has returned: a scrape
    # right after the line may come in between.
    samples = scraper.wait_for("callplan_reload_failures_total", 1)
    assert samples[("callplan_reloads_total", ())] == 1


def test_media_legs_are_the_calls_on_the_own_media_side_now(metered) -> None:
    """A carrier's call to Eve's mailbox is answered by serve's own media side: one leg while
    the caller listens, none after its BYE."""
    lab, _, scraper = metered
    assert lab.server.runs_own_media
    # The carrier's call as trunk_call_answered.xml, less its check for a Record-Route: the
    # media side answers as the far end itself (docs/sip-server.md), so there is none.
    scenario = (E2E / "scenarios" / "trunk_call_answered.xml").read_text()
    check = 'header="Record-Route:" check_it="true"'
    assert check in scenario
    answered_by_media = lab.workdir / "trunk_call_answered_by_media.xml"
    answered_by_media.write_text(scenario.replace(check, check.replace("true", "false")))
    caller = lab.call(str(answered_by_media), "+31850000005", pause_ms=4000)
    scraper.wait_for("callplan_media_legs", 1, timeout=8)
    expect_ok(caller)
    scraper.wait_for("callplan_media_legs", 0)


def test_the_mail_outbox_is_the_files_waiting_in_it(metered) -> None:
    lab, _, scraper = metered
    outbox = lab.workdir / "state" / "outbox"
    outbox.mkdir(parents=True, exist_ok=True)
    for i in range(3):
        (outbox / f"mail-{i}.mail").write_text("callplan-outbox 1\n\nSubject: voicemail\n\n")
    # Not waiting: a temporary being written, and a mail the server refused for good.
    (outbox / ".tmp-mail-3.mail-4242-1").write_text("callplan-outbox 1\n")
    (outbox / "failed").mkdir()
    (outbox / "failed" / "mail-4.mail").write_text("callplan-outbox 1\n")
    assert scraper.samples()[("callplan_mail_outbox", ())] == 3
