"""`grade batch --cluster ADDRESS`: the class graded on a Dask distributed cluster.

The instructor's process does what it does for a local batch: it plans the jobs the gradebook
lacks, reads each submission, computes its secret seed (the salt never leaves this process: a
worker gets the submission's text and its seed, nothing else) and is the gradebook's only writer,
saving each result as it streams back, so a killed run resumes as a local one does. Each worker
process holds one warm Sandbox for its whole life (WarmSandbox, a worker plugin, starts it when
the worker joins), so students after the first cost a fork, not a start-up.

Jobs are sent a window at a time (a few per worker thread), so a class of any size holds only
that many submissions in memory. A job whose worker dies is retried by Dask on another worker
(distributed.scheduler.allowed-failures); if it kills that one too, it is saved as a crash,
as the local batch does.
"""
from __future__ import annotations

import functools

import threading
import time
from typing import Callable

from distributed import Client, KilledWorker, WorkerPlugin, as_completed

from autograder.classroom.batch import WORKER_DIED, BatchError, Job, Prepared, Summary, grade_prepared, prepare
from autograder.course import Course
from autograder.seeding import SeedPolicy

PLUGIN = "conv-course-warm-sandbox"
PER_THREAD = 4  # jobs in flight per worker thread: enough to keep each busy while results stream back


class WarmSandbox(WorkerPlugin):
    """A warm Sandbox per worker thread (one thread per process is the intended set-up): the first is
    started when the worker joins, and each is kept across students."""

    def __init__(self, course: Course):
        self.course = course

    def setup(self, worker) -> None:
        try:
            import torch

            torch.set_num_threads(1)  # one worker thread per core: intra-op threads would only contend
        except ImportError:
            pass
        _WORKER["course"] = self.course
        _WORKER["spare"] = _started()  # the student-side process warms up now, before the first job

    def teardown(self, worker) -> None:
        for key in list(_WORKER):
            if key == "spare" or isinstance(key, int):
                _WORKER.pop(key).close()


_WORKER: dict = {}  # this worker process's course, and a sandbox per thread (set by WarmSandbox)


def _started():
    from autograder.sandbox.runner import Sandbox

    sandbox = Sandbox()
    sandbox.__enter__()  # starts the zygote; it imports torch while this goes on
    return sandbox


def grade_remote(ready: Prepared):
    """On a worker: (report, error, seconds) for one prepared job, in this thread's warm sandbox."""
    started = time.monotonic()
    if "course" not in _WORKER:  # the plugin was not set up here: fail the job, not the worker
        raise RuntimeError("this worker has no course (the conv-course plugin did not start)")
    thread = threading.get_ident()
    if thread not in _WORKER:
        _WORKER[thread] = _WORKER.pop("spare", None) or _started()
    report, error = grade_prepared(_WORKER["course"], _WORKER[thread], ready)
    return report, error, time.monotonic() - started


def on_cluster(address: str) -> Callable:
    """What run_batch's `remote` takes: grading on the Dask cluster whose scheduler is at `address`."""
    return functools.partial(grade_on_cluster, address=address)


def grade_on_cluster(course: Course, todo: list[Job], book, summary: Summary, address: str, seeding: SeedPolicy,
                     advance: Callable[[Job], None]) -> None:
    from autograder.classroom.batch import settle
    from autograder.judging.contain import GRADER_FAILED, crash_report
    from autograder.formats.safe_text import one_line

    try:
        # dask's connect timeout (distributed.comm.timeouts.connect, 30 s unless the site's dask config or
        # $DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT says otherwise)
        client = Client(address)
    except (OSError, TimeoutError, ValueError) as e:
        raise BatchError(f"--cluster {address}: cannot reach the Dask scheduler: {one_line(e)}") from None
    try:
        try:
            client.register_plugin(WarmSandbox(course), name=PLUGIN)
        except Exception as e:  # raised on a worker: most often the course's package is not installed there
            raise BatchError(f"--cluster {address}: a worker could not start grading: {one_line(e)} (is conv-course "
                             "installed on every worker? docs/cluster.md)") from None
        threads = sum(client.nthreads().values())
        if not threads:
            raise BatchError(f"--cluster {address}: the scheduler has no workers (start dask-worker on each node)")
        pending = iter(todo)
        running = as_completed()
        sent: dict = {}

        def send(n: int) -> None:
            for job in pending:
                ready = prepare(course, job, seeding)
                if ready.submission is None:  # refused, unreadable or ungradable: decided here, nothing to run
                    save(ready, ready.report, ready.error, 0.0)
                    continue
                future = client.submit(grade_remote, ready, pure=False, key=f"grade-{job.student}-{job.exercise}-"
                                                                           f"{time.monotonic_ns()}")
                sent[future.key] = ready
                running.add(future)
                n -= 1
                if n <= 0:
                    return

        def save(ready: Prepared, report, error, seconds: float) -> None:
            settle(course, book, ready.job, report, error, seconds, summary)
            advance(ready.job)

        send(threads * PER_THREAD)
        for future in running:
            ready = sent.pop(future.key)
            try:
                report, error, seconds = future.result()
            except KilledWorker:  # it took down every worker it was given to: this submission's doing
                report = crash_report(course, ready.job.exercise, ready.seed, ready.reproduce,
                                      GRADER_FAILED.format(WORKER_DIED))
                error, seconds = WORKER_DIED, 0.0
            except Exception as e:  # the cluster cannot grade (a worker without the course installed...)
                raise BatchError(f"--cluster {address}: a worker failed on {ready.job.student}/{ready.job.exercise}: "
                                 f"{one_line(e)}; {summary.graded} results were saved: run the same command "
                                 "again to grade the rest") from None
            save(ready, report, error, seconds)
            send(1)
    finally:
        client.close()
