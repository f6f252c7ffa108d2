"""Give freed memory back to the system between the grader's heavy steps.

Drawing a case space runs the oracle and every promised mutant on its workload (exercise8's
speed case: tensors of 1.5 to 16 MB, dozens of times). glibc keeps what those calls freed in the
process's heap, about 150 MiB for exercise8, while the sandbox's processes, forked later, need
their own: on Gradescope (768 MB by default) the sum decides whether a run is killed.
malloc_trim returns the free pages (also those inside the heap) at once and costs a few milliseconds.
"""
from __future__ import annotations

import ctypes
import functools


@functools.cache
def _trim():
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc: nothing to give back this way
        return None
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return trim


def give_back() -> None:
    trim = _trim()
    if trim is not None:
        trim(0)
