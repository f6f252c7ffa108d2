"""Exercise 7 — Conv2d, in full.

Everything of F.conv2d at once: a batch, many input channels summed, one output channel
per filter, bias, stride, zero padding (an int, a pair, 'same' or 'valid'), dilation and
groups. Shapes:

    x (batch, in_channels, height, width), weight (out_channels, in_channels // groups, KH, KW),
    bias (out_channels,) or None -> (batch, out_channels, height_out, width_out)

    out[n, o, i, j] = bias[o] + sum_{c, a, b} weight[o, c, a, b] * x_pad[n, g*Cg + c, i*sh + a*dh, j*sw + b*dw]

where g = o // (out_channels // groups) is the group of filter o and Cg = in_channels // groups:
groups split the channels into contiguous blocks, and each block of filters reads only its block.

Worked example: x of shape (1, 2, 3, 3) with groups=2 and weight (2, 1, 1, 1) = [[[[2]]], [[[3]]]]
gives out[0, 0] = 2 * x[0, 0] and out[0, 1] = 3 * x[0, 1]: each filter sees one channel.

Invalid configurations raise ValueError exactly where F.conv2d refuses (and for negative padding).

Allowed: loops, slicing, reshape/permute, stack/cat, sum, einsum, matmul, numpy arrays.
Not allowed while your functions run (refused as `forbidden`, by any route):
library convolutions (F.conv2d, torch.nn.Conv2d, F.conv1d, numpy.convolve), sliding windows
(Tensor.unfold, F.unfold, as_strided, sliding_window_view) and FFTs.
In the whole file: imports only from torch, numpy, math, cmath, itertools, functools, typing,
collections, numbers and random; no private (_x) or dunder attributes; no getattr, eval, exec
or open; no attribute leading to other modules (torch.sys, typing.sys); no threads; no
numpy.ndarray(...), recarray or strides= (isinstance(x, np.ndarray) is fine); __name__ is
never assigned. Windows may not be made at import time either.
Code under `if __name__ == "__main__":` is not graded: check yourself there with F.conv2d.

Read the lesson first: it is in the notebook exercises/exercise7.ipynb, before the first function
(text, pictures, and cells where you predict a number before torch shows it). Its pictures:

    exercises/pictures/exercise7-groups.png
"""
import torch


def _pair(name, value, minimum):
    """`3` means `(3, 3)`; a pair stays a pair."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{name} must be an int or a pair, got {value!r}")
        items = tuple(value)
    else:
        items = (value, value)
    for v in items:
        if isinstance(v, bool) or not isinstance(v, int) or v < minimum:
            raise ValueError(f"{name} must be an int >= {minimum} or a pair of them, got {value!r}")
    return items


def check_conv2d(x, weight, bias, stride, padding, dilation, groups):
    """Validate like F.conv2d; returns (x batched, unbatched?, stride, dilation, ((top, bottom), (left, right)))."""
    raise NotImplementedError("exercise7: check_conv2d")


def zero_pad2d(x, pads):
    """x (..., H, W) with zeros: pads = ((top, bottom), (left, right))."""
    (top, bottom), (left, right) = pads
    out = x.new_zeros(*x.shape[:-2], x.shape[-2] + top + bottom, x.shape[-1] + left + right)
    out[..., top:top + x.shape[-2], left:left + x.shape[-1]] = x
    return out


def conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """F.conv2d by dot products.

    Shapes: x (batch, in_channels, height, width) -> (batch, out_channels, height_out, width_out)
    H_out = (H + top + bottom - dh*(KH-1) - 1) // sh + 1, and the same for the width

    >>> conv2d(torch.ones(1, 1, 3, 3), torch.ones(1, 1, 2, 2)).shape
    torch.Size([1, 1, 2, 2])
    """
    raise NotImplementedError("exercise7: conv2d")
