# helper.py beside forbidden_hidden.py.
import torch
from torch.nn.functional import conv1d as captured_conv1d

_vf = torch._C._VariableFunctions


def captured(length, kernel_size, stride, padding, dilation):
    x, w = torch.zeros(1, 1, length), torch.zeros(1, 1, kernel_size)
    return captured_conv1d(x, w, stride=stride, padding=padding, dilation=dilation).shape[-1]


def variable_functions(length, kernel_size):
    return _vf.conv1d(torch.zeros(1, 1, length), torch.zeros(1, 1, kernel_size)).shape[-1]


def aten(length, kernel_size):
    return torch.ops.aten.conv1d(torch.zeros(1, 1, length), torch.zeros(1, 1, kernel_size)).shape[-1]


def private_vf(length, kernel_size):
    return torch._VF.conv1d(torch.zeros(1, 1, length), torch.zeros(1, 1, kernel_size)).shape[-1]
