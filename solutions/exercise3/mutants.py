"""exercise3's misconceptions (dot products, channels, filters, layout) as mutants of conv1d and
conv1d_channels_last. Each validates like PyTorch (refuses_like), so only its arithmetic is wrong;
each is F.conv1d on a mistaken reading of the arguments. The channels-last mutants are the conv1d
ones behind a correct permute (a student's channels-last function usually calls their conv1d),
plus layout-reshape, whose conv1d is right and whose axes are moved with reshape.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from autograder.mutants.base import Lookalike, Mutant, refuses_like

from . import cases


def conv1d_padded(x, weight, bias, stride, left, right, dilation, out=None):
    """F.conv1d on x (N, C, L) zero-padded (left, right); `out` crops to that length, padding the right
    with enough zeros that a mistaken window past the end reads zeros."""
    if out is not None:
        right = max(right, (out - 1) * stride + dilation * (weight.shape[-1] - 1) + 1 - left - x.shape[-1])
    y = F.conv1d(F.pad(x, (left, right)), weight, bias, stride, 0, dilation)
    return y if out is None else y[..., :out]


def _batched(change):
    """A conv1d mutant from change(x, weight, bias, s, p, d, L_out) on batched x (N, C, L)."""
    @refuses_like(cases.conv1d)
    def conv1d(x, weight, bias=None, stride=1, padding=0, dilation=1):
        if x.ndim == 2:
            return conv1d(x[None], weight, bias, stride, padding, dilation)[0]
        out = (x.shape[-1] + 2 * padding - dilation * (weight.shape[-1] - 1) - 1) // stride + 1
        return change(x, weight, bias, stride, padding, dilation, out)
    return conv1d


def _channels_last(conv):
    """The channels-last function a student writes around their own conv1d."""
    @refuses_like(cases.conv1d_channels_last)
    def conv1d_channels_last(x, weight, bias=None, stride=1, padding=0, dilation=1):
        return conv(x.permute(0, 2, 1), weight, bias, stride, padding, dilation).permute(0, 2, 1)
    return conv1d_channels_last


@refuses_like(cases.conv1d_channels_last)
def _layout_reshape(x, weight, bias=None, stride=1, padding=0, dilation=1):
    n, length, c = x.shape
    y = F.conv1d(x.reshape(n, c, length), weight, bias, stride, padding, dilation)
    return y.reshape(n, y.shape[2], y.shape[1])


def _last_tap_dropped(w):
    w = w.clone()
    if w.shape[-1] > 1:
        w[..., -1] = 0
    return w


def _bias_times(count):
    def change(x, w, b, s, p, d, out):
        y = conv1d_padded(x, w, None, s, p, p, d)
        return y if b is None else y + count(w) * b.view(1, -1, 1)
    return change


def _averaged(x, w, b, s, p, d, out):
    y = conv1d_padded(x, w, None, s, p, p, d) / w.shape[1]
    return y if b is None else y + b.view(1, -1, 1)


def _batch_summed(x, w, b, s, p, d, out):
    y = conv1d_padded(x.sum(0, keepdim=True), w, b, s, p, p, d)
    return y.expand(x.shape[0], *y.shape[1:])


def _axes_swapped(x, w, b, s, p, d, out):
    if w.shape[0] != w.shape[1]:  # the mistaken code only runs when the two counts agree
        return conv1d_padded(x, w, b, s, p, p, d)
    return conv1d_padded(x, w.transpose(0, 1), b, s, p, p, d)


TABLE = (
    ("kernel-flipped", lambda x, w, b, s, p, d, out: conv1d_padded(x, w.flip(-1), b, s, p, p, d),
     "Your code reverses the kernel (true convolution). PyTorch's conv1d is cross-correlation: "
     "out[n, o, i] = sum_c sum_k weight[o, c, k] * x[n, c, i*s + k*d], the kernel as it is.",
     "weight[o, c, K - 1 - k]  # should be weight[o, c, k]"),
    ("window-off-by-one", lambda x, w, b, s, p, d, out: conv1d_padded(x, _last_tap_dropped(w), b, s, p, p, d),
     "Your windows miss their last tap: a kernel of K taps covers k = 0 .. K-1, range(K), not range(K - 1).",
     "for k in range(K - 1):  # should be range(K)"),
    ("stride-not-applied", lambda x, w, b, s, p, d, out: conv1d_padded(x, w, b, 1, p, p, d, out=out),
     "Your code slides the kernel one position at a time and keeps the first L_out results. With stride s, "
     "output i reads the window starting at i*s.", "x[n, c, i + k*d]  # should be x[n, c, i*s + k*d]"),
    ("dilation-gap-wrong", lambda x, w, b, s, p, d, out: conv1d_padded(x, w, b, s, p, p, d + 1 if d > 1 else d,
                                                                        out=out),
     "Your taps are dilation + 1 apart. With dilation d, the taps are d apart: x[n, c, i*s + k*d].",
     "x[n, c, i*s + k*(d + 1)]  # should be x[n, c, i*s + k*d]"),
    ("padding-one-side", lambda x, w, b, s, p, d, out: conv1d_padded(x, w, b, s, 2 * p, 0, d),
     "Your code puts all 2p zeros before the input. padding=p puts p zeros on each side.",
     "x_pad = [0]*2p + x  # should be [0]*p + x + [0]*p"),
    ("bias-missing", _bias_times(lambda w: 0),
     "Your code never adds the bias. bias[o] is added once to every output value of channel o.",
     "out[n, o, i] = sum(...)  # + bias[o]"),
    ("bias-per-channel", _bias_times(lambda w: w.shape[1]),
     "Your code adds the bias once per input channel. It is added once per output value, after the sum over "
     "channels.", "for c: out[n, o, i] += ... + bias[o]  # add bias[o] once, outside the loop over c"),
    ("bias-per-tap", _bias_times(lambda w: w.shape[-1]),
     "Your code adds the bias once per kernel tap. It is added once per output value, after the sum.",
     "for k: out[n, o, i] += weight[o, c, k] * x[...] + bias[o]  # add bias[o] once"),
    ("channels-not-summed", lambda x, w, b, s, p, d, out: conv1d_padded(x[:, :1], w[:, :1], b, s, p, p, d),
     "Only the first input channel reaches your output. Each filter sums its products over every input "
     "channel: out[n, o, i] = sum over c AND k.", "weight[o, 0] * x[n, 0]  # sum over every channel c"),
    ("channels-averaged", _averaged,
     "Your code averages over the input channels. Convolution sums them.",
     "mean over c of (...)  # should be the sum over c"),
    ("batch-summed", _batch_summed,
     "Your code sums over the batch. Each signal of the batch is convolved on its own: out[n] depends on "
     "x[n] only.", "x.sum(0)  # keep the batch axis: loop over n"),
    ("weight-axes-swapped", _axes_swapped,
     "Your code reads the weight as (in_channels, out_channels, K). PyTorch's conv1d weight is "
     "(out_channels, in_channels, K): weight[o] is filter o.", "weight[c, o, k]  # should be weight[o, c, k]"),
)

_CONV1D = tuple((id_, _batched(change), explanation, line) for id_, change, explanation, line in TABLE)

MUTANTS = tuple(Mutant(id_, "conv1d", impl, explanation, line) for id_, impl, explanation, line in _CONV1D) + \
    tuple(Mutant(id_, "conv1d_channels_last", _channels_last(impl), explanation, line)
          for id_, impl, explanation, line in _CONV1D) + (
    Mutant("layout-reshape", "conv1d_channels_last", _layout_reshape,
           "Your code turns (N, L, C) into (N, C, L) with reshape (or view). That keeps the numbers in memory "
           "order and mixes positions with channels. Move the axis with x.permute(0, 2, 1) (and back the same "
           "way).", "x.reshape(N, C, L)  # should be x.permute(0, 2, 1)"),
)


# Other ways students write a mistake, tried by the feedback only (autograder/mutants/base.py's Lookalike).

def _bias_on_last_axis(x, w, b, s, p, d, out):
    """out + bias with bias (C_out,): broadcasting adds bias[j] at position j of the length axis, when
    L_out == C_out; (N, C_out, C_out) when L_out == 1; a RuntimeError otherwise, as PyTorch raises."""
    y = conv1d_padded(x, w, None, s, p, p, d)
    return y if b is None else y + b


def _wrapped_left(x, w, b, s, p, d, out):
    """Negative indices into x for the left padding: x[..., -1] is the last value, not a zero."""
    if p > x.shape[-1]:
        raise IndexError(f"index {-p} is out of bounds for dimension 2 with size {x.shape[-1]}")
    return conv1d_padded(torch.cat([x[..., x.shape[-1] - p:], x], dim=-1), w, b, s, 0, p, d)


def _summed_over_filters(x, w, b, s, p, d, out):
    """out[n, o, i] = sum over the filters o' of w[o', o] * x[n, o]: filter index and channel index
    confused, so the sum runs over the filters; channel o of x must exist (an IndexError otherwise)."""
    c_out, c_in = w.shape[0], w.shape[1]
    if c_out > c_in:
        raise IndexError(f"index {c_in} is out of bounds for dimension 0 with size {c_in}")
    y = torch.stack([sum(conv1d_padded(x[:, o:o + 1], w[f:f + 1, o:o + 1], None, s, p, p, d)[:, 0]
                         for f in range(c_out)) for o in range(c_out)], 1)
    return y if b is None else y + b[None, :, None]


_LOOK = (
    ("summed-over-filters", _summed_over_filters,
     "Your code sums over the filters instead of over the input channels: output channel o adds up every "
     "filter's weights for input channel o (weight[:, o]). Filter o makes output channel o on its own, "
     "summing over every input channel c: out[n, o, i] = sum over c and k of weight[o, c, k] * x[n, c, ...].",
     "(weight[:, o] * window[o]).sum()  # should be (weight[o] * window).sum(): filter o, every channel",
     "Take filter weight[o] (shape (C_in, K)) and sum its products with the window over BOTH the channel "
     "and the tap axis.", "channels-not-summed"),
    ("bias-on-length-axis", _bias_on_last_axis,
     "Your code adds bias, shape (C_out,), to out, shape (N, C_out, L_out), as it is: broadcasting lines it "
     "up with the LAST axis, the length, so bias[j] lands on position j (or the shapes clash, or the output "
     "grows an axis). bias[o] belongs to output channel o, the middle axis.",
     "out = out + bias  # should be out + bias[None, :, None]",
     "Give bias the shape (1, C_out, 1) before adding it: bias[None, :, None] lines it up with the channels.",
     None),
    ("padding-wraps-around", _wrapped_left,
     "Your left padding reads values from the other end of the input: a negative index wraps around in "
     "Python (x[..., -1] is the last value), so the positions before x[..., 0] see the last values instead "
     "of zeros.", "x[n, c, i*s + k*d - p]  # j < 0 wraps around: read 0 there",
     "Read x only at 0 <= j < L and count 0 elsewhere, or build x_padded with p zeros on each side first.",
     None),
)

LOOKALIKES = tuple(Lookalike(key, "conv1d", _batched(change), explanation, line, hint, reported=reported)
                   for key, change, explanation, line, hint, reported in _LOOK) + \
    tuple(Lookalike(key, "conv1d_channels_last", _channels_last(_batched(change)), explanation, line, hint,
                    reported=reported)
          for key, change, explanation, line, hint, reported in _LOOK)
