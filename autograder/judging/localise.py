"""Where a wrong result differs from PyTorch's, when no known mistake explains it. Pure.

`describe(expected, value, tol)` reads the student's value in the expected kind (keeping its own
shape) and says what pattern the difference has, in terms of where to look: the size formula,
the padding (only border positions differ), the bias (a constant offset), the stride (the first
position is right, later ones are not), a sign or a constant factor, exchanged channels or axes.
Only the example shown is described: nothing about other cases leaks into the message.
`explain` also names the topic of the pattern ("padding", "bias", "stride", "size", ...), so that the
hint a student sees is about what went wrong, not about the concept the case came from.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from autograder.cases.space import Invalid
from autograder.judging.compare import KindError, close, difference, normalize
from autograder.tolerance import Tolerance
from autograder.sandbox.wire import TaggedArray

SIZE_FORMULA = "L_out = (L + 2p - d(K-1) - 1) // s + 1"


def template(expected: Any, value: Any) -> Any:
    """`expected`'s kind with `value`'s shapes: what to normalize a value to before comparing it with
    another value that may have a wrong shape too. An Invalid expected takes the value's own kind."""
    if isinstance(expected, Invalid):
        return _kind_of(value)
    if isinstance(expected, np.ndarray):
        shape = _shape(value)
        if shape is not None and shape != expected.shape:
            return np.zeros(shape, dtype=expected.dtype)
        return expected
    if isinstance(expected, tuple) and isinstance(value, (tuple, list)) and len(value) == len(expected):
        return tuple(template(e, v) for e, v in zip(expected, value))
    return expected


def read(value: Any, expected: Any) -> Any:
    """The value normalized to `template(expected, value)`; KindError (or TypeError) if it cannot be."""
    return normalize(value, template(expected, value))


def describe(expected: Any, value: Any, tol: Tolerance = Tolerance()) -> str:
    """One or two sentences on the pattern of the difference, or "" when there is nothing to add."""
    return explain(expected, value, tol)[0]


def explain(expected: Any, value: Any, tol: Tolerance = Tolerance()) -> tuple[str, str]:
    """(describe's text, its topic): "size", "padding", "bias", "stride", "sign", "scale", "axes",
    "channels", "threshold", or "" when the pattern points nowhere in particular."""
    if isinstance(expected, Invalid):
        return "", ""
    try:
        got = read(value, expected)
    except (KindError, TypeError):
        return "", ""  # the verdict already says what kind of value came back
    return _describe(expected, got, tol)


def _describe(expected: Any, got: Any, tol: Tolerance) -> tuple[str, str]:
    if isinstance(expected, tuple):
        if len(expected) == 2 and not close(got, expected, tol) and _same(got[::-1], expected, tol):
            return (f"Your two values {_show(got)} are PyTorch's {_show(expected)} exchanged: check which is "
                    f"height and which is width.", "axes")
        found = [(k, _describe(e, g, tol)) for k, (e, g) in enumerate(zip(expected, got)) if not _same(g, e, tol)]
        topics = {topic for _, (_, topic) in found}
        return " ".join(f"item {k}: {text}" for k, (text, _) in found), topics.pop() if len(topics) == 1 else ""
    if isinstance(expected, (bool, np.bool_)):
        return f"You return {got}, PyTorch gives {expected}.", ""
    if isinstance(expected, (int, np.integer)):
        d = got - int(expected)
        more = "more" if d > 0 else "less"
        return (f"Your size {got} is {abs(d)} {more} than PyTorch's {int(expected)}: check each term of "
                f"{SIZE_FORMULA} with this example's arguments.", "size")
    if isinstance(expected, float):
        return _scalar(float(got), expected, tol), ""
    if isinstance(expected, np.ndarray):
        if got.shape != expected.shape:
            return _shapes(got.shape, expected.shape), "size"
        if expected.dtype == np.bool_:
            return _bools(got, expected), "threshold"
        return _values(got, expected, tol)
    return "", ""


def _scalar(g: float, e: float, tol: Tolerance) -> str:
    if e != 0 and np.isclose(g, -e, rtol=tol.rtol, atol=tol.atol):
        return f"Your value {g:g} is PyTorch's {e:g} negated."
    if e != 0 and g != 0:
        return f"Your value {g:g} is PyTorch's {e:g} times {g / e:.4g}."
    return f"Your value is {g:g}, PyTorch's is {e:g}."


def _shapes(got: tuple, expected: tuple) -> str:
    if len(got) != len(expected):
        return (f"Your output has {len(got)} axes {got}, PyTorch's has {len(expected)} {expected}: "
                f"a batch or channel axis is missing or extra.")
    axes = [i for i, (g, e) in enumerate(zip(got, expected)) if g != e]
    if len(axes) == 2 and sorted(got) == sorted(expected) and got[axes[0]] == expected[axes[1]]:
        return f"Your output has shape {got}, PyTorch's {expected}: axes {axes[0]} and {axes[1]} are exchanged."
    sizes = ", ".join(f"axis {i}: {got[i]} instead of {expected[i]}" for i in axes)
    return (f"Your output has shape {got}, PyTorch's {expected} ({sizes}): the output size is computed "
            f"wrongly; check {SIZE_FORMULA} with this example's arguments.")


def _bools(got: np.ndarray, expected: np.ndarray) -> str:
    wrong = got != expected
    if wrong.all():
        return "Every value is the opposite of PyTorch's: the comparison is the wrong way round."
    extra, missing = int((got & ~expected).sum()), int((~got & expected).sum())
    return f"{extra} value(s) are True where PyTorch has False, {missing} False where PyTorch has True."


# hints for patterns that no concept is about (a concept named like the topic gives its own hint first)
HINTS = {"unwritten": "Compute every output: for i in range(L_out), with L_out from the size formula, "
                      "and every output axis in full."}
TOPICS = {"_unwritten": "unwritten", "_negated": "sign", "_scaled": "scale", "_transposed": "axes", "_wrong_channel": "channels",
          "_offset": "bias", "_border": "padding", "_stride": "stride", "_shifted": "padding"}


def _values(got: np.ndarray, expected: np.ndarray, tol: Tolerance) -> tuple[str, str]:
    ok = np.isclose(got, expected, rtol=tol.rtol, atol=tol.atol)
    if not np.all(np.isfinite(got)):
        return difference(got, expected, tol) + ".", ""
    if expected.size == 0 or ok.all():
        return "", ""
    early = _unwritten(got, expected, ok, tol)  # before "all zeros": the right values may be zeros too
    if early:
        return early, "unwritten"
    if not got.any():
        return ("Your output is all zeros, as if no output was computed: does your loop run over every output "
                "position?"), "unwritten"
    for check in (_unwritten, _negated, _scaled, _transposed, _wrong_channel, _offset, _border, _stride, _shifted):
        found = check(got, expected, ok, tol)
        if found:
            return found, TOPICS[check.__name__]
    return difference(got, expected, tol) + ".", ""


def _unwritten(got, expected, ok, tol) -> str:
    """The right values, then zeros to the end of the last axis: a loop that stopped early (range(L_out - 1))."""
    wrong = ~ok.reshape(-1, expected.shape[-1]).all(axis=0)  # output positions wrong in any row
    if not wrong.any():
        return ""
    first = int(np.argmax(wrong))
    if first == 0 or not wrong[first:].all() or got[..., first:].any():
        return ""
    n = expected.shape[-1] - first
    which = "last output is" if n == 1 else f"last {n} outputs are"
    return (f"Your {which} 0, as if never computed, and the ones before are right: check that your loop runs "
            f"over every output position, range(L_out), not one fewer.")


def _negated(got, expected, ok, tol) -> str:
    if _same(got, -expected, tol):
        return "Your values are PyTorch's negated (the sign is flipped): something is taken the other way round."
    return ""


def _scaled(got, expected, ok, tol) -> str:
    norm = float((expected * expected).sum())
    if norm == 0:
        return ""
    c = float((got * expected).sum()) / norm
    if c not in (0.0, 1.0) and _same(got, c * expected, tol):
        return (f"Your values are PyTorch's times {c:.4g}: a constant factor is extra or missing "
                f"(an average instead of a sum, a normalisation, a count).")
    return ""


def _transposed(got, expected, ok, tol) -> str:
    if expected.ndim >= 2 and expected.shape[-1] == expected.shape[-2] and _same(got, np.swapaxes(expected, -1, -2), tol):
        return "Your output is PyTorch's with its last two axes exchanged: height and width are swapped."
    return ""


def _wrong_channel(got, expected, ok, tol) -> str:
    if expected.ndim < 3 or expected.shape[1] < 2:
        return ""
    channels = range(expected.shape[1])
    if all(_same(got[:, c], got[:, 0], tol) for c in channels) and not _same(expected, got, tol):
        # one result broadcast to every channel: an axis summed (or indexed) away, not an order
        return ("Every output channel of yours holds the same values: the filter axis was summed away (or one "
                "result broadcast to all). Each filter o makes its own channel, summing over the input "
                "channels c only.")
    # channel c -> the expected channel it holds; "wrong order" only when that is a true reordering
    holds = {c: next((o for o in channels if _same(got[:, c], expected[:, o], tol)), None) for c in channels}
    moved = [(c, o) for c, o in holds.items() if o is not None and o != c and not ok[:, c].all()]
    if not moved:
        return ""
    c, other = moved[0]
    if None not in holds.values() and len(set(holds.values())) == len(holds):
        return (f"Your output channel {c} holds the values PyTorch puts in channel {other}: "
                f"filters or channels are read in the wrong order.")
    return (f"Your output channel {c} holds the values PyTorch puts in channel {other}, but the channels are not "
            f"just reordered: check which axis each sum runs over (the input channels c, kept apart per filter o) "
            f"and which filter makes each channel.")


def _offset(got, expected, ok, tol) -> str:
    diff = got - expected
    if expected.ndim >= 3:  # (N, C, ...): one offset per output channel
        per = [diff[:, c] for c in range(expected.shape[1])]
        if all(np.ptp(p) <= tol.atol * 10 for p in per):
            shown = ", ".join(f"{float(p.flat[0]):+g}" for p in per)
            return (f"Every value of an output channel is off by the same amount (channel by channel: {shown}): "
                    f"look at how the bias is added (missing, added more than once, or the wrong one).")
        return ""
    if np.ptp(diff) <= tol.atol * 10:
        return (f"Every value is off by the same amount ({float(diff.flat[0]):+g}): look at how the bias is "
                f"added (missing, added more than once).")
    return ""


def _border(got, expected, ok, tol) -> str:
    axes = tuple(range(2, expected.ndim)) if expected.ndim >= 3 else tuple(range(expected.ndim))
    wrong = np.argwhere(~ok)
    for band in range(1, max(expected.shape[a] for a in axes) // 2 + 1):
        def near(idx) -> bool:
            return any(idx[a] < band or idx[a] >= expected.shape[a] - band for a in axes)
        if not all(near(i) for i in wrong):
            continue
        interior = all(expected.shape[a] > 2 * band for a in axes)
        if not interior:
            return ""
        start = any(i[a] < band for i in wrong for a in axes)
        end = any(i[a] >= expected.shape[a] - band for i in wrong for a in axes)
        first, last, verb = ("first", "last", "differs") if band == 1 else (f"first {band}", f"last {band}", "differ")
        if start and not end:
            return (f"Only the {first} output{'s' if band > 1 else ''} {verb} (the start); the rest is right: "
                    f"look at the padding before the input, which is p zeros.")
        if end and not start:
            return (f"Only the {last} output{'s' if band > 1 else ''} {verb} (the end); the rest is right: "
                    f"look at the padding after the input, which is p zeros.")
        return (f"Only the {first} and {last} outputs differ; the middle is right: look at the padding "
                f"(p zeros before and p zeros after the input).")
    return ""


def _stride(got, expected, ok, tol) -> str:
    if expected.shape[-1] < 3:
        return ""
    first_ok = ok[..., 0].all()
    later_wrong = (~ok[..., 1:]).mean()
    if first_ok and later_wrong >= 0.5:
        return ("The first output position is right but later ones are not: the window moves by the wrong "
                "step from one output to the next (check the stride: input index = i * stride + k * dilation).")
    return ""


def _shifted(got, expected, ok, tol) -> str:
    if expected.shape[-1] < 3:
        return ""
    for shift in (1, -1):
        a = got[..., max(shift, 0): expected.shape[-1] + min(shift, 0)]
        b = expected[..., max(-shift, 0): expected.shape[-1] + min(-shift, 0)]
        if _same(a, b, tol):
            where = "later" if shift == 1 else "earlier"
            return (f"Your values are PyTorch's moved by one position (each output holds the one PyTorch "
                    f"computes one step {where}): the window starts at the wrong place (padding side or an off-by-one).")
    return ""


def _same(got, expected, tol: Tolerance) -> bool:
    try:
        if isinstance(expected, np.ndarray) and np.shape(got) != expected.shape:
            return False
        return close(got, expected, tol)
    except (TypeError, ValueError):
        return False


def _show(v: Any) -> str:
    return repr(tuple(int(x) if isinstance(x, (int, np.integer)) else x for x in v))


def _shape(value: Any) -> tuple | None:
    if isinstance(value, TaggedArray):
        return tuple(value.array.shape)
    if type(value) in (int, float, bool):
        return ()
    if isinstance(value, (list, tuple)):
        if not value:
            return (0,)
        shapes = {_shape(v) for v in value}
        if len(shapes) == 1 and None not in shapes:
            return (len(value), *shapes.pop())
    return None


def _kind_of(value: Any) -> Any:
    """A template of the value's own kind (for an invalid case, where PyTorch has no value)."""
    if type(value) in (int, bool, float):
        return type(value)()
    if isinstance(value, TaggedArray):
        dtype = np.bool_ if value.array.dtype.kind == "b" else np.float64
        return np.zeros(value.array.shape, dtype=dtype)
    if isinstance(value, (list, tuple)):
        return tuple(_kind_of(v) for v in value)
    return None
