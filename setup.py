"""Builds callplan._core with the project's own CMake, for `pip install --no-build-isolation .`.

Everything declarative is in pyproject.toml; this file only tells setuptools how to build the
extension: configure the repository with only the library and the Python module enabled
(Release), build the `_core` target and copy it where setuptools expects it. Set
CALLPLAN_CMAKE_ARGS to pass more -D options, CALLPLAN_BUILD_JOBS to limit parallel jobs.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent


class CMakeBuild(build_ext):
    """Runs CMake instead of compiling sources itself."""

    def build_extension(self, ext: Extension) -> None:
        build_dir = Path(self.build_temp).resolve() / "cmake"
        generator = ["-G", "Ninja"] if shutil.which("ninja") else []
        configure = [
            "cmake", "-S", str(ROOT), "-B", str(build_dir), *generator,
            "-DCMAKE_BUILD_TYPE=Release",
            "-DCALLPLAN_PYTHON=ON", "-DCALLPLAN_TOOLS=OFF", "-DCALLPLAN_TESTS=OFF",
            "-DCALLPLAN_BENCH=OFF", "-DCALLPLAN_INSTALL=OFF", "-DCALLPLAN_SIP=OFF",
            f"-DPython_EXECUTABLE={sys.executable}",
            *shlex.split(os.environ.get("CALLPLAN_CMAKE_ARGS", "")),
        ]
        subprocess.run(configure, check=True)
        jobs = os.environ.get("CALLPLAN_BUILD_JOBS", str(os.cpu_count() or 1))
        subprocess.run(["cmake", "--build", str(build_dir), "--target", "_core", "-j", jobs],
                       check=True)
        built = sorted((build_dir / "bindings" / "python" / "callplan").glob("_core*.so"))
        if not built:
            raise RuntimeError(f"CMake did not produce callplan/_core*.so in {build_dir}")
        target = Path(self.get_ext_fullpath(ext.name))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(built[-1], target)


setup(ext_modules=[Extension("callplan._core", sources=[])], cmdclass={"build_ext": CMakeBuild})
