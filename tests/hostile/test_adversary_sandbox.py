"""Adversary: the student's process against the machine, in both routes: confined by bubblewrap,
and GRADE_NO_BWRAP=1 as root (Docker, Gradescope's image). The attacks use pathlib (never `import
os`), reach the grader through /proc, and write into the pipes they inherited.

Whatever the attack, the grader must exit 0/1 with a report, without a traceback, with no secret in
any output, its course tree unchanged, its TMPDIR empty and no process of the run left
(kit.assert_clean); and an attack that would earn points (a stolen reference) must earn none.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.hostile.adversary.kit import MODES, ROOT, Run, assert_clean, assert_loses, fixture



def grade(tmp_path, exercise: str, text: str, mode: str, budget: float = 150, warm=None):
    """Through `python -m autograder`; with `warm` (the warm_sandboxes fixture), in this process in the
    worker's warm sandbox of that mode (kit.Run.grade_in): for attacks on the sandbox, its pipes and
    disks, not on the grader's own process (its environment, its signals), which keep the command."""
    run = Run(tmp_path)
    run.write(f"{exercise}.py", text)
    if warm is not None:
        return run.grade_in(warm(mode), exercise, "--submission", run.sub, "--format", "json")
    graded = run.grade(exercise, "--submission", run.sub, "--format", "json", mode=mode, timeout=budget)
    return graded


def with_reference(exercise: str, attack: str) -> str:
    return (ROOT / "solutions" / exercise / f"{exercise}.py").read_text() + "\n\n" + fixture(attack)


def with_stub(exercise: str, attack: str) -> str:
    return (ROOT / "exercises" / f"{exercise}.py").read_text() + "\n\n" + fixture(attack)


@pytest.mark.parametrize("mode", MODES)
def test_adversary_secrets_in_proc_environ_stay_hidden(tmp_path, mode):
    graded = grade(tmp_path, "exercise1", with_reference("exercise1", "sys_exfil_environ.py"), mode)
    assert_clean(graded)  # no secret in any form in stdout/stderr
    assert graded.returncode == 1  # the attack itself costs its function's cases


@pytest.mark.xdist_group("usr-src")  # one at a time: each copy in /usr/src is there for the other to steal
@pytest.mark.parametrize("mode", MODES)
def test_adversary_stolen_reference_earns_nothing(tmp_path, mode):
    """The stub of exercise1 (which forbids nothing, so no static policy applies) plus a search for
    solutions/exercise1/exercise1.py (via /proc, the install's .pth files, likely roots), copied to the working
    folder and imported."""
    graded = grade(tmp_path, "exercise1", with_stub("exercise1", "sys_steal_reference.py"), mode)
    assert_loses(graded, "exercise1", "kernel")
    assert graded.exercise("exercise1")["score"] == 0.0


@pytest.mark.parametrize("mode", MODES)
def test_adversary_grader_tree_is_not_writable(tmp_path, mode, warm_sandboxes):
    graded = grade(tmp_path, "exercise1", with_reference("exercise1", "sys_write_grader.py"), mode,
                   warm=warm_sandboxes)
    assert_clean(graded)  # the course tree unchanged: nothing dropped in autograder/, exercises/ or the root
    assert graded.returncode == 0


@pytest.mark.parametrize("mode", MODES)
def test_adversary_stopping_the_grader_fails(tmp_path, mode):
    """SIGSTOP to the grader and SIGKILL to the fork server, at import: the grader still reports in time."""
    graded = grade(tmp_path, "exercise1", with_reference("exercise1", "sys_stop_ancestors.py"), mode, budget=150)
    assert_clean(graded)
    assert graded.returncode in (0, 1) and graded.report is not None, graded.describe()


@pytest.mark.parametrize("mode", MODES)
def test_adversary_nothing_left_in_shared_temporary_folders(tmp_path, mode, warm_sandboxes):
    graded = grade(tmp_path, "exercise1", with_reference("exercise1", "sys_tmp_drop.py"), mode,
                   warm=warm_sandboxes)
    assert_clean(graded)  # includes: no file named with the run's token in /tmp, /dev/shm, /var/tmp


@pytest.mark.parametrize("mode", MODES)
def test_adversary_endless_line_on_every_pipe(tmp_path, mode, warm_sandboxes):
    """400 MB without a newline into the results and output pipes: the reader is bounded in size and time."""
    graded = grade(tmp_path, "exercise1", with_reference("exercise1", "sys_results_flood.py"), mode, budget=200,
                   warm=warm_sandboxes)
    assert_clean(graded)
    assert graded.report is not None, graded.describe()
    assert graded.seconds < 60 + 30, graded.describe()  # exercise1's budget is 60 s


@pytest.mark.parametrize("mode", MODES)
def test_adversary_deeply_nested_json_on_every_pipe(tmp_path, mode, warm_sandboxes):
    graded = grade(tmp_path, "exercise1", with_reference("exercise1", "sys_nested_line.py"), mode,
                   warm=warm_sandboxes)
    assert_clean(graded)  # no RecursionError traceback from the grader's json.loads
    assert graded.report is not None, graded.describe()


def test_adversary_weird_return_values_earn_nothing(tmp_path, warm_sandboxes):
    graded = grade(tmp_path, "exercise1", with_reference("exercise1", "sys_weird_returns.py"), "nobwrap",
                   warm=warm_sandboxes)
    assert_clean(graded)
    report = graded.exercise("exercise1")
    for concept in ("kernel", "same-padding", "transpose"):
        got = graded.concept("exercise1", concept)
        assert got["score"] < got["max_score"], (concept, got)
    assert report["score"] < report["max_score"]


@pytest.mark.parametrize("mode", MODES)
def test_adversary_disk_writes_are_capped(tmp_path, mode, warm_sandboxes):
    """16 MiB files (each under RLIMIT_FSIZE) in the box, /tmp and /dev/shm: the total is capped far
    below 640 MiB (a size-capped tmpfs, or a quota), in both routes."""
    graded = grade(tmp_path, "exercise1", with_reference("exercise1", "sys_disk_fill.py"), mode,
                   warm=warm_sandboxes)
    assert_clean(graded)
    message = graded.concept("exercise1", "kernel")["message"]
    found = re.search(r"ValueError: WROTE (\d+)", message)
    assert found, message
    written = int(found.group(1))
    assert written <= 256 << 20, f"{written >> 20} MiB written from one sandbox"


@pytest.mark.parametrize("mode", MODES)
def test_adversary_forged_result_lines(tmp_path, mode, warm_sandboxes):
    """Result lines forged by the student's code (shapes no int64 holds): read as a crash, never a
    traceback of the grader."""
    graded = grade(tmp_path, "exercise1", with_reference("exercise1", "sys_forged_overflow.py"), mode,
                   warm=warm_sandboxes)
    assert_clean(graded)
    assert graded.report is not None, graded.describe()


def test_adversary_private_tmpdir_keeps_honest_marks(tmp_path):
    """As root without bubblewrap, with TMPDIR in a folder only root may enter (pytest's own, or a
    root home): the reference must still get full marks, or the grader must say in one line why it
    cannot grade; never `crash` for every student with a message blaming their code."""
    run = Run(tmp_path)
    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    (private / "tmp").mkdir()
    run.write("exercise1.py", (ROOT / "solutions" / "exercise1" / "exercise1.py").read_text())
    graded = run.grade("exercise1", "--submission", run.sub, "--format", "json", mode="nobwrap",
                       extra_env={"TMPDIR": str(private / "tmp")})
    assert graded.returncode in (0, 2), graded.describe()
    if graded.returncode == 0:
        assert graded.exercise("exercise1")["score"] == 10.0


@pytest.mark.xdist_group("usr-src")  # one at a time: each copy in /usr/src is there for the other to steal
@pytest.mark.parametrize("mode", MODES)
def test_adversary_course_kept_under_usr_stays_hidden(tmp_path, mode):
    """A Docker image that keeps the course in /usr/src/<app> (the WORKDIR of the official Python
    image's example Dockerfile), graded with `--course .../course.yml` as Gradescope's run_autograder
    does (any process can read that command line): /usr is what the sandbox must mount or grant for
    Python itself, so the course's solutions/ must be hidden there explicitly. The stub of exercise1
    plus the search for solutions/exercise1/exercise1.py must still score nothing."""
    run = Run(tmp_path)
    course = Path("/usr/src") / f"{run.token}-app"
    shutil.copytree(ROOT, course, ignore=shutil.ignore_patterns(".git", "__pycache__", ".pytest_cache", "tests",
                                                                 "*.db", ".venv"))
    try:
        run.write("exercise1.py", with_stub("exercise1", "sys_steal_reference.py"))
        graded = run.grade("exercise1", "--course", course / "course.yml", "--submission", run.sub, "--format", "json",
                           mode=mode, cwd=course)
    finally:
        shutil.rmtree(course, ignore_errors=True)
    assert_loses(graded, "exercise1", "kernel")
    assert graded.exercise("exercise1")["score"] == 0.0


def sysv_segments(key: int) -> list[str]:
    try:
        lines = Path("/proc/sysvipc/shm").read_text().splitlines()[1:]
    except OSError:
        return []
    return [line for line in lines if line.split() and int(line.split()[0]) == key]


@pytest.mark.parametrize("mode", MODES)
def test_adversary_no_system_v_ipc_outlives_the_run(tmp_path, mode):
    """A System V shared memory segment made by the student (keyed, 0666): gone after the run (an IPC
    namespace of its own, or removed), so nothing passes to the next student of a batch."""
    run = Run(tmp_path)
    run.write("exercise1.py", with_reference("exercise1", "sys_sysv_ipc.py"))
    key = int(run.token[3:11], 16) & 0x7FFFFFFF
    try:
        graded = run.grade("exercise1", "--submission", run.sub, "--format", "json", mode=mode)
        left = sysv_segments(key)
    finally:
        for line in sysv_segments(key):  # never leave it on the machine, whatever the outcome
            subprocess.run(["ipcrm", "-m", line.split()[1]], capture_output=True)
    assert_clean(graded)
    assert not left, f"a System V segment of the run is still there: {left}"
