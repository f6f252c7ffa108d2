"""Gradescope's results.json (the autograder specification): one test per concept.

Top level: score, execution_time, output (markdown), output_format, stdout_visibility,
visibility, tests. Each test: name, number ("exercise.concept" numbering), score, max_score,
status ("passed"/"failed"), output in markdown, output_format "md", tags, visibility.

Visibility (Gradescope's visible, hidden, after_due_date, after_published) comes from course.yml's
`gradescope:` (the results as a whole, and every test) and a concept's own `visibility:` in its
exercise.yml; a test's own visibility wins over the top level's. The summary a student reads now
only adds up the tests shown now, so it never gives away the score of a test shown later.
"""
from __future__ import annotations

import json
import os

from typing import Mapping

from autograder.pipeline import STATUS_MISCONCEPTION
from autograder.results import ConceptReport, CourseReport
from autograder.formats.show import example_texts

VISIBILITY = "visible"
WHEN = {"after_due_date": "will be shown after the due date",
        "after_published": "will be shown when grades are published",
        "hidden": "{counts} toward your score but {is_} not shown"}


def render(report: CourseReport, *, visibility: str = VISIBILITY,
           tests_visibility: Mapping[tuple[str, str], str] | None = None) -> str:
    """`visibility`: the results as a whole; `tests_visibility`: (exercise, concept) -> its test's
    (course.Course.visibility_for); a concept it does not name is visible."""
    shown = tests_visibility or {}
    tests = []
    for i, ex in enumerate(report.exercises, start=1):
        for j, c in enumerate(ex.concepts, start=1):
            tests.append({
                "name": f"{ex.exercise} — {ex.title}: {c.name}",
                "number": f"{i}.{j}",
                "score": c.score,
                "max_score": c.max_score,
                "status": "passed" if c.ok else "failed",  # Gradescope's words for a test
                "output": concept_markdown(c),
                "output_format": "md",
                # a status that is also its misconception id (not-implemented) is one tag, not two
                "tags": list(dict.fromkeys(t for t in (ex.exercise, c.name, c.status, c.misconception) if t)),
                "visibility": shown.get((ex.exercise, c.name), VISIBILITY),
            })
    out = {
        "score": report.score,  # the spec has no top-level max_score: the tests' max_score add up to it
        "output": summary_markdown(report, shown),
        "output_format": "md",
        "stdout_visibility": "hidden",  # the grader prints nothing a student needs; keep logs private
        "visibility": visibility,
        "tests": tests,
    }
    seconds = _process_seconds()
    if seconds is not None:
        out["execution_time"] = seconds
    return json.dumps(out, indent=2, allow_nan=False, ensure_ascii=False) + "\n"


def summary_markdown(report: CourseReport, shown: Mapping[tuple[str, str], str] | None = None) -> str:
    shown = shown or {}

    def now(ex, c) -> bool:
        return shown.get((ex.exercise, c.name), VISIBILITY) == VISIBILITY

    later = [(ex, c) for ex in report.exercises for c in ex.concepts if not now(ex, c)]
    if not later:
        lines = [f"**Score: {_num(report.score)} / {_num(report.max_score)}**", ""]
        for ex in report.exercises:
            lines.append(f"- {ex.exercise} ({ex.title}): {_num(ex.score)} / {_num(ex.max_score)}, seed {ex.seed}")
    else:  # only what is shown now adds up here: a total would give away the tests shown later
        seen = [(ex, [c for c in ex.concepts if now(ex, c)]) for ex in report.exercises]
        got = round(sum(c.score for _, cs in seen for c in cs), 4)
        out_of = round(sum(c.max_score for _, cs in seen for c in cs), 4)
        lines = [f"**Score on the tests shown now: {_num(got)} / {_num(out_of)}**", ""]
        for ex, cs in seen:
            lines.append(f"- {ex.exercise} ({ex.title}): {_num(round(sum(c.score for c in cs), 4))} / "
                         f"{_num(round(sum(c.max_score for c in cs), 4))} on the tests shown now, seed {ex.seed}")
        lines.append("")
        for kind, when in WHEN.items():
            those = [c for ex, c in later if shown[(ex.exercise, c.name)] == kind]
            if those:
                points = round(sum(c.max_score for c in those), 4)
                one = len(those) == 1
                lines.append(f"{len(those)} more test{'' if one else 's'} "
                             f"({_num(points)} point{'' if points == 1 else 's'}) "
                             + when.format(counts="counts" if one else "count", is_="is" if one else "are") + ".")
    for ex in report.exercises:
        for note in ex.notes:
            lines.append(f"\n_{ex.exercise}: {note}_")
    # each exercise has its own seed (secret, bound to the submitted code): one line each
    lines += ["", "Reproduce in your copy of the course, from the folder that holds the files you submitted:", ""]
    lines += [f"    {ex.reproduce}" for ex in report.exercises] or [f"    {_reproduce(report)}"]
    return "\n".join(lines)


def concept_markdown(c: ConceptReport) -> str:
    if c.ok:
        return f"All {c.total} cases passed."
    parts = [f"**{c.passed} / {c.total} cases passed** ({c.status})."]
    if c.misconception and c.misconception not in STATUS_MISCONCEPTION.values():  # a status, not a mistake
        parts.append(f"Looks like: `{c.misconception}`")
    if c.message:
        parts.append(_fence(c.message))
    if c.example is not None:
        inputs, expected, got = example_texts(c)  # as Python, like every screen a student reads
        parts.append("Smallest failing case:\n" + _fence(
            f"{c.example.call}\n" + "".join(f"    {k} = {_short(v)}\n" for k, v in inputs)
            + f"expected: {_short(expected)}\ngot:      {_short(got)}"))
    if c.hint:
        parts.append(f"Hint: {c.hint}")
    return "\n\n".join(parts)


def _fence(text: str) -> str:
    fence = "```"
    while fence in text:
        fence += "`"
    return f"{fence}\n{text}\n{fence}"


def _short(text: str) -> str:
    return text if len(text) <= 400 else text[:400] + " ..."


def _num(x: float) -> str:
    return f"{x:g}"


def _reproduce(report: CourseReport) -> str:
    if report.reproduce:
        return report.reproduce
    return report.exercises[0].reproduce if report.exercises else "grade"


def _process_seconds() -> int | None:
    """Seconds since this process started (Linux); Gradescope shows it as the execution time."""
    try:
        with open("/proc/self/stat", "rb") as f:
            stat = f.read()
        start_ticks = int(stat[stat.rfind(b")") + 2:].split()[19])
        with open("/proc/uptime") as f:
            uptime = float(f.read().split()[0])
        return max(0, round(uptime - start_ticks / os.sysconf("SC_CLK_TCK")))
    except (OSError, ValueError, IndexError):
        return None
