"""What a stored grade depends on, as one digest per exercise: a rerun of `grade batch` compares them.

A row of the gradebook is only as good as what graded it. The digest covers the exercise's entry
(points, concepts, cases, hints, per-exercise tolerance and limits), course.yml's settings that
reach it (tolerance, limits, its forbidden groups), the grader's files in its folder (exercise.yml,
cases.py, mutants.py) and the grader's own source. When one changes, the rows graded before it are
stale: the batch regrades them instead of keeping old scores silently.
"""
from __future__ import annotations

import hashlib
import json
from typing import Sequence

from autograder.content import GRADER_NEEDS
from autograder.course import Course
from autograder.source_digest import package_digest



def exercise_fingerprints(course: Course, names: Sequence[str]) -> dict[str, str]:
    """exercise name -> a short hex digest of everything its grades depend on."""
    grader = package_digest()
    out = {}
    for name in names:
        ex = course.exercise(name)
        settings = {
            "exercise": ex.model_dump(mode="json"),
            "tolerance": course.tolerance_for(name).model_dump(mode="json"),
            "limits": course.limits_for(name).model_dump(mode="json"),
            "forbidden": {g: course.forbidden[g].model_dump(mode="json") for g in ex.forbidden if g in course.forbidden},
        }
        h = hashlib.sha256()
        _part(h, "conv-course fingerprint v1")
        _part(h, grader)
        _part(h, json.dumps(settings, sort_keys=True, default=str))
        folder = course.folder(name)
        for file in GRADER_NEEDS:
            path = folder / file
            _part(h, file)
            _part(h, path.read_bytes() if path.is_file() and not path.is_symlink() else b"")
        out[name] = h.hexdigest()[:16]
    return out




def _part(h, data: str | bytes) -> None:
    data = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    h.update(len(data).to_bytes(8, "big"))
    h.update(data)
