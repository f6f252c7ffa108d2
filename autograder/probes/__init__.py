"""Probe inputs: a broad, independent input set per exercise, for classifying generated mutants.

Not the grader's cases: each exercise's module draws every parameter its contract allows, over
wide ranges and in every combination, invalid configurations included (sizes of 0, negative
padding, channels that do not match, unknown modes), without the case spaces' curation; the
torch oracle decides what each one should give. `probes(definition, count, seed)` is the interface:
(function, arguments) pairs, smallest first, a pure function of its arguments.

Each exercise's folder has a probes.py (solutions/<name>/probes.py) defining DRAWS: function name ->
draw(rng) -> arguments by name, built from the helpers here.
"""
from __future__ import annotations

from typing import Any

import numpy as np


def probes(definition, *, count: int, seed: int = 0) -> list[tuple[str, dict[str, Any]]]:
    """`count` probes of the exercise (a content.ExerciseDefinition) spread evenly over its
    functions, smallest first."""
    name = definition.name
    draws = definition.probes.DRAWS
    rng = np.random.default_rng([seed, len(name), sum(name.encode())])
    out = []
    for k in range(count):
        function = list(draws)[k % len(draws)]
        out.append((function, draws[function](rng)))
    return sorted(out, key=lambda fa: size(fa[1]))


def size(arguments: dict[str, Any]) -> int:
    """Tensor elements plus the magnitude of every number: smaller is simpler."""
    total = 0
    for v in arguments.values():
        if hasattr(v, "shape"):
            total += int(np.prod(tuple(v.shape) or (1,)))
        elif isinstance(v, (tuple, list)):
            total += sum(abs(int(x)) for x in v if isinstance(x, (int, float)))
        elif isinstance(v, (int, float)) and not isinstance(v, bool):
            total += abs(int(v))
    return total


def one_of(rng: np.random.Generator, choices):
    return choices[int(rng.integers(len(choices)))]


def num(rng: np.random.Generator, lo: int, hi: int, *, bad: tuple = (), p_bad: float = 0.08) -> int:
    """An int in [lo, hi], or now and then one of `bad` (an invalid value)."""
    if bad and rng.random() < p_bad:
        return int(one_of(rng, bad))
    return int(rng.integers(lo, max(lo, hi) + 1))


def pair_or_int(rng: np.random.Generator, lo: int, hi: int, *, bad: tuple = (), p_bad: float = 0.08):
    """An int or, half the time, a (height, width) pair of them."""
    if rng.random() < 0.5:
        return num(rng, lo, hi, bad=bad, p_bad=p_bad)
    return (num(rng, lo, hi, bad=bad, p_bad=p_bad / 2), num(rng, lo, hi, bad=bad, p_bad=p_bad / 2))


def tensor(rng: np.random.Generator, shape, *, fraction: bool | None = None, low: int = -4, high: int = 4):
    """float64 values, small integers or quarter steps (exact, so no tolerance is at stake)."""
    import torch

    if fraction is None:
        fraction = rng.random() < 0.5
    if fraction:
        data = rng.integers(4 * low, 4 * high + 1, size=tuple(shape)) / 4.0
    else:
        data = rng.integers(low, high + 1, size=tuple(shape)).astype(np.float64)
    return torch.from_numpy(np.asarray(data, dtype=np.float64))


def maybe(rng: np.random.Generator, arguments: dict[str, Any], defaults: dict[str, Any], p_omit: float = 0.25):
    """Leave out, now and then, an argument equal to its default (the defaults are part of the contract)."""
    return {k: v for k, v in arguments.items() if not (k in defaults and v == defaults[k] and rng.random() < p_omit)}
