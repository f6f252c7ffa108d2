"""exercise3 probes: batches (or none), channels, filters, bias, stride, padding, dilation, both layouts;
channels and bias that do not match, sizes that do not fit."""
from autograder.probes import maybe, num, tensor


def _conv(rng, channels_last: bool):
    n, c, o, k = num(rng, 1, 3), num(rng, 1, 3), num(rng, 1, 3), num(rng, 1, 4, bad=(0,), p_bad=0.04)
    length = num(rng, 1, 9)
    c_weight = c if rng.random() > 0.06 else c + 1
    unbatched = not channels_last and rng.random() < 0.25
    shape = (n, length, c) if channels_last else ((c, length) if unbatched else (n, c, length))
    if rng.random() < 0.03:  # a dimension too few or too many
        shape = shape[1:] if channels_last or rng.random() < 0.5 else (1, *shape)
    bias = None
    if rng.random() < 0.5:
        bias = tensor(rng, (o if rng.random() > 0.05 else o + 1,))
    return maybe(rng, {"x": tensor(rng, shape), "weight": tensor(rng, (o, c_weight, k)), "bias": bias,
                       "stride": num(rng, 1, 3, bad=(0,)), "padding": num(rng, 0, 3, bad=(-1,)),
                       "dilation": num(rng, 1, 3, bad=(0,))},
                 {"bias": None, "stride": 1, "padding": 0, "dilation": 1}, p_omit=0.4)


DRAWS = {"conv1d": lambda rng: _conv(rng, False), "conv1d_channels_last": lambda rng: _conv(rng, True)}
