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
from typing import Sequence

from autograder.cases.space import SEED_MAX
from autograder.course import Course
from autograder.seeding import SALT_ENV, SeedPolicy


class BatchError(Exception):
    """The class cannot be graded as asked; str() is one line."""


@dataclass(frozen=True)
class Student:
    id: str
    path: Path


@dataclass(frozen=True)
class Job:
    student: str
    path: str
    exercise: str
    course_arg: str | None = None


@dataclass
class Summary:
    students: int = 0
    graded: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0


def student_seed(course_seed: int, student: str, salt: str | None = None) -> int:
    """A student's key: sha256 of (salt or course seed, student id). Stored to tell salts apart; the
    seed each exercise is graded with also mixes in the code (seeding.bound_seed)."""
    key = salt if salt else str(course_seed)
    digest = hashlib.sha256(f"{key}\0{student}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % SEED_MAX


def find_students(folder: Path) -> list[Student]:
    """One student per sub-folder (hidden ones skipped), sorted by id."""
    folder = Path(folder)
    if not folder.is_dir():
        raise BatchError(f"{folder}: no such folder of submissions")
    students = [Student(p.name, p.resolve()) for p in sorted(folder.iterdir())
                if p.is_dir() and not p.name.startswith((".", "_"))]
    if not students:
        raise BatchError(f"{folder}: no student folders in it (one folder per student)")
    return students


def plan_jobs(students: Sequence[Student], names: Sequence[str], done: set[tuple[str, str]],
              course_arg: Path | None) -> list[Job]:
    course = str(Path(course_arg).resolve()) if course_arg is not None else None
    return [Job(s.id, str(s.path), name, course) for s in students for name in names if (s.id, name) not in done]


def reproduce_line(job: Job, seed: int) -> str:
    parts = ["grade", job.exercise, "--submission", job.path]
    if job.course_arg is not None:
        parts += ["--course", job.course_arg]
    return shlex.join(parts + ["--seed", str(seed)])


def run_batch(course: Course, submissions: Path, gradebook_path: Path, *, jobs: int | None = None,
              exercises: Sequence[str] = (), force: bool = False, course_arg: Path | None = None,
              progress: bool = True) -> Summary:
    from autograder.gradebook import Gradebook
    from autograder.seeding import policy, salt_id

    started = time.monotonic()
    names = [course.exercise(n).name for n in exercises] or list(course.exercises)
    students = find_students(submissions)
    seeding = policy(course.seed, route="batch")
    salt = seeding.salt
    seeds = {s.id: student_seed(course.seed, s.id, salt) for s in students}
    summary = Summary(students=len(students))
    with Gradebook(gradebook_path) as book:
        done = set() if force else book.graded()
        stored = book.students()
        changed = [s for s in seeds if s in stored and stored[s][0] != seeds[s]
                   and any((s, n) in done for n in names)]
        if changed:
            raise BatchError(f"{gradebook_path}: {changed[0]} was graded under another course seed or "
                             f"${SALT_ENV}: use --force or another gradebook")
        book.set_meta(course=course.title, course_seed=str(course.seed), salted=str(bool(salt)).lower(),
                      salt_id=salt_id(salt), submissions=str(Path(submissions).resolve()))
        book.add_students((s.id, seeds[s.id], str(s.path)) for s in students)
        todo = plan_jobs(students, names, done, course_arg)
        summary.skipped = len(students) * len(names) - len(todo)
        if todo:
            _grade_all(course, todo, book, summary, jobs or os.cpu_count() or 1, progress, seeding)
    summary.seconds = time.monotonic() - started
    return summary


def _grade_all(course: Course, todo: list[Job], book, summary: Summary, jobs: int, show: bool,
               seeding: SeedPolicy) -> None:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    console = Console(stderr=True)
    bar = Progress(TextColumn("grading"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   TimeRemainingColumn(), TextColumn("{task.description}"), console=console, disable=not show)
    course_file = str((course.root / "course.yml").resolve())
    # Linux: fork, so workers start with torch and the course already loaded (seconds saved per
    # worker); the fork happens at the first submit, before any other thread (the progress bar)
    # starts. Elsewhere spawn, and each worker loads the course itself.
    fork = sys.platform.startswith("linux")
    pool = ProcessPoolExecutor(max_workers=max(1, min(jobs, len(todo))),
                               mp_context=multiprocessing.get_context("fork" if fork else "spawn"),
                               initializer=_init_worker, initargs=(course_file, course if fork else None, seeding))
    try:
        futures = [pool.submit(_grade_job, job) for job in todo]
        with bar:
            task = bar.add_task("", total=len(todo))
            for fut in as_completed(futures):
                job, report, seconds, error = fut.result()
                if report is not None:
                    book.record(job.student, report, seconds=seconds)  # committed now: a kill loses nothing
                    summary.graded += 1
                else:
                    summary.errors.append(f"{job.student}/{job.exercise}: {error}")
                bar.update(task, advance=1, description=f"{job.student} {job.exercise}")
    except BrokenProcessPool:
        pool.shutdown(wait=False, cancel_futures=True)
        raise BatchError(f"a worker process died (out of memory?) after {summary.graded} results were saved; "
                         "run the same command again to grade the rest") from None
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


# -- worker side ---------------------------------------------------------------------------------
_course: Course | None = None
_sandbox = None
_seeding: SeedPolicy | None = None


def _init_worker(course_file: str, course: Course | None, seeding: SeedPolicy) -> None:
    global _course, _sandbox, _seeding
    from multiprocessing.util import Finalize

    from autograder.course import load_course
    from autograder.sandbox.runner import Sandbox

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    try:
        import torch

        torch.set_num_threads(1)  # one worker per core: intra-op threads would only contend
    except ImportError:
        pass
    _sandbox = Sandbox()
    _sandbox.__enter__()  # the student-side process warms up while the course loads
    _course = course or load_course(course_file)
    _seeding = seeding  # the salt stays in memory: never in an environment the sandbox could inherit
    _sandbox.time_per_case, _sandbox.time_total = _course.limits.time_per_case, _course.limits.time_per_exercise
    Finalize(None, _sandbox.close, exitpriority=10)
    threading.Thread(target=_die_with_parent, args=(os.getppid(),), daemon=True).start()


def _grade_job(job: Job):
    from autograder.grading import grade_exercise, missing_report
    from autograder.submission import SubmissionError, load_submission

    started = time.monotonic()
    try:
        ex = _course.exercise(job.exercise)
        seeds = dataclasses.replace(_seeding, student=job.student)
        try:
            submission = load_submission(_course, ex, Path(job.path))
        except SubmissionError as e:
            seed = seeds.seed_for({})
            report = missing_report(_course, job.exercise, seed, reproduce_line(job, seed), str(e))
        else:
            seed = seeds.seed_for(submission.sources)  # the code graded is the code hashed
            limits = _course.limits_for(job.exercise)
            _sandbox.time_per_case, _sandbox.time_total = limits.time_per_case, limits.time_per_exercise
            report = grade_exercise(_course, job.exercise, submission, seed=seed, sandbox=_sandbox,
                                    reproduce=reproduce_line(job, seed))
        return job, report, time.monotonic() - started, None
    except Exception as e:  # a grader bug costs this one job, reported, not the whole class
        return job, None, time.monotonic() - started, f"{type(e).__name__}: {e}"


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
