"""How close a float must be to the oracle's: course.yml's `tolerance:` keys.

A module of its own, not among pipeline.py's types, so that those stay free of pydantic: the
sandbox's runner needs them, and `grade` starts the sandbox first, before anything slow is
imported, so that its torch import overlaps the grader's.
"""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Tolerance(BaseModel):
    """numpy.isclose's rtol and atol, validated from course.yml; the same object reaches compare,
    diagnose and shrink."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rtol: float = Field(1e-5, ge=0)
    atol: float = Field(1e-6, ge=0)
