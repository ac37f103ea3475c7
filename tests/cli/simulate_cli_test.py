"""`callplan simulate`: golden traces on the example tenant, and one clear message with the
right exit code (SPEC 4) for each kind of bad input.

Run:  CALLPLAN_BIN=build/dev/tools/callplan/callplan /usr/bin/python3 -m pytest tests/cli/simulate_cli_test.py
Regenerate goldens (then review the diff!):  CALLPLAN_UPDATE_GOLDEN=1 ... same command
"""

import json
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
GOLDEN = pathlib.Path(__file__).resolve().parent / "simulate_golden"
ACME = "examples/acme/acme.yaml"
BIN = os.environ.get("CALLPLAN_BIN", str(ROOT / "build/dev/tools/callplan/callplan"))


def callplan(*args):
    return subprocess.run([BIN, *args], cwd=ROOT, capture_output=True, text=True, timeout=60)


def simulate(*args):
    return callplan("simulate", ACME, *args)


GOLDEN_CASES = {
    # office hours: reception does not answer, 002 is busy (skipped), 003 answers in the hunt
    "office_hours_text.txt": ["--from", "+31201234567", "--to", "+31881234567",
                              "--at", "2026-11-30T10:00", "--presence", "002=busy",
                              "--answer", "003@10"],
    "office_hours.json": ["--from", "+31201234567", "--to", "+31881234567",
                          "--at", "2026-11-30T10:00", "--presence", "002=busy",
                          "--answer", "003@10", "--format", "json"],
    # Christmas: closed announcement, company mailbox
    "christmas.json": ["--from", "+31201234567", "--to", "+31881234567",
                       "--at", "2026-12-25T10:00+01:00", "--format", "json"],
    # the menu: support cascade, offline and busy colleagues skipped, the mobile answers
    "menu_support_text.txt": ["--to", "+31881234568", "--at", "2026-11-30T10:00",
                              "--digits", "2", "--presence", "005=offline,006=busy",
                              "--answer", "+31612345678@10"],
    "menu_support.json": ["--to", "+31881234568", "--at", "2026-11-30T10:00",
                          "--digits", "2", "--presence", "005=offline,006=busy",
                          "--answer", "+31612345678@10", "--format", "json"],
}


@pytest.mark.parametrize("golden", sorted(GOLDEN_CASES))
def test_golden_trace(golden):
    r = simulate(*GOLDEN_CASES[golden])
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    path = GOLDEN / golden
    if os.environ.get("CALLPLAN_UPDATE_GOLDEN"):
        path.write_text(r.stdout)
    assert r.stdout == path.read_text()


def test_json_trace_has_the_spec_shape():
    r = simulate(*GOLDEN_CASES["office_hours.json"])
    trace = json.loads(r.stdout)
    assert list(trace) == ["call", "events", "result"]
    assert trace["call"] == {"from": "+31201234567", "to": "+31881234567",
                             "at": "2026-11-30T10:00:00+01:00"}
    assert trace["result"]["disposition"] == "answered"
    assert trace["result"]["by"] == "003"
    times = [e["t"] for e in trace["events"]]
    assert times == sorted(times)
    rings = [e["targets"] for e in trace["events"] if e["type"] == "ring"]
    assert rings == [["001"], ["003"]]  # 003 answers at 40, before 004 would join at 45
    assert {"type": "skip", "target": "002", "reason": "busy"}.items() <= next(
        e for e in trace["events"] if e["type"] == "skip").items()


def test_at_without_offset_is_local_time_in_the_tenant_zone():
    summer = json.loads(simulate("--to", "+31881234567", "--at", "2026-07-01T10:00",
                                 "--format", "json").stdout)
    assert summer["call"]["at"] == "2026-07-01T10:00:00+02:00"
    utc = json.loads(simulate("--to", "+31881234567", "--at", "2026-07-01T08:00Z",
                              "--format", "json").stdout)
    assert utc["call"]["at"] == "2026-07-01T10:00:00+02:00"


def test_at_defaults_to_now():
    r = simulate("--to", "+31881234567", "--format", "json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["call"]["at"].startswith(("20", "21"))


def test_state_round_trip_moves_the_round_robin(tmp_path):
    state = tmp_path / "state.json"
    first = simulate("--to", "+31881234568", "--at", "2026-11-30T10:00", "--digits", "1",
                     "--answer", "002@5", "--state-out", str(state), "--format", "json")
    assert first.returncode == 0, first.stderr
    assert json.loads(state.read_text())["round_robin"] == {"service/0/1/0": "002"}
    second = simulate("--to", "+31881234568", "--at", "2026-11-30T10:05", "--digits", "1",
                      "--state", str(state), "--format", "json")
    rings = [e["targets"] for e in json.loads(second.stdout)["events"] if e["type"] == "ring"]
    assert rings == [["003"], ["004"], ["002"]]


def test_hangup_after_abandons():
    r = simulate("--to", "+31881234567", "--at", "2026-11-30T10:00", "--hangup-after", "12",
                 "--format", "json")
    result = json.loads(r.stdout)["result"]
    assert result == {"disposition": "abandoned", "t": 12}


# --- bad input: exit 2 and one message naming what is wrong ------------------------------------

BAD_INPUT = [
    (["--to", "+31881234567", "--presence", "02=busy"],
     ["--presence", "no user has extension `02`", "did you mean `002`?"]),
    (["--to", "+31881234567", "--presence", "002=bussy"],
     ["--presence", "unknown state `bussy`", "did you mean `busy`?"]),
    (["--to", "+31881234567", "--presence", "002"], ["--presence", "EXT=STATE"]),
    (["--to", "+31881234567", "--at", "30-11-2026 10:00"],
     ["--at", "`30-11-2026 10:00` is not an ISO 8601 instant", "YYYY-MM-DDTHH:MM"]),
    (["--to", "+31881234567", "--at", "2026-02-30T10:00"], ["--at", "YYYY-MM-DDTHH:MM"]),
    (["--to", "0612 34"], ["--to", "`0612 34` is neither a number nor an extension"]),
    (["--to", "+31881234567", "--from", "077"], ["--from", "no user has extension `077`"]),
    (["--to", "+31881234567", "--answer", "001@soon"], ["--answer", "`soon`"]),
    (["--to", "+31881234567", "--answer", "@5"], ["--answer", "`@5` names nobody"]),
    (["--to", "+31881234567", "--presence", "=busy"], ["--presence", "`=busy` is not EXT=STATE"]),
    (["--to", "+31881234567", "--answer", "009@5"],
     ["--answer", "no user has extension `009`"]),
    (["--to", "+31881234567", "--digits", "1a"], ["--digits", "0-9"]),
    (["--to", "+31881234567", "--state", "/nonexistent/state.json"],
     ["--state", "cannot read `/nonexistent/state.json`"]),
    (["--to", "+31881234567", "--format", "xml"], ["--format"]),
    ([], ["--to"]),
]


@pytest.mark.parametrize("args,expected", BAD_INPUT, ids=[" ".join(a) or "no-to" for a, _ in BAD_INPUT])
def test_bad_input_exits_2_with_a_clear_message(args, expected):
    r = simulate(*args)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert r.stdout == ""
    for text in expected:
        assert text in r.stderr


@pytest.mark.parametrize("to,note", [
    ("+31880000000", "--to: `+31880000000` is not one of the tenant's numbers: the call is "
                     "rejected (an external caller reaches only the tenant's numbers"),
    ("0099", "--to: no user has extension `0099`: the call is rejected"),
])
def test_unknown_numbers_are_routed_and_rejected_with_a_note(to, note):
    # SPEC 3.1: an unknown number is rejected. The call is routed, not refused; the note on
    # stderr says it is probably a typo.
    r = simulate("--to", to, "--format", "json")
    assert r.returncode == 0, r.stderr
    trace = json.loads(r.stdout)
    assert trace["result"] == {"disposition": "rejected", "reason": "unknown_number", "t": 0}
    assert r.stderr.startswith("callplan: note: "), r.stderr
    assert note in r.stderr


def test_invalid_state_file(tmp_path):
    bad = tmp_path / "state.json"
    bad.write_text("round robin: yes\n")
    r = simulate("--to", "+31881234567", "--state", str(bad))
    assert r.returncode == 2
    assert f"--state: `{bad}` is not a routing state" in r.stderr


def test_unreadable_tenant_exits_2():
    r = callplan("simulate", "/nonexistent/tenant.yaml", "--to", "001")
    assert r.returncode == 2
    assert "/nonexistent/tenant.yaml" in r.stderr


def test_tenant_with_errors_prints_diagnostics_in_gcc_form_and_exits_1(tmp_path):
    tenant = tmp_path / "broken.yaml"
    tenant.write_text((ROOT / "tests/cli/simulate_golden/broken_tenant.yaml").read_text())
    r = callplan("simulate", str(tenant), "--to", "+31881234567")
    assert r.returncode == 1, r.stderr
    assert r.stdout == ""
    lines = r.stderr.splitlines()
    errors = [l for l in lines if ": error: " in l]
    assert errors, r.stderr
    for line in errors:
        assert line.startswith(f"{tenant}:"), line
        assert line.endswith("]"), line
    assert any("CP210" in l for l in errors), r.stderr   # voicemail for user 009
    assert "has errors" in lines[-1]
