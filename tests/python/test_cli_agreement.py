"""Python traces equal `callplan simulate --format json` (and text) for the same calls."""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path
from typing import Any, Dict, List

import pytest

import callplan
from callplan._trace import render_text
from conftest import ACME, GOLDEN_TENANT, cli_simulate

AT = "2026-11-30T10:00"

# The golden cases of tests/simulate/golden_test.cpp, as Python keyword arguments.
CASES: List[Dict[str, Any]] = [
    dict(from_="+31612345678", to="+31881234567", answer={"002": 7}),
    dict(from_="+31612345678", to="+31881234567", at="2026-12-25T10:00"),
    dict(to="+31881234501"),
    dict(to="+31881234502"),
    dict(to="+31881234503"),
    dict(to="+31881234504", state='{"version": 1, "round_robin": {"round-robin/0": "002"}}'),
    dict(to="+31881234505", seed=7),
    dict(to="+31881234501", presence={"001": "offline", "002": "dnd", "003": "busy"}),
    dict(to="+31881234501", answer={"001": "busy", "002": "busy", "003": "busy"}),
    dict(to="+31881234501", answer={"003": 4}),
    dict(to="+31881234503", answer={"002": "busy", "003": 5}),
    dict(to="+31881234503", answer={"001": 15}),
    dict(to="+31881234511", presence={"002": "offline", "003": "dnd"}, answer={"004": 3}),
    dict(to="+31881234506"),
    dict(from_="0612345678", to="+31881234507"),
    dict(from_="002", to="+31881234501", answer={"001": 2}),
    dict(to="+31881234508", answer={"002": 3}, digits="1"),
    dict(to="+31881234508", digits="2"),
    dict(to="+31881234508", digits="79"),
    dict(to="+31881234508"),
    dict(to="+31881234508", answer={"002": 1}, digits="_1"),
    dict(to="+31881234509"),
    dict(from_="+31201112222", to="+31881234510", answer={"0201234567": "busy"}),
    dict(to="+31881234512", answer={"002": 6}),
    dict(from_="+31612345678", to="+31881234567", hangup_after=40),
    dict(from_="001", to="004"),
    dict(from_="002", to="0612345678", answer={"+31612345678": 12}),
    dict(to="0881234567", at="2026-11-30T10:00+01:00"),
    dict(to="+31881234567", at="2026-03-29T02:30"),   # in the DST gap
    dict(to="+31881234567", at="2026-10-25T02:30"),   # repeated hour
    dict(from_="+31612345678", to="+31881239999"),    # not the tenant's: rejected
    dict(from_="001", to="099"),                      # no such extension: rejected
]


def cli_args(kw: Dict[str, Any], tmp: Path) -> List[str]:
    args = ["--to", kw["to"], "--at", kw.get("at", AT)]
    if "from_" in kw:
        args += ["--from", kw["from_"]]
    if "presence" in kw:
        args += ["--presence", ",".join(f"{k}={v}" for k, v in kw["presence"].items())]
    if "answer" in kw:
        args += ["--answer", ",".join(f"{k}=busy" if v == "busy" else f"{k}@{v}"
                                      for k, v in kw["answer"].items())]
    if "digits" in kw:
        args += ["--digits", kw["digits"]]
    if "hangup_after" in kw:
        args += ["--hangup-after", str(kw["hangup_after"])]
    if "seed" in kw:
        args += ["--seed", str(kw["seed"])]
    if "state" in kw:
        path = tmp / "state.json"
        path.write_text(kw["state"])
        args += ["--state", str(path)]
    return args


def py_trace(tenant: callplan.Tenant, kw: Dict[str, Any]) -> callplan.Trace:
    kw = dict(kw)
    kw.setdefault("at", AT)
    if "state" in kw:
        kw["state"] = callplan.RoutingState.from_json(kw["state"])
    return tenant.simulate(**kw)


@pytest.mark.parametrize("kw", CASES, ids=lambda kw: "-".join(f"{v}" for v in kw.values()))
def test_json_and_text_equal_the_cli(golden: callplan.Tenant, kw: Dict[str, Any],
                                     tmp_path: Path) -> None:
    trace = py_trace(golden, kw)
    json_run = cli_simulate(GOLDEN_TENANT, cli_args(kw, tmp_path) + ["--format", "json"])
    assert json_run.returncode == 0, json_run.stderr
    assert trace.to_json() + "\n" == json_run.stdout
    assert trace.to_dict() == json.loads(json_run.stdout)
    text_run = cli_simulate(GOLDEN_TENANT, cli_args(kw, tmp_path))
    assert str(trace) + "\n" == text_run.stdout
    # The pure-Python timeline (used for traces read back from JSON) agrees with C++'s.
    assert render_text(trace) == text_run.stdout


def test_random_calls_on_the_example_tenant_agree_with_the_cli(acme: callplan.Tenant,
                                                                tmp_path: Path) -> None:
    rng = random.Random(4)
    numbers = [n.number for n in acme.numbers]
    exts = [u.extension for u in acme.users]
    for _ in range(25):
        kw: Dict[str, Any] = {
            "to": rng.choice(numbers + exts),
            "from_": rng.choice(["+31612345678", "anonymous"] + exts),
            "at": f"2026-{rng.randint(1, 12):02}-{rng.randint(1, 28):02}T"
                  f"{rng.randint(0, 23):02}:{rng.choice([0, 29, 30, 59]):02}",
        }
        if rng.random() < 0.6:
            kw["presence"] = {e: rng.choice(["available", "offline", "busy", "dnd"])
                              for e in rng.sample(exts, 2)}
        if rng.random() < 0.7:
            kw["answer"] = {e: rng.choice([0, 3, 15, 20, 25, "busy"]) for e in rng.sample(exts, 2)}
        if rng.random() < 0.5:
            kw["digits"] = "".join(rng.choice("0129_#") for _ in range(rng.randint(1, 3)))
        if rng.random() < 0.2:
            kw["hangup_after"] = rng.randint(0, 60)
        if kw["to"] == kw["from_"]:
            continue
        trace = py_trace(acme, kw)
        run = cli_simulate(ACME, cli_args(kw, tmp_path) + ["--format", "json"])
        assert run.returncode == 0, run.stderr
        assert trace.to_json() + "\n" == run.stdout, kw


def test_state_carries_like_state_out(golden: callplan.Tenant, tmp_path: Path) -> None:
    state = callplan.RoutingState()
    path = tmp_path / "s.json"
    for i in range(4):
        trace = golden.simulate(to="+31881234504", at=AT, state=state)
        args = ["--to", "+31881234504", "--at", AT, "--format", "json", "--state-out", str(path)]
        if i:
            args += ["--state", str(path)]
        run = cli_simulate(GOLDEN_TENANT, args)
        assert run.returncode == 0, run.stderr
        assert trace.to_json() + "\n" == run.stdout
        assert callplan.RoutingState.from_json(path.read_text()) == state
    assert state.round_robin == {"round-robin/0": "001"}


@pytest.mark.parametrize("kw, option", [
    (dict(to="+31881234567", presence={"09": "busy"}), "--presence"),
    (dict(to="+31881234567", presence={"001": "bussy"}), "--presence"),
    (dict(to="+31881239999", from_="007"), "--from"),
    (dict(from_="+31612345678", to="0881 23"), "--to"),
    (dict(to="+31881234567", answer={"0612 34": 5}), "--answer"),
    (dict(to="+31881234567", at="2026-13-01T10:00"), "--at"),
    (dict(to="+31881234567", digits="12a"), "--digits"),
])
def test_bad_calls_are_refused_like_the_cli(golden: callplan.Tenant, kw: Dict[str, Any],
                                            option: str, tmp_path: Path) -> None:
    with pytest.raises(callplan.Error) as raised:
        golden.simulate(**kw)
    run = cli_simulate(GOLDEN_TENANT, cli_args(kw, tmp_path))
    assert run.returncode == 2
    # Same message, with the Python argument's name instead of the option's.
    python_name = {"--from": "from_"}.get(option, option[2:])
    expected = run.stderr.strip().splitlines()[0].replace("callplan: ", "").replace(
        option + ":", python_name + ":")
    assert str(raised.value).splitlines()[0] in expected or expected in str(raised.value)
