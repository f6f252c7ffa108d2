"""Exercise 5 — Max pooling.

Max pooling slides a window over each channel on its own and keeps the largest value.
Nothing is learned and channels never mix: an input of shape (batch, channels, length)
gives (batch, channels, length_out), one maximum per window:

    out[n, c, i] = max_k x_padded[n, c, i*stride + k*dilation]    for k in 0 .. kernel_size-1

Padding is negative infinity, never zero, so a padded position never wins. The stride
defaults to kernel_size (windows side by side). With ceil_mode the output length rounds
up, but a window that would start in the right padding is dropped.

Worked example: x = [[[1, 5, 2, 0, 3]]], kernel_size=2 (so stride 2): windows [1, 5] and
[2, 0] give [[[5, 2]]]; with ceil_mode=True the window [3] (it starts inside the input)
is kept: [[[5, 2, 3]]].

Invalid configurations raise ValueError, exactly where F.max_pool1d/F.max_pool2d refuse:
sizes below 1, negative padding, padding above half the kernel, an output shorter than 1.

Allowed: strided slicing (x[..., a::s]), torch.maximum, amax/max over a dimension, torch.cat, torch.full.
Not allowed while your functions run (refused as `forbidden`, by any route):
library pooling (F.max_pool1d, F.max_pool2d, torch.nn.MaxPool1d, adaptive or average pooling),
library convolutions and sliding windows (Tensor.unfold, as_strided, sliding_window_view).
In the whole file: imports only from torch, numpy, math, cmath, itertools, functools, typing,
collections, numbers and random; no private (_x) or dunder attributes; no getattr, eval, exec
or open; no attribute leading to other modules (torch.sys, typing.sys); no threads; no
numpy.ndarray(...), recarray or strides= (isinstance(x, np.ndarray) is fine); __name__ is
never assigned. Windows may not be made at import time either.
Code under `if __name__ == "__main__":` is not graded: check yourself there with F.max_pool1d.

Read the lesson first: it is in the notebook exercises/exercise5.ipynb, before the first function
(text, pictures, and cells where you predict a number before torch shows it). Its pictures:

    exercises/pictures/exercise5-pool_windows.png
    exercises/pictures/exercise5-pool_padding.png
"""
import torch


def _int(name, value, minimum):
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value!r}")
    return value


def _pair(name, value, minimum):
    """`3` means `(3, 3)`; a pair stays a pair."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{name} must be an int or a pair, got {value!r}")
        return tuple(_int(name, v, minimum) for v in value)
    return (_int(name, value, minimum),) * 2


def _batched(x, dims, function):
    """(batch, channels, *spatial) view of x; unbatched (channels, *spatial) input is accepted too."""
    if not isinstance(x, torch.Tensor) or x.dim() not in (dims + 1, dims + 2):
        shape = tuple(x.shape) if isinstance(x, torch.Tensor) else type(x).__name__
        raise ValueError(f"{function}: x must be a tensor of {dims + 2} (or {dims + 1}) dimensions, got {shape}")
    return (x, False) if x.dim() == dims + 2 else (x.unsqueeze(0), True)


def pooled_length(length, kernel_size, stride, padding, dilation, ceil_mode):
    """Output length of max pooling along one axis (PyTorch's rule; see exercise1).

    L_out = (L + 2p - d(K-1) - 1) // s + 1, rounded up with ceil_mode unless that last
    window would start in the right padding.
    """
    raise NotImplementedError("exercise5: pooled_length")


def _pad_with(x, before, after, value):
    """Pad the last axis with `value` on each side."""
    shape = list(x.shape)
    parts = []
    if before:
        parts.append(torch.full(shape[:-1] + [before], value, dtype=x.dtype))
    parts.append(x)
    if after:
        parts.append(torch.full(shape[:-1] + [after], value, dtype=x.dtype))
    return torch.cat(parts, dim=-1)


def max_pool1d(x, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    """Max pooling over the last axis, as F.max_pool1d.

    Shapes: x (batch, channels, length) -> (batch, channels, length_out)
    out[n, c, i] = max_k x_padded[n, c, i*stride + k*dilation], padding = -inf

    >>> max_pool1d(torch.tensor([[[1., 5, 2, 0, 3]]]), 2)
    tensor([[[5., 2.]]])
    """
    x, unbatched = _batched(x, 1, "max_pool1d")  # unbatched: return out.squeeze(0) at the end
    length = x.shape[-1]
    raise NotImplementedError("exercise5: max_pool1d")


def max_pool2d(x, kernel_size, stride=None, padding=0):
    """Max pooling over the last two axes, as F.max_pool2d. Each argument is an int or a pair.

    Shapes: x (batch, channels, height, width) -> (batch, channels, height_out, width_out)
    out[n, c, i, j] = max_{a, b} x_padded[n, c, i*sh + a, j*sw + b], padding = -inf

    >>> max_pool2d(torch.tensor([[[[1., 2], [3, 4]]]]), 2)
    tensor([[[[4.]]]])
    """
    x, unbatched = _batched(x, 2, "max_pool2d")  # unbatched: return out.squeeze(0) at the end
    height, width = x.shape[-2:]
    raise NotImplementedError("exercise5: max_pool2d")
