# Route: the same aten op, run on another thread. A guard kept in thread-local state (a
# TorchDispatchMode, a TorchFunctionMode) is not active on a thread the student starts.
import threading

import torch


def tbc(x, w, b, stride, padding, dilation):
    K = w.shape[2]
    spread = torch.zeros(w.shape[0], w.shape[1], dilation * (K - 1) + 1, dtype=w.dtype)
    spread[:, :, ::dilation] = w
    bias = b if b is not None else torch.zeros(w.shape[0], dtype=x.dtype)
    out = torch.conv_tbc(x.permute(2, 0, 1).contiguous(), spread.permute(2, 1, 0).contiguous(), bias, padding)
    return out.permute(1, 2, 0)[:, :, ::stride].contiguous()


def cheat_conv1d(x, w, b, stride, padding, dilation):
    box = []
    worker = threading.Thread(target=lambda: box.append(tbc(x, w, b, stride, padding, dilation)))
    worker.start()
    worker.join()
    return box[0]


def conv1d(x, weight, bias=None, stride=1, padding=0, dilation=1):
    """The attack: F.conv1d's values without writing a dot product (conv1d_channels_last reuses it)."""
    if x.ndim == 2:
        return conv1d(x[None], weight, bias, stride, padding, dilation)[0]
    return cheat_conv1d(x, weight, bias, stride, padding, dilation)
