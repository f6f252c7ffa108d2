"""Batch at the machine's limit and beyond it: limits fitted to the oracle's time, a looping function
run once, and `grade batch --cluster` on a 2-worker Dask LocalCluster equal to the local batch."""
from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.judging.case_limits import FLOOR, fitted, fitted_time_per_case, slowest
from autograder.sandbox.callers import call_graph
from class_submissions import exercise1_source, make_class, small_course

SALT = "cluster test salt: never on a worker"
CLASS_SIZE = 10


def grade(*args, env=None, timeout=900):
    return subprocess.run([sys.executable, "-m", "autograder", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})})


# -- the call graph: which functions a timeout spares ------------------------------------------------
def test_callers_are_found_through_the_body_and_transitively():
    graph = call_graph(exercise1_source("correct") + "\n\ndef twice(h, w, k):\n    return conv2d_output_shape(h, w, k)\n")
    assert graph.callers("conv_output_length") == {"conv2d_output_shape", "twice"}
    assert graph.callers("conv2d_output_shape") == {"twice"}
    assert graph.callers("same_padding") == frozenset()
    calls = ["twice", "conv2d_output_shape", "same_padding", "conv_output_length"]
    assert [calls[i] for i in graph.order(calls)] == ["same_padding", "conv_output_length", "conv2d_output_shape",
                                                      "twice"]


def test_a_file_that_does_not_parse_has_no_graph():
    graph = call_graph("def f(:\n")
    assert graph.callers("f") == frozenset() and graph.order(["f", "g"]) == [0, 1]


# -- the fitted limit ---------------------------------------------------------------------------------
def test_the_limit_derives_from_the_oracles_time_with_the_ceiling_respected():
    assert fitted_time_per_case(2.0, [0.00002, 0.0003]) == FLOOR == 1.0  # microseconds of torch: the floor
    assert fitted_time_per_case(2.0, [0.0007]) == 1.0  # 0.7 s wanted: the next step of the ladder
    assert fitted_time_per_case(10.0, [0.003]) == 4.0
    assert fitted_time_per_case(2.0, [0.003]) == 2.0  # course.yml's time_per_case is the ceiling
    assert fitted_time_per_case(0.3, [0.0]) == 0.3  # even below the floor
    assert fitted_time_per_case(10.0, [0.0], timed=True) == 10.0  # a timed workload keeps the ceiling
    from autograder.course import Limits

    limits = Limits(time_per_case=2.0, time_per_exercise=60.0, memory_mb=4096)
    assert fitted(limits, 0.00001) == Limits(time_per_case=1.0, time_per_exercise=60.0, memory_mb=4096)


def test_a_load_spike_on_one_oracle_call_does_not_raise_the_limit():
    first = {"a": 0.00003, "b": 0.04, "c": 0.00002}  # b was descheduled once
    again = {"a": [0.00003] * 4, "b": [0.00004, 0.00005, 0.00004], "c": [0.00002] * 4}
    calls = []

    def timer(case):
        calls.append(case)
        return again[case].pop(0)

    assert slowest(first, timer) == 0.00004
    assert fitted_time_per_case(2.0, [slowest({"x": 0.05}, lambda c: 0.00001)]) == FLOOR


# -- a looping function is run once ---------------------------------------------------------------------
class Spy:
    """A real Sandbox that keeps the outcomes and the per-case limit of its first run."""

    def __init__(self, box):
        self.box, self.runs = box, []

    def run(self, submission, calls, **kw):
        outcomes = self.box.run(submission, calls, **kw)
        self.runs.append((list(calls), outcomes, kw["limits"].time_per_case))
        return outcomes


@pytest.fixture(scope="module")
def sandbox(warm_sandbox):
    return warm_sandbox  # the session's: a new zygote per module costs 4 s


def looping(where: str) -> str:
    """exercise1's reference with an infinite loop at the start of `where`."""
    text = exercise1_source("correct")
    head = f"def {where}("
    start = text.index(head)
    body = text.index('    """', start)
    end = text.index('"""', body + 7) + 3
    return text[:end] + "\n    while True:\n        pass" + text[end:]


def _grade(source: str, sandbox):
    from autograder.course import load_course
    from autograder.judging.grading import grade_exercise
    from autograder.sandbox.runner import Submission

    course = load_course(None)
    spy = Spy(sandbox)
    report = grade_exercise(course, "exercise1", Submission("exercise1", {"exercise1": source}), seed=course.seed,
                            sandbox=spy, reproduce="")
    assert course.limits_for("exercise1").time_per_case == 2.0
    return report, spy.runs[0]


@pytest.mark.slow
def test_a_loop_in_a_callee_runs_once_and_its_callers_are_not_run(sandbox):
    report, (calls, outcomes, per_case) = _grade(looping("conv_output_length"), sandbox)
    assert per_case == FLOOR  # torch answers exercise1 in microseconds: course.yml's 2 s is only the ceiling
    ran_out = [o for o in outcomes if o.message.startswith("ran past")]
    assert len(ran_out) == 1 and ran_out[0].message == f"ran past the {FLOOR:g} s limit per case"
    assert calls[outcomes.index(ran_out[0])].function == "conv_output_length"
    shape = [o for c, o in zip(calls, outcomes) if c.function == "conv2d_output_shape"]
    assert shape and all(o.status == "timeout" and o.message == "not run: it calls conv_output_length, whose case "
                         f"ran past the {FLOOR:g} s limit" for o in shape)
    others = [o for c, o in zip(calls, outcomes) if c.function in ("pool_output_length", "same_padding")]
    assert others and all(o.status in ("returned", "raised") for o in others)  # they never call it
    assert {c.status for c in report.concepts} >= {"timeout", "passed"}


@pytest.mark.slow
def test_a_loop_in_the_caller_costs_the_caller_only(sandbox):
    _, (calls, outcomes, _) = _grade(looping("conv2d_output_shape"), sandbox)
    assert sum(o.message.startswith("ran past") for o in outcomes) == 1
    for c, o in zip(calls, outcomes):
        if c.function == "conv2d_output_shape":
            assert o.status == "timeout"
        else:
            assert o.status in ("returned", "raised"), (c.function, o)


# -- the instructor's side keeps the salt -----------------------------------------------------------------
def test_what_a_cluster_worker_receives_holds_the_seed_never_the_salt(tmp_path):
    from autograder.classroom.batch import find_students, plan_jobs, prepare
    from autograder.course import load_course
    from autograder.seeding import bound_seed, policy

    make_class(tmp_path / "subs", 2)
    course = load_course(small_course(tmp_path / "course"))
    seeding = policy(course.seed, route="batch", environ={"CONV_COURSE_SALT": SALT})
    for job in plan_jobs(find_students(tmp_path / "subs"), ["exercise1"], set(), None):
        ready = prepare(course, job, seeding)
        assert ready.seed == bound_seed(SALT, job.student, ready.submission.sources)
        assert SALT.encode() not in pickle.dumps(ready)


# -- the cluster ----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def local_cluster():
    distributed = pytest.importorskip("distributed")
    # workers are new processes: they import this worktree's autograder as the test does
    os.environ["PYTHONPATH"] = os.pathsep.join([str(Path.cwd()), os.environ.get("PYTHONPATH", "")])
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as lc:
        yield lc.scheduler_address


@pytest.fixture(scope="module")
def a_class(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cluster-class")
    kinds = make_class(tmp / "subs", CLASS_SIZE)
    course = small_course(tmp / "course", time_per_case=2.0, time_per_exercise=20.0)
    done = grade("batch", tmp / "subs", "--course", course, "--gradebook", tmp / "local.db", "--jobs", 2,
                 env={"CONV_COURSE_SALT": SALT})
    assert done.returncode == 0, done.stderr
    return tmp, kinds, course


@pytest.mark.slow
def test_the_cluster_gradebook_equals_the_local_one(a_class, local_cluster):
    from autograder.classroom.gradebook import Gradebook

    tmp, kinds, course = a_class
    done = grade("batch", tmp / "subs", "--course", course, "--gradebook", tmp / "cluster.db", "--cluster",
                 local_cluster, env={"CONV_COURSE_SALT": SALT})
    assert done.returncode == 0, done.stderr
    assert f"graded {CLASS_SIZE}, already in the gradebook 0" in done.stderr
    with Gradebook(tmp / "local.db", create=False) as local, Gradebook(tmp / "cluster.db", create=False) as remote:
        assert remote.snapshot() == local.snapshot()  # scores, statuses, concepts, messages, seeds, reports
        assert remote.students() == local.students()
        assert remote.meta()["salt_id"] == local.meta()["salt_id"] != "none"
        statuses = {r.student: r.status for r in remote.results()}
    # not vacuous: every kind of submission is in it
    assert {statuses[s] for s, k in kinds.items() if k == "correct"} == {"passed"}
    assert {statuses[s] for s, k in kinds.items() if k == "infinite-loop"} == {"timeout"}
    assert {statuses[s] for s, k in kinds.items() if k == "crash-at-import"} == {"crash"}


@pytest.mark.slow
def test_an_interrupted_cluster_run_resumes_to_the_same_gradebook(a_class, local_cluster, monkeypatch):
    import contextlib

    from autograder.classroom import batch
    from autograder.classroom.cluster import on_cluster
    from autograder.course import load_course
    from autograder.classroom.gradebook import Gradebook

    tmp, _, course_file = a_class
    monkeypatch.setenv("CONV_COURSE_SALT", SALT)
    course = load_course(course_file)
    real = batch.progress_bar

    @contextlib.contextmanager
    def stopping_after(show, total, stop=4):
        saved = []
        with real(False, total) as advance:
            def count(job):
                advance(job)
                saved.append(job)
                if len(saved) == stop:
                    raise KeyboardInterrupt  # Ctrl-C partway: what is saved stays saved
            yield count

    monkeypatch.setattr(batch, "progress_bar", stopping_after)
    book = tmp / "interrupted.db"
    with pytest.raises(KeyboardInterrupt):
        batch.run_batch(course, tmp / "subs", book, course_arg=course_file, progress=False, remote=on_cluster(local_cluster))
    with Gradebook(book, create=False) as b:
        assert len(b.results()) == 4
    monkeypatch.setattr(batch, "progress_bar", real)

    summary = batch.run_batch(course, tmp / "subs", book, course_arg=course_file, progress=False,
                              remote=on_cluster(local_cluster))
    assert (summary.graded, summary.skipped) == (CLASS_SIZE - 4, 4)
    with Gradebook(tmp / "local.db", create=False) as local, Gradebook(book, create=False) as b:
        assert b.snapshot() == local.snapshot()
        assert len(b.results()) == CLASS_SIZE and len(b.concept_rows()) == CLASS_SIZE * 9  # no row twice
    again = batch.run_batch(course, tmp / "subs", book, course_arg=course_file, progress=False, remote=on_cluster(local_cluster))
    assert (again.graded, again.skipped) == (0, CLASS_SIZE)


def test_an_unreachable_scheduler_is_a_one_line_error(tmp_path):
    make_class(tmp_path / "subs", 1)
    course = small_course(tmp_path / "course")
    done = grade("batch", tmp_path / "subs", "--course", course, "--gradebook", tmp_path / "gb.db",
                 "--cluster", "tcp://127.0.0.1:9", timeout=120,
                 env={"DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "2s"})  # nothing listens: no need to wait 30 s
    assert done.returncode == 2
    line = [ln for ln in done.stderr.splitlines() if "warning" not in ln]
    assert len(line) == 1 and line[0].startswith("grade batch: --cluster tcp://127.0.0.1:9: cannot reach"), done.stderr
