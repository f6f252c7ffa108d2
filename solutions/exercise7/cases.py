"""exercise7 — conv2d in full: the conv2d concepts of solutions/shared/cases.py (exercise8 shares them)."""
from __future__ import annotations

from autograder.cases.spec import ExerciseSpec

from ..shared.cases import concepts_for, conv2d


SPEC = ExerciseSpec(name="exercise7", concepts=concepts_for("exercise7", "conv2d", conv2d), oracles={"conv2d": conv2d})
