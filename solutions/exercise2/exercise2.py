"""Exercise 2 — Convolution as dot products (one channel).

A convolution layer slides a kernel w of K taps along the input x and, at every stop,
takes a dot product. PyTorch does not flip the kernel (mathematicians would call this
cross-correlation):

    out[i] = bias + sum_k w[k] * x_padded[i*stride + k*dilation],   k = 0 .. K-1

Worked example: x = [2, 3, 4], w = [1, 0, -1], stride 1, no padding.
The kernel fits once (L_out = (3 - 3) // 1 + 1 = 1):

    out[0] = 1*2 + 0*3 + (-1)*4 = -2

With padding=1 the input becomes [0, 2, 3, 4, 0] and the kernel fits three times:

    out = [0 - 3, 2 - 4, 3 - 0] = [-3, -2, 3]

Padding adds zeros on both sides; dilation spreads the taps d positions apart, so the
kernel spans d*(K-1) + 1 positions; stride moves the kernel s positions between stops.

Allowed: loops, indexing and slicing, torch.zeros/stack/cat, sum, einsum, matmul, numpy arrays.
Not allowed while your functions run (refused as `forbidden`, by any route):
library convolutions (F.conv1d, F.conv2d, torch.nn.Conv1d, numpy.convolve/correlate), sliding
windows (Tensor.unfold, F.unfold, as_strided, sliding_window_view) and FFTs: the point is to
write the dot products yourself.
In the whole file: imports only from torch, numpy, math, cmath, itertools, functools, typing,
collections, numbers and random; no private (_x) or dunder attributes; no getattr, eval, exec
or open; no attribute leading to other modules (torch.sys, typing.sys); no threads; no
numpy.ndarray(...), recarray or strides= (isinstance(x, np.ndarray) is fine); __name__ is
never assigned. Windows may not be made at import time either.
Code under `if __name__ == "__main__":` is not graded: check yourself there with F.conv1d.

Read the lesson first: it is in the notebook exercises/exercise2.ipynb, before the first function
(text, pictures, and cells where you predict a number before torch shows it). Its pictures:

    exercises/pictures/exercise2-dot_products.png
    exercises/pictures/exercise2-conv2d.png
"""
import torch


def _positive(name, value):
    if not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a positive int, got {value!r}")


def _pair(name, value):
    """`2` means `(2, 2)`; a pair stays a pair."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{name} must be an int or a pair of ints, got {value!r}")
        return tuple(value)
    return (value, value)


def conv1d_single(x, w, bias=0.0, stride=1, padding=0, dilation=1):
    """One-channel convolution of `x` (length,) with kernel `w` (kernel_size,), as F.conv1d.

    out[i] = bias + sum_k w[k] * x_padded[i*stride + k*dilation]
    L_out  = (L + 2*padding - dilation*(K - 1) - 1) // stride + 1

    >>> conv1d_single(torch.tensor([2., 3., 4.]), torch.tensor([1., 0., -1.]))
    tensor([-2.])
    """
    if x.ndim != 1 or w.ndim != 1:
        raise ValueError(f"x and w must be 1-D (length,), got shapes {tuple(x.shape)} and {tuple(w.shape)}")
    (L,) = x.shape
    (K,) = w.shape
    ### BEGIN SOLUTION
    for name, value in (("input length", L), ("kernel size", K), ("stride", stride), ("dilation", dilation)):
        _positive(name, value)
    if not isinstance(padding, int) or padding < 0:
        raise ValueError(f"padding must be a non-negative int, got {padding!r}")
    span = dilation * (K - 1) + 1  # positions the dilated kernel covers
    if span > L + 2 * padding:
        raise ValueError(f"the kernel spans {span} positions but the padded input has only {L + 2 * padding}")

    x_padded = torch.zeros(L + 2 * padding, dtype=x.dtype)
    x_padded[padding:padding + L] = x  # zeros on both sides
    L_out = (L + 2 * padding - span) // stride + 1
    out = torch.empty(L_out, dtype=x.dtype)
    for i in range(L_out):
        start = i * stride
        out[i] = bias + sum(w[k] * x_padded[start + k * dilation] for k in range(K))
    return out
    ### END SOLUTION


def conv2d_single(image, kernel, bias=0.0, stride=1, padding=0):
    """One-channel 2-D convolution of `image` (height, width) with `kernel` (kernel_height, kernel_width).

    out[i, j] = bias + sum_{a, b} kernel[a, b] * image_padded[i*stride_h + a, j*stride_w + b]
    H_out = (H + 2*padding_h - KH) // stride_h + 1, and the same for W_out.

    `stride` and `padding` are an int or a pair (height, width).

    >>> conv2d_single(torch.tensor([[2., 3., 4.]]), torch.tensor([[1., 0., -1.]]))
    tensor([[-2.]])
    """
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError(f"image and kernel must be 2-D (height, width), got shapes "
                         f"{tuple(image.shape)} and {tuple(kernel.shape)}")
    H, W = image.shape
    KH, KW = kernel.shape
    (sh, sw), (ph, pw) = _pair("stride", stride), _pair("padding", padding)
    ### BEGIN SOLUTION
    for name, value in (("image height", H), ("image width", W), ("kernel height", KH), ("kernel width", KW),
                        ("stride height", sh), ("stride width", sw)):
        _positive(name, value)
    for name, value in (("padding height", ph), ("padding width", pw)):
        if not isinstance(value, int) or value < 0:
            raise ValueError(f"{name} must be a non-negative int, got {value!r}")
    if KH > H + 2 * ph or KW > W + 2 * pw:
        raise ValueError(f"the kernel ({KH}, {KW}) does not fit the padded image ({H + 2 * ph}, {W + 2 * pw})")

    padded = torch.zeros(H + 2 * ph, W + 2 * pw, dtype=image.dtype)
    padded[ph:ph + H, pw:pw + W] = image
    H_out = (H + 2 * ph - KH) // sh + 1
    W_out = (W + 2 * pw - KW) // sw + 1
    out = torch.empty(H_out, W_out, dtype=image.dtype)
    for i in range(H_out):
        for j in range(W_out):
            window = padded[i * sh:i * sh + KH, j * sw:j * sw + KW]  # the patch under the kernel
            out[i, j] = bias + (window * kernel).sum()
    return out
    ### END SOLUTION
