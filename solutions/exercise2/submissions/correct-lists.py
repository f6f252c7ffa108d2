"""A correct exercise2 written differently: plain Python lists for conv1d_single (returns a list),
a float32 numpy buffer for conv2d_single (returns an ndarray)."""
import numpy as np


def _two(v):
    return tuple(v) if isinstance(v, (tuple, list)) else (v, v)


def conv1d_single(x, w, bias=0.0, stride=1, padding=0, dilation=1):
    xs, ws = [float(v) for v in x.tolist()], [float(v) for v in w.tolist()]
    if not ws or not xs or stride < 1 or dilation < 1 or padding < 0:
        raise ValueError("bad configuration")
    xs = [0.0] * padding + xs + [0.0] * padding
    reach = dilation * (len(ws) - 1)
    if reach >= len(xs):
        raise ValueError("kernel too big")
    return [bias + sum(wk * xs[start + k * dilation] for k, wk in enumerate(ws))
            for start in range(0, len(xs) - reach, stride)]


def conv2d_single(image, kernel, bias=0.0, stride=1, padding=0):
    (sh, sw), (ph, pw) = _two(stride), _two(padding)
    if min(sh, sw) < 1 or min(ph, pw) < 0:
        raise ValueError("bad configuration")
    img = np.pad(image.numpy().astype(np.float32), ((ph, ph), (pw, pw)))
    k = kernel.numpy().astype(np.float32)
    if k.size == 0 or k.shape[0] > img.shape[0] or k.shape[1] > img.shape[1]:
        raise ValueError("kernel too big")
    rows = range(0, img.shape[0] - k.shape[0] + 1, sh)
    cols = range(0, img.shape[1] - k.shape[1] + 1, sw)
    out = np.empty((len(rows), len(cols)), dtype=np.float32)
    for a, i in enumerate(rows):
        for b, j in enumerate(cols):
            out[a, b] = float(np.sum(img[i:i + k.shape[0], j:j + k.shape[1]] * k)) + bias
    return out
