"""What happened to each student's exercise and concept, in the words of the class report.

Pure: gradebook rows in, categories out. A concept row is one of

- `not submitted`: no file for the exercise (contain.missing_report's "not submitted: ...");
- `untouched`: the stub still raises NotImplementedError;
- `crashed`: the code failed at import or the grader could not run it;
- `forbidden`: a forbidden call (an integrity matter, listed apart);
- `timeout`: it ran out of time (listed with the forbidden calls);
- `wrong`: it ran and lost points;
- `full`: every case passed.

An exercise takes its concepts' worst category in that order. The report counts them apart
because each asks something else of the instructor: a reminder, help getting started, a look
at the crash, a word about integrity, or teaching.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from typing import Iterable, Mapping

from autograder.pipeline import Status

CATEGORIES = ("not submitted", "untouched", "crashed", "forbidden", "timeout", "wrong", "full")
NOT_SUBMITTED = "not submitted:"  # contain.missing_report's message prefix


def concept_category(row: Mapping) -> str:
    """A gradebook concept row (status, message, score, max_score) -> its category."""
    status = row["status"]
    if status == Status.NOT_IMPLEMENTED:
        return "not submitted" if str(row.get("message") or "").startswith(NOT_SUBMITTED) else "untouched"
    if status == Status.CRASH:
        return "crashed"
    if status == Status.FORBIDDEN:
        return "forbidden"
    if status == Status.TIMEOUT:
        return "timeout"
    return "full" if row["score"] >= row["max_score"] else "wrong"


def exercise_categories(concepts: Iterable[Mapping]) -> dict[tuple[str, str], str]:
    """(student, exercise) -> the worst category of its concepts."""
    worst: dict[tuple[str, str], str] = {}
    for row in concepts:
        key = (row["student"], row["exercise"])
        cat = concept_category(row)
        if key not in worst or CATEGORIES.index(cat) < CATEGORIES.index(worst[key]):
            worst[key] = cat
    return worst


def undiagnosed(concepts: Iterable[Mapping]) -> tuple[int, int, Counter]:
    """Failed concept rows (status failed), how many had no misconception, and those by
    (exercise, concept): where the diagnosis has nothing to say yet."""
    failed = [r for r in concepts if r["status"] == Status.FAILED]
    missing = Counter((r["exercise"], r["concept"]) for r in failed if not r.get("misconception"))
    return len(failed), sum(missing.values()), missing


def failing_cases(reports: Iterable[tuple[str, dict]]) -> dict[tuple[str, str], Counter]:
    """(exercise, concept) -> Counter of the smallest failing case shown (its call and inputs) over
    the students who failed it: the cases that fail most often."""
    out: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for _student, report in reports:
        for c in report.get("concepts", ()):
            example = c.get("example")
            if c.get("status") == Status.FAILED and example:
                inputs = ", ".join(f"{k}={v!r}" for k, v in (example.get("inputs") or {}).items())
                out[(report["exercise"], c["name"])][f"{example.get('call', '')}  [{inputs}]"] += 1
    return out
