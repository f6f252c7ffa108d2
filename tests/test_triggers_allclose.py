"""triggers.differs judges with its own allclose (np.allclose's checks cost more than the arithmetic on the
small arrays cases are drawn from): it must agree with np.allclose(rtol, atol, equal_nan=True) everywhere."""
from __future__ import annotations

import numpy as np

from autograder.cases.triggers import _allclose, differs

SPECIAL = np.array([0.0, -0.0, 1.0, -1.0, np.inf, -np.inf, np.nan, 1e-5, 1e300, -1e300, 1e-4, 2e-4, 1.0001, 0.9999])


def test_it_agrees_with_numpy_on_random_and_special_values():
    rng = np.random.default_rng(0)
    for _ in range(20000):
        k = int(rng.integers(1, 5))
        a = rng.choice(SPECIAL, k) if rng.random() < .5 else rng.normal(size=k) * 10.0 ** rng.integers(-6, 4)
        b = [a.copy(), a + rng.normal(size=k) * 10.0 ** rng.integers(-8, 1), rng.choice(SPECIAL, k),
             a * (1 + rng.normal(size=k) * 1e-4)][int(rng.integers(0, 4))]
        with np.errstate(all="ignore"):
            assert _allclose(a, b, 1e-4, 1e-4) == bool(np.allclose(a, b, rtol=1e-4, atol=1e-4, equal_nan=True)), (a, b)


def test_differs_on_scalars_tuples_and_shapes():
    assert not differs(3, 3) and differs(3, 4)
    assert not differs(float("nan"), float("nan")) and differs(float("inf"), 5.0) and not differs(np.inf, np.inf)
    assert not differs((1, (2, 3)), (1, (2, 3))) and differs((1, 2), (1, 2, 3))
    assert differs(np.zeros((2, 3)), np.zeros((3, 2))) and not differs(np.ones(3), np.ones(3) + 5e-5)
