# Attack: values that are not plain data: a numpy memmap, a 0-d object array, a tensor subclass,
# a list nested 10,000 deep, a generator.
import numpy as np
import torch


class Sneaky(torch.Tensor):
    pass


def deep(n):
    out = []
    for _ in range(n):
        out = [out]
    return out


def conv_output_length(length, kernel_size, stride=1, padding=0, dilation=1):
    mm = np.memmap("memmap-@@TOKEN@@.bin", dtype=np.int64, mode="w+", shape=())
    mm[()] = (length + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1
    return mm


def conv2d_output_shape(height, width, kernel_size, stride=1, padding=0, dilation=1):
    holder = np.empty((), dtype=object)
    holder[()] = (1, 1)
    return holder


def pool_output_length(length, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    return torch.tensor(1).as_subclass(Sneaky)


def same_padding(kernel_size, dilation=1):
    return deep(10000)


def conv_transpose_output_length(length, kernel_size, stride=1, padding=0, output_padding=0, dilation=1):
    return (i for i in range(3))
