"""`grade --format json`: strict JSON (NaN and infinities as strings), stable field names.

The contract is tests/report.schema.json (test_cli checks every report against it); the fields
and status words come from report.exercise_dict and pipeline.Status."""
from __future__ import annotations

import json

from autograder.results import CourseReport, exercise_dict


def course_dict(report: CourseReport) -> dict:
    if report.requested is not None:
        return exercise_dict(report.exercises[0])
    return {"score": report.score, "max_score": report.max_score,
            "exercises": [exercise_dict(e) for e in report.exercises]}


def render(report: CourseReport) -> str:
    return json.dumps(course_dict(report), indent=2, allow_nan=False) + "\n"
