"""Exercise 8 — Fast conv2d (stretch).

The same function as exercise7's conv2d, without Python loops over the batch or the
output positions. The trick is im2col: gather every window into a matrix, then one
matrix product does all the dot products at once. PyTorch picks a CPU backend per call:
float64 convolutions (the grader's) and small float32 ones run im2col and a matrix
product (_slow_conv2d_forward); larger float32 ones go to oneDNN (mkldnn_convolution).

    windows[n, g, c, a, b, i, j] = x_pad[n, g*Cg + c, i*sh + a*dh, j*sw + b*dw]   (a strided view, no copy)
    out[n, g, o, i, j] = sum_{c, a, b} weight[g, o, c, a, b] * windows[n, g, c, a, b, i, j]

Shapes: x (batch, in_channels, height, width), weight (out_channels, in_channels // groups, KH, KW)
-> (batch, out_channels, height_out, width_out).

Worked example: for x (1, 1, 3, 3) and a 2x2 kernel, the view has shape (1, 1, 2, 2, 2, 2):
for each of the 2x2 output positions, the 2x2 window under the kernel.

Allowed: Tensor.unfold, as_strided, einsum, matmul, reshape/permute, slicing.
Not allowed while your functions run (refused as `forbidden`, by any route):
library convolutions (F.conv2d, torch.nn.Conv2d, F.conv1d, numpy.convolve) and F.unfold
(im2col done for you).
In the whole file: imports only from torch, numpy, math, cmath, itertools, functools, typing,
collections, numbers and random; no private (_x) or dunder attributes; no getattr, eval, exec
or open; no attribute leading to other modules (torch.sys, typing.sys); no threads; no
numpy.ndarray(...), recarray or strides= (isinstance(x, np.ndarray) is fine); __name__ is
never assigned.
Code under `if __name__ == "__main__":` is not graded: check yourself there with F.conv2d.

Speed: the grader counts the CPU time your function takes (from outside your process, as the
kernel counts it) on fresh inputs of a fixed shape, checks every result, and compares the
fastest call with F.conv2d's on the same inputs; course.yml sets the multiple for full marks.
Invalid configurations raise ValueError exactly where F.conv2d refuses.

Read the lesson first: it is in the notebook exercises/exercise8.ipynb, before the first function
(text, pictures, and cells where you predict a number before torch shows it). Its pictures:

    exercises/pictures/exercise8-im2col.png
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
    raise NotImplementedError("exercise8: check_conv2d")


def conv2d_fast(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """F.conv2d with one matrix product per group (im2col through a strided view).

    Shapes: x (batch, in_channels, height, width) -> (batch, out_channels, height_out, width_out)
    H_out = (H + top + bottom - dh*(KH-1) - 1) // sh + 1, and the same for the width

    >>> conv2d_fast(torch.ones(1, 1, 3, 3), torch.ones(1, 1, 2, 2))
    tensor([[[[4., 4.],
              [4., 4.]]]])
    """
    raise NotImplementedError("exercise8: conv2d_fast")
