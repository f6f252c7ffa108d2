"""Cases as pure functions of a few small integers.

A Space is a kind of case: a function of the course called with arguments built from
named integer parameters, each in a [min, max] range. A Case is one point of a space.
Because a case is just its integers, it is reproducible from (seed, spec), ordered
smallest first, and shrunk by lowering its integers toward their minimums.

Conventions for parameters:
- `seed` (never shrunk) seeds the values of the tensors;
- `fraction`: 0 draws small integers (what a first lesson shows), 1 draws fractions;
- every other parameter is a size, stride, padding, ... whose minimum still shows the
  concept (a stride space has stride min 2), so shrinking keeps the case in its concept.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Callable, Mapping

import numpy as np

Params = Mapping[str, int]
SEED_MAX = 2**31 - 1


class Invalid(Exception):
    """Raised by an oracle: the call is an invalid configuration; a student must raise ValueError."""


@dataclass(frozen=True)
class Space:
    """A kind of case. `build(params, rng)` returns the call's arguments by name, in signature order."""

    name: str
    function: str
    params: Mapping[str, tuple[int, int]]
    build: Callable[[Params, np.random.Generator], dict[str, Any]]
    positional: int = 1
    triggers: frozenset[str] = frozenset()
    invalid: bool = False
    # optional: extra Call fields (e.g. time_repeats and baseline for a speed case), and a judge
    # judge(expected, outcome, tol) -> Verdict that replaces compare.judge for this space's cases
    call_options: Mapping[str, Any] = field(default_factory=dict)
    judge: Callable[..., Any] | None = None
    # optional, for a timed case: fresh(params, rng) -> arguments of the same form as build's, drawn
    # anew for each timed call (cheaply: no search for triggers), so no result can be reused
    fresh: Callable[[Params, np.random.Generator], dict[str, Any]] | None = None

    def __post_init__(self) -> None:
        for key, (lo, hi) in self.params.items():
            if lo > hi:
                raise ValueError(f"space {self.name}: parameter {key} has min {lo} above max {hi}")
        object.__setattr__(self, "triggers", frozenset(self.triggers))

    def draw(self, rng: np.random.Generator) -> dict[str, int]:
        drawn = {k: int(rng.integers(lo, hi + 1)) for k, (lo, hi) in self.params.items()}
        drawn["seed"] = int(rng.integers(0, SEED_MAX))
        return drawn


@dataclass(frozen=True)
class Call:
    """What crosses to the student's process: a function name and plain arguments."""

    function: str
    args: tuple = ()
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    time_repeats: int = 0
    baseline: str | None = None


@dataclass(frozen=True, eq=False)
class Case:
    concept: str
    space: Space
    params: Params

    @cached_property
    def arguments(self) -> dict[str, Any]:
        return self.space.build(self.params, np.random.default_rng(self.params["seed"]))

    @property
    def function(self) -> str:
        return self.space.function

    @cached_property
    def call(self) -> Call:
        args, kwargs = self.split(self.arguments)
        return Call(self.function, args, kwargs, **self.space.call_options)

    def split(self, arguments: Mapping[str, Any]) -> tuple[tuple, dict[str, Any]]:
        """(positional, keyword) arguments of a call, as the space passes them."""
        items = list(arguments.items())
        k = self.space.positional
        return tuple(v for _, v in items[:k]), dict(items[k:])

    def fresh_arguments(self, rng: np.random.Generator) -> dict[str, Any]:
        """New arguments of this case's form (a timed call's); the space's `fresh` draws them."""
        if self.space.fresh is None:
            raise ValueError(f"space {self.space.name} draws no fresh arguments")
        return self.space.fresh(self.params, rng)

    @cached_property
    def size(self) -> int:
        """Ordering key: tensor elements plus the other parameters (smaller is simpler)."""
        numel = sum(int(np.prod(getattr(v, "shape", ()) or (1,))) for v in self.arguments.values() if hasattr(v, "shape"))
        return numel + sum(v for k, v in self.params.items() if k != "seed")

    def with_params(self, **changes: int) -> "Case":
        return Case(self.concept, self.space, {**self.params, **changes})

    def describe(self) -> str:
        """The call as a student would write it: positional arrays by name, options as keywords."""
        items = list(self.arguments.items())
        k = self.space.positional
        parts = [name for name, _ in items[:k]]
        parts += [f"{name}={name if hasattr(v, 'shape') else repr(v)}" for name, v in items[k:]]
        return f"{self.function}({', '.join(parts)})"


def concept_rng(seed: int, exercise: str, concept: str) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(f"{exercise}/{concept}".encode())])


def values(rng: np.random.Generator, shape: tuple[int, ...], params: Params, *, low: int = -4, high: int = 4):
    """Tensor values: small integers when params['fraction'] is 0 (or absent), else quarter steps.

    Both kinds are exact in float64, so what the student sees is what was compared.
    """
    import torch

    if params.get("fraction", 0):
        data = rng.integers(4 * low, 4 * high + 1, size=shape) / 4.0
    else:
        data = rng.integers(low, high + 1, size=shape).astype(np.float64)
    return torch.from_numpy(np.asarray(data, dtype=np.float64))
