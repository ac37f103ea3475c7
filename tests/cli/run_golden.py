#!/usr/bin/python3
"""Golden tests of `callplan check` human output.

Each tests/cli/golden/<name>.yaml is checked with `--color never` from inside the golden
directory (so paths in the output are short and machine-independent); stdout plus a last line
`[exit N]` must equal <name>.expected.

    run_golden.py PATH/TO/callplan [NAME...]
    CALLPLAN_UPDATE_GOLDEN=1 run_golden.py PATH/TO/callplan   # rewrite the expectations
"""
import difflib
import os
import pathlib
import subprocess
import sys

GOLDEN = pathlib.Path(__file__).resolve().parent / "golden"


def render(binary, case):
    run = subprocess.run([binary, "check", "--color", "never", case.name], cwd=GOLDEN,
                         capture_output=True, text=True, check=False,
                         env={**os.environ, "NO_COLOR": ""})
    if run.stderr:
        return None, f"{case.name}: unexpected stderr:\n{run.stderr}"
    return f"{run.stdout}[exit {run.returncode}]\n", None


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    binary = str(pathlib.Path(argv[1]).resolve())
    wanted = set(argv[2:])
    update = os.environ.get("CALLPLAN_UPDATE_GOLDEN") == "1"
    cases = [c for c in sorted(GOLDEN.glob("*.yaml")) if not wanted or c.stem in wanted]
    if not cases:
        print("run_golden: no cases", file=sys.stderr)
        return 1
    failures = 0
    for case in cases:
        actual, problem = render(binary, case)
        expected_path = case.with_suffix(".expected")
        if problem:
            print(problem)
            failures += 1
            continue
        if update:
            expected_path.write_text(actual)
            print(f"updated {expected_path.name}")
            continue
        expected = expected_path.read_text() if expected_path.exists() else ""
        if actual != expected:
            failures += 1
            print(f"FAIL {case.name}")
            sys.stdout.writelines(difflib.unified_diff(
                expected.splitlines(True), actual.splitlines(True),
                f"{expected_path.name} (expected)", f"{case.name} (actual)"))
        else:
            print(f"ok   {case.name}")
    print(f"{len(cases) - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
