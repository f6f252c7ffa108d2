"""A correct exercise3 written differently: numpy with einsum over (channel, tap), nested lists back
from conv1d for unbatched input, np.transpose for channels-last."""
import numpy as np


def conv1d(x, weight, bias=None, stride=1, padding=0, dilation=1):
    a, w = x.numpy(), weight.numpy()
    if a.ndim == 2:
        return conv1d(x[None], weight, bias, stride, padding, dilation)[0].tolist()
    if a.shape[1] != w.shape[1] or stride < 1 or dilation < 1 or padding < 0 or w.shape[2] < 1:
        raise ValueError("bad configuration")
    if bias is not None and tuple(bias.shape) != (w.shape[0],):
        raise ValueError("bias must be (out_channels,)")
    a = np.pad(a, ((0, 0), (0, 0), (padding, padding)))
    span = dilation * (w.shape[2] - 1) + 1
    if span > a.shape[2]:
        raise ValueError("kernel too big")
    starts = range(0, a.shape[2] - span + 1, stride)
    out = np.stack([np.einsum("nck,ock->no", a[:, :, s:s + span:dilation], w) for s in starts], axis=-1)
    if bias is not None:
        out = out + bias.numpy()[None, :, None]
    return out


def conv1d_channels_last(x, weight, bias=None, stride=1, padding=0, dilation=1):
    if x.ndim != 3:
        raise ValueError("x must be (N, L, C)")
    out = conv1d(x.permute(0, 2, 1).contiguous(), weight, bias, stride, padding, dilation)
    return np.transpose(out, (0, 2, 1))
