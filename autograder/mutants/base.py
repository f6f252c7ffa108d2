"""A mutant: a misconception from shared/misconceptions.md as a wrong implementation."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable


@dataclass(frozen=True)
class Mutant:
    """`id` is the misconception id; `function` the exercise function it replaces; `impl` takes the
    same arguments as the student's function (torch float64 tensors) and returns the wrong value
    (or raises ValueError where the wrong code would); `explanation` says, in the student's terms,
    what the code does and what PyTorch does instead; `line` shows the formula or loop line that
    differs (e.g. "out[i] = sum(x[i + k] * w[K - 1 - k])  # kernel read backwards")."""

    id: str
    function: str
    impl: Callable[..., Any]
    explanation: str
    line: str = ""
