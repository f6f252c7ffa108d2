"""Exercise 6 — Padding modes and 'same'.

Padding decides what a kernel sees past the edges. PyTorch's modes, for x = [1, 2, 3]
padded by 2 on each side:

    zeros      0 0 | 1 2 3 | 0 0      constant zeros (F.pad's 'constant')
    reflect    3 2 | 1 2 3 | 2 1      mirror about the edge value, which is not repeated
    replicate  1 1 | 1 2 3 | 3 3      the edge value repeated
    circular   2 3 | 1 2 3 | 1 2      the signal wraps around: the left pad is the last values

Shapes: x (..., length) -> (..., left + length + right).

`conv1d_padded` is nn.Conv1d: pad with the mode, then cross-correlate. Its padding is an
int (that much on both sides), 'valid' (none) or 'same' (the output keeps the input's
length: d*(K-1) in total, the odd one on the right; stride must be 1).

Worked example: conv1d_padded([[1., 2, 3]], w=[[[1., 1, 1]]], padding=1, padding_mode='circular')
pads to [3, 1, 2, 3, 1] and gives [[6, 6, 6]].

Invalid configurations raise ValueError exactly where PyTorch refuses: negative padding,
an unknown mode, reflect padding not smaller than the length, circular padding longer than
the length, non-zero modes on inputs that are not 2-D or 3-D, 'same' with stride > 1, ...

Allowed: slicing (also with negative steps), flip, torch.cat, new_zeros, einsum, matmul, loops.
Not allowed while your functions run (refused as `forbidden`, by any route):
F.pad, numpy.pad and every other library padding, library convolutions (F.conv1d,
numpy.convolve), sliding windows (Tensor.unfold, as_strided) and FFTs.
In the whole file: imports only from torch, numpy, math, cmath, itertools, functools, typing,
collections, numbers and random; no private (_x) or dunder attributes; no getattr, eval, exec
or open; no attribute leading to other modules (torch.sys, typing.sys); no threads; no
numpy.ndarray(...), recarray or strides= (isinstance(x, np.ndarray) is fine); __name__ is
never assigned. Windows may not be made at import time either.
Code under `if __name__ == "__main__":` is not graded: check yourself there with F.pad and F.conv1d.

Read the lesson first: it is in the notebook exercises/exercise6.ipynb, before the first function
(text, pictures, and cells where you predict a number before torch shows it). Its pictures:

    exercises/pictures/exercise6-padding_modes.png
    exercises/pictures/exercise6-same_padding.png
"""
import torch

MODES = ("zeros", "reflect", "replicate", "circular")


def _int(name, value, minimum):
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value!r}")
    return value


def pad1d(x, left, right, mode="zeros"):
    """Pad the last axis of x by `left` and `right` values, as F.pad(x, (left, right), mode).

    Shapes: x (..., length) -> (..., left + length + right)

    >>> pad1d(torch.tensor([[1., 2, 3]]), 2, 2, "reflect")
    tensor([[3., 2., 1., 2., 3., 2., 1.]])
    """
    length = x.shape[-1]
    raise NotImplementedError("exercise6: pad1d")


def conv1d_padded(x, weight, bias=None, stride=1, padding=0, dilation=1, padding_mode="zeros"):
    """nn.Conv1d's forward: pad with `padding_mode`, then cross-correlate.

    Shapes: x (batch, in_channels, length) or (in_channels, length); weight (out_channels,
    in_channels, K); bias (out_channels,) or None -> (batch, out_channels, length_out)
    out[n, o, i] = bias[o] + sum_c sum_k weight[o, c, k] * x_padded[n, c, i*stride + k*dilation]

    >>> conv1d_padded(torch.tensor([[1., 2, 3]]), torch.ones(1, 1, 3), padding="same")
    tensor([[3., 6., 5.]])
    """
    raise NotImplementedError("exercise6: conv1d_padded")
