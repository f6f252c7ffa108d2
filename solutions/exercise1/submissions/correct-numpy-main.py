"""A correct exercise1 written differently: pairs returned as an integer numpy array and a list
(one item a numpy integer), and a self-check against PyTorch under __main__ that uses the same
names as the graded functions' parameters."""
import numpy as np
import torch
import torch.nn.functional as F


def _positive(name, value):
    if not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a positive int, got {value!r}")


def _pair(name, value):
    """`3` means `(3, 3)`; a pair stays a pair."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{name} must be an int or a pair, got {value!r}")
        return tuple(value)
    return (value, value)


def conv_output_length(length, kernel_size, stride=1, padding=0, dilation=1):
    """Length of `F.conv1d`'s output along one axis.

    L_out = (L + 2*padding - dilation*(kernel_size - 1) - 1) // stride + 1

    >>> conv_output_length(3, 2)          # x = [2, 3, 4], kernel of 2 taps
    2
    >>> conv_output_length(10, 3, stride=2, padding=1)
    5
    """
    for name, value in (("length", length), ("kernel_size", kernel_size), ("stride", stride), ("dilation", dilation)):
        _positive(name, value)
    if not isinstance(padding, int) or padding < 0:
        raise ValueError(f"padding must be a non-negative int, got {padding!r}")
    span = dilation * (kernel_size - 1) + 1  # the dilated kernel's reach
    padded = length + 2 * padding
    if span > padded:
        raise ValueError(f"kernel spans {span} but the padded input has only {padded} positions")
    return (padded - span) // stride + 1


def conv2d_output_shape(height, width, kernel_size, stride=1, padding=0, dilation=1):
    """(H_out, W_out) of `F.conv2d`: the 1-D formula on each axis. Each argument is an int or a pair.

    >>> conv2d_output_shape(5, 7, (3, 1))
    (3, 7)
    """
    k, s, p, d = (_pair(n, v) for n, v in
                  (("kernel_size", kernel_size), ("stride", stride), ("padding", padding), ("dilation", dilation)))
    return np.array([conv_output_length(height, k[0], s[0], p[0], d[0]),
                     conv_output_length(width, k[1], s[1], p[1], d[1])])


def pool_output_length(length, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    """Length of `F.max_pool1d`'s output. `stride` defaults to `kernel_size`.

    Floor mode uses the convolution formula. Ceil mode rounds the division up, but a
    last window that would start in the right padding (past the input) is dropped.
    PyTorch also requires padding <= kernel_size // 2.

    >>> pool_output_length(5, 2)                 # windows [0,1] and [2,3]
    2
    >>> pool_output_length(5, 2, ceil_mode=True)  # plus the window starting at 4
    3
    """
    if stride is None:
        stride = kernel_size
    for name, value in (("length", length), ("kernel_size", kernel_size), ("stride", stride), ("dilation", dilation)):
        _positive(name, value)
    if not isinstance(padding, int) or padding < 0:
        raise ValueError(f"padding must be a non-negative int, got {padding!r}")
    if padding > kernel_size // 2:
        raise ValueError(f"padding {padding} must be at most half the kernel size {kernel_size}")
    span = dilation * (kernel_size - 1) + 1
    room = length + 2 * padding - span
    out = (room + (stride - 1 if ceil_mode else 0)) // stride + 1  # ceil mode: the division rounded up
    if ceil_mode and (out - 1) * stride >= length + padding:  # last window starts in the right padding
        out -= 1
    if out < 1:  # (in ceil mode one window may overhang the end: PyTorch keeps it if it starts inside)
        raise ValueError(f"kernel spans {span} but the padded input has only {length + 2 * padding} positions")
    return out


def same_padding(kernel_size, dilation=1):
    """(left, right) padding that `padding='same'` applies for stride 1.

    The dilated kernel needs d*(K-1) extra positions in total; PyTorch puts the odd one on
    the right.

    >>> same_padding(3)
    (1, 1)
    >>> same_padding(4)
    (1, 2)
    """
    _positive("kernel_size", kernel_size)
    _positive("dilation", dilation)
    total = dilation * (kernel_size - 1)
    return [np.int64(total // 2), total - total // 2]


def conv_transpose_output_length(length, kernel_size, stride=1, padding=0, output_padding=0, dilation=1):
    """Length of `F.conv_transpose1d`'s output: the inverse of the convolution formula.

    L_out = (L - 1)*stride - 2*padding + dilation*(kernel_size - 1) + output_padding + 1

    output_padding must be smaller than stride or dilation, and the result at least 1.

    >>> conv_transpose_output_length(2, 2)   # [2, 3] back to length 3
    3
    """
    for name, value in (("length", length), ("kernel_size", kernel_size), ("stride", stride), ("dilation", dilation)):
        _positive(name, value)
    if not isinstance(padding, int) or padding < 0:
        raise ValueError(f"padding must be a non-negative int, got {padding!r}")
    if not isinstance(output_padding, int) or output_padding < 0:
        raise ValueError(f"output_padding must be a non-negative int, got {output_padding!r}")
    if output_padding >= max(stride, dilation):
        raise ValueError(f"output_padding {output_padding} must be smaller than stride or dilation")
    out = (length - 1) * stride - 2 * padding + dilation * (kernel_size - 1) + output_padding + 1
    if out < 1:
        raise ValueError(f"the output would have length {out}")
    return out


if __name__ == "__main__":
    for length in range(1, 9):
        for kernel_size in range(1, 4):
            for stride in (1, 2, 3):
                x = torch.zeros(1, 1, length)
                w = torch.zeros(1, 1, kernel_size)
                try:
                    expected = F.conv1d(x, w, stride=stride).shape[-1]
                except RuntimeError:
                    continue
                assert conv_output_length(length, kernel_size, stride) == expected
    print("all checks passed")
