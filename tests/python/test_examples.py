"""The scripts in examples/python run and print what they promise."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from conftest import SOURCE_DIR, python_env

EXAMPLES = SOURCE_DIR / "examples" / "python"


def run(script: str, *args: str) -> str:
    done = subprocess.run([sys.executable, str(EXAMPLES / script), *args], capture_output=True,
                          text=True, env=python_env(), check=False, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_week_table() -> None:
    out = run("week_table.py", "--week-of", "2026-12-21")
    lines = out.splitlines()
    assert lines[1].split()[:3] == ["hour", "Mon", "21"]
    rows = {line[:5]: line[6:].split() for line in lines[2:26]}
    assert len(rows) == 24
    # Monday 10:00 rings reception; 20:00 goes to the mailbox; Christmas (Fri 25) all closed.
    assert rows["10:00"][0] == "001"
    assert rows["20:00"][0:2] == ["vm", "001"]
    assert re.search(r"vm\s+001\s+vm\s+001\s+vm\s+001$", lines[2 + 10])  # Fri, Sat, Sun at 10
    assert "every call ends in: voicemail 001" in out


def test_load_spread() -> None:
    out = run("load_spread.py", "--calls", "10000")
    rows = {line.split()[0]: [int(n) for n in re.findall(r"(\d+) \(\s*[\d.]+ %\)", line)]
            for line in out.splitlines()[2:5]}
    assert set(rows) == {"002", "003", "004"}
    rr = [rows[m][0] for m in ("002", "003", "004")]
    rnd = [rows[m][1] for m in ("002", "003", "004")]
    assert sum(rr) == sum(rnd) == 10000  # someone always answers
    # Round robin is exact up to the busy rotation (3 of 7 calls); random is near a third.
    assert all(2500 < n < 4000 for n in rr + rnd)
    assert max(rnd) - min(rnd) < 400
    assert "round_robin: 10000 answered" in out


def test_holiday_calendar() -> None:
    out = run("holiday_calendar.py", "--year", "2026")
    closed = re.findall(r"^  (\d{4}-\d\d-\d\d) (\w+)$", out, re.M)
    assert ("2026-04-03", "Friday") in closed      # Good Friday
    assert ("2026-04-06", "Monday") in closed      # Easter Monday
    assert ("2026-05-14", "Thursday") in closed    # Ascension
    assert ("2026-05-25", "Monday") in closed      # Whit Monday
    assert ("2026-12-25", "Friday") in closed
    assert ("2026-01-01", "Thursday") in closed
    assert all(day not in {"Saturday", "Sunday"} for _, day in closed)
    assert "[25]" in out and "December 2026" in out
    assert "reopens Monday 2026-12-28 08:30 CET" in out
