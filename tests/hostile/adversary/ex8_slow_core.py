# Shared: a correct conv2d_fast that is slow on purpose, like a Python loop over positions would be:
# on the speed workload (batch 8 and more) it does the reference's work 40 times over (about 20x
# F.conv2d), so an honest timing gives it no speed points.
import torch

fast_reference = conv2d_fast


def slow_conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    out = fast_reference(x, weight, bias, stride, padding, dilation, groups)
    if x.dim() == 4 and x.shape[0] >= 8:
        for _ in range(39):
            out = fast_reference(x, weight, bias, stride, padding, dilation, groups)
    return out
