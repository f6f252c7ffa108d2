"""The results of grading: frozen data, rendered by the modules in autograder/formats/."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from autograder.pipeline import Status
from autograder.formats.safe_text import safe_report


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
    status: Status  # the worst of its cases' (pipeline.STATUS_ORDER)
    misconception: str | None = None
    message: str = ""
    example: Example | None = None
    hint: str = ""
    output: str = ""  # what the code printed while running the example shown (its own case's prints)
    # for people, not the JSON contract: the example as Python (show.Shown), and each distinct crash's
    # traceback among the concept's cases (crashes.py groups them across concepts)
    shown: Any = None
    crashes: tuple[str, ...] = ()
    mistake: str = ""  # the key of the mistake named (diagnose.py), so that it is explained once

    @property
    def ok(self) -> bool:
        return self.status == Status.PASSED


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


def exercise_dict(report: ExerciseReport) -> dict:
    """The report as the JSON contract spells it (render/json.py prints it; the gradebook stores it):
    made safe here, so no surrogate reaches SQLite either."""
    report = safe_report(report)
    concepts = []
    for c in report.concepts:
        concepts.append({
            "name": c.name, "score": c.score, "max_score": c.max_score, "passed": c.passed, "total": c.total,
            "status": c.status, "misconception": c.misconception, "message": c.message,
            "hint": c.hint, "example": asdict(c.example) if c.example is not None else None,
        })
    out = {"exercise": report.exercise, "title": report.title, "seed": report.seed, "score": report.score,
           "max_score": report.max_score, "concepts": concepts, "reproduce": report.reproduce}
    if report.notes:
        out["notes"] = list(report.notes)
    return out


def exercise_from_dict(d: dict) -> ExerciseReport:
    """exercise_dict read back (the gradebook's stored reports)."""
    concepts = tuple(
        ConceptReport(name=c["name"], score=c["score"], max_score=c["max_score"], passed=c["passed"],
                      total=c["total"], status=c["status"], misconception=c.get("misconception"),
                      message=c.get("message", ""), hint=c.get("hint", ""),
                      example=Example(**c["example"]) if c.get("example") else None)
        for c in d["concepts"])
    return ExerciseReport(d["exercise"], d["title"], d["seed"], d["score"], d["max_score"], concepts,
                          d["reproduce"], tuple(d.get("notes", ())))
