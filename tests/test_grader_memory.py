"""What keeps a grading within a small container's memory (Gradescope's default is 768 MiB;
bench/memory.py measures the peaks): the timed processes' heap sized to the workload, and
comparisons of large results that do not copy them several times over."""
from __future__ import annotations

import numpy as np
import pytest

from autograder.judging.compare import CHUNK, close
from autograder.tolerance import Tolerance
from autograder.sandbox.stopwatch import heap_mb


def _inputs(*shapes):
    return [(tuple(np.zeros(s) for s in shapes), {})]


def test_the_timed_heap_follows_the_workload_within_its_bounds():
    # exercise8's speed case: x (16, 3, 64, 64) and weight (32, 3, 3, 3) in float64, a (16, 32, 62, 62) result
    result = 16 * 32 * 62 * 62 * 8
    assert heap_mb(_inputs((16, 3, 64, 64), (32, 3, 3, 3)), result) == 112
    assert heap_mb(_inputs((2, 3)), 48) == 32  # a tiny call still gets the floor
    assert heap_mb(_inputs((64, 3, 256, 256)), 0) == 256  # never more than the ceiling
    assert heap_mb([], 0) == 32
    # the largest call decides, not the first
    assert heap_mb(_inputs((2, 3)) + _inputs((16, 3, 64, 64)), 0) == 32
    assert heap_mb(_inputs((2, 3)) + _inputs((64, 3, 128, 128)), 0) == 144  # 6 x 24 MiB


@pytest.mark.parametrize("where", [0, CHUNK - 1, CHUNK, 3 * CHUNK + 5])
def test_a_large_result_is_compared_piece_by_piece_with_the_same_verdict(where):
    tol = Tolerance()
    expected = np.arange(3 * CHUNK + 6, dtype=np.float64).reshape(2, -1) / 7
    got = expected.copy()
    assert close(got, expected, tol)
    for bad in (np.nan, np.inf, expected.reshape(-1)[where] * 1.001 + 1e-3):
        wrong = expected.copy().reshape(-1)
        wrong[where] = bad
        wrong = wrong.reshape(expected.shape)
        assert close(wrong, expected, tol) == bool(np.allclose(wrong, expected, rtol=tol.rtol, atol=tol.atol)) is False
    # equal infinities are close, as np.allclose has them; opposite ones are not
    for a, b, same in [(np.inf, np.inf, True), (-np.inf, np.inf, False)]:
        x, y = expected.copy().reshape(-1), expected.copy().reshape(-1)
        x[where], y[where] = a, b
        assert close(x.reshape(expected.shape), y.reshape(expected.shape), tol) is same


def test_arrays_of_other_shapes_are_compared_as_numpy_does_never_flattened():
    a = np.arange(12.0).reshape(3, 4)
    with pytest.raises(ValueError):  # not broadcastable: the callers treat it as "not the same"
        close(a.reshape(4, 3), a, Tolerance())
    assert close(np.zeros((1, 4)), np.zeros((3, 4)), Tolerance())  # broadcast, as before


def test_empty_results_are_close():
    assert close(np.zeros((0, 3)), np.zeros((0, 3)), Tolerance())


def test_drawing_compares_large_results_pairwise_in_pieces():
    # exercise8's speed space compares six results of 2 million values each, every pair: at once that
    # was a 6 x 6 x 2 million temporary (~570 MB a piece) in the grader
    import tracemalloc

    from autograder.cases.triggers import _all_pairs_close

    rows = np.zeros((6, 2_000_000))
    rows[3, -1] = 1.0  # differs from the others in the last value only
    tracemalloc.start()
    close = _all_pairs_close(rows, 1e-4, 1e-4)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 100 << 20
    assert close.sum() == 36 - 10 and not close[3, 0] and not close[0, 3] and close[3, 3]
