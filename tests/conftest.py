from __future__ import annotations

import os
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_grade(*args: str, cwd: Path | None = None, env: dict | None = None, timeout: float = 300):
    """Run the `grade` command as a user would; returns the CompletedProcess (text)."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "autograder", *map(str, args)], cwd=cwd or ROOT, env=full_env,
                          capture_output=True, text=True, timeout=timeout)


def grade_in_process(sandbox, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """`grade ARGS` run by the command's own code (cli.main) in this process, in `sandbox` (the session's
    warm one), from the course root, with `env` over this process's environment (a None value unsets a
    variable): for tests whose subject is the grade, not the process (its start, signals, a warning
    printed once per process). Exit status and output as run_grade returns them."""
    import contextlib
    import io

    from autograder.cli import main

    stdout, stderr = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        for key, value in (env or {}).items():  # None: not set
            patch.setenv(key, value) if value is not None else patch.delenv(key, raising=False)
        patch.chdir(ROOT)
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            code = main([str(a) for a in args], sandbox=sandbox)
    return subprocess.CompletedProcess(["grade", *map(str, args)], code, stdout.getvalue(), stderr.getvalue())


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Under xdist's loadgroup, every xdist_group test must carry its group in its id (xdist adds it just
    before this runs): otherwise the groups are silently ignored (pytest 9 with xdist 3.8 did that) and
    tests that must run one at a time (timing, scans of /usr/src, the batch) run side by side."""
    if not getattr(config.option, "loadgroup", False):
        return
    lost = [item.nodeid for item in items if item.get_closest_marker("xdist_group") and "@" not in item.nodeid]
    if lost:
        raise pytest.UsageError(f"xdist_group ignored by this pytest/pytest-xdist pair (e.g. {lost[0]}): "
                                "install the versions pyproject.toml's test extra names")


def with_cells(nb: dict, code_by_id: dict[str, str]) -> dict:
    """A copy of an nbgrader notebook with the cells of these grade ids given this code (a student's)."""
    import copy

    nb = copy.deepcopy(nb)
    for cell in nb["cells"]:
        grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id")
        if grade_id in code_by_id:
            cell["source"] = code_by_id[grade_id]
    return nb


@lru_cache(maxsize=None)
def the_course():
    """course.yml, loaded once per process (the tests never change it; they break copies)."""
    from autograder.course import load_course

    return load_course(ROOT / "course.yml")


def course_exercises() -> list[str]:
    """The exercises course.yml names, in its order: what the per-exercise tests are parametrized over."""
    return list(the_course().exercises)


def reference_path(name: str) -> Path:
    """The reference solution of an exercise (the tests may read it; the grader never imports it).
    The one place the tests find it: repoint here if solutions move."""
    return the_course().solution_path(name)


@pytest.fixture(scope="session")
def course():
    return the_course()


@pytest.fixture(scope="session")
def warm_sandbox():
    """One sandbox for the graded runs of a session (or of an xdist worker): its zygote imports torch
    once (about 4 s), and each run forks a fresh student process from it, as `grade` does for every
    exercise of a course and a batch worker for every submission."""
    from autograder.sandbox.runner import Sandbox

    with Sandbox() as sandbox:
        yield sandbox


@pytest.fixture(scope="session")
def warm_sandboxes():
    """`warm_sandboxes(mode)`: this session's (or xdist worker's) running sandbox of that mode (bwrap, or
    nobwrap: GRADE_NO_BWRAP=1 as root) for the adversary's in-process runs (hostile/adversary/kit.py),
    started on first use (about 4 s: its zygote imports torch) and kept for every attack graded in it."""
    import shutil
    import tempfile

    from tests.hostile.adversary.kit import WarmSandbox

    started: dict[str, WarmSandbox] = {}
    # in /tmp and traversable, like a Run's TMPDIR: the unprivileged sandbox user reaches its box there
    tmpdir = tempfile.mkdtemp(prefix="adv-warm-", dir="/tmp")
    os.chmod(tmpdir, 0o755)

    def get(mode: str) -> WarmSandbox:
        if mode not in started:
            started[mode] = WarmSandbox(mode).start(tmpdir)
        return started[mode]

    yield get
    for warm in started.values():
        warm.close()
    shutil.rmtree(tmpdir, ignore_errors=True)


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
