# Appended to the reference solution: conv1d through torch.ops.aten.
import torch


def conv_output_length(length, kernel_size, stride=1, padding=0, dilation=1):
    x, w = torch.zeros(1, 1, length), torch.zeros(1, 1, kernel_size)
    return torch.ops.aten.conv1d(x, w, None, [stride], [padding], [dilation], 1).shape[-1]
