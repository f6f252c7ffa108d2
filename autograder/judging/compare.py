"""Compare what the student's code did with what torch says. Pure: no files, no processes.

The expected value decides the kind: an int wants an integral value; a tuple wants a
sequence of the same length (a tuple, list, or 1-d integer array or tensor); a float64 array wants numbers of exactly its shape; a bool
array wants bools. A result of the wrong kind is wrong, never converted into points.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from autograder.cases.space import Invalid
# STATUS_ORDER and Verdict are also what the exercises' own judges import from here
from autograder.pipeline import (NOT_ARITHMETIC, STATUS_MISCONCEPTION, STATUS_ORDER, Outcome,  # noqa: F401
                                 Status, Verdict)
from autograder.sandbox.wire import TaggedArray, Unsupported


# elements compared at a time: np.allclose makes several temporaries of its inputs' size, and a 16 MB
# result (exercise8's speed case, checked on every timed call) would add ~80 MB to the grader's peak
CHUNK = 1 << 18


class KindError(ValueError):
    """The value is not of the kind the expected value needs; str() says why, for the student."""


class ShapeError(KindError):
    """The right kind, the wrong shape or length."""


def normalize(value: Any, like: Any) -> Any:
    """`value` in the same kind as `like` (int, tuple, float64 or bool ndarray), or KindError."""
    if isinstance(value, Unsupported):
        raise KindError(f"returned a {value}, which is not a tensor, array, number or list")
    if isinstance(like, bool) or isinstance(like, np.bool_):
        if type(value) is bool:
            return value
        raise KindError(f"returned {_kind(value)}, expected True or False")
    if isinstance(like, (int, np.integer)):
        return _integral(value)
    if isinstance(like, tuple):
        if isinstance(value, TaggedArray) and value.array.ndim == 1:  # an integer array or tensor of sizes
            value = [TaggedArray(v, value.src) for v in value.array]
        if not isinstance(value, (tuple, list)):
            raise KindError(f"returned {_kind(value)}, expected a pair/tuple of {len(like)} values")
        if len(value) != len(like):
            raise ShapeError(f"returned {len(value)} values, expected {len(like)}")
        return tuple(normalize(v, lk) for v, lk in zip(value, like))
    if isinstance(like, np.ndarray):
        arr = _numeric_array(value, boolean=like.dtype == np.bool_)
        if arr.shape != like.shape:
            raise ShapeError(f"returned shape {tuple(arr.shape)}, expected {tuple(like.shape)}")
        return arr
    if isinstance(like, float):
        arr = _numeric_array(value, boolean=False)
        if arr.shape != ():
            raise ShapeError(f"returned shape {tuple(arr.shape)}, expected a single number")
        return float(arr)
    raise TypeError(f"unknown expected kind {type(like).__name__}")


def close(got: Any, expected: Any, tol: Tolerance) -> bool:
    """Both normalized to the expected's kind."""
    if isinstance(expected, tuple):
        return all(close(g, e, tol) for g, e in zip(got, expected))
    if isinstance(expected, np.ndarray):
        if expected.dtype == np.bool_:
            return bool(np.array_equal(got, expected))
        if np.shape(got) != expected.shape:  # broadcast, or raise, as np.allclose does
            return bool(np.allclose(got, expected, rtol=tol.rtol, atol=tol.atol, equal_nan=False))
        g, e = got.reshape(-1), expected.reshape(-1)
        return all(np.allclose(g[i:i + CHUNK], e[i:i + CHUNK], rtol=tol.rtol, atol=tol.atol, equal_nan=False)
                   for i in range(0, max(e.size, 1), CHUNK))
    if isinstance(expected, float):
        return bool(np.isclose(got, expected, rtol=tol.rtol, atol=tol.atol))
    return got == expected


def judge(expected: Any, outcome: Outcome, tol: Tolerance) -> Verdict:
    """One case's verdict. `expected` is the oracle's value or an Invalid."""
    if outcome.status in NOT_ARITHMETIC:
        return Verdict(outcome.status, outcome.message, STATUS_MISCONCEPTION[outcome.status])
    if isinstance(expected, Invalid):
        if outcome.status == Status.RAISED and outcome.error == "ValueError":
            return Verdict(Status.PASSED)
        if outcome.status == Status.RAISED:
            return Verdict(Status.FAILED, f"raised {outcome.error} for an invalid configuration ({expected}); "
                                            f"raise ValueError with a message that says what is wrong", "no-validation")
        return Verdict(Status.FAILED, f"returned a value for an invalid configuration ({expected}); "
                                        f"it must raise ValueError", "no-validation")
    if outcome.status == Status.RAISED:
        what = "raised ValueError on a valid configuration" if outcome.error == "ValueError" else "raised"
        return Verdict(Status.CRASH, f"{what}:\n{outcome.message}", STATUS_MISCONCEPTION[Status.CRASH])
    if outcome.changed:
        names = ", ".join(outcome.changed)
        return Verdict(Status.FAILED, f"changed its input {names} in place; the caller's tensors must stay as they "
                                      f"were (use out-of-place operations: x.transpose(1, 2), not x.transpose_(1, 2); "
                                      f"x = x + 1, not x += 1; or work on x.clone())", "input-changed")
    try:
        got = normalize(outcome.value, expected)
    except KindError as e:
        return Verdict(Status.FAILED, str(e), "wrong-shape" if isinstance(e, ShapeError) else None)
    if close(got, expected, tol):
        return Verdict(Status.PASSED, got=got)
    return Verdict(Status.FAILED, difference(got, expected, tol), None, got=got)


def difference(got: Any, expected: Any, tol: Tolerance) -> str:
    """One line on where and how much the values differ."""
    if isinstance(expected, tuple):
        for k, (g, e) in enumerate(zip(got, expected)):
            if not close(g, e, tol):
                return f"item {k}: {difference(g, e, tol)}"
        return "values differ"
    if isinstance(expected, np.ndarray) and expected.size:
        if expected.dtype == np.bool_:
            wrong = got != expected
            return f"{int(wrong.sum())} of {expected.size} values differ"
        if not np.all(np.isfinite(got)):
            bad = int((~np.isfinite(got)).sum())
            return f"{bad} of {expected.size} values are NaN or infinite"
        off = ~np.isclose(got, expected, rtol=tol.rtol, atol=tol.atol)
        err = np.abs(got - expected)
        at = np.unravel_index(int(np.argmax(np.where(off, err, -1))), expected.shape)
        return (f"{int(off.sum())} of {expected.size} values differ; the largest difference is "
                f"{float(err[at]):.4g} at index {tuple(int(i) for i in at)}")
    return f"returned {got!r}, expected {expected!r}"


def _integral(value: Any) -> int:
    if type(value) is int:
        return value
    if type(value) is bool:
        raise KindError("returned a bool, expected an int")
    if isinstance(value, TaggedArray) and value.array.shape == () and value.array.dtype.kind in "iu":
        return int(value.array)
    if type(value) is float or (isinstance(value, TaggedArray) and value.array.dtype.kind == "f"):
        shown = value if type(value) is float else value.array.tolist()
        raise KindError(f"returned the float {shown!r}, expected an int (use // for whole-number division)")
    raise KindError(f"returned {_kind(value)}, expected an int")


def _numeric_array(value: Any, *, boolean: bool) -> np.ndarray:
    arr = _as_array(value)
    kind = arr.dtype.kind
    if boolean:
        if kind != "b":
            raise KindError(f"returned values of dtype {arr.dtype}, expected a bool tensor")
        return arr
    if kind == "b":
        raise KindError("returned bools where numbers are due")
    if kind == "c":
        raise KindError("returned complex numbers")
    if kind not in "iuf":
        raise KindError(f"returned values of dtype {arr.dtype}")
    return arr.astype(np.float64, copy=False)  # a float64 result is read as it came (exercise8's: 16 MB)


def _as_array(value: Any) -> np.ndarray:
    if isinstance(value, TaggedArray):
        return value.array
    if type(value) in (int, float, bool):
        return np.asarray(value)
    if isinstance(value, (list, tuple)):
        items = [_as_array(v) for v in value]
        shapes = {i.shape for i in items}
        if len(shapes) > 1:
            raise KindError("returned nested lists of uneven lengths")
        if not items:
            return np.zeros((0,))
        return np.stack(items)
    raise KindError(f"returned {_kind(value)}, expected numbers")


def _kind(value: Any) -> str:
    if isinstance(value, TaggedArray):
        return f"a {value.src} of shape {tuple(value.array.shape)} and dtype {value.array.dtype}"
    if isinstance(value, Unsupported):
        return f"a {value}"
    if value is None:
        return "None"
    return f"a {type(value).__name__}"

