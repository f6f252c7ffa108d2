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
    raise NotImplementedError("exercise3: conv1d")


def conv1d_channels_last(x, weight, bias=None, stride=1, padding=0, dilation=1):
    """conv1d for channels-last input, as TensorFlow and many data files lay it out.

    x (batch, length, in_channels) -> (batch, L_out, out_channels); weight as in conv1d.

    Moving an axis is a permute (transpose), never a reshape: x.reshape(N, C, L) keeps the
    values in memory order and so mixes positions and channels.
    """
    if x.ndim != 3:
        raise ValueError(f"x must be (batch, length, in_channels), got shape {tuple(x.shape)}")
    raise NotImplementedError("exercise3: conv1d_channels_last")
