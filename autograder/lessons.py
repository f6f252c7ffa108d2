"""What a lesson's notebook cells call: reveal() for predict-then-verify pairs, shown_errors() for demos.

These run in the student's kernel, never in the grader (the cells that use them are marked "not part
of your submission"). Neither may stop "Run all": a cell that raises stops every cell after it, and
the last one is check(), the only honest word on the student's code.
"""
from __future__ import annotations

import sys
import traceback

_TICK, _CROSS = "✓", "✗"


def reveal(prediction, answer) -> bool | None:
    """Print the student's prediction next to torch's answer: True if they agree, False if not, None
    when nothing was predicted yet. Never raises (any value, any type)."""
    try:
        if prediction is None:
            print("predict first: set `prediction` above, then run this cell again.")
            return None
        ok = _same(prediction, answer)
        print(f"your prediction: {_shown(prediction)}   torch says: {_shown(answer)}   {_TICK if ok else _CROSS}")
        return ok
    except Exception as error:  # a prediction no comparison understands is a wrong one, not a crash
        print(f"could not compare your prediction with torch's answer ({type(error).__name__}: {error}) {_CROSS}")
        return False


def _same(a, b) -> bool:
    torch = sys.modules.get("torch")
    if torch is not None and (isinstance(a, torch.Tensor) or isinstance(b, torch.Tensor)):
        a, b = torch.as_tensor(a, dtype=torch.float64), torch.as_tensor(b, dtype=torch.float64)
        return a.shape == b.shape and bool(torch.allclose(a, b, rtol=1e-4, atol=1e-6))
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(a - b) <= 1e-6 + 1e-4 * abs(b)
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):  # torch.Size is a tuple
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return bool(a == b)


def _shown(value) -> str:
    torch = sys.modules.get("torch")
    if isinstance(value, tuple) and type(value) is not tuple:  # torch.Size(...) reads as a tuple
        value = tuple(value)
    if torch is not None and isinstance(value, torch.Tensor):
        value = value.detach()
        return repr(value.item() if value.ndim == 0 else value.tolist())
    text = repr(value)
    return text if len(text) <= 200 else text[:197] + "..."


class shown_errors:
    """`with shown_errors(): ...` runs a demo's calls of the student's code: whatever they raise is
    printed in one line and the cell ends normally, so "Run all" still reaches check()."""

    def __enter__(self):
        return self

    def __exit__(self, kind, error, tb) -> bool:
        if kind is None or not issubclass(kind, Exception):  # KeyboardInterrupt still interrupts
            return False
        if isinstance(error, NotImplementedError):
            print(f"Not written yet ({error}): write it above, then run this cell again.")
        else:
            where = traceback.extract_tb(tb)[-1] if tb is not None else None
            at = f" (at {where.name}, line {where.lineno})" if where else ""
            print(f"Your code raised {kind.__name__}: {error}{at}. check() below grades it and says more.")
        return True
