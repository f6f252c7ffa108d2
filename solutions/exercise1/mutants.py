"""exercise1's misconceptions (output sizes) as mutants. Each validates like PyTorch (refuses_like),
so only its formula is wrong. Declared order breaks ties when several explain the same cases:
the narrower mistake comes first (round before ceil: a remainder above half fools both)."""
from __future__ import annotations

from autograder.mutants.base import Lookalike, Mutant, refuses_like

from . import cases as oracle

def _pair(v):
    return tuple(v) if isinstance(v, (tuple, list)) else (v, v)


# --- conv_output_length: one wrong formula each --------------------------------------------

def _plus_one(L, K, s=1, p=0, d=1):
    return (L + 2 * p - d * (K - 1) - 1) // s


def _ceil(L, K, s=1, p=0, d=1):
    return -(-(L + 2 * p - d * (K - 1) - 1) // s) + 1


def _round(L, K, s=1, p=0, d=1):
    return round((L + 2 * p - d * (K - 1) - 1) / s) + 1


def _dilation_ignored(L, K, s=1, p=0, d=1):
    return (L + 2 * p - K) // s + 1


def _dilation_times_kernel(L, K, s=1, p=0, d=1):
    return (L + 2 * p - d * K) // s + 1


def _padding_once(L, K, s=1, p=0, d=1):
    return (L + p - d * (K - 1) - 1) // s + 1


def _float_size(L, K, s=1, p=0, d=1):
    return (L + 2 * p - d * (K - 1) - 1) / s + 1


def _length(formula):
    @refuses_like(oracle.conv_output_length)
    def conv_output_length(length, kernel_size, stride=1, padding=0, dilation=1):
        return formula(length, kernel_size, stride, padding, dilation)
    return conv_output_length


def _shape(formula, *, swapped=False):
    """conv2d_output_shape from a 1-D formula on each axis, as students write it."""
    @refuses_like(oracle.conv2d_output_shape)
    def conv2d_output_shape(height, width, kernel_size, stride=1, padding=0, dilation=1):
        k, s, p, d = (_pair(v) for v in (kernel_size, stride, padding, dilation))
        if swapped:  # the pairs read as (width, height)
            k, s, p, d = (v[::-1] for v in (k, s, p, d))
        return (formula(height, k[0], s[0], p[0], d[0]), formula(width, k[1], s[1], p[1], d[1]))
    return conv2d_output_shape


def _right(L, K, s=1, p=0, d=1):
    return (L + 2 * p - d * (K - 1) - 1) // s + 1


# --- pool_output_length ----------------------------------------------------------------------

@refuses_like(oracle.pool_output_length)
def _pool_stride_one(length, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    return oracle.pool_output_length(length, kernel_size, stride or 1, padding, dilation, ceil_mode)


@refuses_like(oracle.pool_output_length)
def _pool_plus_one(length, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    return oracle.pool_output_length(length, kernel_size, stride, padding, dilation, ceil_mode) - 1


@refuses_like(oracle.pool_output_length)
def _ceil_mode_naive(length, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    s = stride or kernel_size
    room = length + 2 * padding - dilation * (kernel_size - 1) - 1
    return (-(-room // s) if ceil_mode else room // s) + 1


# --- same_padding, conv_transpose_output_length -------------------------------------------------

@refuses_like(oracle.same_padding)
def _same_extra_left(kernel_size, dilation=1):
    total = dilation * (kernel_size - 1)
    return (total - total // 2, total // 2)


@refuses_like(oracle.same_padding)
def _same_ignores_dilation(kernel_size, dilation=1):
    total = kernel_size - 1
    return (total // 2, total - total // 2)


@refuses_like(oracle.conv_transpose_output_length)
def _transpose_no_output_padding(length, kernel_size, stride=1, padding=0, output_padding=0, dilation=1):
    return (length - 1) * stride - 2 * padding + dilation * (kernel_size - 1) + 1


# --- the table -------------------------------------------------------------------------------

_CONV = (  # id, formula, explanation, the line as a student writes it
    ("missing-plus-one", _plus_one,
     "Your size is one short: it counts the steps between window positions, not the positions. "
     "The first window sits at position 0 before any step, so PyTorch adds 1.",
     "L_out = (L + 2*p - d*(K-1) - 1) // s          # missing: + 1"),
    ("round-not-floor", _round,
     "Your size rounds the division to the nearest whole number. A last window that would only "
     "partly fit does not exist, so PyTorch rounds down (floor).",
     "L_out = round((L + 2*p - d*(K-1) - 1) / s) + 1  # PyTorch: // s"),
    ("ceil-not-floor", _ceil,
     "Your size rounds the division up (ceiling). A last window that would only partly fit does not "
     "exist, so PyTorch rounds down (floor) unless ceil_mode is asked for in pooling.",
     "L_out = ceil((L + 2*p - d*(K-1) - 1) / s) + 1   # PyTorch: // s"),
    ("dilation-ignored", _dilation_ignored,
     "Your size uses the kernel size K as the window's span and ignores dilation. With dilation d the "
     "taps sit d apart, so the window spans d*(K-1) + 1 positions.",
     "L_out = (L + 2*p - K) // s + 1                 # PyTorch: - d*(K-1) - 1"),
    ("dilation-times-kernel", _dilation_times_kernel,
     "Your size takes the dilated window as d*K positions wide. The K taps have K-1 gaps of d between "
     "them, so the window spans d*(K-1) + 1 positions.",
     "L_out = (L + 2*p - d*K) // s + 1               # PyTorch: - d*(K-1) - 1"),
    ("padding-once", _padding_once,
     "Your size adds the padding once. padding=p puts p zeros on each side, so the padded length "
     "is L + 2*p.",
     "L_out = (L + p - d*(K-1) - 1) // s + 1         # PyTorch: L + 2*p"),
    ("float-size", _float_size,
     "Your size is a float: it divides with / instead of floor division //. A length is a whole number "
     "of windows; PyTorch floors the division and returns an int.",
     "L_out = (L + 2*p - d*(K-1) - 1) / s + 1        # PyTorch: // s"),
)

MUTANTS = (
    *(Mutant(id, "conv_output_length", _length(f), text, line) for id, f, text, line in _CONV),
    Mutant("height-width-swapped", "conv2d_output_shape", _shape(_right, swapped=True),
           "Your shape exchanges height and width somewhere: a pair such as kernel_size=(KH, KW) or "
           "stride=(sH, sW) is read the wrong way round. PyTorch's pairs are (height, width), and the "
           "result is (H_out, W_out).",
           "KW, KH = kernel_size                           # PyTorch: KH, KW = kernel_size"),
    # the 1-D mistakes again, where conv2d_output_shape reuses them on each axis
    *(Mutant(id, "conv2d_output_shape", _shape(f), text, line) for id, f, text, line in _CONV),
    Mutant("pool-stride-one", "pool_output_length", _pool_stride_one,
           "Your pooling uses stride 1 when no stride is given. In max_pool1d the stride defaults to "
           "kernel_size, so windows do not overlap.",
           "stride = 1 if stride is None else stride      # PyTorch: kernel_size"),
    Mutant("ceil-mode-naive", "pool_output_length", _ceil_mode_naive,
           "With ceil_mode your pooling rounds up but keeps a last window that starts in the right "
           "padding. PyTorch drops that window: the last window must start inside the input or the "
           "left padding.",
           "L_out = ceil(room / s) + 1                    # missing: if (L_out-1)*s >= L + p: L_out -= 1"),
    Mutant("missing-plus-one", "pool_output_length", _pool_plus_one, _CONV[0][2],
           "L_out = (L + 2*p - d*(K-1) - 1) // s          # missing: + 1"),
    Mutant("same-extra-left", "same_padding", _same_extra_left,
           "Your 'same' padding puts the odd extra zero on the left. When d*(K-1) is odd PyTorch puts "
           "the larger half on the right: left = total // 2.",
           "left = total - total // 2                     # PyTorch: left = total // 2"),
    Mutant("same-ignores-dilation", "same_padding", _same_ignores_dilation,
           "Your 'same' padding is computed from K-1 and ignores dilation. A dilated kernel spans "
           "d*(K-1) + 1 positions, so the total padding is d*(K-1).",
           "total = kernel_size - 1                       # PyTorch: dilation * (kernel_size - 1)"),
    Mutant("transpose-no-output-padding", "conv_transpose_output_length", _transpose_no_output_padding,
           "Your transposed length leaves out output_padding. PyTorch adds output_padding to the end "
           "of the output: it picks one of the lengths that a strided convolution maps to the same size.",
           "L_out = (L-1)*s - 2*p + d*(K-1) + 1           # missing: + output_padding"),
)


# Other ways students write a mistake, tried by the feedback only (autograder/mutants/base.py's Lookalike).

@refuses_like(oracle.same_padding)
def _same_half_kernel(kernel_size, dilation=1):
    return (kernel_size // 2, kernel_size // 2)


@refuses_like(oracle.same_padding)
def _same_symmetric_floor(kernel_size, dilation=1):
    total = dilation * (kernel_size - 1)
    return (total // 2, total // 2)


SAME_HINT = "'same' pads total = d*(K - 1): left = total // 2, right = total - left (the odd one on the right)."

LOOKALIKES = (
    Lookalike("same-half-kernel", "same_padding", _same_half_kernel,
              "Your 'same' padding puts K // 2 on each side. That is right only for an odd K without dilation: "
              "'same' pads d*(K - 1) in total, total // 2 on the left and the rest on the right, so an even K "
              "gets one zero too many and a dilated kernel too few.",
              "return (K // 2, K // 2)  # should be (total // 2, total - total // 2)", SAME_HINT),
    Lookalike("same-symmetric-floor", "same_padding", _same_symmetric_floor,
              "Your 'same' padding puts d*(K - 1) // 2 on each side. When d*(K - 1) is odd that is one short: "
              "PyTorch puts the odd one on the right, right = total - total // 2.",
              "return (total // 2, total // 2)  # should be (total // 2, total - total // 2)", SAME_HINT),
)
