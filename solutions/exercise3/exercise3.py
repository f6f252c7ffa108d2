"""Exercise 3 — Many channels: sum over inputs, one output per filter.

A real signal has several channels (left and right audio, or the features of a previous
layer), and a layer has several filters. PyTorch's conv1d takes

    x      (batch, in_channels, length)
    weight (out_channels, in_channels, kernel_size)   one filter per output channel
    bias   (out_channels,) or None

and each filter o reads EVERY input channel c, summing the products over channels and taps:

    out[n, o, i] = bias[o] + sum_c sum_k weight[o, c, k] * x_padded[n, c, i*stride + k*dilation]

Worked example: one image of two channels, x[0] = [[2, 3, 4],
                                                   [1, 1, 1]],
one filter weight[0] = [[1, 0, -1],
                        [1, 1, 1]], bias [0.5]:

    out[0, 0, 0] = (1*2 + 0*3 - 1*4) + (1*1 + 1*1 + 1*1) + 0.5 = -2 + 3 + 0.5 = 1.5

Each image of the batch is convolved on its own; an unbatched input (in_channels, length)
gives an unbatched output (out_channels, length_out). The bias is added once per output
value, after the sum.

Allowed: loops, indexing and slicing, permute/reshape, stack/cat, sum, einsum, matmul, numpy arrays.
Not allowed while your functions run (refused as `forbidden`, by any route):
library convolutions (F.conv1d, torch.nn.Conv1d, numpy.convolve/correlate), sliding windows
(Tensor.unfold, F.unfold, as_strided, sliding_window_view) and FFTs, as in exercise 2.
In the whole file: imports only from torch, numpy, math, cmath, itertools, functools, typing,
collections, numbers and random; no private (_x) or dunder attributes; no getattr, eval, exec
or open; no attribute leading to other modules (torch.sys, typing.sys); no threads; no
numpy.ndarray(...), recarray or strides= (isinstance(x, np.ndarray) is fine); __name__ is
never assigned. Windows may not be made at import time either.
Code under `if __name__ == "__main__":` is not graded: check yourself there with F.conv1d.

Read the lesson first: it is in the notebook exercises/exercise3.ipynb, before the first function
(text, pictures, and cells where you predict a number before torch shows it). Its pictures:

    exercises/pictures/exercise3-channels.png
    exercises/pictures/exercise3-filters.png
"""
import torch


def _positive(name, value):
    if not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a positive int, got {value!r}")


def conv1d(x, weight, bias=None, stride=1, padding=0, dilation=1):
    """Multi-channel 1-D convolution, as F.conv1d.

    x (batch, in_channels, length) or (in_channels, length); weight (out_channels, in_channels, K);
    bias (out_channels,) or None -> (batch, out_channels, L_out) or (out_channels, L_out).

    out[n, o, i] = bias[o] + sum_c sum_k weight[o, c, k] * x_padded[n, c, i*stride + k*dilation]
    L_out = (L + 2*padding - dilation*(K - 1) - 1) // stride + 1

    >>> x = torch.tensor([[[2., 3., 4.], [1., 1., 1.]]])
    >>> w = torch.tensor([[[1., 0., -1.], [1., 1., 1.]]])
    >>> conv1d(x, w, torch.tensor([0.5]))
    tensor([[[1.5000]]])
    """
    if x.ndim not in (2, 3):
        raise ValueError(f"x must be (batch, in_channels, length) or (in_channels, length), got shape {tuple(x.shape)}")
    if weight.ndim != 3:
        raise ValueError(f"weight must be (out_channels, in_channels, kernel_size), got shape {tuple(weight.shape)}")
    C_out, C_in, K = weight.shape
    ### BEGIN SOLUTION
    if x.ndim == 2:  # unbatched: a batch of one, and the batch axis removed again
        return conv1d(x[None], weight, bias, stride, padding, dilation)[0]
    N, C_x, L = x.shape
    if C_x != C_in:
        raise ValueError(f"x has {C_x} channels but the weight expects {C_in} (weight is (out, in, K))")
    for name, value in (("batch", N), ("in_channels", C_in), ("out_channels", C_out), ("length", L),
                        ("kernel_size", K), ("stride", stride), ("dilation", dilation)):
        _positive(name, value)
    if not isinstance(padding, int) or padding < 0:
        raise ValueError(f"padding must be a non-negative int, got {padding!r}")
    if bias is not None and tuple(bias.shape) != (C_out,):
        raise ValueError(f"bias must have shape ({C_out},), one value per filter, got {tuple(bias.shape)}")
    span = dilation * (K - 1) + 1
    if span > L + 2 * padding:
        raise ValueError(f"the kernel spans {span} positions but the padded input has only {L + 2 * padding}")

    x_padded = torch.zeros(N, C_in, L + 2 * padding, dtype=x.dtype)
    x_padded[:, :, padding:padding + L] = x
    L_out = (L + 2 * padding - span) // stride + 1
    out = torch.zeros(N, C_out, L_out, dtype=x.dtype)
    for n in range(N):  # every image on its own
        for o in range(C_out):  # one output channel per filter
            for i in range(L_out):
                start = i * stride
                window = x_padded[n, :, start:start + span:dilation]  # (in_channels, K): every channel
                out[n, o, i] = (weight[o] * window).sum()  # sum over channels AND taps
            if bias is not None:
                out[n, o] += bias[o]  # once per output value
    return out
    ### END SOLUTION


def conv1d_channels_last(x, weight, bias=None, stride=1, padding=0, dilation=1):
    """conv1d for channels-last input, as TensorFlow and many data files lay it out.

    x (batch, length, in_channels) -> (batch, L_out, out_channels); weight as in conv1d.

    Moving an axis is a permute (transpose), never a reshape: x.reshape(N, C, L) keeps the
    values in memory order and so mixes positions and channels.
    """
    if x.ndim != 3:
        raise ValueError(f"x must be (batch, length, in_channels), got shape {tuple(x.shape)}")
    ### BEGIN SOLUTION
    out = conv1d(x.permute(0, 2, 1), weight, bias, stride, padding, dilation)  # (N, L, C) -> (N, C, L)
    return out.permute(0, 2, 1)  # and back: (N, C_out, L_out) -> (N, L_out, C_out)
    ### END SOLUTION
