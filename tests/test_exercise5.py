"""exercise5 (max pooling): what only exercise5 checks; its shared checks are in test_exercises.py."""
from __future__ import annotations

import pytest

from exercise_checks import reference

NAME = "exercise5"


def test_padding_is_negative_infinity_on_all_negative_input():
    import torch

    ref = reference(NAME)
    x = torch.tensor([[[-3.0, -1.0, -2.0]]], dtype=torch.float64)
    assert ref.max_pool1d(x, 2, stride=1, padding=1).tolist() == [[[-3.0, -1.0, -1.0, -2.0]]]
    with pytest.raises(ValueError, match="half"):
        ref.max_pool1d(x, 2, padding=2)
