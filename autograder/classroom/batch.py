"""Grade a whole class: every student folder over every exercise, in parallel, into the gradebook.

The parent process plans the jobs and is the gradebook's only writer; a pool of worker
processes each loads the course once, holds one Sandbox and grades with grading.grade_exercise.
Submissions are only read (as text), never written. Each row's seed is secret and bound to the
submission (autograder/seeding.py: the salt, the student id and the code), computed where the
code is read, and stored, so `grade EXERCISE --submission DIR/STUDENT --seed SEED` reproduces
any row. The students table keeps each student's key (the salt, or course seed, and the id,
hashed): it changes with the salt, so a resumed run never mixes two salts in one gradebook.
"""
from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import multiprocessing
import os
import shlex
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

from autograder.cases.space import SEED_MAX
from autograder.course import Course
from autograder.seeding import SALT_ENV, SeedPolicy

if TYPE_CHECKING:
    from autograder.results import ExerciseReport
    from autograder.sandbox.runner import Submission

WORKER_DIED = "the grading process died on it (out of memory?)"


class BatchError(Exception):
    """The class cannot be graded as asked; str() is one line."""


@dataclass(frozen=True)
class Student:
    id: str
    path: Path
    refused: str = ""  # why this entry is not graded as the student's folder (a row says so)


@dataclass(frozen=True)
class Job:
    student: str
    path: str
    exercise: str
    course_arg: str | None = None
    refused: str = ""


@dataclass
class Summary:
    students: int = 0
    graded: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)
    grader_failures: list[str] = field(default_factory=list)  # graded as crash; worth a look by the instructor
    regraded: dict[str, int] = field(default_factory=dict)  # exercise -> rows regraded: course or grader changed
    seconds: float = 0.0


def student_seed(course_seed: int, student: str, salt: str | None = None) -> int:
    """A student's key: sha256 of (salt or course seed, student id). Stored to tell salts apart; the
    seed each exercise is graded with also mixes in the code (seeding.bound_seed)."""
    key = salt if salt else str(course_seed)
    digest = hashlib.sha256(f"{key}\0{student}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % SEED_MAX


def find_students(folder: Path) -> list[Student]:
    """One student per sub-folder (hidden ones skipped), sorted by id. An entry that is a link is
    refused, never followed: it would grade the course's solutions or a classmate's folder as this
    student's work. (The class folder itself is the user's to name, links on the way included.)"""
    folder = Path(folder)
    if not folder.is_dir():
        raise BatchError(f"{folder}: no such folder of submissions")
    students = []
    for p in sorted(Path(os.path.abspath(folder)).iterdir()):
        if p.name.startswith((".", "_")):
            continue
        if p.is_symlink():
            students.append(Student(p.name, p, f"{p}: a symbolic link; put the student's own folder here"))
        elif p.is_dir():
            students.append(Student(p.name, p))
    if not students:
        raise BatchError(f"{folder}: no student folders in it (one folder per student)")
    return students


def plan_jobs(students: Sequence[Student], names: Sequence[str], done: set[tuple[str, str]],
              course_arg: Path | None) -> list[Job]:
    course = str(Path(course_arg).resolve()) if course_arg is not None else None
    return [Job(s.id, str(s.path), name, course, s.refused) for s in students for name in names
            if (s.id, name) not in done]


def reproduce_line(job: Job, seed: int) -> str:
    parts = ["grade", job.exercise, "--submission", job.path]
    if job.course_arg is not None:
        parts += ["--course", job.course_arg]
    return shlex.join(parts + ["--seed", str(seed)])


def run_batch(course: Course, submissions: Path, gradebook_path: Path, *, jobs: int | None = None,
              exercises: Sequence[str] = (), force: bool = False, course_arg: Path | None = None,
              progress: bool = True, remote: Callable | None = None) -> Summary:
    """Grade what the gradebook lacks, here in `jobs` worker processes or with `remote` (e.g.
    cluster.on_cluster(address): a Dask cluster's workers), called as remote(course=, todo=, book=,
    summary=, seeding=, advance=); either way this process reads the submissions, computes the seeds
    and is the gradebook's only writer. (The remote grader is passed in: cluster.py builds on this
    module, so this module does not import it.)"""
    from autograder.classroom.gradebook import Gradebook
    from autograder.seeding import policy, salt_id

    started = time.monotonic()
    names = [course.exercise(n).name for n in exercises] or list(course.exercises)
    from autograder.content import check

    check(course, names)  # an error in an exercise folder stops the batch (exit 2), before any grade
    students = find_students(submissions)
    seeding = policy(course.seed, route="batch")
    salt = seeding.salt
    seeds = {s.id: student_seed(course.seed, s.id, salt) for s in students}
    summary = Summary(students=len(students))
    from autograder.classroom.fingerprint import exercise_fingerprints

    with Gradebook(gradebook_path) as book:
        book.fingerprints = exercise_fingerprints(course, names)
        done = set() if force else book.graded()
        stored = book.students()
        changed = [s for s in seeds if s in stored and stored[s][0] != seeds[s]
                   and any((s, n) in done for n in names)]
        if changed:
            raise BatchError(f"{gradebook_path}: {changed[0]} was graded under another course seed or "
                             f"${SALT_ENV}: use --force or another gradebook")
        stale = done & book.stale(book.fingerprints)  # checked after the salt: a new salt is never "stale"
        for _, name in sorted(stale):
            summary.regraded[name] = summary.regraded.get(name, 0) + 1
        done -= stale
        book.set_meta(course=course.title, course_seed=str(course.seed), salted=str(bool(salt)).lower(),
                      salt_id=salt_id(salt), submissions=str(Path(submissions).resolve()),
                      exercises=",".join(course.exercises))  # course order, for exports and reports
        book.add_students((s.id, seeds[s.id], str(s.path)) for s in students)
        todo = plan_jobs(students, names, done, course_arg)
        summary.skipped = len(students) * len(names) - len(todo)
        if todo and remote is not None:
            with progress_bar(progress, len(todo)) as advance:
                remote(course=course, todo=todo, book=book, summary=summary, seeding=seeding, advance=advance)
        elif todo:
            _grade_all(course, todo, book, summary, jobs or os.cpu_count() or 1, progress, seeding)
    summary.seconds = time.monotonic() - started
    return summary


@contextlib.contextmanager
def progress_bar(show: bool, total: int):
    """A progress bar on stderr; yields advance(job) to call once per job saved."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    bar = Progress(TextColumn("grading"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   TimeRemainingColumn(), TextColumn("{task.description}"), console=Console(stderr=True),
                   disable=not show)
    task = bar.add_task("", total=total)
    bar.start()
    try:
        yield lambda job: bar.update(task, advance=1, description=f"{job.student} {job.exercise}")
    finally:
        bar.stop()


def _grade_all(course: Course, todo: list[Job], book, summary: Summary, jobs: int, show: bool,
               seeding: SeedPolicy) -> None:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    from autograder.judging.contain import GRADER_FAILED, crash_report

    console = Console(stderr=True)
    bar = Progress(TextColumn("grading"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   TimeRemainingColumn(), TextColumn("{task.description}"), console=console, disable=not show)
    task = bar.add_task("", total=len(todo))
    try:
        left = todo
        while left:  # a worker that dies costs only the submission it was grading
            suspects, left = _grade_in_pool(course, left, book, summary, min(jobs, len(left)), bar, task, seeding)
            for job in suspects:  # each alone now: if its worker dies again, this submission killed it
                if _grade_in_pool(course, [job], book, summary, 1, bar, task, seeding)[0]:
                    seed = dataclasses.replace(seeding, student=job.student).seed_for({})  # its code was never read here
                    _record(course, book, job, crash_report(course, job.exercise, seed, reproduce_line(job, seed),
                                                            GRADER_FAILED.format(WORKER_DIED)), 0.0, summary)
                    summary.grader_failures.append(f"{job.student}/{job.exercise}: {WORKER_DIED}")
                    bar.update(task, advance=1, description=f"{job.student} {job.exercise}")
    finally:
        bar.stop()


def _grade_in_pool(course: Course, todo: list[Job], book, summary: Summary, workers: int, bar, task,
                   seeding: SeedPolicy) -> tuple[list[Job], list[Job]]:
    """Grade `todo` in a fresh pool of workers, recording each result as it comes. If a worker
    dies: (the jobs that were being graded then, the jobs to grade again), else ([], [])."""
    course_file = str((course.root / "course.yml").resolve())
    # Linux: fork, so workers start with torch and the course already loaded (seconds saved per
    # worker); the forks happen at the pool's first submit, while no other thread (the progress
    # bar's) runs. Elsewhere spawn, and each worker loads the course itself.
    fork = sys.platform.startswith("linux")
    context = multiprocessing.get_context("fork" if fork else "spawn")
    state = context.Array("b", len(todo), lock=False)  # per job: 1 started, 2 finished (no lock a death could hold)
    pool = ProcessPoolExecutor(max_workers=max(1, workers), mp_context=context, initializer=_init_worker,
                               initargs=(course_file, course if fork else None, state, seeding))
    received: set[int] = set()
    bar.stop()
    try:
        futures = {pool.submit(_grade_job, job, i): i for i, job in enumerate(todo)}
        bar.start()
        for fut in as_completed(futures):
            job, report, seconds, error = fut.result()
            received.add(futures[fut])
            settle(course, book, job, report, error, seconds, summary)
            bar.update(task, advance=1, description=f"{job.student} {job.exercise}")
    except BrokenProcessPool:
        pool.shutdown(wait=True, cancel_futures=True)
        suspects = [job for i, job in enumerate(todo) if state[i] == 1 and i not in received]
        if not suspects:  # no submission to blame: the workers cannot run at all
            raise BatchError(f"a worker process died (out of memory?) after {summary.graded} results were saved; "
                             "run the same command again to grade the rest") from None
        return suspects, [job for i, job in enumerate(todo) if state[i] != 1 and i not in received]
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return [], []


def settle(course, book, job, report, error, seconds: float, summary) -> None:
    """One graded job into the gradebook and the summary, whichever pool (local or a cluster) graded it."""
    if report is not None:
        _record(course, book, job, report, seconds, summary)
        if error:
            summary.grader_failures.append(f"{job.student}/{job.exercise}: {error}")
    else:
        summary.errors.append(f"{job.student}/{job.exercise}: {error}")


def _record(course: Course, book, job: Job, report, seconds: float, summary: Summary) -> None:
    """Save one row, committed now (a kill loses nothing). Student text is made safe first (SQLite
    refuses lone surrogates); a row the gradebook still refuses is saved as a crash, so the batch
    goes on. Only a gradebook that cannot save even that stops the batch."""
    from autograder.judging.contain import GRADER_FAILED, crash_report
    from autograder.formats.safe_text import one_line, safe_report

    try:
        book.record(job.student, safe_report(report), seconds=seconds)
    except Exception as e:  # this student's row only
        why = one_line(e)
        book.record(job.student, crash_report(course, job.exercise, report.seed, report.reproduce,
                                              GRADER_FAILED.format(why)), seconds=seconds)
        summary.grader_failures.append(f"{job.student}/{job.exercise}: {why}")
    summary.graded += 1


# -- worker side ---------------------------------------------------------------------------------
_course: Course | None = None
_sandbox = None
_state = None  # shared with the parent: which job this worker started and finished
_seeding: SeedPolicy | None = None


def _init_worker(course_file: str, course: Course | None, state, seeding: SeedPolicy) -> None:
    global _course, _sandbox, _state, _seeding
    from multiprocessing.util import Finalize

    from autograder.course import load_course
    from autograder.sandbox.runner import Sandbox

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _state = state
    _sandbox = Sandbox()
    _sandbox.__enter__()  # first: its zygote imports torch while we load (and import torch, under spawn)
    try:
        import torch

        torch.set_num_threads(1)  # one worker per core: intra-op threads would only contend
    except ImportError:
        pass
    _course = course or load_course(course_file)
    _seeding = seeding  # the salt stays in memory: never in an environment the sandbox could inherit
    _sandbox.time_per_case, _sandbox.time_total = _course.limits.time_per_case, _course.limits.time_per_exercise
    Finalize(None, _sandbox.close, exitpriority=10)
    threading.Thread(target=_die_with_parent, args=(os.getppid(),), daemon=True).start()


def _grade_job(job: Job, index: int):
    _state[index] = 1
    try:
        return _grade_one(job)
    finally:
        _state[index] = 2


def _grade_one(job: Job):
    """(job, report, seconds, error): a report for any submission (refused files and grader failures
    on this student's data are crash grades; `error` then says what failed); None only when the
    job itself cannot be graded (the exercise is gone from the course)."""
    started = time.monotonic()
    ready = prepare(_course, job, _seeding)
    report, error = grade_prepared(_course, _sandbox, ready)
    return job, report, time.monotonic() - started, error


@dataclass(frozen=True)
class Prepared:
    """One job made ready on the instructor's side: the submission read and its seed computed (the
    salt never leaves that process). `submission` None: `report` is already final (a refused or
    unreadable submission, a grader failure); both None: the job cannot be graded (`error` says why)."""

    job: Job
    seed: int = 0
    reproduce: str = ""
    submission: "Submission | None" = None
    report: "ExerciseReport | None" = None
    error: str | None = None


def prepare(course: Course, job: Job, seeding: SeedPolicy) -> Prepared:
    from autograder.judging.contain import GRADER_FAILED, crash_report, unreadable_report
    from autograder.formats.safe_text import one_line
    from autograder.judging.submission import SubmissionError, SubmissionRefused, load_submission

    try:
        ex = course.exercise(job.exercise)
        seeds = dataclasses.replace(seeding, student=job.student)
    except Exception as e:
        return Prepared(job, error=one_line(e))
    seed = seeds.seed_for({})
    try:
        if job.refused:
            raise SubmissionRefused(job.refused)
        submission = load_submission(course, ex, Path(job.path))
    except SubmissionError as e:
        return Prepared(job, seed, reproduce_line(job, seed),
                        report=unreadable_report(course, job.exercise, seed, reproduce_line(job, seed), e))
    except Exception as e:  # a grader failure on one student's data costs that row only
        error = one_line(e)
        return Prepared(job, seed, reproduce_line(job, seed), error=error, report=crash_report(
            course, job.exercise, seed, reproduce_line(job, seed), GRADER_FAILED.format(error)))
    seed = seeds.seed_for(submission.sources)  # the code graded is the code hashed
    return Prepared(job, seed, reproduce_line(job, seed), submission=submission)


def grade_prepared(course: Course, sandbox, ready: Prepared):
    """(report, error) for a prepared job, graded in `sandbox` (here or on a cluster's worker)."""
    from autograder.judging.contain import GRADER_FAILED, crash_report
    from autograder.judging.grading import grade_exercise
    from autograder.formats.safe_text import one_line

    if ready.submission is None:
        return ready.report, ready.error
    name = ready.job.exercise
    try:
        limits = course.limits_for(name)
        sandbox.time_per_case, sandbox.time_total = limits.time_per_case, limits.time_per_exercise
        return grade_exercise(course, name, ready.submission, seed=ready.seed, sandbox=sandbox,
                              reproduce=ready.reproduce), None
    except Exception as e:  # a grader failure on one student's data costs that row only
        error = one_line(e)
        return crash_report(course, name, ready.seed, ready.reproduce, GRADER_FAILED.format(error)), error


def _die_with_parent(parent: int) -> None:
    """If the batch is killed, stop grading and take the student processes down too."""
    while os.getppid() == parent:
        time.sleep(0.5)
    for pid in _descendants(os.getpid()):
        for kill in (os.killpg, os.kill):  # sandbox processes may lead their own process group
            try:
                kill(pid, signal.SIGKILL)
            except OSError:
                pass
    os._exit(1)


def _descendants(root: int) -> list[int]:
    """Every process below `root` (Linux /proc; empty elsewhere)."""
    children: dict[int, list[int]] = {}
    try:
        entries = [e for e in os.listdir("/proc") if e.isdigit()]
    except OSError:
        return []
    for entry in entries:
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2:].split()
        if len(fields) > 1:
            children.setdefault(int(fields[1]), []).append(int(entry))
    found, queue = [], [root]
    while queue:
        for child in children.get(queue.pop(), []):
            found.append(child)
            queue.append(child)
    return found


def default_jobs() -> int:
    return os.cpu_count() or 1
