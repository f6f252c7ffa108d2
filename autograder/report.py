"""The results of grading: frozen data, rendered by the modules in autograder/render/."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Example:
    """The smallest failing case: the call, its inputs, what torch gives and what the student's code gave.
    Values are JSON-ready (nested lists, numbers, strings; NaN and infinities as strings)."""

    call: str
    inputs: dict[str, Any]
    expected: Any
    got: Any


@dataclass(frozen=True)
class ConceptReport:
    name: str
    score: float
    max_score: float
    passed: int
    total: int
    status: str
    misconception: str | None = None
    message: str = ""
    example: Example | None = None
    hint: str = ""
    output: str = ""  # what the code printed while running the example shown (its own case's prints)
    # for people, not the JSON contract: the example as Python (show.Shown), and each distinct crash's
    # traceback among the concept's cases (crashes.py groups them across concepts)
    shown: Any = None
    crashes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.status == "passed"


@dataclass(frozen=True)
class ExerciseReport:
    exercise: str
    title: str
    seed: int
    score: float
    max_score: float
    concepts: tuple[ConceptReport, ...]
    reproduce: str
    notes: tuple[str, ...] = field(default=())
    # False when `reproduce` names a file that is not what was graded (a notebook kernel's cells as run)
    reproducible: bool = True


@dataclass(frozen=True)
class CourseReport:
    """`requested` is the one exercise asked for, or None when the whole course was graded."""

    exercises: tuple[ExerciseReport, ...]
    requested: str | None = None
    reproduce: str = ""

    @property
    def score(self) -> float:
        return round(sum(e.score for e in self.exercises), 4)

    @property
    def max_score(self) -> float:
        return round(sum(e.max_score for e in self.exercises), 4)
