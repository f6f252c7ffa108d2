"""How close a float must be to the oracle's: course.yml's `tolerance:` keys.

A module of its own (pipeline.py hands it on) so that importing the pipeline's types does not
import pydantic: the sandbox's runner needs those types, and `grade` starts the sandbox first,
before anything slow is imported, so that its torch import overlaps the grader's.
"""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Tolerance(BaseModel):
    """numpy.isclose's rtol and atol, validated from course.yml; the same object reaches compare,
    diagnose and shrink."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rtol: float = Field(1e-5, ge=0)
    atol: float = Field(1e-6, ge=0)
