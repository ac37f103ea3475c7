"""The type stubs and annotations: `mypy --strict` on a usage script and on the package."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import callplan
from conftest import ACME

HERE = Path(__file__).resolve().parent
PACKAGE_DIR = Path(callplan.__file__).resolve().parent


def test_package_is_typed() -> None:
    assert (PACKAGE_DIR / "py.typed").exists()
    assert (PACKAGE_DIR / "_core.pyi").exists()


def test_mypy_strict_accepts_the_usage_script(tmp_path: Path) -> None:
    env = dict(os.environ, MYPYPATH=str(PACKAGE_DIR.parent))
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "cache"),
         "--python-version", "3.11", str(HERE / "typing_usage.py"), str(PACKAGE_DIR)],
        capture_output=True, text=True, env=env, cwd=PACKAGE_DIR.parent, check=False)
    assert run.returncode == 0, run.stdout + run.stderr


def test_mypy_rejects_misuse(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import callplan\n"
                   "t = callplan.load('x.yaml')\n"
                   "n: int = t.simulate(to='001').result.disposition\n"
                   "t.simulate(to=1)\n")
    env = dict(os.environ, MYPYPATH=str(PACKAGE_DIR.parent))
    run = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--cache-dir",
                          str(tmp_path / "cache"), str(bad)],
                         capture_output=True, text=True, env=env, check=False)
    assert run.returncode == 1
    assert "bad.py:3" in run.stdout and "bad.py:4" in run.stdout


def test_the_usage_script_runs() -> None:
    run = subprocess.run([sys.executable, str(HERE / "typing_usage.py"), str(ACME)],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout + run.stderr


def test_every_public_name_has_a_docstring() -> None:
    missing = []
    for name in callplan.__all__:
        obj = getattr(callplan, name)
        if not (obj.__doc__ or "").strip():
            missing.append(name)
        for attr, member in vars(obj).items() if isinstance(obj, type) else []:
            if attr.startswith("_") or not (callable(member) or isinstance(member, property)):
                continue
            if not (getattr(member, "__doc__", None) or "").strip():
                missing.append(f"{name}.{attr}")
    if missing:
        pytest.fail(f"no docstring: {', '.join(missing)}")
