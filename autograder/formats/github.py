"""GitHub Classroom / Actions: the score notices Classroom reads, annotations, the runner result.

GitHub Classroom takes an assignment's points from two notice annotations of the run, titled
"Autograding complete" (`Points 49.1667/90`) and "Autograding report" (`{"totalPoints",
"maxPoints"}`): that is all classroom-resources/autograding-grading-reporter does to notify
it. We write them ourselves, first (GitHub shows at most 10 annotations of each kind per step),
so the points Classroom records are our score; the reporter's own log table counts passed tests
rather than partial points and would show a different total, so the template does not use it.
Then one `::notice` per fully passed exercise and one `::error` per concept that lost points,
capped to what GitHub shows (the rest: one `::warning` pointing at the job summary, which
`summary()` writes as Markdown for `$GITHUB_STEP_SUMMARY`). The last line, `result=<base64 JSON>`,
keeps the runner-result format the reporter reads ({"version": 1, "status", "max_score", "tests":
[...]}) for workflows that still use it. See templates/classroom.yml.
"""
from __future__ import annotations

import base64
import json

from autograder.pipeline import Status
from autograder.results import ConceptReport, CourseReport, ExerciseReport
from autograder.formats.show import example_texts

ERRORS = (Status.CRASH, Status.TIMEOUT)


SHOWN = 10  # annotations of one kind GitHub shows per step


def points_text(score: float) -> str:
    """The score as both notices carry it: rounded to 4 decimals like the report's scores, never
    to significant digits (`.4g` sent 49.17 beside a totalPoints of 49.1667, and would send 1235
    for 1234.5), and without trailing zeros (7.25, 10)."""
    return f"{round(score, 4):.4f}".rstrip("0").rstrip(".")


def render(report: CourseReport) -> str:
    points = f"{points_text(report.score)}/{points_text(report.max_score)}"
    lines = [f"::notice title=Autograding complete::Points {points}",
             "::notice title=Autograding report::" + _data(json.dumps(
                 {"totalPoints": round(report.score, 4), "maxPoints": report.max_score}))]
    annotations = [line for ex in report.exercises for line in _annotations(ex)]
    notices = [line for line in annotations if line.startswith("::notice")]
    errors = [line for line in annotations if line.startswith("::error")]
    lines += notices[:SHOWN - 2]
    if len(errors) > SHOWN:
        lines += errors[:SHOWN - 1]
        lines.append(f"::warning title={_prop(f'{len(errors) - SHOWN + 1} more concepts lost points')}::"
                     f"{_data('GitHub shows 10 annotations per step: every concept is in the job summary')}")
    else:
        lines += errors
    lines.append(f"result={encode_result(result(report))}")
    return "\n".join(lines) + "\n"


def summary(report: CourseReport) -> str:
    """Markdown for the job summary: the score, then one row per concept."""
    out = [f"## Autograding: {points_text(report.score)} / {points_text(report.max_score)} points", "",
           "| exercise | concept | points | cases | status | what went wrong |",
           "| --- | --- | --- | --- | --- | --- |"]
    for ex in report.exercises:
        for c in ex.concepts:
            why = "" if c.ok else _message(c)
            out.append(f"| {ex.exercise} | {c.name} | {points_text(c.score)} / {points_text(c.max_score)} | "
                       f"{c.passed}/{c.total} | "
                       f"{c.status} | {_cell(why)} |")
    reproduce = sorted({ex.reproduce for ex in report.exercises})
    if reproduce:
        out += ["", "Reproduce on your machine: " + "; ".join(f"`{r}`" for r in reproduce)]
    return "\n".join(out) + "\n"


def _cell(text: str) -> str:
    """One Markdown table cell: no line breaks, no column bars, no HTML."""
    text = " ".join(text.split()).replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
    return text if len(text) <= 300 else text[:300] + " ..."


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
