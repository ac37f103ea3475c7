"""`callplan graph` and `callplan diff` as a user runs them (exit codes, svg, formats)."""
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

BIN = os.environ.get("CALLPLAN_BIN", "build/dev/tools/callplan/callplan")
ROOT = Path(__file__).resolve().parents[2]
TENANTS = ROOT / "tests" / "graph" / "tenants"
BASE = str(TENANTS / "base.yaml")


def run(*args, env=None):
    return subprocess.run([BIN, *args], capture_output=True, text=True, env=env)


def test_svg_without_graphviz_exits_2_with_an_install_hint(tmp_path):
    env = dict(os.environ, PATH=str(tmp_path))  # an empty directory: no `dot`
    r = run("graph", BASE, "--format", "svg", env=env)
    assert r.returncode == 2
    assert r.stdout == ""
    assert "apt-get install graphviz" in r.stderr
    assert "--format dot" in r.stderr


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
def test_svg_with_graphviz(tmp_path):
    r = run("graph", BASE, "--format", "svg")
    assert r.returncode == 0, r.stderr
    assert r.stdout.lstrip().startswith("<?xml")
    assert "Ring group: Sales" in r.stdout
    out = tmp_path / "acme.svg"
    assert run("graph", BASE, "--to", "003", "--format", "svg", "-o", str(out)).returncode == 0
    assert "<svg" in out.read_text()


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
@pytest.mark.parametrize("args", [[], ["--plan", "main"], ["--plan", "service"], ["--to", "001"],
                                  ["--to", "006"]])
def test_graphviz_accepts_every_dot(args, tmp_path):
    r = run("graph", str(ROOT / "examples" / "acme" / "acme.yaml"), *args)
    assert r.returncode == 0, r.stderr
    dot = subprocess.run(["dot", "-Tsvg"], input=r.stdout, capture_output=True, text=True)
    assert dot.returncode == 0, dot.stderr


def test_graph_formats():
    assert run("graph", BASE, "--format", "mermaid").stdout.startswith("flowchart LR\n")
    j = json.loads(run("graph", BASE, "--to", "003", "--format", "json").stdout)
    assert j["view"] == "reverse" and j["target"] == "user:003"
    assert [p["entry"] for p in j["paths"]] == [
        "+31 88 123 4567 (Main line)", "+31 88 123 4568 (Sales and support line)",
        "extension 003 Carla Visser"]
    text = run("graph", BASE, "--to", "003", "--format", "text").stdout
    assert "3 paths ring 003 Carla Visser" in text


def test_graph_usage_errors():
    r = run("graph", BASE, "--to", "999")
    assert r.returncode == 2 and "no user has extension `999`" in r.stderr
    r = run("graph", BASE, "--format", "text")
    assert r.returncode == 2 and "--to" in r.stderr
    assert run("graph", "does-not-exist.yaml").returncode == 2


def test_diff_exit_code_like_git_diff():
    changed = run("diff", BASE, str(TENANTS / "shifted_hours.yaml"), "--from", "2026-11-30",
                  "--exit-code")
    assert changed.returncode == 1
    assert "Mon–Fri 17:30–18:00: calls to +31 88 123 4567 (Main line) now:" in changed.stdout
    # Without --exit-code a change is not a failure.
    assert run("diff", BASE, str(TENANTS / "shifted_hours.yaml"), "--from", "2026-11-30").returncode == 0
    same = run("diff", BASE, str(TENANTS / "refactor" / "main.yaml"), "--from", "2026-11-30",
               "--exit-code")
    assert same.returncode == 0, same.stdout
    assert same.stdout.startswith("No routing changes")


def test_diff_formats():
    args = ["diff", BASE, str(TENANTS / "cascade_sales.yaml"), "--from", "2026-11-30T00:00"]
    md = run(*args, "--format", "markdown").stdout
    assert md.startswith("### callplan diff: 1 routing change\n")
    assert "| Mon–Fri 08:30–17:30 |" in md
    j = json.loads(run(*args, "--format", "json").stdout)
    assert j["routing_changed"] is True and len(j["changes"]) == 1
    assert j["changes"][0]["entry"] == "+31881234567"


def test_diff_usage_errors():
    r = run("diff", BASE, BASE, "--from", "30-11-2026")
    assert r.returncode == 2 and "--from" in r.stderr
    assert run("diff", BASE, BASE, "--days", "0").returncode == 2
