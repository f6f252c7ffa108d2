"""Make a space's triggers hold on every seed: redraw its values until each promised mutant shows.

A space promises, in Space.triggers, the misconceptions its cases reveal. Parameter minimums
give the structure (a stride of 2, a padding of 1); the values must do the rest (a window whose
maximum is not its last element). `until_shown` draws arguments again until every promised
mutant's result differs from the oracle's, so the promise holds whatever the seed.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable

import numpy as np

from autograder.content import mutants_for
from autograder.mutants.base import formula

ATTEMPTS = 200


def differs(a: Any, b: Any) -> bool:
    """Values of the oracle's kinds (arrays, tuples, ints), or tensors: not the same shape or values."""
    if isinstance(a, tuple) or isinstance(b, tuple):
        if not (isinstance(a, tuple) and isinstance(b, (tuple, list))) or len(a) != len(b):
            return True
        return any(differs(x, y) for x, y in zip(a, b))
    a, b = _array(a), _array(b)
    if a.shape != b.shape:
        return True
    # beyond the grader's tolerance, so that "differs" means "a student doing this fails"
    return not _allclose(a, b, 1e-4, 1e-4)


def _allclose(a: np.ndarray, b: np.ndarray, rtol: float, atol: float) -> bool:
    """np.allclose(a, b, rtol, atol, equal_nan=True) for arrays of one shape, in a few ufunc calls:
    np.allclose's own checks cost ~0.4 ms per call, and drawing a class's cases makes thousands."""
    with np.errstate(invalid="ignore", over="ignore"):
        close = (np.abs(a - b) <= atol + rtol * np.abs(b)) & np.isfinite(a) & np.isfinite(b)
    if close.all():
        return True
    a, b = a[~close], b[~close]  # the rest are close only as equal infinities or NaN pairs
    return bool(np.all((a == b) | (np.isnan(a) & np.isnan(b))))


def _array(v: Any) -> np.ndarray:
    if hasattr(v, "detach"):
        v = v.detach().numpy()
    return np.asarray(v, dtype=np.float64)


def mutant_impls(exercise: str, function: str, ids: Iterable[str]) -> dict[str, Callable[..., Any]]:
    """id -> the wrong implementation of `function`, from the mutants the engine loaded for `exercise`
    (autograder/content.py): a folder's cases.py never imports its mutants.py, which imports its oracles."""
    wanted = set(ids)
    found = {m.id: m.impl for m in mutants_for(exercise) if m.function == function and m.id in wanted}
    return {i: found[i] for i in sorted(found)}


def until_shown(draw: Callable[[], dict], oracle: Callable[..., Any], impls: dict[str, Callable[..., Any]],
                *, what: str = "space") -> dict:
    """Arguments from `draw()` on which every impl differs from the oracle (a raise counts as differing)."""
    from autograder.pipeline import one_thread

    with one_thread():  # many tiny torch calls: a thread pool only costs time here
        return _until_shown(draw, oracle, impls, what)


def _until_shown(draw, oracle, impls, what):
    never = set(impls)
    ids = sorted(impls)  # the order of the pairs below: each pair (a, b) with a < b, judged as differs(a, b)
    # a mutant that validates like this oracle (mutants.base.refuses_like) runs it first on the same
    # arguments; the oracle has just returned on them here, so its check would pass: run the formula alone
    calls = {i: formula(impls[i], oracle) for i in ids}
    for _ in range(ATTEMPTS):
        args = draw()
        results = {ORACLE: oracle(**args), **{i: _result(calls[i], args) for i in ids}}
        same = _Sameness(results)
        hidden = {i for i in ids if same(ORACLE, i)}
        never &= hidden
        # and told apart: two promised mistakes with one result would leave the diagnosis guessing
        if not hidden and not any(same(a, b) for k, a in enumerate(ids) for b in ids[k + 1:]):
            return args
    raise AssertionError(f"{what}: no draw in {ATTEMPTS} shows every promised misconception, each its own way "
                         f"(never shown: {', '.join(sorted(never)) or 'none alone'})")


ORACLE = object()  # the oracle's key among the results (no mutant id can equal it)
LARGE = 1 << 16  # values of more elements are compared pair by pair, by differs_or_raised itself


class _Sameness:
    """same(a, b) == not differs_or_raised(results[a], results[b]), for every pair of one draw's results.

    One draw compares every promised mutant with the oracle and with every other mutant: up to a
    hundred differs() calls, each converting both values again. Here each value is converted once,
    and values of one shape are compared all pairs at once, with differs()'s arithmetic elementwise
    (so the answers are the same bit for bit). Values that are not plain arrays (tuples, raises, or
    anything conversion fails on) are compared by differs_or_raised itself."""

    def __init__(self, results: dict):
        self.results = results
        self.row: dict[Any, tuple[tuple, int]] = {}  # key -> (its shape, its row in that shape's matrix)
        self.same: dict[tuple, np.ndarray] = {}
        groups: dict[tuple, list] = {}
        for key, value in results.items():
            if isinstance(value, (tuple, _Raised)):
                continue
            try:
                array = _array(value)
            except Exception:  # differs() will meet it, and fail or answer, as it always did
                continue
            if array.size > LARGE:  # a workload (exercise8's speed case): stacked copies would only cost memory
                continue
            group = groups.setdefault(array.shape, [])
            self.row[key] = (array.shape, len(group))
            group.append(array.reshape(-1))
        for shape, rows in groups.items():
            self.same[shape] = _all_pairs_close(np.stack(rows), 1e-4, 1e-4)

    def __call__(self, a: Any, b: Any) -> bool:
        (shape_a, i), (shape_b, j) = self.row.get(a, ((), -1)), self.row.get(b, ((), -1))
        if i < 0 or j < 0:
            return not differs_or_raised(self.results[a], self.results[b])
        if shape_a != shape_b:
            return False
        return bool(self.same[shape_a][i, j])


# elements of one pairs-by-elements temporary: n values of m elements make n x n x m at once (six
# 2-million workloads took the grader to 1.5 GB before LARGE kept workloads out); pieces stay near 10 MB
PAIRS_CHUNK = 1 << 20


def _all_pairs_close(rows: np.ndarray, rtol: float, atol: float) -> np.ndarray:
    """close[i, j] == _allclose(rows[i], rows[j], rtol, atol) for every pair of rows (rows[j] the reference)."""
    n, size = rows.shape
    step = max(1, PAIRS_CHUNK // max(n * n, 1))
    result = np.ones((n, n), dtype=bool)
    for start in range(0, size, step):
        a, b = rows[:, None, start:start + step], rows[None, :, start:start + step]
        with np.errstate(invalid="ignore", over="ignore"):
            close = (np.abs(a - b) <= atol + rtol * np.abs(b)) & np.isfinite(a) & np.isfinite(b)
        result &= (close | (a == b) | (np.isnan(a) & np.isnan(b))).all(axis=2)
    return result


class _Raised:
    def __init__(self, error: Exception):
        self.kind = type(error).__name__


def _result(impl, args):
    try:
        return impl(**_copies(args))
    except Exception as e:  # a wrong implementation that crashes here shows too
        return _Raised(e)


def differs_or_raised(a: Any, b: Any) -> bool:
    if isinstance(a, _Raised) or isinstance(b, _Raised):
        return not (isinstance(a, _Raised) and isinstance(b, _Raised) and a.kind == b.kind)
    return differs(a, b)


def _copies(args: dict) -> dict:
    return {k: v.clone() if hasattr(v, "clone") else v for k, v in args.items()}
