"""A generated class for batch tests and bench/batch.py: correct, buggy and hostile submissions.

Buggy ones are the reference solution with one misconception edited in; hostile ones never
return (an infinite loop in a function) or fail at import. Half the students use the course
layout (STUDENT/exercises/exercise1.py), half a flat folder (STUDENT/exercise1.py).
"""
from __future__ import annotations

import shutil
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent

# kind -> (old, new) edits to solutions/exercise1/exercise1.py; each must apply exactly once
EXERCISE1_EDITS = {
    "missing-plus-one": ("return (padded - span) // stride + 1", "return (padded - span) // stride"),
    "padding-once": ("padded = length + 2 * padding", "padded = length + padding"),
    "pool-stride-one": ("        stride = kernel_size\n", "        stride = 1\n"),
    "infinite-loop": ('    ### BEGIN SOLUTION\n    for name, value in (("length", length)',
                      '    ### BEGIN SOLUTION\n    while True:\n        pass\n    for name, value in (("length", length)'),
}
# a class of 10: 5 correct, 3 buggy, 2 hostile; repeated to any size
PATTERN = ("correct", "missing-plus-one", "correct", "padding-once", "crash-at-import",
           "correct", "pool-stride-one", "correct", "infinite-loop", "correct")


def exercise1_source(kind: str) -> str:
    text = (ROOT / "solutions" / "exercise1" / "exercise1.py").read_text(encoding="utf-8")
    if kind == "correct":
        return text
    if kind == "crash-at-import":
        return "raise RuntimeError('this submission fails at import')\n" + text
    old, new = EXERCISE1_EDITS[kind]
    # the infinite loop goes in the first function only (conv_output_length)
    assert old in text, f"solutions/exercise1/exercise1.py changed: cannot apply {kind!r}"
    return text.replace(old, new, 1)


def make_class(folder: Path, size: int, *, kinds=PATTERN) -> dict[str, str]:
    """Write `size` student folders under `folder`; returns student id -> kind."""
    folder = Path(folder)
    made = {}
    for i in range(size):
        student, kind = f"student{i + 1:02d}", kinds[i % len(kinds)]
        target = folder / student / "exercises" if i % 2 else folder / student
        target.mkdir(parents=True, exist_ok=True)
        (target / "exercise1.py").write_text(exercise1_source(kind), encoding="utf-8")
        made[student] = kind
    return made


def small_course(folder: Path, *, time_per_case: float = 0.5, time_per_exercise: float = 4.0) -> Path:
    """A copy of course.yml with exercise1 only (and its folder, and shared/) and short limits (hostile cases end fast)."""
    data = yaml.safe_load((ROOT / "course.yml").read_text(encoding="utf-8"))
    data["exercises"] = ["exercise1"]
    data["limits"] = {**data.get("limits", {}), "time_per_case": time_per_case,
                      "time_per_exercise": time_per_exercise}
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for part in ("exercise1", "shared"):  # shared/: what several folders import (the lessons' drawing code)
        shutil.copytree(ROOT / "solutions" / part, folder / "solutions" / part, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__"))
    path = folder / "course.yml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def fake_exercise_report(student_index: int = 0, exercise: str = "exercise1"):
    """A hand-made ExerciseReport (no sandbox): every status, a misconception, awkward text."""
    from autograder.results import ConceptReport, Example, ExerciseReport

    i = student_index
    concepts = (
        ConceptReport("kernel", 1.0, 1.0, 8, 8, "passed", hint="K taps fit L - K + 1 times."),
        ConceptReport("stride", 0.75 if i % 3 else 0.0, 1.5, 4 if i % 3 else 0, 8, "failed",
                      misconception="missing-plus-one" if i % 2 else "ceil-not-floor",
                      message="Your size is one short.\nThe line: L_out = ... // s  # missing + 1 <&> ]]>",
                      example=Example("conv_output_length(length, kernel_size, stride=2)",
                                      {"length": 3, "kernel_size": 1, "stride": 2}, 2, 1),
                      hint="Add 1.", output="printed \x1b[31mred\x1b[0m\x00 text"),
        ConceptReport("padding", 0.0, 1.0, 0, 6, "crash" if i % 4 == 0 else "timeout",
                      misconception="crash" if i % 4 == 0 else "timeout",
                      message="importing exercise1.py failed:\n  RuntimeError: boom"),
        ConceptReport("pooling", 0.0, 1.0, 0, 6, "not-implemented", "not-implemented",
                      "pool_output_length is not implemented"),
    )
    score = round(sum(c.score for c in concepts), 4)
    return ExerciseReport(exercise, "Output size", 1000 + i, score, 4.5, concepts,
                          f"grade {exercise} --submission subs/s{i} --seed {1000 + i}")
