# Route: convolution by FFT in numpy (outside torch's dispatcher), in float64 so it is exact enough.
import numpy as np
import torch


def cheat_conv1d(x, w, b, stride, padding, dilation):
    N, C, L = x.shape
    O, _, K = w.shape
    span = dilation * (K - 1) + 1
    padded = np.zeros((N, C, L + 2 * padding))
    padded[:, :, padding:padding + L] = x.numpy()
    spread = np.zeros((O, C, span))
    spread[:, :, ::dilation] = w.numpy()
    size = padded.shape[-1] + span
    # correlation = convolution with the reversed kernel
    spectrum = np.einsum("ncf,ocf->nof", np.fft.rfft(padded, size), np.fft.rfft(spread[:, :, ::-1], size))
    full = np.fft.irfft(spectrum, size)
    L_out = (L + 2 * padding - span) // stride + 1
    out = full[:, :, span - 1:span - 1 + (L_out - 1) * stride + 1:stride]
    if b is not None:
        out = out + b.numpy()[None, :, None]
    return torch.from_numpy(np.ascontiguousarray(out)).to(x.dtype)


def conv1d(x, weight, bias=None, stride=1, padding=0, dilation=1):
    """The attack: F.conv1d's values without writing a dot product (conv1d_channels_last reuses it)."""
    if x.ndim == 2:
        return conv1d(x[None], weight, bias, stride, padding, dilation)[0]
    return cheat_conv1d(x, weight, bias, stride, padding, dilation)
