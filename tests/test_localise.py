"""localise: hand-made wrong outputs, and the pattern the message names."""
from __future__ import annotations

import numpy as np
import pytest

from autograder.cases.space import Invalid
from autograder.judging.localise import describe, template
from autograder.sandbox.wire import TaggedArray

RNG = np.random.default_rng(0)
EXPECTED = RNG.integers(-4, 5, size=(1, 2, 7)).astype(np.float64) + 0.5  # no zeros: every pattern is visible


def got(arr) -> TaggedArray:
    return TaggedArray(np.asarray(arr, dtype=np.float64), "tensor")


def test_size_off_names_the_formula_and_both_values():
    text = describe(5, 4)
    assert "4 is 1 less than PyTorch's 5" in text and "(L + 2p - d(K-1) - 1) // s + 1" in text


def test_a_pair_exchanged():
    assert "exchanged" in describe((3, 5), (5, 3))


def test_wrong_shape_names_both_shapes_and_the_axis():
    text = describe(EXPECTED, got(np.zeros((1, 2, 6))))
    assert "(1, 2, 6)" in text and "(1, 2, 7)" in text and "axis 2: 6 instead of 7" in text


def test_missing_axis():
    assert "axis is missing or extra" in describe(EXPECTED, got(np.zeros((2, 7))))


def test_negated():
    assert "negated" in describe(EXPECTED, got(-EXPECTED))


def test_scaled_by_a_constant():
    assert "times 0.5" in describe(EXPECTED, got(EXPECTED / 2))


def test_constant_offset_per_channel_points_at_the_bias():
    wrong = EXPECTED.copy()
    wrong[:, 0] += 1.5
    wrong[:, 1] -= 2.0
    text = describe(EXPECTED, got(wrong))
    assert "bias" in text and "+1.5" in text and "-2" in text


def test_only_border_positions_point_at_the_padding():
    wrong = EXPECTED.copy()
    wrong[..., 0] += 3
    wrong[..., -1] -= 1
    text = describe(EXPECTED, got(wrong))
    assert "padding" in text and "Only the first and last outputs differ" in text
    left = EXPECTED.copy()
    left[..., :2] += 3  # one side only: the message says which (issue 13)
    assert "Only the first 2 outputs differ (the start)" in describe(EXPECTED, got(left))
    right = EXPECTED.copy()
    right[..., -1] -= 1
    text = describe(EXPECTED, got(right))
    assert "Only the last output differs (the end)" in text and "padding after the input" in text


def test_border_in_2d():
    exp = RNG.integers(1, 5, size=(1, 1, 6, 6)).astype(np.float64)
    wrong = exp.copy()
    wrong[..., 0, :] = 0
    assert "padding" in describe(exp, got(wrong))


def test_first_position_right_later_wrong_points_at_the_stride():
    wrong = EXPECTED.copy()
    wrong[..., 1:] = wrong[..., 1:] * 3 + 1
    assert "stride" in describe(EXPECTED, got(wrong))


def test_values_of_the_wrong_channel():
    wrong = EXPECTED[:, ::-1].copy()
    text = describe(EXPECTED, got(wrong))
    assert "channel 0 holds the values PyTorch puts in channel 1" in text


def test_one_channel_broadcast_to_all_is_a_summed_axis_not_an_order():
    """A sum over the filters broadcast back (every output channel the same): no "wrong order"."""
    wrong = np.repeat(EXPECTED[:, :1] + EXPECTED[:, 1:], 2, axis=1)
    text = describe(EXPECTED, got(wrong))
    assert "Every output channel of yours holds the same values" in text and "wrong order" not in text
    alike = np.repeat(EXPECTED[:, 1:], 2, axis=1)  # channel 0 holds channel 1's values, channel 1 its own
    text = describe(EXPECTED, got(alike))
    assert "Every output channel of yours holds the same values" in text and "wrong order" not in text


def test_one_channel_moved_but_not_a_reordering():
    exp = np.concatenate([EXPECTED, EXPECTED[:, :1] * 3], axis=1)  # three channels
    wrong = exp.copy()
    wrong[:, 0] = exp[:, 1]  # channel 0 holds channel 1's values; channel 1 as well: nothing reordered
    wrong[:, 2] = exp[:, 2] + 7
    text = describe(exp, got(wrong))
    assert "channel 0 holds the values PyTorch puts in channel 1, but the channels are not just reordered" in text
    assert "wrong order" not in text


def test_height_and_width_swapped():
    exp = RNG.integers(1, 9, size=(1, 1, 4, 4)).astype(np.float64)
    assert "height and width" in describe(exp, got(np.swapaxes(exp, -1, -2)))


def test_shifted_by_one():
    exp = np.arange(1.0, 9.0).reshape(1, 1, 8) ** 2
    wrong = np.concatenate([exp[..., 1:], [[[100.0]]]], axis=-1)
    assert "moved by one position" in describe(exp, got(wrong))


def test_all_zeros():
    assert "all zeros" in describe(EXPECTED, got(np.zeros_like(EXPECTED)))


def test_bools():
    exp = np.array([True, False, True])
    assert "opposite" in describe(exp, TaggedArray(~exp, "tensor"))
    assert "1 value(s) are True where PyTorch has False" in describe(exp, TaggedArray(np.array([True, True, True]), "tensor"))


def test_nothing_to_add_for_wrong_kinds_and_invalid_cases():
    assert describe(4, 3.5) == ""  # the verdict already says "returned the float"
    assert describe(Invalid("kernel too big"), 3) == ""


@pytest.mark.parametrize("value, shape", [(got(np.zeros((2, 3))), (2, 3)), ([[1.0, 2.0]], (1, 2))])
def test_template_keeps_the_values_own_shape(value, shape):
    assert template(np.zeros((4, 4)), value).shape == shape
