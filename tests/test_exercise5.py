"""exercise5 (max pooling): reference vs oracle, mutants vs triggers, and real grades; the tests are
exercise_checks.exercise_tests."""
from __future__ import annotations

import pytest

from exercise_checks import exercise_tests, reference

NAME = "exercise5"

globals().update(exercise_tests(NAME))  # the shared tests, as this module's own


def test_padding_is_negative_infinity_on_all_negative_input():
    import torch

    ref = reference(NAME)
    x = torch.tensor([[[-3.0, -1.0, -2.0]]], dtype=torch.float64)
    assert ref.max_pool1d(x, 2, stride=1, padding=1).tolist() == [[[-3.0, -1.0, -1.0, -2.0]]]
    with pytest.raises(ValueError, match="half"):
        ref.max_pool1d(x, 2, padding=2)
