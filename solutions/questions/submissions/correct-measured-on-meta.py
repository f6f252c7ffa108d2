"""A correct questions.py written differently: it counts parameters by building the modules on the meta
device (not refused, as the docstring says) and finds the positions with a loop over the padded input."""
from torch import nn


def conv_pool_shape(n, c_in, length, c_out, kernel_size, pool):
    if kernel_size > length:
        raise ValueError("the kernel does not fit")
    conv = length - (kernel_size - 1)
    if pool > conv:
        raise ValueError("the pooling window does not fit")
    return n, c_out, conv // pool


def conv_params(c_in, c_out, kernel_size, groups=1, bias=True):
    layer = nn.Conv2d if isinstance(kernel_size, tuple) else nn.Conv1d
    try:
        module = layer(c_in, c_out, kernel_size, groups=groups, bias=bias, device="meta")
    except ValueError as e:
        raise ValueError(str(e)) from None
    return sum(p.numel() for p in module.parameters())


def inputs_read(length, i, kernel_size, stride=1, padding=0, dilation=1):
    padded = list(range(-padding, length + padding))  # x's position at each padded position
    starts = [s for s in range(0, len(padded), stride) if s + dilation * (kernel_size - 1) < len(padded)]
    if not 0 <= i < len(starts):
        raise ValueError(f"no output {i}")
    window = [padded[starts[i] + k * dilation] for k in range(kernel_size)]
    return [j for j in window if 0 <= j < length]


def dense_vs_conv_params(h, w, c_in, c_out, k):
    pixels = h * w
    return [pixels * c_in * pixels * c_out + pixels * c_out, (c_in * k * k + 1) * c_out]
