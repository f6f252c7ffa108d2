"""questions' misconceptions as mutants: the natural wrong answers to each question. Each validates like
PyTorch (refuses_like), so only its number is wrong; conv-length-minus-k also refuses what its own L - K
finds too short (a window that fits exactly), as the code that makes the mistake does."""
from __future__ import annotations

from autograder.mutants.base import Mutant, refuses_like

from . import cases as oracle


# --- conv_pool_shape ---------------------------------------------------------------------

def _shape(conv_length, pooled, channels_in=False):
    @refuses_like(oracle.conv_pool_shape)
    def conv_pool_shape(n, c_in, length, c_out, kernel_size, pool):
        conv = conv_length(length, kernel_size)
        return (n, c_in if channels_in else c_out, pooled(conv, pool))
    return conv_pool_shape


@refuses_like(oracle.conv_pool_shape)
def _one_short(n, c_in, length, c_out, kernel_size, pool):
    """L - K, and the refusals that follow from it: a window that fits exactly looks too long."""
    conv = length - kernel_size
    if conv < 1 or pool > conv:
        raise ValueError(f"the pooling window {pool} is longer than the conv's output ({conv})")
    return (n, c_out, conv // pool)


def _fits(length, k):
    return length - k + 1


def _side_by_side(conv, pool):
    return conv // pool


# --- conv_params -------------------------------------------------------------------------

def _taps(kernel_size, one_axis=False):
    if isinstance(kernel_size, tuple):
        return kernel_size[0] if one_axis else kernel_size[0] * kernel_size[1]
    return kernel_size


def _params(weights, *, bias_always=False, no_bias=False, one_axis=False):
    @refuses_like(oracle.conv_params)
    def conv_params(c_in, c_out, kernel_size, groups=1, bias=True):
        count = weights(c_in, c_out, groups) * _taps(kernel_size, one_axis)
        return count + (c_out if (bias or bias_always) and not no_bias else 0)
    return conv_params


def _grouped(c_in, c_out, g):
    return c_out * (c_in // g)


# --- inputs_read -------------------------------------------------------------------------

def _read(*, use_stride=True, use_dilation=True, shift=True, keep_outside=False):
    @refuses_like(oracle.inputs_read)
    def inputs_read(length, i, kernel_size, stride=1, padding=0, dilation=1):
        start = (i * stride if use_stride else i) - (padding if shift else 0)
        taps = [start + k * (dilation if use_dilation else 1) for k in range(kernel_size)]
        return tuple(j for j in taps if keep_outside or 0 <= j < length)
    return inputs_read


# --- dense_vs_conv_params ----------------------------------------------------------------

def _dense(*, dense_bias=True, per_position=False, in_channels=True):
    @refuses_like(oracle.dense_vs_conv_params)
    def dense_vs_conv_params(h, w, c_in, c_out, k):
        inputs, outputs = h * w * c_in, h * w * c_out
        conv = c_out * (c_in if in_channels else 1) * k * k + c_out
        return (inputs * outputs + (outputs if dense_bias else 0), conv * (h * w if per_position else 1))
    return dense_vs_conv_params


MUTANTS = [
    Mutant("conv-length-minus-k", "conv_pool_shape", _one_short,
           "Your conv's output length is L - K: a kernel of K taps fits L - K + 1 times (positions 0 .. L - K).",
           "conv = length - kernel_size  # one short: + 1"),
    Mutant("pool-ceil", "conv_pool_shape", _shape(_fits, lambda c, pool: -(-c // pool)),
           "Your pooling rounds up: nn.MaxPool1d (ceil_mode=False) drops the last values that do not fill a "
           "whole window, so its length is conv // pool.",
           "pooled = math.ceil(conv / pool)  # MaxPool1d rounds down"),
    Mutant("pool-overlapping", "conv_pool_shape", _shape(_fits, lambda c, pool: c - pool + 1),
           "Your pooling slides one position at a time (conv - pool + 1 windows): nn.MaxPool1d's stride "
           "defaults to its window, so the windows sit side by side: conv // pool of them.",
           "pooled = conv - pool + 1  # stride 1; MaxPool1d(pool) has stride pool"),
    Mutant("channels-in-kept", "conv_pool_shape", _shape(_fits, _side_by_side, channels_in=True),
           "Your shape keeps the input's channel count: the conv makes c_out channels (one per filter), and "
           "pooling keeps them.",
           "return (n, c_in, pooled)  # the conv outputs c_out channels"),
    Mutant("params-no-bias", "conv_params", _params(_grouped, no_bias=True),
           "Your count leaves out the bias: with bias=True (the default) each output channel has one bias, "
           "c_out more parameters.",
           "return weights  # + c_out biases when bias=True"),
    Mutant("params-bias-always", "conv_params", _params(_grouped, bias_always=True),
           "Your count adds c_out biases even with bias=False, where the layer has weights only.",
           "return weights + c_out  # only when bias=True"),
    Mutant("kernel-one-axis", "conv_params", _params(_grouped, one_axis=True),
           "Your count reads a (kh, kw) kernel as kh taps: a 2-D kernel has kh * kw weights per channel pair.",
           "taps = kernel_size[0]  # kh * kw for a pair"),
    Mutant("groups-ignored", "conv_params", _params(lambda ci, co, g: co * ci),
           "Your count ignores groups: with groups=g each output channel sees only the c_in / g input channels "
           "of its group, so there are c_out * (c_in / g) * K weights, g times fewer.",
           "weights = c_out * c_in * taps  # c_in // groups"),
    Mutant("groups-divides-twice", "conv_params", _params(lambda ci, co, g: (co // g) * (ci // g)),
           "Your count is one group's weights: groups=g is g small convs of (c_in / g) -> (c_out / g) channels, "
           "so c_out * (c_in / g) * K weights in all, not (c_out / g) * (c_in / g) * K.",
           "weights = (c_out // groups) * (c_in // groups) * taps  # times groups"),
    Mutant("read-no-stride", "inputs_read", _read(use_stride=False),
           "Your window starts at i: with stride s, output i's window starts at i * s (minus the padding).",
           "start = i - padding  # i * stride - padding"),
    Mutant("read-no-dilation", "inputs_read", _read(use_dilation=False),
           "Your window reads K neighbours: with dilation d its taps are d apart, start + k * d.",
           "taps = (start + k for k in range(kernel_size))  # start + k * dilation"),
    Mutant("read-padded-coordinates", "inputs_read", _read(shift=False),
           "Your positions count the padding as part of x: x[0] sits at position `padding` of the padded "
           "input, so output i starts at x position i * s - padding.",
           "start = i * stride  # - padding: positions of x, not of the padded input"),
    Mutant("read-padding-kept", "inputs_read", _read(keep_outside=True),
           "Your positions include the padding (below 0 or from length on): those are zeros added around x, "
           "not positions of x; leave them out.",
           "return tuple(taps)  # keep only 0 <= j < length"),
    Mutant("dense-no-bias", "dense_vs_conv_params", _dense(dense_bias=False),
           "Your dense count leaves out its biases: nn.Linear has one per output, h * w * c_out of them.",
           "dense = inputs * outputs  # + outputs biases"),
    Mutant("conv-weight-per-position", "dense_vs_conv_params", _dense(per_position=True),
           "Your conv count has a kernel per position: a conv shares one kernel across the whole image "
           "(weight sharing), so its count does not depend on h and w.",
           "conv = (c_out * c_in * k * k + c_out) * h * w  # shared: no * h * w"),
    Mutant("conv-no-in-channels", "dense_vs_conv_params", _dense(in_channels=False),
           "Your conv count has one k x k kernel per output channel: each filter spans every input channel, "
           "c_in * k * k weights.",
           "conv = c_out * k * k + c_out  # c_out * c_in * k * k"),
]
