# Route: scipy.ndimage.maximum_filter with a dilated footprint and -inf outside: max pooling done by
# scipy, outside torch's dispatcher, by a name nobody lists.
import numpy as np
import torch
from scipy import ndimage


def max_pool1d(x, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    stride = kernel_size if stride is None else stride
    length = x.shape[-1]
    span = dilation * (kernel_size - 1) + 1
    count = pooled_length(length, kernel_size, stride, padding, dilation, ceil_mode)
    size = max(length + 2 * padding, (count - 1) * stride + span)
    values = np.full(x.shape[:-1] + (size,), -np.inf)
    values[..., padding:padding + length] = x.numpy()
    footprint = np.zeros((1,) * (x.ndim - 1) + (span,), dtype=bool)
    footprint[..., ::dilation] = True
    peaks = ndimage.maximum_filter(values, footprint=footprint, mode="constant", cval=-np.inf,
                                   origin=[0] * (x.ndim - 1) + [-(span // 2)])
    return torch.from_numpy(np.ascontiguousarray(peaks[..., :(count - 1) * stride + 1:stride])).to(x.dtype)
