"""Behaviour of `callplan check` and `callplan schema`: exit codes, streams, colours and the
machine formats (json, sarif, github) on real loader and checker output.

Run: CALLPLAN_BIN=build/dev/tools/callplan/callplan /usr/bin/python3 -m pytest tests/cli
"""
import json
import os
import pathlib
import subprocess

import pytest

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
GOLDEN = HERE / "golden"


def callplan(*args, env=None):
    binary = os.environ.get("CALLPLAN_BIN")
    if not binary:
        pytest.skip("CALLPLAN_BIN is not set")
    full_env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    full_env.update(env or {})
    return subprocess.run([str(pathlib.Path(binary).resolve()), *args], cwd=GOLDEN, capture_output=True, text=True,
                          check=False, env=full_env)


# --- exit codes ---------------------------------------------------------------------------

def test_clean_file_exits_0():
    run = callplan("check", "clean.yaml")
    assert run.returncode == 0, run.stdout
    assert run.stdout == "no problems in 1 file\n"
    assert run.stderr == ""


def test_errors_exit_1():
    assert callplan("check", "unknown_key.yaml").returncode == 1


def test_warnings_exit_0_and_1_with_strict():
    assert callplan("check", "warnings_only.yaml").returncode == 0
    strict = callplan("check", "--strict", "warnings_only.yaml")
    assert strict.returncode == 1
    assert "warning:" in strict.stdout


def test_unknown_option_exits_2():
    run = callplan("check", "--frobnicate", "clean.yaml")
    assert run.returncode == 2
    assert "frobnicate" in run.stderr


def test_unknown_format_exits_2():
    assert callplan("check", "--format", "xml", "clean.yaml").returncode == 2


def test_no_file_exits_2():
    assert callplan("check").returncode == 2


def test_missing_file_exits_2_and_still_checks_the_others():
    run = callplan("check", "--format", "json", "no-such-tenant.yaml", "unknown_key.yaml")
    assert run.returncode == 2
    assert run.stderr.startswith("callplan: cannot read no-such-tenant.yaml: ")
    report = json.loads(run.stdout)
    assert [f["file"] for f in report["files"]] == ["unknown_key.yaml"]
    assert report["summary"]["errors"] == 1


def test_directory_is_unreadable():
    run = callplan("check", "parts")
    assert run.returncode == 2
    assert run.stderr.startswith("callplan: cannot read parts")


def test_several_files_are_summed():
    run = callplan("check", "--separate", "clean.yaml", "unknown_key.yaml", "warnings_only.yaml")
    assert run.returncode == 1
    assert run.stdout.endswith("1 error, 1 warning in 3 files\n")


def test_several_files_are_companies_served_together():
    # Variants of one company claim the same login, numbers and SIP usernames: as companies of
    # one server (SPEC 11) the later file is in conflict, with a note at the earlier one.
    run = callplan("check", "--format", "gcc", "clean.yaml", "warnings_only.yaml")
    assert run.returncode == 1, run.stdout
    codes = sorted({line.rsplit("[", 1)[1].rstrip("]") for line in run.stdout.splitlines()
                    if ": error: " in line})
    assert codes == ["CP600", "CP601", "CP602"], run.stdout
    assert all(line.startswith("warnings_only.yaml:") for line in run.stdout.splitlines()
               if ": error: " in line), run.stdout
    assert "clean.yaml:" in run.stdout and "note: company `acme` has it here" in run.stdout


def test_separate_files_and_a_file_named_twice_are_not_conflicts():
    assert callplan("check", "--separate", "clean.yaml", "warnings_only.yaml").returncode == 0
    run = callplan("check", "clean.yaml", "clean.yaml")
    assert run.returncode == 0, run.stdout


# --- colours --------------------------------------------------------------------------------

def test_no_colours_when_piped_even_with_auto():
    assert "\x1b[" not in callplan("check", "unknown_key.yaml").stdout


def test_color_always_and_never():
    assert "\x1b[1;31merror:\x1b[0m" in callplan("check", "--color", "always", "unknown_key.yaml").stdout
    assert "\x1b[" not in callplan("check", "--color", "never", "unknown_key.yaml").stdout


def test_bad_color_value_exits_2():
    assert callplan("check", "--color", "sometimes", "clean.yaml").returncode == 2


# --- machine formats ------------------------------------------------------------------------

def test_gcc_format_is_one_line_per_issue_or_note():
    run = callplan("check", "--format", "gcc", "duplicates.yaml")
    lines = run.stdout.splitlines()
    assert len(lines) == 6
    assert lines[0] == "duplicates.yaml:7:17: error: duplicate extension `001` [CP200]"
    assert lines[1] == "duplicates.yaml:6:17: note: first defined here"


def test_json_format():
    run = callplan("check", "--separate", "--format", "json", "duplicates.yaml",
                   "warnings_only.yaml")
    report = json.loads(run.stdout)
    assert report["version"] == 1
    assert report["summary"] == {"errors": 3, "warnings": 1}
    first = report["files"][0]["issues"][0]
    assert set(first) == {"severity", "code", "message", "file", "line", "column", "notes", "hints"}
    assert first["notes"] == [{"message": "first defined here", "file": "duplicates.yaml",
                               "line": 6, "column": 17}]
    assert report["files"][1]["issues"][0]["hints"] == ["use 15 (3 rings)"]


def check_sarif_structure(doc):
    """The parts of the SARIF 2.1.0 schema that consumers rely on (Debian ships no copy of the
    OASIS schema to validate against)."""
    assert doc["version"] == "2.1.0"
    assert doc["$schema"].endswith("sarif-schema-2.1.0.json")
    assert len(doc["runs"]) == 1
    run = doc["runs"][0]
    assert run["columnKind"] == "unicodeCodePoints"
    driver = run["tool"]["driver"]
    assert driver["name"] == "callplan"
    assert isinstance(driver["version"], str) and driver["version"]
    assert driver["informationUri"].startswith("https://")
    ids = [r["id"] for r in driver["rules"]]
    assert len(ids) == len(set(ids)) and "CP101" in ids
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"]
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
    for result in run["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        assert result["message"]["text"]
        for loc in result.get("locations", []) + result.get("relatedLocations", []):
            physical = loc["physicalLocation"]
            assert physical["artifactLocation"]["uri"]
            region = physical.get("region", {})
            assert region.get("startLine", 1) >= 1 and region.get("startColumn", 1) >= 1
            if "endColumn" in region:
                assert region["endColumn"] > region["startColumn"]
        for i, related in enumerate(result.get("relatedLocations", [])):
            assert related["id"] == i + 1 and related["message"]["text"]


def test_sarif_format():
    run = callplan("check", "--separate", "--format", "sarif", "duplicates.yaml", "included.yaml")
    doc = json.loads(run.stdout)
    check_sarif_structure(doc)
    results = doc["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["CP200", "CP201", "CP202", "CP101"]
    assert results[0]["relatedLocations"][0]["physicalLocation"]["region"]["startLine"] == 6
    assert results[3]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == \
        "parts/people.yaml"
    assert "did you mean `role`?" in results[3]["message"]["text"]


def test_sarif_without_results_is_still_a_run():
    doc = json.loads(callplan("check", "--format", "sarif", "clean.yaml").stdout)
    check_sarif_structure(doc)
    assert doc["runs"][0]["results"] == []


def test_github_format():
    run = callplan("check", "--separate", "--format", "github", "unknown_key.yaml",
                   "warnings_only.yaml")
    lines = run.stdout.splitlines()
    assert lines[0] == ("::error file=unknown_key.yaml,line=15,col=11,title=CP101::unknown key "
                        "`stratgy` in the `ring_group` step%0Ahint: did you mean `strategy`?")
    # The warning's wording belongs to the checker; the command's shape is what matters here.
    assert lines[1].startswith("::warning file=warnings_only.yaml,line=12,col=69,title=CP405::")
    assert lines[1].endswith("%0Ahint: use 15 (3 rings)")
    assert len(lines) == 2


# --- schema ---------------------------------------------------------------------------------

def test_schema_prints_the_schema_file():
    run = callplan("schema")
    assert run.returncode == 0
    assert run.stdout == (ROOT / "schema" / "tenant.schema.json").read_text()
    assert json.loads(run.stdout)["$schema"] == "http://json-schema.org/draft-07/schema#"
