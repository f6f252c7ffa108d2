"""exercise9 probes: conv1d's backward for batches, channels, filters, stride, padding (int, 'same',
'valid'), dilation; grad_output of the output's shape (or, now and then, of a wrong one)."""
import warnings

import torch.nn.functional as F

from autograder.probes import maybe, num, one_of, tensor


def conv1d_backward(rng):
    n, c, o, k = num(rng, 1, 2), num(rng, 1, 2), num(rng, 1, 2), num(rng, 1, 4)
    x, weight = tensor(rng, (n, c, num(rng, 1, 8))), tensor(rng, (o, c, k))
    s, d = num(rng, 1, 3), num(rng, 1, 3)
    padding = one_of(rng, ("same", "valid", "int", "int", "int"))
    p = num(rng, 0, 3, bad=(-1,)) if padding == "int" else padding
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # 'same' with an even kernel: torch says it copies
            shape = tuple(F.conv1d(x, weight, None, s, p, d).shape)
    except (RuntimeError, ValueError):
        shape = (n, o, 1)
    if rng.random() < 0.04:
        shape = shape[:-1] + (shape[-1] + 1,)
    return maybe(rng, {"grad_output": tensor(rng, shape), "x": x, "weight": weight, "stride": s, "padding": p,
                       "dilation": d}, {"stride": 1, "padding": 0, "dilation": 1})


DRAWS = {"conv1d_backward": conv1d_backward}
