"""The grader audits itself: every mutant is graded as a submission, over several seeds.

A mutant must lose points (its trigger is among the cases: otherwise the mistake is invisible)
and every concept that lost points must name it (otherwise the feedback teaches the wrong
lesson). Mutants are ours, so they run here, in a stand-in for the sandbox with the same
`run(submission, calls, forbidden=...)` interface: the mutated function calls the mutant, every
other function of the exercise returns the oracle's value (the reference that exists in a
student's copy of the course, where the reference solution does not), and every result crosses
sandbox/wire.py as a student's would.
"""
from __future__ import annotations

import io
import time
from collections import Counter
from dataclasses import dataclass
from typing import Sequence

from autograder.cases.spec import ExerciseSpec
from autograder.course import Course
from autograder.content import definition, definitions
from autograder.mutants.base import Mutant, as_student, call_in_process
from autograder.pipeline import Outcome, Submission, one_thread
from autograder.results import ExerciseReport


@dataclass
class MutantSandbox:
    """Runs a submission made of one mutant and the oracles, in this process."""

    spec: ExerciseSpec
    mutant: Mutant
    runs: int = 0  # how many times the grader asked for a sandbox run (shrinking costs runs)

    def run(self, submission: Submission, calls, *, forbidden: Sequence[str] = (), **limits) -> list[Outcome]:
        self.runs += 1
        return [call_in_process(self._function(c), c) for c in calls]

    def _function(self, call):
        # a timed call (a speed workload) is not where a misconception shows, and a mutant written
        # with loops would take minutes on it: it gets the reference, with equal timings
        if call.function == self.mutant.function and not call.time_repeats:
            return self.mutant.impl
        return as_student(self.spec.oracles[call.function])


@dataclass(frozen=True)
class SeedResult:
    seed: int
    report: ExerciseReport
    sandbox_runs: int

    @property
    def lost(self) -> tuple[str, ...]:
        """The concepts that lost points."""
        return tuple(c.name for c in self.report.concepts if c.score < c.max_score)

    @property
    def named(self) -> tuple[str | None, ...]:
        """The misconception each of those concepts reported."""
        return tuple(c.misconception for c in self.report.concepts if c.score < c.max_score)


@dataclass(frozen=True)
class AuditRow:
    exercise: str
    mutant: Mutant
    results: tuple[SeedResult, ...]
    seconds: float

    @property
    def caught(self) -> int:
        """Seeds on which the mutant lost points."""
        return sum(bool(r.lost) for r in self.results)

    @property
    def named_right(self) -> int:
        """Seeds on which it lost points and every concept that lost points named it."""
        return sum(bool(r.lost) and all(n == self.mutant.id for n in r.named) for r in self.results)

    @property
    def ok(self) -> bool:
        return self.named_right == len(self.results) > 0


def exercises_with_mutants(course: Course) -> list[str]:
    """The course's exercises that have mutants (new ones join automatically)."""
    return [name for name, ex in definitions(course).items() if ex.mutants]


def audit_mutant(course: Course, name: str, mutant: Mutant, seeds: Sequence[int]) -> AuditRow:
    from autograder.judging.grading import grade_exercise

    spec = definition(course, name).spec
    started = time.perf_counter()
    results = []
    for seed in seeds:
        sandbox = MutantSandbox(spec, mutant)
        submission = Submission(module=course.exercise(name).module, sources={}, origin=f"mutant {mutant.id}")
        report = grade_exercise(course, name, submission, seed=seed, sandbox=sandbox,
                                reproduce=f"grade audit --exercise {name}")
        results.append(SeedResult(seed, report, sandbox.runs))
    return AuditRow(name, mutant, tuple(results), time.perf_counter() - started)


def audit(course: Course, names: Sequence[str], seeds: Sequence[int]) -> list[AuditRow]:
    with one_thread():
        return [audit_mutant(course, name, m, seeds) for name in names for m in definition(course, name).mutants]


def render_table(rows: Sequence[AuditRow], *, width: int = 140) -> str:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title="Mutant audit: every known mistake graded as a submission", title_justify="left")
    for col in ("mutant", "function", "exercise", "caught", "concepts that lost points", "diagnosis given", "result"):
        table.add_column(col, no_wrap=col in ("mutant", "function", "caught", "result"), overflow="fold")
    for row in rows:
        n = len(row.results)
        lost = sorted({c for r in row.results for c in r.lost})
        given = Counter(str(m) for r in row.results for m in r.named)
        shown = ", ".join(f"{m} x{k}" for m, k in given.most_common())
        result = Text("right", style="green") if row.ok else Text("WRONG", style="bold red")
        table.add_row(row.mutant.id, row.mutant.function, row.exercise, f"{row.caught}/{n}", ", ".join(lost) or "-",
                      shown or "-", result)
    buf = io.StringIO()
    console = Console(file=buf, width=width, force_terminal=False, color_system=None, highlight=False)
    console.print(table)
    right = sum(r.ok for r in rows)
    console.print(f"{right} of {len(rows)} mutants caught and named on every seed "
                  f"(mutation score {100 * right / len(rows) if rows else 100:.0f}%).")
    return buf.getvalue()
