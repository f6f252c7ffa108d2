"""conv2d's misconceptions (dot products, channels, filters, groups), shared: exercise7's mutants of conv2d
and exercise8's of conv2d_fast. Each validates like PyTorch (refuses_like), so only its arithmetic is
wrong; each is F.conv2d on a mistaken reading of the arguments."""
from __future__ import annotations

import torch
import torch.nn.functional as F

from autograder.mutants.base import Lookalike, Mutant, refuses_like

from . import cases


def _pair(v):
    return tuple(v) if isinstance(v, (tuple, list)) else (v, v)


def explicit_pads(padding, kernel, dilation):
    """((top, bottom), (left, right)) for an int, a pair, 'same' or 'valid'."""
    if padding == "valid":
        return ((0, 0), (0, 0))
    if padding == "same":
        totals = [d * (k - 1) for k, d in zip(kernel, dilation)]
        return tuple((t // 2, t - t // 2) for t in totals)
    ph, pw = _pair(padding)
    return ((ph, ph), (pw, pw))


def _padded_conv(x, weight, bias, stride, pads, dilation, groups, out=None):
    """F.conv2d after explicit zero padding; `out` crops (and pads enough) to that output shape."""
    (top, bottom), (left, right) = pads
    if out is not None:  # room for out windows whatever the taps' spacing
        need = [(o - 1) * s + d * (k - 1) + 1 for o, s, d, k in zip(out, stride, dilation, weight.shape[-2:])]
        bottom = max(bottom, need[0] - top - x.shape[-2])
        right = max(right, need[1] - left - x.shape[-1])
    y = F.conv2d(F.pad(x, (left, right, top, bottom)), weight, bias, stride, 0, dilation, groups)
    return y if out is None else y[..., :out[0], :out[1]]


def _mutant(function: str, oracle, change):
    """A mutant from `change(x, weight, bias, stride, pads, dilation, groups, out_shape) -> tensor`."""
    @refuses_like(oracle)
    def impl(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
        s, d = _pair(stride), _pair(dilation)
        pads = explicit_pads(padding, weight.shape[-2:], d)
        out = F.conv2d(x, weight, None, stride, padding, dilation, groups).shape[-2:]
        if x.dim() == 3:  # unbatched: the mistake as made on a batch of one
            return change(x[None], weight, bias, s, pads, d, groups, tuple(out), padding)[0]
        return change(x, weight, bias, s, pads, d, groups, tuple(out), padding)
    impl.__name__ = function
    return impl


def _flipped(x, w, b, s, pads, d, g, out, padding):
    return _padded_conv(x, w.flip(-1, -2), b, s, pads, d, g)


def _off_by_one(x, w, b, s, pads, d, g, out, padding):
    w = w.clone()
    if w.shape[-2] > 1:
        w[..., -1, :] = 0
    if w.shape[-1] > 1:
        w[..., :, -1] = 0
    return _padded_conv(x, w, b, s, pads, d, g)


def _stride_not_applied(x, w, b, s, pads, d, g, out, padding):
    return _padded_conv(x, w, b, (1, 1), pads, d, g)[..., :out[0], :out[1]]


def _gap(x, w, b, s, pads, d, g, out, padding):
    wide = tuple(v + 1 if v > 1 else v for v in d)
    return _padded_conv(x, w, b, s, pads, wide, g, out)


def _one_side(x, w, b, s, pads, d, g, out, padding):
    if isinstance(padding, str):  # 'same' and 'valid' come from PyTorch's own split
        return _padded_conv(x, w, b, s, pads, d, g)
    return _padded_conv(x, w, b, s, tuple((p0 + p1, 0) for p0, p1 in pads), d, g)


def _same_extra_left(x, w, b, s, pads, d, g, out, padding):
    if padding == "same":
        pads = tuple((after, before) for before, after in pads)
    return _padded_conv(x, w, b, s, pads, d, g)


def _bias_times(count):
    def change(x, w, b, s, pads, d, g, out, padding):
        y = _padded_conv(x, w, None, s, pads, d, g)
        return y if b is None else y + count(w) * b.view(1, -1, 1, 1)
    return change


def _not_summed(x, w, b, s, pads, d, g, out, padding):
    n, c, h, wd = x.shape
    first = x.reshape(n, g, c // g, h, wd)[:, :, 0]  # the first channel of each group
    return _padded_conv(first, w[:, :1], b, s, pads, d, g)


def _averaged(x, w, b, s, pads, d, g, out, padding):
    y = _padded_conv(x, w, None, s, pads, d, g) / w.shape[1]
    return y if b is None else y + b.view(1, -1, 1, 1)


def _batch_summed(x, w, b, s, pads, d, g, out, padding):
    y = _padded_conv(x.sum(0, keepdim=True), w, b, s, pads, d, g)
    return y.expand(x.shape[0], *y.shape[1:])


def _axes_swapped(x, w, b, s, pads, d, g, out, padding):
    if g != 1 or w.shape[0] != w.shape[1]:  # the mistake only runs when the two counts agree
        return _padded_conv(x, w, b, s, pads, d, g)
    return _padded_conv(x, w.transpose(0, 1), b, s, pads, d, g)


def _hw_swapped(x, w, b, s, pads, d, g, out, padding):
    return _padded_conv(x, w, b, s[::-1], pads[::-1], d[::-1], g)


def _interleaved(x, w, b, s, pads, d, g, out, padding):
    per = x.shape[1] // g
    order = [group + g * j for group in range(g) for j in range(per)]  # channel i in group i % G
    return _padded_conv(x[:, order], w, b, s, pads, d, g)


def _groups_ignored(x, w, b, s, pads, d, g, out, padding):
    return _padded_conv(x[:, :w.shape[1]], w, b, s, pads, d, 1)


TABLE = (
    ("kernel-flipped", _flipped, "Your code reverses the kernel (true convolution). PyTorch's conv2d is "
     "cross-correlation: out[i, j] = sum x[i + a, j + b] * w[a, b], the kernel as it is.",
     "w[KH - 1 - a, KW - 1 - b]  # should be w[a, b]"),
    ("window-off-by-one", _off_by_one, "Your windows miss their last row and column of taps: a kernel of K "
     "taps covers range(K), not range(K - 1).", "for a in range(KH - 1):  # should be range(KH)"),
    ("stride-not-applied", _stride_not_applied, "Your code slides the kernel one step at a time and keeps the "
     "first outputs. With stride s, output (i, j) reads from (i*sh, j*sw).", "x[i + a]  # should be x[i*sh + a*dh]"),
    ("dilation-gap-wrong", _gap, "Your taps are dilation + 1 apart. With dilation d the taps are d apart.",
     "x[i*s + a*(d + 1)]  # should be x[i*s + a*d]"),
    ("padding-one-side", _one_side, "Your code puts all the padding before the input (top and left). PyTorch "
     "pads p on each side.", "x_pad = pad(x, top=2p, left=2p)  # should be p on every side"),
    ("same-extra-left", _same_extra_left, "With an odd total of 'same' padding your code puts the extra row or "
     "column first. PyTorch puts it last (bottom, right).", "top = total - total // 2  # should be total // 2"),
    ("bias-missing", _bias_times(lambda w: 0), "Your code never adds the bias. Each filter's bias is added once "
     "to every output position of its channel.", "out[n, o] = sum(...)  # + bias[o]"),
    ("bias-per-channel", _bias_times(lambda w: w.shape[1]), "Your code adds the bias once per input channel. "
     "It is added once per output value, after the sum over channels.", "for c: out += ... + bias[o]"),
    ("bias-per-tap", _bias_times(lambda w: w.shape[-2] * w.shape[-1]), "Your code adds the bias once per "
     "kernel tap. It is added once per output value.", "for a, b: out += x * w + bias[o]"),
    ("channels-not-summed", _not_summed, "Only the first input channel reaches your output. Each filter sums "
     "its products over every input channel (of its group).", "out = x[:, 0] * w[o, 0]  # sum over c"),
    ("channels-averaged", _averaged, "Your code averages over the input channels. Convolution sums them.",
     "out = mean_c(...)  # should be sum_c(...)"),
    ("batch-summed", _batch_summed, "Your code sums over the batch. Each image of the batch is convolved on "
     "its own: out[n] depends on x[n] only.", "x.sum(0)  # keep the batch axis"),
    ("weight-axes-swapped", _axes_swapped, "Your code reads the weight as (in_channels, out_channels, KH, KW). "
     "PyTorch's conv2d weight is (out_channels, in_channels // groups, KH, KW).", "w[c, o]  # should be w[o, c]"),
    ("height-width-swapped", _hw_swapped, "Your code exchanges height and width: a stride, padding or dilation "
     "pair is (height, width), in that order.", "sw, sh = stride  # should be sh, sw = stride"),
    ("groups-interleaved", _interleaved, "Your code sends channel i to group i % groups. Groups are contiguous "
     "blocks: with 4 channels and 2 groups, channels 0-1 form group 0 and 2-3 group 1.",
     "x[:, g::G]  # should be x[:, g*Cg:(g+1)*Cg]"),
    ("groups-ignored", _groups_ignored, "Your code ignores groups: every filter reads the first "
     "in_channels // groups channels. Filter o belongs to group o // (out_channels // groups) and reads that "
     "group's block of channels.", "x[:, :Cg]  # should be x[:, g*Cg:(g+1)*Cg] for filter o's group g"),
)


def conv2d_mutants(function: str, oracle) -> tuple[Mutant, ...]:
    return tuple(Mutant(id_, function, _mutant(function, oracle, change), explanation, line)
                 for id_, change, explanation, line in TABLE)



# Other ways students write a mistake, tried by the feedback only (autograder/mutants/base.py's Lookalike):
# one pair read (width, height) while the others are right; the misconception is height-width-swapped.

PAIR_SWAPS = (
    ("stride-pair-swapped", lambda x, w, b, s, pads, d, g, out, padding: _padded_conv(x, w, b, s[::-1], pads, d, g),
     "stride", "sw, sh = stride  # should be sh, sw = stride"),
    ("padding-pair-swapped", lambda x, w, b, s, pads, d, g, out, padding: _padded_conv(x, w, b, s, pads[::-1], d, g),
     "padding", "pw, ph = padding  # should be ph, pw = padding"),
    ("dilation-pair-swapped", lambda x, w, b, s, pads, d, g, out, padding: _padded_conv(x, w, b, s, pads, d[::-1], g),
     "dilation", "dw, dh = dilation  # should be dh, dw = dilation"),
)


def _kernel_read_wh(x, w, b, s, pads, d, g, out, padding):
    """`c_out, c_group, kw, kh = weight.shape`: the padding is right (validation read the shape well),
    but the weight's taps are laid out as a (KW, KH) kernel, so the output is H - KW + 1 rows tall."""
    return _padded_conv(x, w.reshape(*w.shape[:2], w.shape[-1], w.shape[-2]), b, s, pads, d, g)


def _summed_over_filters(x, w, b, s, pads, d, g, out, padding):
    """The sum over the wrong axis: each input channel's responses summed over the filters of its group
    (out[n, c] = sum_o w[o, c] * x[n, c]), spread over the output channels as broadcasting allows (the
    einsum "goc,ngchw->ngchw" added into zeros of (n, g, o, h, w)); raises where the student's code would."""
    n, c_in = x.shape[:2]
    c_out, c_group = w.shape[:2]
    per = c_out // g
    y = torch.stack([torch.stack([sum(_padded_conv(x[:, gi * c_group + c:gi * c_group + c + 1], w[o:o + 1, c:c + 1],
                                                   None, s, pads, d, 1)[:, 0] for o in range(gi * per, (gi + 1) * per))
                                  for c in range(c_group)], 1) for gi in range(g)], 1)  # (n, g, c_group, h, w)
    y = torch.zeros(n, g, per, *y.shape[-2:], dtype=y.dtype) + y  # a RuntimeError where they don't broadcast
    y = y.reshape(n, c_out, *y.shape[-2:])
    return y if b is None else y + b.view(1, -1, 1, 1)


def conv2d_lookalikes(function: str, oracle) -> tuple[Lookalike, ...]:
    return tuple(Lookalike(key, function, _mutant(function, oracle, change),
                           f"Your code reads the {name} pair the other way round. A pair is (height, width): "
                           f"its first value is for the rows, its second for the columns.", line,
                           reported="height-width-swapped")
                 for key, change, name, line in PAIR_SWAPS) + (
        Lookalike("kernel-size-read-wh", function, _mutant(function, oracle, _kernel_read_wh),
                  "Your code reads the kernel's size as (KW, KH): weight.shape[-1] taken as its height. A "
                  "weight is (out_channels, in_channels // groups, KH, KW): weight.shape[-2] counts the kernel's "
                  "rows, weight.shape[-1] its columns, so the output is H - KH + 1 rows tall (without padding).",
                  "c_out, c_group, kw, kh = weight.shape  # should be c_out, c_group, kh, kw",
                  "Unpack the weight as c_out, c_group, kh, kw = weight.shape: kh (rows) before kw (columns), "
                  "like every (height, width) pair.", reported="height-width-swapped"),
        Lookalike("summed-over-filters", function, _mutant(function, oracle, _summed_over_filters),
                  "Your code sums over the filters (out_channels) instead of over the input channels: each "
                  "output holds one input channel's responses added up over every filter. Filter o makes its "
                  "own output channel o, summing over the input channels c of its group: "
                  "out[n, o] = sum over c, a, b of weight[o, c, a, b] * x[n, c, ...].",
                  "out[n, c] = sum_o w[o, c] * x[n, c]  # should be out[n, o] = sum_c w[o, c] * x[n, c]",
                  "Sum the products over the input-channel axis c and keep the filter axis o (einsum "
                  "\"oc,nchw->nohw\", not \"oc,nchw->nchw\").", reported="channels-not-summed"),
    )
