"""Fixtures of the Python binding tests: the source tree, the CLI, example tenants."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any, Dict, List

import pytest

import callplan

# Under ASan (tests.cmake) the interpreter starts with the ASan runtime preloaded. What the
# tests and the module start must not inherit it: espeak-ng, which the module runs to time
# `text:` prompts (SPEC 3.9), takes seconds per run with the runtime preloaded (7 s for
# `--version`), which made two suites time out; the callplan CLI links the runtime itself.
# A Python child that imports the instrumented module gets it back through python_env().
_ASAN_PRELOAD = os.environ.pop("LD_PRELOAD", None)


def python_env(**extra: str) -> Dict[str, str]:
    """The environment for a Python child that imports callplan (with ASan's preload, if any)."""
    env = dict(os.environ, **extra)
    if _ASAN_PRELOAD:
        env["LD_PRELOAD"] = _ASAN_PRELOAD
    return env


SOURCE_DIR = Path(os.environ.get("CALLPLAN_SOURCE_DIR", Path(__file__).resolve().parents[2]))
ACME = SOURCE_DIR / "examples" / "acme" / "acme.yaml"
GOLDEN_TENANT = SOURCE_DIR / "tests" / "simulate" / "tenants" / "acme.yaml"


@pytest.fixture(scope="session")
def acme() -> callplan.Tenant:
    tenant = callplan.load(ACME)
    assert tenant.ok, tenant.report("gcc")
    return tenant


@pytest.fixture(scope="session")
def golden() -> callplan.Tenant:
    tenant = callplan.load(GOLDEN_TENANT)
    assert tenant.ok, tenant.report("gcc")
    return tenant


def cli_bin() -> str:
    path = os.environ.get("CALLPLAN_BIN")
    if not path:
        pytest.skip("CALLPLAN_BIN is not set (run through ctest)")
    return path


def cli_simulate(tenant: Path, args: List[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([cli_bin(), "simulate", str(tenant), *args], capture_output=True,
                          text=True, check=False)


def cli_trace(tenant: Path, args: List[str]) -> Dict[str, Any]:
    done = cli_simulate(tenant, [*args, "--format", "json"])
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]
