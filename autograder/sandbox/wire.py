"""Plain data across the process boundary: JSON, arrays as base64 bytes, never a pickle.

Self-contained (stdlib and numpy only): the student's process loads this file too.

encode() accepts exactly the types a student may return (by exact type, so subclasses and
objects that only pretend to be arrays are refused) and turns anything else into an
`unsupported` node naming its type. decode() is the grader's side: it checks every node's
form, dtype and size, and raises WireError on anything malformed.
"""
from __future__ import annotations

import base64
import math

import numpy as np

DTYPES = frozenset({"float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8",
                    "bool", "complex64", "complex128"})
MAX_DEPTH = 8
MAX_ITEMS = 1_000_000


class WireError(ValueError):
    """A message from the other side that is not well-formed plain data."""


def _float(v: float):
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def _unfloat(v) -> float:
    if isinstance(v, str):
        if v in ("nan", "inf", "-inf"):
            return float(v)
        raise WireError(f"bad float {v!r}")
    if type(v) not in (int, float):
        raise WireError("bad float")
    return float(v)


def _array(arr: np.ndarray, src: str) -> dict:
    arr = np.array(arr, order="C", copy=True)  # not ascontiguousarray: it makes 0-d arrays 1-d
    name = arr.dtype.name
    if name not in DTYPES:
        return {"t": "unsupported", "type": f"{src} of dtype {name}"}
    data = arr.astype(arr.dtype.newbyteorder("<"), copy=False).tobytes()
    return {"t": "array", "src": src, "dtype": name, "shape": list(arr.shape),
            "data": base64.b64encode(data).decode("ascii")}


def encode(value, _depth: int = 0):
    """Plain-data form of `value`; exact types only."""
    if _depth > MAX_DEPTH:
        return {"t": "unsupported", "type": "structure nested too deeply"}
    t = type(value)
    if value is None:
        return {"t": "none"}
    if t is bool:
        return {"t": "bool", "v": value}
    if t is int:
        return {"t": "int", "v": value}
    if t is float:
        return {"t": "float", "v": _float(value)}
    if t is str:
        return {"t": "str", "v": value[:200]}
    if t in (tuple, list):
        if len(value) > MAX_ITEMS:
            return {"t": "unsupported", "type": f"{t.__name__} of {len(value)} items"}
        return {"t": t.__name__, "items": [encode(v, _depth + 1) for v in value]}
    if t is np.ndarray:
        return _array(value, "ndarray")
    if isinstance(value, np.generic) and t.__module__ == "numpy":
        return _array(np.asarray(value), "numpy-scalar")
    torch = _torch_if_loaded()
    if torch is not None and t is torch.Tensor:
        return _tensor(torch, value)
    if t is complex:
        return {"t": "unsupported", "type": "complex"}
    return {"t": "unsupported", "type": f"{t.__module__}.{t.__qualname__}"}


def _torch_if_loaded():
    import sys

    return sys.modules.get("torch")


def _tensor(torch, value) -> dict:
    try:
        t = torch.Tensor.detach(value)
        if t.layout != torch.strided or t.is_quantized or t.is_nested:
            return {"t": "unsupported", "type": f"tensor with layout {t.layout}"}
        if t.dtype == torch.bfloat16:
            t = t.to(torch.float32)
        arr = torch.Tensor.numpy(torch.Tensor.contiguous(torch.Tensor.cpu(t)), force=True)
    except Exception as e:  # meta tensors, lazy tensors, ... have no values
        return {"t": "unsupported", "type": f"tensor without values ({type(e).__name__})"}
    return _array(np.array(arr, copy=True), "tensor")


def decode(node, _depth: int = 0):
    """Python values from plain data: None, bool, int, float, str, tuple, list, ndarray, Unsupported."""
    if _depth > MAX_DEPTH + 1:
        raise WireError("nested too deeply")
    if not isinstance(node, dict) or not isinstance(node.get("t"), str):
        raise WireError("node is not an object with a type")
    t = node["t"]
    if t == "none":
        return None
    if t == "bool":
        if type(node.get("v")) is not bool:
            raise WireError("bad bool")
        return node["v"]
    if t == "int":
        if type(node.get("v")) is not int:
            raise WireError("bad int")
        return node["v"]
    if t == "float":
        return _unfloat(node.get("v"))
    if t == "str":
        if not isinstance(node.get("v"), str):
            raise WireError("bad str")
        return node["v"]
    if t in ("tuple", "list"):
        items = node.get("items")
        if not isinstance(items, list) or len(items) > MAX_ITEMS:
            raise WireError("bad sequence")
        out = [decode(i, _depth + 1) for i in items]
        return tuple(out) if t == "tuple" else out
    if t == "array":
        return _decode_array(node)
    if t == "unsupported":
        return Unsupported(str(node.get("type", "?"))[:200])
    raise WireError(f"unknown node type {t[:20]!r}")


def _decode_array(node) -> np.ndarray:
    dtype, shape, data = node.get("dtype"), node.get("shape"), node.get("data")
    if dtype not in DTYPES:
        raise WireError("bad dtype")
    if not isinstance(shape, list) or len(shape) > 8 or any(type(s) is not int or s < 0 for s in shape):
        raise WireError("bad shape")
    if not isinstance(data, str):
        raise WireError("bad data")
    raw = base64.b64decode(data.encode("ascii"), validate=True)
    dt = np.dtype(dtype).newbyteorder("<")
    count = int(np.prod(shape, dtype=np.int64)) if shape else 1
    if len(raw) != count * dt.itemsize:
        raise WireError("array data does not match its shape")
    arr = np.frombuffer(raw, dtype=dt).astype(np.dtype(dtype), copy=True).reshape(shape)
    src = node.get("src")
    return TaggedArray(arr, src if src in ("tensor", "ndarray", "numpy-scalar") else "ndarray")


class Unsupported(str):
    """A value the student returned that is not plain data; the str is its type's name."""


class TaggedArray:
    """A decoded array and where it came from (a 0-d integer *tensor* counts as an int)."""

    __slots__ = ("array", "src")

    def __init__(self, array: np.ndarray, src: str):
        self.array, self.src = array, src

    def __repr__(self) -> str:
        return f"TaggedArray({self.array!r}, src={self.src!r})"
