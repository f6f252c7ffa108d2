"""wire.py: plain data only, by exact type; the grader's decode refuses anything malformed."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from autograder.sandbox import wire


def roundtrip(value):
    return wire.decode(wire.encode(value))


def test_plain_values_cross_unchanged():
    assert roundtrip(None) is None
    assert roundtrip(True) is True
    assert roundtrip(7) == 7 and type(roundtrip(7)) is int
    assert roundtrip((1, [2.5, "x"])) == (1, [2.5, "x"])


def test_nan_and_infinities_cross_as_strict_json():
    import json

    node = wire.encode([float("nan"), float("inf"), -float("inf")])
    json.dumps(node, allow_nan=False)  # strict JSON
    back = wire.decode(node)
    assert math.isnan(back[0]) and back[1] == float("inf") and back[2] == -float("inf")


def test_arrays_keep_dtype_shape_and_where_they_came_from():
    t = roundtrip(torch.arange(6, dtype=torch.float64).reshape(2, 3))
    assert t.src == "tensor" and t.array.dtype == np.float64 and t.array.shape == (2, 3)
    assert t.array.tolist() == [[0, 1, 2], [3, 4, 5]]
    a = roundtrip(np.array([True, False]))
    assert a.src == "ndarray" and a.array.dtype == np.bool_
    s = roundtrip(np.int64(4))
    assert s.src == "numpy-scalar" and s.array.shape == ()


def test_subclasses_and_pretenders_are_refused_by_name():
    class Sub(torch.Tensor):
        pass

    class Liar(int):
        def __eq__(self, other):
            return True

    class Arrayish:
        def __array__(self, dtype=None, copy=None):
            return np.zeros(3)

    assert roundtrip(torch.zeros(2).as_subclass(Sub)) == f"{__name__}.test_subclasses_and_pretenders_are_refused_by_name.<locals>.Sub"
    assert isinstance(roundtrip(Liar(3)), wire.Unsupported)
    assert isinstance(roundtrip(Arrayish()), wire.Unsupported)
    assert roundtrip(complex(1, 2)) == "complex"
    assert isinstance(roundtrip(np.zeros(2).view(np.recarray)), wire.Unsupported)


@pytest.mark.parametrize("node, why", [
    ({"t": "int", "v": 1.5}, "bad int"),
    ({"t": "int", "v": True}, "bad int"),
    ({"t": "float", "v": "1e400"}, "bad float"),
    ({"t": "array", "dtype": "object", "shape": [1], "data": ""}, "bad dtype"),
    ({"t": "array", "dtype": "float64", "shape": [3], "data": "AAAAAAAAAAA="}, "does not match its shape"),
    ({"t": "array", "dtype": "float64", "shape": [-1], "data": ""}, "bad shape"),
    ({"t": "pickle", "v": "gASV"}, "unknown node type"),
    ([1, 2], "not an object"),
])
def test_malformed_nodes_are_refused(node, why):
    with pytest.raises(wire.WireError, match=why):
        wire.decode(node)


def test_a_tensor_cannot_lie_about_its_shape():
    """The shape comes from the bytes' own metadata, never from the object's attributes."""
    class Lying(torch.Tensor):
        @property
        def shape(self):
            return torch.Size([1])

    node = wire.encode(torch.zeros(2, 2))
    assert node["shape"] == [2, 2]
    assert wire.encode(torch.zeros(2, 2).as_subclass(Lying))["t"] == "unsupported"
