"""The type stubs and annotations: `mypy --strict` on a usage script and on the package."""

from __future__ import annotations

import dataclasses
import enum
import inspect
import os
import pydoc
import re
import subprocess
import sys
from pathlib import Path
from typing import Set

import pytest

import callplan
from conftest import ACME, python_env

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
                         capture_output=True, text=True, env=python_env(), check=False)
    assert run.returncode == 0, run.stdout + run.stderr


def documented_attributes(cls: type) -> Set[str]:
    """Names the class docstring's "Attributes:" section documents (`name:` or `a, b, c:`)."""
    doc = inspect.getdoc(cls) or ""
    names: Set[str] = set()
    in_section = False
    for line in doc.splitlines():
        if line.strip() == "Attributes:":
            in_section = True
            continue
        if in_section:
            if line and not line.startswith(" "):
                in_section = False
                continue
            match = re.match(r"^    ([A-Za-z_][\w, ]*):", line)  # one level in, not a wrap
            if match:
                names.update(n.strip() for n in match.group(1).split(","))
    return names


def public_attributes(cls: type) -> Set[str]:
    """Data attributes of instances: dataclass fields, slots, an exception's attributes."""
    names: Set[str] = set()
    if dataclasses.is_dataclass(cls):
        names.update(f.name for f in dataclasses.fields(cls))
    for klass in cls.__mro__:
        if klass.__module__.startswith("callplan"):
            names.update(n for n, m in vars(klass).items() if inspect.ismemberdescriptor(m))
    if issubclass(cls, BaseException):
        names.update(vars(cls("message")))
    return {n for n in names if not n.startswith("_")}


def test_every_public_attribute_has_a_docstring() -> None:
    # help() shows either: the class docstring's "Attributes:" section (dataclass fields, whose
    # class attributes are their defaults) or the slot's own docstring (__slots__ as a dict).
    missing = []
    for name in callplan.__all__:
        obj = getattr(callplan, name)
        if not isinstance(obj, type) or issubclass(obj, enum.Enum):
            continue
        listed = set().union(*(documented_attributes(k) for k in obj.__mro__))
        for attr in sorted(public_attributes(obj)):
            member = inspect.getattr_static(obj, attr, None)
            # A slot's docstring: the value of its entry when __slots__ is a dict.
            own_doc = inspect.ismemberdescriptor(member) and (inspect.getdoc(member) or "")
            if attr not in listed and not own_doc:
                missing.append(f"{name}.{attr}")
    if missing:
        pytest.fail(f"attributes without a docstring: {', '.join(missing)}")
    # The checks above see what help() shows.
    assert "seed" in pydoc.render_doc(callplan.Call) and "Restarts the random generator" in \
        pydoc.render_doc(callplan.Call)
    assert "disposition:" in pydoc.render_doc(callplan.Outcome)


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
