"""GitHub Classroom / Actions: workflow annotations, then the autograding result line.

The annotations (`::notice` per passed exercise, `::error` per concept that lost points) show
on the run and the commit. The last line, `result=<base64 JSON>`, is the runner result that
classroom-resources/autograding-grading-reporter reads (from `$GITHUB_OUTPUT` through the
`<RUNNER>_RESULTS` variable): {"version": 1, "status": "pass"|"fail"|"error", "max_score",
"tests": [{"name", "status", "score", "message", "test_code", "filename", "line_no", "duration"}]}.
See templates/classroom.yml for the workflow that wires them.
"""
from __future__ import annotations

import base64
import json

from autograder.report import ConceptReport, CourseReport, ExerciseReport
from autograder.show import example_texts

ERRORS = ("crash", "timeout")


def render(report: CourseReport) -> str:
    lines = []
    for ex in report.exercises:
        lines += _annotations(ex)
    lines.append(f"result={encode_result(result(report))}")
    return "\n".join(lines) + "\n"


def result(report: CourseReport) -> dict:
    tests = [_test(ex, c) for ex in report.exercises for c in ex.concepts]
    if any(t["status"] == "error" for t in tests):
        status = "error"
    else:
        status = "pass" if all(t["status"] == "pass" for t in tests) else "fail"
    return {"version": 1, "status": status, "max_score": report.max_score, "tests": tests}


def encode_result(data: dict) -> str:
    return base64.b64encode(json.dumps(data, allow_nan=False).encode()).decode()


def _test(ex: ExerciseReport, c: ConceptReport) -> dict:
    status = "pass" if c.ok else ("error" if c.status in ERRORS else "fail")
    message = "" if c.ok else _message(c)
    return {"name": f"{ex.exercise} {c.name}", "status": status, "score": c.score, "message": message,
            "test_code": ex.reproduce, "filename": f"exercises/{ex.exercise}.py", "line_no": 0,
            "duration": 0}


def _message(c: ConceptReport) -> str:
    parts = [f"{c.passed}/{c.total} cases passed ({c.status})"]
    if c.misconception:
        parts.append(f"looks like {c.misconception}")
    if c.message:
        parts.append(c.message.strip())
    if c.example is not None:
        _, expected, got = example_texts(c)
        parts.append(f"smallest failing case: {c.example.call} expected {expected[:200]} got {got[:200]}")
    if c.hint:
        parts.append(f"hint: {c.hint}")
    return "; ".join(parts)


def _annotations(ex: ExerciseReport) -> list[str]:
    where = f"file=exercises/{ex.exercise}.py"
    if all(c.ok for c in ex.concepts):
        return [f"::notice {where},title={_prop(f'{ex.exercise}: {ex.score:g}/{ex.max_score:g}')}::"
                f"{_data('every concept passed')}"]
    out = []
    for c in ex.concepts:
        if c.ok:
            continue
        title = f"{ex.exercise} {c.name}: {c.score:g}/{c.max_score:g}"
        out.append(f"::error {where},title={_prop(title)}::{_data(_message(c))}")
    return out


def _data(text: str) -> str:
    """Escape a workflow command's message (GitHub's escapeData)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    """Escape a workflow command's property value (GitHub's escapeProperty)."""
    return _data(text).replace(":", "%3A").replace(",", "%2C")
