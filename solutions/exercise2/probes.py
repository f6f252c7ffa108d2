"""exercise2 probes: one channel, 1-D and 2-D, every stride, padding, dilation and bias, invalid ones too."""
from autograder.probes import maybe, num, pair_or_int, tensor


def conv1d_single(rng):
    length = num(rng, 1, 9, bad=(0,))
    return maybe(rng, {"x": tensor(rng, (length,)), "w": tensor(rng, (num(rng, 1, 5, bad=(0,)),)),
                       "bias": float(rng.integers(-8, 9)) / 4 if rng.random() < 0.6 else 0.0,
                       "stride": num(rng, 1, 4, bad=(0, -1)), "padding": num(rng, 0, 3, bad=(-1,)),
                       "dilation": num(rng, 1, 3, bad=(0, -1))},
                 {"bias": 0.0, "stride": 1, "padding": 0, "dilation": 1}, p_omit=0.4)


def conv2d_single(rng):
    h, w = num(rng, 1, 6, bad=(0,)), num(rng, 1, 6, bad=(0,))
    return maybe(rng, {"image": tensor(rng, (h, w)), "kernel": tensor(rng, (num(rng, 1, 4, bad=(0,)),
                                                                             num(rng, 1, 4, bad=(0,)))),
                       "bias": float(rng.integers(-8, 9)) / 4 if rng.random() < 0.6 else 0.0,
                       "stride": pair_or_int(rng, 1, 3, bad=(0,)), "padding": pair_or_int(rng, 0, 2, bad=(-1,))},
                 {"bias": 0.0, "stride": 1, "padding": 0}, p_omit=0.4)


DRAWS = {"conv1d_single": conv1d_single, "conv2d_single": conv2d_single}
