"""The JSON report of design.md: strict JSON, stable field names."""
from __future__ import annotations

import json

from autograder.report import CourseReport, exercise_dict


def course_dict(report: CourseReport) -> dict:
    if report.requested is not None:
        return exercise_dict(report.exercises[0])
    return {"score": report.score, "max_score": report.max_score,
            "exercises": [exercise_dict(e) for e in report.exercises]}


def render(report: CourseReport) -> str:
    return json.dumps(course_dict(report), indent=2, allow_nan=False) + "\n"
