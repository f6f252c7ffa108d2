"""exercise5's misconceptions (max pooling) as mutants. Each validates like PyTorch (refuses_like), so
only its pooling is wrong. They gather every window's taps (batch, channels, *out, taps) and reduce
them; a mistake is a different gathering (stride, padding, gap) or a different reduction.
Declared narrow mistakes first: when two explain the same cases, the narrower is named."""
from __future__ import annotations

import torch

from autograder.mutants.base import Lookalike, Mutant, refuses_like

from . import cases as oracle

NEG = float("-inf")


def out_length(length, k, s, p, d, ceil_mode, *, naive=False):
    """PyTorch's pooled length; `naive` keeps a last ceil-mode window that starts in the right padding."""
    room = length + 2 * p - d * (k - 1) - 1
    out = (room + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and not naive and (out - 1) * s >= length + p:
        out -= 1
    return out


def _pad(x, axis, before, after, fill):
    shape = list(x.shape)
    parts = []
    for n in (before, after):
        shape[axis] = n
        parts.append(torch.full(shape, fill, dtype=x.dtype))
    return torch.cat([parts[0], x, parts[1]], dim=axis)


def taps1d(x, k, s, before, d, out_len, fill=NEG):
    """(batch, channels, out_len, k): tap t of window i is x_padded[i*s + t*d]."""
    if out_len < 1:
        raise ValueError(f"the output would have length {out_len}")
    need = (out_len - 1) * s + d * (k - 1) + 1
    xp = _pad(x, -1, before, max(0, need - before - x.shape[-1]), fill)
    return torch.stack([xp[..., t * d:t * d + (out_len - 1) * s + 1:s] for t in range(k)], dim=-1)


def taps2d(x, k, s, before, out, fill=NEG):
    """(batch, channels, out_h, out_w, kh, kw)."""
    if min(out) < 1:
        raise ValueError(f"the output would have shape {out}")
    need = [(o - 1) * st + kk for o, st, kk in zip(out, s, k)]
    xp = _pad(x, -2, before[0], max(0, need[0] - before[0] - x.shape[-2]), fill)
    xp = _pad(xp, -1, before[1], max(0, need[1] - before[1] - x.shape[-1]), fill)
    rows = []
    for a in range(k[0]):
        rows.append(torch.stack([xp[..., a:a + (out[0] - 1) * s[0] + 1:s[0], b:b + (out[1] - 1) * s[1] + 1:s[1]]
                                 for b in range(k[1])], dim=-1))
    return torch.stack(rows, dim=-2)


def _pair(v):
    return tuple(v) if isinstance(v, (tuple, list)) else (v, v)


REDUCE = {
    "max": lambda t: t.amax(dim=-1),
    "mean": lambda t: t.mean(dim=-1),
    "last": lambda t: t[..., -1],
    "drop-last": lambda t: t[..., :-1].amax(dim=-1),
}


def _pool1d(*, reduce="max", fill=NEG, stride_one=False, cut_stride=False, one_side=False, gap=False,
            naive_ceil=False, across=False):
    @refuses_like(oracle.max_pool1d)
    def max_pool1d(x, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
        k, p, d = kernel_size, padding, dilation
        s = (1 if stride_one else k) if stride is None else stride
        if gap and d > 1:
            d += 1  # taps d+1 apart
        length = out_length(x.shape[-1], k, s, p, d, ceil_mode, naive=naive_ceil)
        taps = taps1d(x, k, 1 if cut_stride else s, 2 * p if one_side else p, d, length, fill)
        out = REDUCE[reduce](taps)
        if across:
            out = out.amax(dim=1, keepdim=True).expand_as(out)
        return out
    return max_pool1d


def _pool2d(*, reduce="max", fill=NEG, stride_one=False, cut_stride=False, one_side=False, across=False):
    @refuses_like(oracle.max_pool2d)
    def max_pool2d(x, kernel_size, stride=None, padding=0):
        k, p = _pair(kernel_size), _pair(padding)
        s = ((1, 1) if stride_one else k) if stride is None else _pair(stride)
        out = tuple(out_length(x.shape[-2 + i], k[i], s[i], p[i], 1, False) for i in range(2))
        taps = taps2d(x, k, (1, 1) if cut_stride else s, tuple(2 * v for v in p) if one_side else p, out, fill)
        if reduce == "drop-last":
            taps = taps[..., :-1, :-1]
        flat = taps.flatten(-2)
        result = flat.amax(dim=-1) if reduce in ("max", "drop-last") else REDUCE[reduce](flat)
        if across:
            result = result.amax(dim=1, keepdim=True).expand_as(result)
        return result
    return max_pool2d


def both(id_, explanation, line, **options):
    return (Mutant(id_, "max_pool1d", _pool1d(**options), explanation, line),
            Mutant(id_, "max_pool2d", _pool2d(**options), explanation, line))


MUTANTS = (
    *both("pool-stride-one", "When stride is None, your code slides the window by 1. PyTorch's pooling stride "
          "defaults to kernel_size: the windows sit side by side.", "stride = stride or 1  # should be kernel_size",
          stride_one=True),
    *both("stride-not-applied", "Your code slides the window one step at a time and keeps the first L_out "
          "results. With stride s, window i starts at i*s.", "start = i  # should be i * stride", cut_stride=True),
    *both("pool-zero-padding", "Your code pads with zeros. Max pooling pads with negative infinity, so a padded "
          "position never wins: an all-negative window next to the edge keeps its own maximum.",
          "padded = zeros(...)  # should be full(..., -inf)", fill=0.0),
    *both("padding-one-side", "Your code puts all 2p padding positions before the input. PyTorch pads p on "
          "each side.", "padded = [pad] * 2p + x  # should be [pad] * p + x + [pad] * p", one_side=True),
    Mutant("pool-across-channels", "max_pool1d", _pool1d(across=True),
           "Your code takes the maximum over the channels too. Pooling works on each channel on its own: "
           "out[n, c] comes from x[n, c] only.", "out = window.max()  # over (C, K); should be over K for each c"),
    Mutant("pool-across-channels", "max_pool2d", _pool2d(across=True),
           "Your code takes the maximum over the channels too. Pooling works on each channel on its own: "
           "out[n, c] comes from x[n, c] only.", "out = window.max()  # over (C, KH, KW); should be per channel"),
    Mutant("dilation-gap-wrong", "max_pool1d", _pool1d(gap=True),
           "Your taps are dilation + 1 apart. With dilation d the taps are d apart (d - 1 skipped positions "
           "between them).", "x[i*s + k*(d + 1)]  # should be x[i*s + k*d]"),
    Mutant("ceil-mode-naive", "max_pool1d", _pool1d(naive_ceil=True),
           "In ceil mode your code keeps a last window that starts in the right padding. PyTorch drops a "
           "window that would start past the input and its left padding.",
           "L_out = ceil(room / s) + 1  # then drop the last if (L_out - 1)*s >= L + p"),
    *both("pool-average", "Your code averages each window. Max pooling keeps the largest value of the window.",
          "out[i] = window.mean()  # should be window.max()", reduce="mean", fill=0.0),
    *both("pool-last-element", "Your code keeps the window's last value, not its largest one.",
          "out[i] = window[-1]  # should be window.max()", reduce="last"),
    *both("window-off-by-one", "Your windows miss their last tap: a window of K taps covers K positions, "
          "range(K), not range(K - 1).", "for k in range(K - 1):  # should be range(K)", reduce="drop-last"),
)


# Other ways students write a mistake, tried by the feedback only (autograder/mutants/base.py's Lookalike).

def _naive_ceil_any_fill(x, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    """ceil-mode-naive whatever the padding holds (-inf, the float minimum, 0, ...): the window that starts in
    the right padding is NaN, which matches any value the student's code put there."""
    out = _pool1d(naive_ceil=True)(x, kernel_size, stride, padding, dilation, ceil_mode)
    return out.masked_fill(out == NEG, float("nan"))


LOOKALIKES = (
    Lookalike("ceil-mode-naive-any-fill", "max_pool1d", _naive_ceil_any_fill,
              "In ceil mode your code keeps a last window that starts in the right padding, so it holds only "
              "padding (here, whatever your padding is filled with). PyTorch drops a window that would start "
              "past the input and its left padding.",
              "L_out = ceil(room / s) + 1  # then drop the last if (L_out - 1)*s >= L + p",
              reported="ceil-mode-naive"),
)
