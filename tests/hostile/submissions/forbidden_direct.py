# Appended to the reference solution: the length from torch's own conv1d.
import torch
import torch.nn.functional as F


def conv_output_length(length, kernel_size, stride=1, padding=0, dilation=1):
    x, w = torch.zeros(1, 1, length), torch.zeros(1, 1, kernel_size)
    return F.conv1d(x, w, stride=stride, padding=padding, dilation=dilation).shape[-1]
