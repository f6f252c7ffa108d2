"""Values on screen as a student would type them in Python: `True`, `None`, `(2, 3)`, `'same'`,
`tensor([[1., -2.]])` with its shape. Pure: text from values, nothing else.

The JSON report keeps its own JSON-ready values (report.Example); what a person reads (text,
HTML, nbgrader feedback) comes from here, so a tuple stays a tuple, a string keeps its quotes
and a tensor says it is one.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

CAP = 600  # characters of one value on screen; the rest is " ..."


@dataclass(frozen=True)
class Shown:
    """A failing case as text: each input `name = value`, what PyTorch gives, what the code did."""

    inputs: tuple[tuple[str, str], ...]
    expected: str
    got: str


def value_text(value: Any, *, cap: int = CAP) -> str:
    """`value` (tensor, array, TaggedArray, number, tuple, list, str, None) as Python source."""
    text = _text(value)
    return text if len(text) <= cap else text[:cap] + " ..."


def json_text(value: Any, *, prose: bool = False, cap: int = CAP) -> str:
    """A JSON-ready value (report.Example's) as Python: true -> True, null -> None, "nan" -> nan.
    With `prose`, a string is a description ("raised IndexError"), shown without quotes."""
    if isinstance(value, str) and (prose or value in ("nan", "inf", "-inf")):
        text = value
    else:
        text = _json(value)
    return text if len(text) <= cap else text[:cap] + " ..."


def _text(value: Any) -> str:
    from autograder.sandbox.wire import TaggedArray, Unsupported

    if isinstance(value, TaggedArray):
        if value.src == "numpy-scalar" or value.array.ndim == 0:
            return _number(value.array.item())
        return _array(value.array, "tensor" if value.src == "tensor" else "array")
    if isinstance(value, Unsupported):
        return f"<{value}>"
    if hasattr(value, "detach"):  # a torch tensor (the case's own inputs)
        arr = value.detach().cpu().numpy()
        return _number(arr.item()) if arr.ndim == 0 else _array(arr, "tensor")
    if isinstance(value, np.ndarray):
        # PyTorch's result, held by the grader as float64/bool arrays: the student returns a tensor
        return _array(value, "tensor")
    if isinstance(value, tuple):
        inner = ", ".join(_text(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, list):
        return "[" + ", ".join(_text(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {_text(v)}" for k, v in value.items()) + "}"
    return _number(value) if isinstance(value, (bool, int, float, np.generic)) else repr(value)


def _array(arr: np.ndarray, kind: str) -> str:
    body = _nested(arr.tolist(), arr.dtype.kind == "f")
    shape = ", ".join(str(n) for n in arr.shape) + ("," if arr.ndim == 1 else "")
    dtype = "" if arr.dtype.kind in "fb" else f", dtype={arr.dtype.name}"  # float is the default; ints say so
    return f"{kind}({body}{dtype}) of shape ({shape})"


def _nested(value: Any, floating: bool) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_nested(v, floating) for v in value) + "]"
    if floating and isinstance(value, (int, float)) and not isinstance(value, bool):
        return _float(float(value), short=True)
    return _number(value)


def _number(value: Any) -> str:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return _float(value, short=False)
    return repr(value)


def _float(v: float, *, short: bool) -> str:
    """As torch prints inside a tensor (`2.`, `-0.5`, `nan`), or as Python does alone (`2.0`, `0.1`)."""
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if not short:
        return repr(v)  # alone: exactly the number the call had
    text = f"{v:.8g}"  # in a tensor: short, still finer than the tolerance
    return text if any(c in text for c in ".e") else text + "."


def _json(value: Any) -> str:
    if value is None:
        return "None"
    if isinstance(value, bool):
        return repr(value)
    if isinstance(value, float):
        return _float(value, short=False)
    if isinstance(value, list):
        return "[" + ", ".join(_json(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {_json(v)}" for k, v in value.items()) + "}"
    if isinstance(value, str) and value in ("nan", "inf", "-inf"):
        return value
    return repr(value)


def example_texts(c) -> tuple[list[tuple[str, str]], str, str]:
    """A failing ConceptReport's (inputs, expected, got) as Python text: the grader's Shown when it has one, else the JSON
    values read as Python (a report read back from the gradebook)."""
    if c.shown is not None:
        return [tuple(p) for p in c.shown.inputs], c.shown.expected, c.shown.got
    e = c.example
    return ([(k, json_text(v)) for k, v in e.inputs.items()], json_text(e.expected, prose=True),
            json_text(e.got, prose=True))
