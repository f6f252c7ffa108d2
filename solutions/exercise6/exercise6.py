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
    ### BEGIN SOLUTION
    _int("left", left, 0)
    _int("right", right, 0)
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    if mode != "zeros" and x.dim() not in (2, 3):
        raise ValueError(f"mode {mode!r} pads inputs of 2 or 3 dimensions, got shape {tuple(x.shape)}")
    if mode == "zeros":
        before = x.new_zeros(*x.shape[:-1], left)
        after = x.new_zeros(*x.shape[:-1], right)
    elif mode == "reflect":
        if left >= length or right >= length:
            raise ValueError(f"reflect padding ({left}, {right}) must be smaller than the length {length}")
        before = x[..., 1:left + 1].flip(-1)
        after = x[..., length - 1 - right:length - 1].flip(-1)
    elif mode == "replicate":
        if length < 1 and (left or right):
            raise ValueError("replicate padding needs at least one value")
        before = x[..., :1].expand(*x.shape[:-1], left)
        after = x[..., -1:].expand(*x.shape[:-1], right)
    else:  # circular
        if left > length or right > length:
            raise ValueError(f"circular padding ({left}, {right}) may wrap around at most once (length {length})")
        before = x[..., length - left:]
        after = x[..., :right]
    return torch.cat([before, x, after], dim=-1)
    ### END SOLUTION


def conv1d_padded(x, weight, bias=None, stride=1, padding=0, dilation=1, padding_mode="zeros"):
    """nn.Conv1d's forward: pad with `padding_mode`, then cross-correlate.

    Shapes: x (batch, in_channels, length) or (in_channels, length); weight (out_channels,
    in_channels, K); bias (out_channels,) or None -> (batch, out_channels, length_out)
    out[n, o, i] = bias[o] + sum_c sum_k weight[o, c, k] * x_padded[n, c, i*stride + k*dilation]

    >>> conv1d_padded(torch.tensor([[1., 2, 3]]), torch.ones(1, 1, 3), padding="same")
    tensor([[3., 6., 5.]])
    """
    ### BEGIN SOLUTION
    if padding_mode not in MODES:
        raise ValueError(f"padding_mode must be one of {', '.join(MODES)}, got {padding_mode!r}")
    if x.dim() not in (2, 3):
        raise ValueError(f"x must be (batch, in_channels, length) or (in_channels, length), got {tuple(x.shape)}")
    unbatched = x.dim() == 2
    if unbatched:
        x = x.unsqueeze(0)
    if weight.dim() != 3:
        raise ValueError(f"weight must be (out_channels, in_channels, kernel_size), got {tuple(weight.shape)}")
    c_out, c_in, k = weight.shape
    if x.shape[1] != c_in:
        raise ValueError(f"x has {x.shape[1]} channels but weight expects {c_in}")
    if bias is not None and tuple(bias.shape) != (c_out,):
        raise ValueError(f"bias must have shape ({c_out},), got {tuple(bias.shape)}")
    s = _int("stride", stride, 1)
    d = _int("dilation", dilation, 1)
    if padding == "valid":
        left = right = 0
    elif padding == "same":
        if s != 1:
            raise ValueError("padding='same' needs stride 1")
        total = d * (k - 1)
        left, right = total // 2, total - total // 2  # the odd one on the right
    elif isinstance(padding, str):
        raise ValueError(f"padding must be an int, 'same' or 'valid', got {padding!r}")
    else:
        left = right = _int("padding", padding, 0)
    padded = pad1d(x, left, right, padding_mode)
    span = d * (k - 1) + 1
    if span > padded.shape[-1]:
        raise ValueError(f"the kernel spans {span} positions but the padded input has {padded.shape[-1]}")
    out_len = (padded.shape[-1] - span) // s + 1
    out = x.new_zeros(x.shape[0], c_out, out_len)
    for tap in range(k):  # every output position at once, one kernel tap at a time
        window = padded[..., tap * d:tap * d + (out_len - 1) * s + 1:s]  # (batch, in_channels, length_out)
        out = out + torch.einsum("oc,ncl->nol", weight[:, :, tap], window)
    if bias is not None:
        out = out + bias[None, :, None]
    return out.squeeze(0) if unbatched else out
    ### END SOLUTION
