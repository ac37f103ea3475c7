"""`callplan test`: PASS/FAIL lines, the summary line, junit XML, diagnostics with locations
and exit codes (SPEC 4 and 6).

Run:  CALLPLAN_BIN=build/dev/tools/callplan/callplan /usr/bin/python3 -m pytest tests/cli/plantest_cli_test.py
"""

import os
import pathlib
import re
import subprocess
import xml.etree.ElementTree as ET

ROOT = pathlib.Path(__file__).resolve().parents[2]
ACME = ROOT / "examples/acme/acme.yaml"
EXAMPLE_TESTS = "examples/acme/tests.yaml"
BIN = os.environ.get("CALLPLAN_BIN", str(ROOT / "build/dev/tools/callplan/callplan"))


def callplan(*args):
    return subprocess.run([BIN, *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def write(tmp_path, body, name="tests.yaml"):
    path = tmp_path / name
    path.write_text(f"tenant: {ACME}\n" + body)
    return path


PASSING = """tests:
  - name: reception answers
    call: {from: "+31201234567", to: "+31881234567", at: "2026-11-30T10:00"}
    answer: {"001": 5}
    expect: {disposition: answered, by: "001", rings: [["001"]], t: 5}
  - name: christmas is closed
    call: {to: "+31881234567", at: "2026-12-25T10:00"}
    expect: {disposition: voicemail, user: "001", rings: []}
"""

FAILING = """tests:
  - name: wrong on purpose
    call: {from: "+31201234567", to: "+31881234567", at: "2026-11-30T10:00"}
    answer: {"001": 5}
    expect: {disposition: voicemail, user: "001", rings: [["002"]], t: 7}
"""


def test_example_plan_tests_pass():
    r = callplan("test", EXAMPLE_TESTS)
    assert r.returncode == 0, r.stdout + r.stderr
    lines = r.stdout.splitlines()
    assert re.fullmatch(r"\d+ passed, 0 failed", lines[-1])
    assert all(l.startswith("PASS ") for l in lines[:-1])
    assert int(lines[-1].split()[0]) == len(lines) - 1 >= 20


def test_pass_lines_and_summary(tmp_path):
    r = callplan("test", str(write(tmp_path, PASSING)))
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout == "PASS reception answers\nPASS christmas is closed\n2 passed, 0 failed\n"


def test_failure_shows_what_differed_and_the_trace(tmp_path):
    path = write(tmp_path, FAILING)
    r = callplan("test", str(path))
    assert r.returncode == 1
    lines = r.stdout.splitlines()
    assert lines[0] == f"FAIL wrong on purpose ({path}:3:5)"
    assert "  disposition: expected voicemail, got answered by 001 at t=5" in lines
    assert "  user: expected 001, got answered by 001" in lines
    assert "  rings: expected [[002]], got [[001]]" in lines
    assert "  t: expected 7, got 5" in lines
    assert "  trace:" in lines
    trace = lines[lines.index("  trace:") + 1:-1]
    assert trace and all(l.startswith("    ") for l in trace)
    assert lines[-1] == "0 passed, 1 failed"


def test_several_files_one_summary(tmp_path):
    good = write(tmp_path, PASSING, "good.yaml")
    bad = write(tmp_path, FAILING, "bad.yaml")
    r = callplan("test", str(good), str(bad))
    assert r.returncode == 1
    assert f"{good}:" in r.stdout.splitlines() and f"{bad}:" in r.stdout.splitlines()
    assert r.stdout.splitlines()[-1] == "2 passed, 1 failed"


def test_junit(tmp_path):
    good = write(tmp_path, PASSING, "good.yaml")
    bad = write(tmp_path, FAILING, "bad.yaml")
    r = callplan("test", "--format", "junit", str(good), str(bad))
    assert r.returncode == 1
    root = ET.fromstring(r.stdout)
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("3", "1", "0")
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [str(good), str(bad)]
    failure = suites[1].find("testcase/failure")
    assert failure.get("message") == "disposition: expected voicemail, got answered by 001 at t=5"
    assert "rings: expected [[002]], got [[001]]" in failure.text
    assert suites[0].find("testcase").get("name") == "reception answers"


def test_junit_reports_a_broken_file_as_an_error(tmp_path):
    path = write(tmp_path, "tests:\n  - name: x\n    call: {to: \"001\"}\n    expcet: {}\n")
    r = callplan("test", "--format", "junit", str(path))
    assert r.returncode == 1
    root = ET.fromstring(r.stdout)
    assert root.get("errors") == "1"
    assert "CP500" in r.stderr


def test_unknown_key_is_a_located_diagnostic(tmp_path):
    path = write(tmp_path, """tests:
  - name: typo
    call: {to: "+31881234567", at: "2026-11-30T10:00"}
    expcet: {disposition: voicemail}
""")
    r = callplan("test", str(path))
    assert r.returncode == 1
    assert f"{path}:5:5: error: unknown key `expcet` in a test [CP500]" in r.stdout
    assert "did you mean `expect`?" in r.stdout
    assert r.stdout.splitlines()[-1] == "0 passed, 0 failed"


def test_bad_values_are_located_diagnostics(tmp_path):
    path = write(tmp_path, """tests:
  - name: bad values
    call: {to: "+31881234567", at: "tomorrow"}
    presence: {"002": bussy}
    answer: {"003": soon}
    expect: {disposition: answerd}
""")
    r = callplan("test", str(path))
    assert r.returncode == 1
    out = r.stdout
    assert f"{path}:4:36: error:" in out and "YYYY-MM-DDTHH:MM" in out
    assert f"{path}:5:23: error: unknown presence state `bussy`" in out
    assert f"{path}:6:21: error:" in out
    assert f"{path}:7:27: error: unknown disposition `answerd` [CP501]" in out
    assert "did you mean `answered`?" in out


def test_unknown_user_is_cp503_and_the_test_fails(tmp_path):
    path = write(tmp_path, """tests:
  - name: typo in an extension
    call: {to: "+31881234567", at: "2026-11-30T10:00"}
    presence: {"02": busy}
    expect: {disposition: voicemail}
""")
    r = callplan("test", str(path))
    assert r.returncode == 1
    assert f"{path}:5:16: error: `presence`: no user has extension `02` [CP503]" in r.stdout
    assert "did you mean `002`?" in r.stdout
    assert f"FAIL typo in an extension ({path}:3:5)" in r.stdout
    assert r.stdout.splitlines()[-1] == "0 passed, 1 failed"


def test_rejected_calls_may_dial_unknown_numbers(tmp_path):
    path = write(tmp_path, """tests:
  - name: unknown number
    call: {to: "+31880000000", at: "2026-11-30T10:00"}
    expect: {disposition: rejected, reason: unknown_number, rings: []}
""")
    r = callplan("test", str(path))
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.splitlines()[-1] == "1 passed, 0 failed"


def test_tenant_with_errors_is_cp504_with_the_tenant_diagnostics(tmp_path):
    broken = ROOT / "tests/cli/simulate_golden/broken_tenant.yaml"
    path = tmp_path / "tests.yaml"
    path.write_text(f"tenant: {broken}\ntests:\n  - name: x\n    call: {{to: \"+31881234567\"}}\n"
                    "    expect: {disposition: voicemail}\n")
    r = callplan("test", str(path))
    assert r.returncode == 1
    assert f"{path}:1:9: error: the tenant `{broken}` has" in r.stdout
    assert "[CP504]" in r.stdout
    assert re.search(rf"{re.escape(str(broken))}:\d+:\d+: error: .*\[CP210\]", r.stdout)


def test_missing_tenant_file_is_cp504(tmp_path):
    path = tmp_path / "tests.yaml"
    path.write_text("tenant: nowhere.yaml\ntests: []\n")
    r = callplan("test", str(path))
    assert r.returncode == 1
    assert "cannot read the tenant" in r.stdout and "[CP504]" in r.stdout


def test_unreadable_test_file_exits_2():
    r = callplan("test", "/nonexistent/tests.yaml")
    assert r.returncode == 2
    assert "cannot read test file `/nonexistent/tests.yaml`" in r.stderr


def test_round_robin_state_and_seed(tmp_path):
    path = write(tmp_path, """tests:
  - name: round robin starts after the previous call's member
    call: {to: "+31881234568", at: "2026-11-30T10:00"}
    digits: "1"
    state: {"service/0/1/0": "003"}
    expect: {disposition: voicemail, user: "005", rings: [["004"], ["002"], ["003"]]}
""")
    r = callplan("test", str(path))
    assert r.returncode == 0, r.stdout
