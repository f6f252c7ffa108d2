"""The JSON report of design.md: strict JSON, stable field names."""
from __future__ import annotations

import json
from dataclasses import asdict

from autograder.report import CourseReport, ExerciseReport
from autograder.safe_text import safe_report


def exercise_dict(report: ExerciseReport) -> dict:
    """Also what the gradebook stores: made safe here, so no surrogate reaches SQLite either."""
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


def course_dict(report: CourseReport) -> dict:
    if report.requested is not None:
        return exercise_dict(report.exercises[0])
    return {"score": report.score, "max_score": report.max_score,
            "exercises": [exercise_dict(e) for e in report.exercises]}


def render(report: CourseReport) -> str:
    return json.dumps(course_dict(report), indent=2, allow_nan=False) + "\n"
