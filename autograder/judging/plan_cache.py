"""The cases of the course's public seed, kept on disk between grader processes.

Drawing an exercise's cases redraws each until every promised mistake shows (cases/triggers.py):
hundreds of oracle and mutant calls, about a second of a `grade exercise3` that otherwise waits for
little but torch's import. A student grading themselves draws the same cases on every run (the
course's seed), as most of the tests do. Only that seed is stored: secret per-submission seeds never
repeat, and their cases are written nowhere.

The key is everything the draw depends on: the exercise, the seed, its exercise.yml entry, the
source of every file of the course's solutions folder (cases, mutants, shared content) and of the
engine (the autograder package), and the torch, numpy and Python versions. Only plain arguments are
stored (contiguous tensors and arrays that need no grad, numbers, None, strings, tuples and lists of
these); a plan holding anything else is not stored. Files live in the grader's own cache folder
(disk_cache.py), which student code cannot write.
"""
from __future__ import annotations

import base64
import hashlib
import json
import sys
from typing import Any, Mapping

import numpy as np

from autograder.judging import disk_cache
from autograder.source_digest import package_digest
from autograder.cases.space import Case



class _Unstorable(Exception):
    pass


def load(course, name: str, seed: int, spec) -> dict[str, list[Case]] | None:
    """The plan stored under this key, as Cases of `spec`'s spaces with their arguments set; or None."""
    data = disk_cache.read(_file(course, name, seed))
    ex = course.exercise(name)
    try:
        if not isinstance(data, dict) or list(data) != list(ex.concepts):
            return None
        plan = {}
        for concept, rows in data.items():
            spaces = {s.name: s for s in spec.concepts[concept]}
            if len(spaces) != len(spec.concepts[concept]) or len(rows) != ex.concepts[concept].cases:
                return None
            cases = []
            for space_name, params, arguments in rows:
                case = Case(concept, spaces[space_name], {str(k): int(v) for k, v in params.items()})
                case.__dict__["arguments"] = {str(k): _decode(v) for k, v in arguments.items()}  # the cached_property
                cases.append(case)
            plan[concept] = cases
        return plan
    except (KeyError, TypeError, ValueError, AttributeError, _Unstorable):
        return None


def store(course, name: str, seed: int, plan: Mapping[str, list[Case]]) -> None:
    try:
        for cases in plan.values():
            for c in cases:
                objects = [v for v in c.arguments.values() if v is not None and type(v) not in (bool, int, float, str)]
                if len({id(v) for v in objects}) != len(objects):
                    raise _Unstorable("one object passed twice")  # decoding would make two
        data = {concept: [[c.space.name, dict(c.params), {k: _encode(v) for k, v in c.arguments.items()}]
                          for c in cases] for concept, cases in plan.items()}
    except _Unstorable:
        return
    disk_cache.write(_file(course, name, seed), data, family=f"plan-{name}-", keep=4)


def _file(course, name: str, seed: int) -> str:
    import torch

    digest = hashlib.sha256()
    # the whole engine (one digest a process), not a list of its case modules: a list would go stale
    digest.update(json.dumps([name, seed, course.exercise(name).model_dump_json(), sys.version,
                              torch.__version__, np.__version__, package_digest()]).encode())
    for path in sorted((course.root / "solutions").rglob("*.py")):
        digest.update(str(path).encode() + b"\0" + path.read_bytes() + b"\0")
    return f"plan-{name}-{digest.hexdigest()[:32]}.json"


def _encode(value: Any) -> Any:
    import torch

    if value is None or type(value) in (bool, int, str):
        return value
    if type(value) is float:
        return {"float": repr(value)}  # NaN and infinities survive JSON as text
    if type(value) in (tuple, list):
        return {type(value).__name__: [_encode(v) for v in value]}
    if type(value) is torch.Tensor and not value.requires_grad and value.layout == torch.strided \
            and value.is_contiguous() and str(value.dtype).removeprefix("torch.") in _TORCH_DTYPES:
        return {"tensor": "", **_array(value.numpy())}
    if type(value) is np.ndarray and value.flags.c_contiguous and value.dtype.str.lstrip("<>|=") in _NUMPY_DTYPES:
        return {"ndarray": "", **_array(value)}
    raise _Unstorable(type(value).__name__)


def _array(a: np.ndarray) -> dict:
    return {"dtype": a.dtype.str, "shape": list(a.shape), "data": base64.b64encode(a.tobytes()).decode()}


def _decode(value: Any) -> Any:
    import torch

    if not isinstance(value, dict):
        return value
    if "float" in value:
        return float(value["float"])
    if "tuple" in value or "list" in value:
        items = [_decode(v) for v in value.get("tuple", value.get("list"))]
        return tuple(items) if "tuple" in value else items
    array = np.frombuffer(base64.b64decode(value["data"]), dtype=np.dtype(value["dtype"])).reshape(value["shape"]).copy()
    if "tensor" in value:
        return torch.from_numpy(array)
    return array


_NUMPY_DTYPES = ("f8", "f4", "f2", "i8", "i4", "i2", "i1", "u1", "b1")
_TORCH_DTYPES = ("float64", "float32", "float16", "int64", "int32", "int16", "int8", "uint8", "bool")
