"""exercise6's misconceptions (padding modes, 'same') as mutants. Each validates like PyTorch
(refuses_like), so only its padding is wrong; conv1d_padded mutants pad the wrong way, then
cross-correlate correctly."""
from __future__ import annotations

import torch
import torch.nn.functional as F

from autograder.mutants.base import Lookalike, Mutant, refuses_like

from . import cases as oracle


def _right_pad(x, left, right, mode):
    return F.pad(x, (left, right), mode="constant" if mode == "zeros" else mode)


def _symmetric(x, left, right, mode):
    """Reflect that repeats the edge value: [1 2 3] -> [2 1 | 1 2 3 | 3 2]."""
    if mode != "reflect":
        return _right_pad(x, left, right, mode)
    return torch.cat([x[..., :left].flip(-1), x, x[..., x.shape[-1] - right:].flip(-1)], dim=-1)


def _circular_wrong_end(x, left, right, mode):
    """Circular whose left pad copies the first values: [1 2 3] -> [1 2 | 1 2 3 | 1 2]."""
    if mode != "circular":
        return _right_pad(x, left, right, mode)
    return torch.cat([x[..., :left], x, x[..., :right]], dim=-1)


def _replicate_as_zeros(x, left, right, mode):
    return _right_pad(x, left, right, "zeros" if mode == "replicate" else mode)


def _pad1d(padder):
    @refuses_like(oracle.pad1d)
    def pad1d(x, left, right, mode="zeros"):
        return padder(x, left, right, mode)
    return pad1d


def _same_split(kernel_size, dilation, *, extra_left=False, ignore_dilation=False, symmetric=None):
    """`symmetric`: the same pad on both sides, "kernel" K // 2 (a lookalike), "floor" d*(K - 1) // 2."""
    if symmetric == "kernel":
        return kernel_size // 2, kernel_size // 2
    if symmetric == "floor":
        return dilation * (kernel_size - 1) // 2, dilation * (kernel_size - 1) // 2
    total = (1 if ignore_dilation else dilation) * (kernel_size - 1)
    small = total // 2
    return (total - small, small) if extra_left else (small, total - small)


def _conv(padder=_right_pad, **same):
    @refuses_like(oracle.conv1d_padded)
    def conv1d_padded(x, weight, bias=None, stride=1, padding=0, dilation=1, padding_mode="zeros"):
        if padding == "same":
            left, right = _same_split(weight.shape[-1], dilation, **same)
        elif padding == "valid":
            left = right = 0
        else:
            left = right = padding
        batched = x if x.dim() == 3 else x.unsqueeze(0)
        padded = padder(batched, left, right, padding_mode)
        out = F.conv1d(padded, weight, bias, stride, 0, dilation)
        return out if x.dim() == 3 else out.squeeze(0)
    return conv1d_padded


def both(id_, padder, explanation, line):
    return (Mutant(id_, "pad1d", _pad1d(padder), explanation, line),
            Mutant(id_, "conv1d_padded", _conv(padder), explanation, line))


MUTANTS = (
    *both("reflect-as-symmetric", _symmetric,
          "Your reflect padding repeats the edge value. PyTorch's reflect mirrors about the edge without "
          "repeating it: [1, 2, 3] padded by 2 is [3, 2, 1, 2, 3, 2, 1].",
          "left = x[:p][::-1]  # should be x[1:p + 1][::-1]"),
    *both("circular-wrong-end", _circular_wrong_end,
          "Your circular left padding copies the first values. Circular padding wraps around: the values "
          "before x[0] are the last ones, [1, 2, 3] padded by 2 is [2, 3, 1, 2, 3, 1, 2].",
          "left = x[:p]  # should be x[L - p:]"),
    *both("replicate-as-zeros", _replicate_as_zeros,
          "Your replicate padding adds zeros. Replicate repeats the edge value: [1, 2, 3] padded by 2 is "
          "[1, 1, 1, 2, 3, 3, 3].", "left = [0] * p  # should be [x[0]] * p"),
    Mutant("same-extra-left", "conv1d_padded", _conv(extra_left=True),
           "With an odd total of 'same' padding your code puts the extra position on the left. PyTorch puts "
           "it on the right: K=4 pads 1 on the left and 2 on the right.",
           "left = total - total // 2  # should be total // 2"),
    Mutant("same-ignores-dilation", "conv1d_padded", _conv(ignore_dilation=True),
           "Your 'same' padding is computed from K - 1. A dilated kernel spans d*(K - 1) + 1 positions, so "
           "'same' pads d*(K - 1) in total.", "total = K - 1  # should be dilation * (K - 1)"),
)


# Other ways students write a mistake, tried by the feedback only (autograder/mutants/base.py's Lookalike).

SAME_HINT = ("'same' pads d*(K - 1) in total: left = total // 2, right = total - left (the odd one on the right), "
             "so the output keeps the input's length.")

LOOKALIKES = (
    Lookalike("same-half-kernel", "conv1d_padded", _conv(symmetric="kernel"),
              "Your 'same' padding puts K // 2 on each side. That is right only for an odd K without dilation: "
              "'same' pads d*(K - 1) in total, total // 2 on the left and the rest on the right, so an even K "
              "gets one position too many and a dilated kernel too few.",
              "left = right = K // 2  # should be total // 2 and total - total // 2, total = d*(K - 1)",
              SAME_HINT),
    Lookalike("same-symmetric-floor", "conv1d_padded", _conv(symmetric="floor"),
              "Your 'same' padding puts d*(K - 1) // 2 on each side. When d*(K - 1) is odd that is one short: "
              "PyTorch puts the odd one on the right, right = total - total // 2.",
              "right = total // 2  # should be total - total // 2", SAME_HINT),
)
