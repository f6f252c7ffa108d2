"""exercise2's misconceptions as mutants of conv1d_single and conv2d_single.

Each validates like PyTorch (refuses_like), so only its arithmetic is wrong. Each is F.conv1d
(or F.conv2d) on a mistaken reading of the arguments, padded and cropped to the output length
the mistaken code would compute. Where two mistakes can give the same result on one case, the
one that shows on fewer cases is declared first (diagnosis breaks ties by declared order).
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from autograder.mutants.base import Lookalike, Mutant, refuses_like

from . import cases


def conv1d_padded(x, w, bias, stride, left, right, dilation, out=None):
    """F.conv1d on x zero-padded (left, right); `out` crops to that many outputs, padding the right
    with enough zeros that a mistaken window past the end reads zeros (as a padded buffer would)."""
    k = w.shape[-1]
    if out is not None:
        right = max(right, (out - 1) * stride + dilation * (k - 1) + 1 - left - x.shape[-1])
    y = F.conv1d(F.pad(x.reshape(1, 1, -1), (left, right)), w.reshape(1, 1, -1), None, stride, 0, dilation)
    y = y.reshape(-1) + bias
    return y if out is None else y[:out]


def _single(change):
    """A conv1d_single mutant from change(x, w, bias, s, p, d, L_out) -> tensor."""
    @refuses_like(cases.conv1d_single)
    def conv1d_single(x, w, bias=0.0, stride=1, padding=0, dilation=1):
        out = (x.shape[0] + 2 * padding - dilation * (w.shape[0] - 1) - 1) // stride + 1
        return change(x, w, float(bias), stride, padding, dilation, out)
    return conv1d_single


def _length(numerator: int, stride: int, rounding) -> int:
    """An output length from a mistaken formula; below 1, an empty output (torch.zeros(0))."""
    return max(rounding(numerator, stride) + 1, 0)


def _floor(a, b):
    return a // b


def _ceil(a, b):
    return -(-a // b)


def _sized(numerator, rounding=_floor):
    """Right values, but as many as a mistaken length formula gives (numerator(L, K, s, p, d))."""
    def change(x, w, b, s, p, d, out):
        n = _length(numerator(x.shape[0], w.shape[0], s, p, d), s, rounding)
        return conv1d_padded(x, w, b, s, p, p, d, out=n)
    return change


def _span(L, K, s, p, d):
    return L + 2 * p - d * (K - 1) - 1


def _last_tap_dropped(w):
    w = w.clone()
    if w.numel() > 1:
        w.view(-1)[-1] = 0  # 1-D: the last tap; 2-D callers zero a row and a column themselves
    return w


SINGLE = (
    ("ceil-not-floor", _sized(_span, _ceil),
     "Your output length rounds the division by the stride up, so your last window hangs past the end of "
     "the input. PyTorch floors it.", "L_out = ceil((L + 2p - d(K-1) - 1) / s) + 1  # should be //"),
    ("padding-once", _sized(lambda L, K, s, p, d: L + p - d * (K - 1) - 1),
     "Your output length counts the padding once (L + p). padding=p adds p zeros on each side: L + 2p.",
     "L_out = (L + p - d(K-1) - 1) // s + 1  # should be L + 2p"),
    ("dilation-times-kernel", _sized(lambda L, K, s, p, d: L + 2 * p - d * K),
     "Your output length takes the dilated kernel to span d*K positions. It spans d*(K-1) + 1: the gaps "
     "are between taps, not after the last one.", "span = d * K  # should be d * (K - 1) + 1"),
    ("dilation-ignored", lambda x, w, b, s, p, d, out: conv1d_padded(x, w, b, s, p, p, 1),
     "Your code ignores dilation: the taps sit next to each other. With dilation d, tap k reads "
     "x[i*s + k*d], and the kernel spans d*(K-1) + 1 positions.", "x[i*s + k]  # should be x[i*s + k*d]"),
    ("missing-plus-one", _sized(lambda L, K, s, p, d: _span(L, K, s, p, d) - s),
     "Your output has one value too few. A kernel fits (L + 2p - d(K-1) - 1) // s + 1 times: the + 1 "
     "counts the first window.", "L_out = (L + 2p - d(K-1) - 1) // s  # + 1"),
    ("kernel-flipped", lambda x, w, b, s, p, d, out: conv1d_padded(x, w.flip(0), b, s, p, p, d),
     "Your code reverses the kernel (true convolution). PyTorch's conv1d is cross-correlation: "
     "out[i] = sum_k w[k] * x[i*s + k*d], the kernel as it is.", "w[K - 1 - k]  # should be w[k]"),
    ("window-off-by-one", lambda x, w, b, s, p, d, out: conv1d_padded(x, _last_tap_dropped(w), b, s, p, p, d),
     "Your windows miss their last tap: a kernel of K taps covers k = 0 .. K-1, range(K), not range(K - 1).",
     "for k in range(K - 1):  # should be range(K)"),
    ("stride-not-applied", lambda x, w, b, s, p, d, out: conv1d_padded(x, w, b, 1, p, p, d, out=out),
     "Your code slides the kernel one position at a time and keeps the first L_out results. With stride s, "
     "output i reads the window starting at i*s.", "x[i + k*d]  # should be x[i*s + k*d]"),
    ("dilation-gap-wrong", lambda x, w, b, s, p, d, out: conv1d_padded(x, w, b, s, p, p, d + 1 if d > 1 else d,
                                                                        out=out),
     "Your taps are dilation + 1 apart. With dilation d, the taps are d apart: x[i*s + k*d].",
     "x[i*s + k*(d + 1)]  # should be x[i*s + k*d]"),
    ("padding-one-side", lambda x, w, b, s, p, d, out: conv1d_padded(x, w, b, s, 2 * p, 0, d),
     "Your code puts all 2p zeros before the input. padding=p puts p zeros on each side.",
     "x_pad = [0]*2p + x  # should be [0]*p + x + [0]*p"),
    ("bias-missing", lambda x, w, b, s, p, d, out: conv1d_padded(x, w, 0.0, s, p, p, d),
     "Your code never adds the bias. It is added once to every output value.", "out[i] = sum(...)  # + bias"),
    ("bias-per-tap", lambda x, w, b, s, p, d, out: conv1d_padded(x, w, b * w.shape[0], s, p, p, d),
     "Your code adds the bias once per kernel tap. It is added once per output value, after the sum.",
     "for k: out[i] += w[k] * x[...] + bias  # add bias once"),
)


def _pair(v):
    return tuple(v) if isinstance(v, (tuple, list)) else (v, v)


def conv2d_padded(image, kernel, bias, stride, pads, out=None):
    """F.conv2d on the image zero-padded ((top, bottom), (left, right)); `out` crops to (H_out, W_out)."""
    (top, bottom), (left, right) = pads
    if out is not None:
        bottom = max(bottom, (out[0] - 1) * stride[0] + kernel.shape[0] - top - image.shape[0])
        right = max(right, (out[1] - 1) * stride[1] + kernel.shape[1] - left - image.shape[1])
    y = F.conv2d(F.pad(image[None, None], (left, right, top, bottom)), kernel[None, None], None, stride)[0, 0] + bias
    return y if out is None else y[:out[0], :out[1]]


def _image(change):
    """A conv2d_single mutant from change(image, kernel, bias, (sh, sw), ((ph, ph), (pw, pw)), out)."""
    @refuses_like(cases.conv2d_single)
    def conv2d_single(image, kernel, bias=0.0, stride=1, padding=0):
        s, (ph, pw) = _pair(stride), _pair(padding)
        out = tuple(cases.conv2d_single(image, kernel, 0.0, stride, padding).shape)
        return change(image, kernel, float(bias), s, ((ph, ph), (pw, pw)), out)
    return conv2d_single


def _last_row_and_column_dropped(kernel):
    kernel = kernel.clone()
    if kernel.shape[0] > 1:
        kernel[-1, :] = 0
    if kernel.shape[1] > 1:
        kernel[:, -1] = 0
    return kernel


IMAGE = (
    ("kernel-flipped", lambda im, k, b, s, pads, out: conv2d_padded(im, k.flip((0, 1)), b, s, pads),
     "Your code reverses the kernel (true convolution). PyTorch's conv2d is cross-correlation: "
     "out[i, j] = sum kernel[a, b] * image[i*sh + a, j*sw + b], the kernel as it is.",
     "kernel[KH - 1 - a, KW - 1 - b]  # should be kernel[a, b]"),
    ("window-off-by-one", lambda im, k, b, s, pads, out: conv2d_padded(im, _last_row_and_column_dropped(k), b, s,
                                                                        pads),
     "Your windows miss their last row and column: a kernel of KH x KW taps covers range(KH) x range(KW).",
     "for a in range(KH - 1):  # should be range(KH)"),
    ("stride-not-applied", lambda im, k, b, s, pads, out: conv2d_padded(im, k, b, (1, 1), pads, out=out),
     "Your code slides the kernel one position at a time and keeps the first outputs. With stride (sh, sw), "
     "output (i, j) reads the window at (i*sh, j*sw).", "image[i + a, j + b]  # should be image[i*sh + a, j*sw + b]"),
    ("padding-one-side", lambda im, k, b, s, pads, out: conv2d_padded(im, k, b, s, tuple((2 * p, 0) for p, _ in pads)),
     "Your code puts all the padding before the image (top and left). padding=p adds p zeros on every side.",
     "padded[2p:, 2p:] = image  # should be padded[p:p+H, p:p+W]"),
    ("bias-missing", lambda im, k, b, s, pads, out: conv2d_padded(im, k, 0.0, s, pads),
     "Your code never adds the bias. It is added once to every output value.", "out[i, j] = sum(...)  # + bias"),
    ("bias-per-tap", lambda im, k, b, s, pads, out: conv2d_padded(im, k, b * k.numel(), s, pads),
     "Your code adds the bias once per kernel tap. It is added once per output value, after the sum.",
     "for a, b: out[i, j] += kernel[a, b] * ... + bias  # add bias once"),
    ("height-width-swapped", lambda im, k, b, s, pads, out: conv2d_padded(im, k, b, s[::-1], pads[::-1]),
     "Your code exchanges height and width in a stride or padding pair. A pair is (height, width): "
     "stride=(sh, sw) moves sh rows and sw columns.", "sw, sh = stride  # should be sh, sw = stride"),
)

MUTANTS = tuple(Mutant(id_, "conv1d_single", _single(change), explanation, line)
                for id_, change, explanation, line in SINGLE) + \
    tuple(Mutant(id_, "conv2d_single", _image(change), explanation, line)
          for id_, change, explanation, line in IMAGE)


# Other ways students write a mistake, tried by the feedback only (autograder/mutants/base.py's Lookalike).

WRAP_EXPLANATION = ("Your left padding reads values from the other end of the input: a negative index wraps "
                    "around in Python (x[-1] is the last value), so the positions before x[0] see x's last "
                    "values instead of zeros.")
WRAP_HINT = ("Read x[j] only when 0 <= j < L and count 0 otherwise, or build x_padded = p zeros + x + p zeros "
             "first and index that.")


def _wrapped_left(x, p):
    """x with its last p values before it, as x[j] for j = -p .. -1 reads them; IndexError past -L, as a
    tensor's index does."""
    if p > x.shape[-1]:
        raise IndexError(f"index {-p} is out of bounds for dimension 0 with size {x.shape[-1]}")
    return torch.cat([x[..., x.shape[-1] - p:], x], dim=-1)


LOOKALIKES = (
    Lookalike("padding-wraps-around", "conv1d_single",
              _single(lambda x, w, b, s, p, d, out: conv1d_padded(_wrapped_left(x, p), w, b, s, 0, p, d)),
              WRAP_EXPLANATION, "x[i*s + k*d - p]  # j < 0 wraps around: read 0 there", WRAP_HINT),
    Lookalike("stride-pair-swapped", "conv2d_single",
              _image(lambda im, k, b, s, pads, out: conv2d_padded(im, k, b, s[::-1], pads)),
              "Your code reads the stride pair the other way round. A pair is (height, width): stride=(sh, sw) "
              "moves sh rows and sw columns.", "sw, sh = stride  # should be sh, sw = stride",
              reported="height-width-swapped"),
    Lookalike("padding-pair-swapped", "conv2d_single",
              _image(lambda im, k, b, s, pads, out: conv2d_padded(im, k, b, s, pads[::-1])),
              "Your code reads the padding pair the other way round. A pair is (height, width): padding=(ph, pw) "
              "adds ph rows above and below and pw columns left and right.",
              "pw, ph = padding  # should be ph, pw = padding", reported="height-width-swapped"),
)
