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
    ### BEGIN SOLUTION
    if x.dim() not in (3, 4):
        raise ValueError(f"x must be (batch, in_channels, height, width) or unbatched, got {tuple(x.shape)}")
    unbatched = x.dim() == 3
    if unbatched:
        x = x.unsqueeze(0)
    if weight.dim() != 4:
        raise ValueError(f"weight must be (out_channels, in_channels // groups, KH, KW), got {tuple(weight.shape)}")
    if isinstance(groups, bool) or not isinstance(groups, int) or groups < 1:
        raise ValueError(f"groups must be a positive int, got {groups!r}")
    c_out, c_group, kh, kw = weight.shape
    if c_out == 0 or c_group == 0 or kh == 0 or kw == 0:
        raise ValueError(f"weight has an empty dimension: {tuple(weight.shape)}")
    if c_out % groups:
        raise ValueError(f"out_channels {c_out} is not divisible by groups {groups}")
    if x.shape[1] != c_group * groups:
        raise ValueError(f"x has {x.shape[1]} channels but weight expects {c_group} x {groups} groups = "
                         f"{c_group * groups}")
    if bias is not None and tuple(bias.shape) != (c_out,):
        raise ValueError(f"bias must have shape ({c_out},), got {tuple(bias.shape)}")
    s = _pair("stride", stride, 1)
    d = _pair("dilation", dilation, 1)
    if padding == "valid":
        pads = ((0, 0), (0, 0))
    elif padding == "same":
        if s != (1, 1):
            raise ValueError("padding='same' needs stride 1")
        totals = (d[0] * (kh - 1), d[1] * (kw - 1))
        pads = tuple((t // 2, t - t // 2) for t in totals)  # the odd one after
    elif isinstance(padding, str):
        raise ValueError(f"padding must be an int, a pair, 'same' or 'valid', got {padding!r}")
    else:
        p = _pair("padding", padding, 0)
        pads = ((p[0], p[0]), (p[1], p[1]))
    for axis, (size, k, dil, (before, after)) in enumerate(zip(x.shape[2:], (kh, kw), d, pads)):
        span = dil * (k - 1) + 1
        if span > size + before + after:
            name = ("height", "width")[axis]
            raise ValueError(f"the kernel spans {span} in {name} but the padded input has {size + before + after}")
    return x, unbatched, s, d, pads
    ### END SOLUTION


def conv2d_fast(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """F.conv2d with one matrix product per group (im2col through a strided view).

    Shapes: x (batch, in_channels, height, width) -> (batch, out_channels, height_out, width_out)
    H_out = (H + top + bottom - dh*(KH-1) - 1) // sh + 1, and the same for the width

    >>> conv2d_fast(torch.ones(1, 1, 3, 3), torch.ones(1, 1, 2, 2))
    tensor([[[[4., 4.],
              [4., 4.]]]])
    """
    ### BEGIN SOLUTION
    x, unbatched, (sh, sw), (dh, dw), pads = check_conv2d(x, weight, bias, stride, padding, dilation, groups)
    n, c_in, h, w = x.shape
    c_out, c_group, kh, kw = weight.shape
    (top, bottom), (left, right) = pads
    if top or bottom or left or right:
        padded = x.new_zeros(n, c_in, h + top + bottom, w + left + right)
        padded[..., top:top + h, left:left + w] = x
    else:
        padded = x.contiguous()
    out_h = (padded.shape[-2] - dh * (kh - 1) - 1) // sh + 1
    out_w = (padded.shape[-1] - dw * (kw - 1) - 1) // sw + 1
    sn, sc, sy, sx = padded.stride()
    # windows[n, c, a, b, i, j] = padded[n, c, i*sh + a*dh, j*sw + b*dw]: a view, no copy yet
    windows = padded.as_strided((n, c_in, kh, kw, out_h, out_w), (sn, sc, sy * dh, sx * dw, sy * sh, sx * sw))
    # im2col: (batch, groups, Cg*KH*KW, positions); then one batched matmul per group
    cols = windows.reshape(n, groups, c_group * kh * kw, out_h * out_w)
    filters = weight.reshape(groups, c_out // groups, c_group * kh * kw)
    out = torch.matmul(filters, cols).reshape(n, c_out, out_h, out_w)
    if bias is not None:
        out = out + bias.view(1, c_out, 1, 1)
    return out.squeeze(0) if unbatched else out
    ### END SOLUTION
