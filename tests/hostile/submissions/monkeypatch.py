# Appended to the reference solution: makes every comparison say "equal", then answers wrongly.
import builtins

import numpy
import torch
import torch.testing

numpy.allclose = lambda *a, **k: True
numpy.array_equal = lambda *a, **k: True
numpy.isclose = lambda *a, **k: True
torch.allclose = lambda *a, **k: True
torch.equal = lambda *a, **k: True
torch.testing.assert_close = lambda *a, **k: None
builtins.isinstance = lambda *a, **k: True
builtins.len = lambda *a, **k: 2


def conv_output_length(*args, **kwargs):
    return -1


def conv2d_output_shape(*args, **kwargs):
    return (-1, -1)


pool_output_length = conv_transpose_output_length = conv_output_length
same_padding = conv2d_output_shape
