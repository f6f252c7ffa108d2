"""The class report tells apart what happened: not submitted, untouched, crashed, forbidden, timeout,
wrong, full; keeps the course's order; names the failures with no diagnosis, the cases that fail
most often, an integrity list, and reproduces the grade that needs looking at."""
from __future__ import annotations

import html
import re

import pytest

from autograder.classroom.class_overview import CATEGORY_COLOR, write_class_report
from autograder.classroom.gradebook import Gradebook
from autograder.results import ConceptReport, Example, ExerciseReport

# exercise.yml's concept order, not alphabetical
CONCEPTS = ("stride", "kernel", "padding")


def _report(student: str, exercise: str, how: dict[str, tuple]) -> ExerciseReport:
    """how: concept -> (status, score, misconception, message, example call or None)"""
    concepts = []
    for name in CONCEPTS:
        status, score, misconception, message, call = how.get(name, ("passed", 1.0, None, "", None))
        example = Example(call, {"length": 3}, 2, 1) if call else None
        concepts.append(ConceptReport(name, score, 1.0, int(score * 4), 4, status, misconception, message, example))
    total = round(sum(c.score for c in concepts), 4)
    return ExerciseReport(exercise, "T", 7, total, 3.0, tuple(concepts), f"grade {exercise} --submission subs/{student} --seed 7")


NOT_SUBMITTED = {c: ("not-implemented", 0.0, "not-implemented", "not submitted: no exercise2.py", None) for c in CONCEPTS}
UNTOUCHED = {c: ("not-implemented", 0.0, "not-implemented", "conv: not implemented", None) for c in CONCEPTS}
CLASS = {  # student -> exercise -> what happened
    "ann": {"exercise2": {}, "exercise1": {}},  # full marks
    "ben": {"exercise2": NOT_SUBMITTED, "exercise1": UNTOUCHED},
    "cal": {"exercise2": {"kernel": ("crash", 0.0, "crash", "importing exercise2.py failed", None)},
            "exercise1": {"stride": ("failed", 0.5, None, "", "conv_output_length(length, 1, stride=2)")}},
    "dee": {"exercise2": {"padding": ("forbidden", 0.0, "forbidden-call", "F.pad is forbidden", None)},
            "exercise1": {"stride": ("failed", 0.25, "missing-plus-one", "", "conv_output_length(length, 1, stride=2)")}},
    "eve": {"exercise2": {"stride": ("timeout", 0.0, "timeout", "ran out of time", None)},
            "exercise1": {"kernel": ("failed", 0.5, None, "", "conv_output_length(length, 3)")}},
}


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("outcomes")
    with Gradebook(tmp / "gb.db") as book:
        book.set_meta(course="C", exercises="exercise2,exercise1")  # the batch stores course order
        for student, exercises in CLASS.items():
            for exercise, how in exercises.items():
                book.record(student, _report(student, exercise, how), seconds=0.1)
        assert book.concept_order() == [(e, c) for e in ("exercise2", "exercise1") for c in CONCEPTS]
        index = write_class_report(book, tmp / "out")
    return html.unescape(index.read_text(encoding="utf-8")), tmp / "out"


def _row(page: str, first_cell: str) -> list[str]:
    match = re.search(rf"<tr><td>{re.escape(first_cell)}</td>(.*?)</tr>", page)
    assert match, first_cell
    return re.findall(r"<td[^>]*>(.*?)</td>", match.group(1))


def test_each_exercise_counts_students_by_what_happened_in_course_order(page):
    text, _ = page
    header = re.search(r"<th>exercise</th>(.*?)</tr>", text).group(1)
    assert re.findall(r"<th>(.*?)</th>", header)[5:] == ["not submitted", "untouched", "crashed", "forbidden",
                                                         "timeout", "wrong", "full"]
    # students, mean, median, lowest, points, then the seven counts
    assert _row(text, "exercise2")[5:] == ["1", "0", "1", "1", "1", "0", "1"]
    assert _row(text, "exercise1")[5:] == ["0", "1", "0", "0", "0", "3", "1"]
    assert text.index("<tr><td>exercise2</td>") < text.index("<tr><td>exercise1</td>")


def test_failures_with_no_diagnosis_are_counted_and_placed(page):
    text, _ = page
    assert "2 of 3 failed concept rows had no misconception" in text
    assert _row(text, "exercise1/stride") == ["1"] and _row(text, "exercise1/kernel")[0] == "1"


def test_the_case_that_fails_most_often_comes_first(page):
    text, _ = page
    section = text[text.index("<h2>Cases that fail most often</h2>"):]
    first = re.search(r"<tr><td>([^<]*)</td><td class=num>(\d+)</td><td><code>([^<]*)</code>", section)
    assert first.groups() == ("exercise1/stride", "2", "conv_output_length(length, 1, stride=2)  [length=3]")


def test_the_integrity_list_names_forbidden_calls_and_timeouts(page):
    text, _ = page
    section = text[text.index("<h2>Integrity</h2>"):text.index("<h2>Students who need help</h2>")]
    assert re.findall(r"<tr><td>(\w+)</td><td>(\w+)</td><td>(\w*)</td><td>(\w*)</td></tr>", section) == [
        ("dee", "exercise2", "padding", ""), ("eve", "exercise2", "", "stride")]
    assert "<td>cal</td>" not in section  # a crash is not an integrity matter


def test_help_reproduces_the_crash_not_the_first_exercise_that_lost_points(page):
    text, _ = page
    section = text[text.index("<h2>Students who need help</h2>"):]
    # cal lost points in exercise1 (listed second) and crashed in exercise2
    assert "<code>grade exercise2 --submission subs/cal --seed 7</code>" in section
    assert "exercise2: crashed" in section and "exercise2: forbidden" in section and "exercise2: timeout" in section
    # ben: nothing crashed; the exercise that lost the most points (both lost 3: the first in course order)
    assert "<code>grade exercise2 --submission subs/ben --seed 7</code>" in section


def test_the_heat_map_draws_each_outcome_in_its_own_colour(page):
    import matplotlib.image as mpimg
    import numpy as np
    from matplotlib.colors import to_rgb

    _, out = page
    pixels = mpimg.imread(out / "concept_mastery.png")[..., :3]
    for category in ("not submitted", "untouched", "crashed", "forbidden", "timeout"):
        colour = np.array(to_rgb(CATEGORY_COLOR[category]))
        hits = np.all(np.abs(pixels - colour) < 0.02, axis=-1).sum()
        assert hits > 50, category  # a cell, not just its legend patch
