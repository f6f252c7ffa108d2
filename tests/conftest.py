from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

# the shared tests of exercise_checks.exercise_tests assert there: rewrite them as a test module's
pytest.register_assert_rewrite("exercise_checks")

ROOT = Path(__file__).resolve().parent.parent


def run_grade(*args: str, cwd: Path | None = None, env: dict | None = None, timeout: float = 300):
    """Run the `grade` command as a user would; returns the CompletedProcess (text)."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "autograder", *map(str, args)], cwd=cwd or ROOT, env=full_env,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="session")
def course():
    from autograder.course import load_course

    return load_course(ROOT / "course.yml")


@pytest.fixture(scope="module")
def one_torch_thread():
    """Thousands of tiny torch calls (oracles, mutants): the thread pool would cost more than the work."""
    from autograder.mutants.base import one_thread

    with one_thread():
        yield


@pytest.fixture(autouse=True, scope="module")
def _no_warm_sandbox_left():
    """check() keeps a warm sandbox for the kernel's life; a test module's ends with the module,
    so tests that count the processes under pytest see only their own."""
    yield
    import sys

    jupyter = sys.modules.get("autograder.jupyter")
    if jupyter is not None:
        jupyter.close_warm_sandbox()
