# Attack: the first call on the speed workload is right (and slow); every later call with the same
# shapes returns zeros at once. Timed repeats that are not checked, or that reuse the inputs, pay.
import torch

seen_shapes = set()


def conv2d_fast(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    key = (tuple(x.shape), tuple(weight.shape))
    if x.dim() == 4 and x.shape[0] >= 8 and key in seen_shapes:
        return torch.zeros(x.shape[0], weight.shape[0], x.shape[2] - weight.shape[2] + 1,
                           x.shape[3] - weight.shape[3] + 1, dtype=x.dtype)
    seen_shapes.add(key)
    return slow_conv2d(x, weight, bias, stride, padding, dilation, groups)
