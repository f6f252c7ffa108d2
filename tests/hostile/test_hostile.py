"""Hostile submissions: each is graded through the real pipeline in one shared sandbox, and must
neither fool, hang nor harm the grader. After each, no student process is left and nothing was
written outside the sandbox's temporary folder. The honest solution graded last still gets full marks.

Each file in submissions/ is appended to the reference solution of exercise1 (so the functions it
does not attack stay correct). Limits are tiny so the corpus runs in seconds.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from autograder.judging.grading import grade_exercise
from autograder.sandbox.runner import Sandbox, Submission

# one worker runs them all: left_clean looks at the whole machine (sleepers, marker files)
pytestmark = pytest.mark.xdist_group("hostile-corpus")

ROOT = Path(__file__).resolve().parents[2]
SUBMISSIONS = Path(__file__).parent / "submissions"
SOLUTION = (ROOT / "solutions" / "exercise1" / "exercise1.py").read_text()
SOLUTION_LINES = SOLUTION.count("\n") + (0 if SOLUTION.endswith("\n") else 1)
SECRETS = {"CONV_COURSE_SALT": "s3cret-salt", "GITHUB_TOKEN": "s3cret-token", "GRADER_SECRET": "s3cret-key",
           "GRADE_SEED": "s3cret-seed"}
PER_CASE = 0.5
IMPORT = 2.0
MARKERS = [Path("/tmp/hostile-marker-tmp"), ROOT / "hostile-marker-course", Path("/root/hostile-marker-root"),
           Path("/hostile-marker-root-dir"), ROOT.parent / "hostile-marker-parent"]


def _small(course, per_case=PER_CASE):
    """exercise1 with 2 cases per concept, tiny time limits."""
    from autograder.course import Limits

    ex = course.exercise("exercise1")
    concepts = {k: c.model_copy(update={"cases": 2}) for k, c in ex.concepts.items()}
    limits = Limits(time_per_case=per_case, time_per_exercise=30.0, memory_mb=1024)
    ex = ex.model_copy(update={"concepts": concepts, "limits": limits})
    return course.model_copy(update={"exercises": {**course.exercises, "exercise1": ex}})


@pytest.fixture(scope="module")
def small(course):
    return _small(course)


def _processes() -> dict[int, tuple[int, bytes]]:
    out = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                stat = Path(f"/proc/{name}/stat").read_bytes()
                cmd = Path(f"/proc/{name}/cmdline").read_bytes()
            except OSError:
                continue
            out[int(name)] = (int(stat.rsplit(b")", 1)[1].split()[1]), cmd)
    return out


def _descendants(root: int) -> set[int]:
    procs = _processes()
    mine, grew = {root}, True
    while grew:
        grew = False
        for pid, (ppid, _) in procs.items():
            if ppid in mine and pid not in mine:
                mine.add(pid)
                grew = True
    return mine - {root}


def _sleepers() -> list[int]:
    return [pid for pid, (_, cmd) in _processes().items() if cmd == b"sleep\x00987654\x00"]


@pytest.fixture(scope="module")
def sandbox():
    patch = pytest.MonkeyPatch()
    for key, value in SECRETS.items():
        patch.setenv(key, value)
    with Sandbox(time_import=IMPORT) as box:  # the other limits come from the course (see _small)
        box._ready()
        box.baseline = _descendants(os.getpid())  # bwrap and the zygote
        yield box
    patch.undo()
    assert not _descendants(os.getpid()) - box.baseline


@pytest.fixture(autouse=True)
def left_clean(sandbox):
    yield
    assert _descendants(os.getpid()) == sandbox.baseline, "a student process outlived its run"
    assert not _sleepers(), "a sleeping child survived"
    assert not [m for m in MARKERS if m.exists()], "a file was written outside the sandbox"


class Recorder:
    """The sandbox, remembering the outcomes of the first run (all cases, before shrinking)."""

    def __init__(self, sandbox):
        self.sandbox, self.first = sandbox, None

    def run(self, submission, calls, **kwargs):
        outcomes = self.sandbox.run(submission, calls, **kwargs)
        if self.first is None:
            self.first = list(zip(calls, outcomes))
        return outcomes


def grade(course, sandbox, attack: str, **siblings):
    text = SOLUTION + "\n" + (SUBMISSIONS / f"{attack}.py").read_text()
    recorder = Recorder(sandbox)
    started = time.monotonic()
    report = grade_exercise(course, "exercise1", Submission("exercise1", {"exercise1": text, **siblings}),
                            seed=7, sandbox=recorder, reproduce="grade exercise1")
    return report, recorder.first, time.monotonic() - started


def line_of(attack: str, needle: str) -> int:
    """The line of `needle` in the composed submission."""
    lines = (SOLUTION + "\n" + (SUBMISSIONS / f"{attack}.py").read_text()).splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line and not line.startswith("#"))


def statuses(report) -> set[str]:
    return {c.status for c in report.concepts}


# -- running too long


@pytest.mark.parametrize("attack", ["infinite_loop", "stubborn_loop"])
def test_a_loop_costs_one_time_limit_per_function(small, sandbox, attack):
    report, first, seconds = grade(small, sandbox, attack)
    assert report.score == 0.0 and statuses(report) == {"timeout"}
    by_function: dict[str, list[str]] = {}
    for call, outcome in first:
        assert outcome.status == "timeout"
        by_function.setdefault(call.function, []).append(outcome.message)
    ran = {f for f, messages in by_function.items() if messages[0] == f"ran past the {PER_CASE:g} s limit per case"}
    assert ran  # the looping function itself
    for function, messages in by_function.items():
        if function in ran:
            assert all(m.startswith("not run: an earlier case of ") for m in messages[1:])
        else:  # it calls a function that timed out: never run, so the loop costs its limit once
            assert all(m.startswith("not run: it calls ") for m in messages), messages
    assert seconds < len(ran) * PER_CASE + 5


def test_work_at_import_is_cut_off(small, sandbox):
    report, first, seconds = grade(small, sandbox, "slow_import")
    assert report.score == 0.0 and statuses(report) == {"timeout"}
    assert {o.message for _, o in first} == {f"importing exercise1.py took longer than {IMPORT:g} s"}
    assert seconds < IMPORT + 5


# -- leftovers: threads and processes


def test_no_thread_can_be_left_behind(small, sandbox):
    """The seccomp filter refuses new threads (the forbidden-call guard is per thread): the function
    that starts one raises, and nothing is left running."""
    report, first, _ = grade(small, sandbox, "thread_after_return")
    line = line_of("thread_after_return", "threading.Thread(target=_spin).start()")
    starting = [o for call, o in first if call.function == "conv_output_length"]
    assert starting and {(o.status, o.error) for o in starting} == {("raised", "RuntimeError")}
    assert {o.message.splitlines()[-1] for o in starting} == {"RuntimeError: can't start new thread"}
    assert all(f'File "exercise1.py", line {line}, in conv_output_length' in o.message for o in starting)
    assert {o.message.splitlines()[-1] for _, o in first if o.status != "returned"} == {  # (callers of it too)
        "RuntimeError: can't start new thread"}
    assert report.score < report.max_score


def test_no_process_can_be_started(small, sandbox):
    """The seccomp filter refuses fork, vfork, clone and execve: nothing is left behind."""
    report, first, _ = grade(small, sandbox, "sleeping_children")
    assert report.score == 0.0 and statuses(report) == {"crash"}
    line = line_of("sleeping_children", "subprocess.Popen(")
    assert {o.message for _, o in first} == {
        f'importing exercise1.py failed:\n  File "exercise1.py", line {line}, in <module>\n'
        f'    subprocess.Popen(["sleep", "987654"], start_new_session=_k % 2 == 0,\n'
        f"PermissionError: [Errno 1] Operation not permitted"}


# -- resources


def test_a_memory_bomb_is_bounded(small, sandbox):
    report, first, _ = grade(small, sandbox, "memory_bomb")
    assert report.score == 0.0
    assert all(o.status == "raised" and o.error == "MemoryError" for _, o in first)
    assert statuses(report) <= {"crash", "failed"}


def test_a_recursion_bomb_crashes_one_case_at_a_time(course, sandbox):
    small = _small(course, per_case=5.0)  # filling the C stack takes a moment
    report, first, _ = grade(small, sandbox, "recursion_bomb")
    assert report.score == 0.0 and statuses(report) == {"crash"}
    for _, outcome in first:
        assert outcome.status == "crash"
        assert (outcome.message == "the process died of signal SIGSEGV before returning"
                or outcome.error == "RecursionError")


def test_a_segfault_costs_its_case(small, sandbox):
    report, first, _ = grade(small, sandbox, "segfault")
    assert report.score == 0.0 and statuses(report) == {"crash"}
    assert {o.message for _, o in first} == {"the process died of signal SIGSEGV before returning"}


def test_output_is_capped_and_kept_from_the_grader(course, sandbox, capfd):
    small = _small(course, per_case=10.0)  # 100 MB per call takes a while on a busy machine
    report, first, _ = grade(small, sandbox, "print_flood")
    assert report.score == report.max_score
    flooded = [o for c, o in first if c.function == "conv_output_length"]
    assert flooded
    for outcome in flooded:
        kept, _, rest = outcome.output.partition("\n[... ")
        assert kept == ("FLOOD" * 13108)[:65536]
        assert rest == f"{2 * 5 * (10 << 20) - 65536} more bytes of output not shown]"
    out, err = capfd.readouterr()
    assert "FLOOD" not in out + err and "flood" not in out + err


# -- leaving early


def test_exit_at_import(small, sandbox):
    report, first, _ = grade(small, sandbox, "sys_exit_at_import")
    assert report.score == 0.0 and statuses(report) == {"crash"}
    line = line_of("sys_exit_at_import", "sys.exit(0)")
    assert first[0][1].message == (f'importing exercise1.py failed:\n  File "exercise1.py", line {line}, in <module>\n'
                                   f"    sys.exit(0)\nSystemExit: 0")

    report, first, _ = grade(small, sandbox, "os_exit_at_import")
    assert report.score == 0.0 and statuses(report) == {"crash"}
    assert {o.message for _, o in first} == {
        "importing exercise1.py failed: the process ended (exit status 0) before returning: "
        "os._exit or a crash in C code?"}


def test_exit_in_the_function(small, sandbox):
    report, first, _ = grade(small, sandbox, "sys_exit_in_function")
    assert report.score == 0.0
    assert {(o.status, o.error) for _, o in first} == {("raised", "SystemExit")}

    report, first, _ = grade(small, sandbox, "os_exit_in_function")
    assert report.score == 0.0 and statuses(report) == {"crash"}
    assert {o.message for _, o in first} == {
        "the process ended (exit status 0) before returning: os._exit or a crash in C code?"}


def test_base_exceptions_are_the_students(small, sandbox):
    report, first, _ = grade(small, sandbox, "base_exceptions")
    assert report.score == 0.0
    errors = {c.function: o.error for c, o in first}
    assert errors == {"conv_output_length": "SystemExit", "conv2d_output_shape": "KeyboardInterrupt",
                      "pool_output_length": "BaseException", "same_padding": "GeneratorExit",
                      "conv_transpose_output_length": "SystemExit"}
    assert {o.status for _, o in first} == {"raised"}


# -- results that pretend


def test_lying_objects_earn_nothing(small, sandbox):
    report, first, _ = grade(small, sandbox, "liars")
    assert report.score == 0.0
    returned = {c.function: o.value for c, o in first if o.status == "returned"}
    assert returned["conv_output_length"] == "exercise1.Liar"
    assert returned["conv2d_output_shape"] == "exercise1.ArrayLiar"
    assert returned["pool_output_length"] == "exercise1.LyingTensor"
    kernel = next(c for c in report.concepts if c.name == "kernel")
    assert "returned a exercise1.Liar, which is not a tensor, array, number or list" in kernel.message


def test_wrong_kinds_earn_nothing(small, sandbox):
    from autograder.judging.compare import judge
    from autograder.tolerance import Tolerance

    report, first, _ = grade(small, sandbox, "wrong_kinds")
    assert report.score == 0.0
    messages = {}
    for call, outcome in first:
        if outcome.status == "returned":
            expected = {"conv_output_length": 1, "pool_output_length": 1, "conv_transpose_output_length": 1,
                        "conv2d_output_shape": (1, 1), "same_padding": (1, 1)}[call.function]
            messages[call.function] = judge(expected, outcome, Tolerance()).message
    assert messages == {
        "conv_output_length": "returned the float nan, expected an int (use // for whole-number division)",
        "conv2d_output_shape": "returned the float inf, expected an int (use // for whole-number division)",
        "pool_output_length": "returned a complex, which is not a tensor, array, number or list",
        "same_padding": "returned a bool, expected an int",
        "conv_transpose_output_length": "returned a str, expected an int",
    }


def test_monkeypatching_the_comparisons_changes_nothing(small, sandbox):
    report, _, _ = grade(small, sandbox, "monkeypatch")
    assert report.score == 0.0
    assert statuses(report) <= {"failed", "crash"}


# -- looking around


@pytest.mark.parametrize("attack", ["read_solutions", "read_environment", "write_outside", "network"])
def test_nothing_to_see_or_reach(small, sandbox, attack):
    if not sandbox._zygote.bwrap:
        pytest.skip("without bubblewrap the student's process shares the grader's filesystem and network")
    assert os.environ["CONV_COURSE_SALT"] == "s3cret-salt"  # the secret is there to be stolen
    if attack == "read_solutions":
        assert (ROOT / "solutions" / "exercise1" / "exercise1.py").exists()
    report, first, _ = grade(small, sandbox, attack)
    seen = [o.message for _, o in first if "saw" in o.message or "reached" in o.message]
    assert not seen
    assert report.score == report.max_score


# -- forbidden calls: see test_forbidden_routes.py


# -- broken files


def test_a_syntax_error_is_reported_with_its_line(small, sandbox):
    report, first, _ = grade(small, sandbox, "syntax_error")
    assert report.score == 0.0 and statuses(report) == {"crash"}
    message = first[0][1].message
    assert message.startswith("importing exercise1.py failed:")
    assert f"line {SOLUTION_LINES + 3}" in message and "SyntaxError" in message


def test_a_missing_import_is_reported(small, sandbox):
    report, first, _ = grade(small, sandbox, "missing_import")
    assert report.score == 0.0 and statuses(report) == {"crash"}
    assert first[0][1].message.endswith("ModuleNotFoundError: No module named 'numpyy'")


# -- and after all that


def test_the_honest_solution_still_gets_full_marks(small, sandbox):
    report, first, seconds = grade(small, sandbox, "honest")
    assert report.score == report.max_score
    assert {o.status for _, o in first} <= {"returned", "raised"}
