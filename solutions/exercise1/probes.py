"""exercise1 probes: every size, stride, padding, dilation, mode, pairs, and invalid values."""
from autograder.probes import maybe, num, pair_or_int

BAD = (0, -1)


def conv_output_length(rng):
    return maybe(rng, {"length": num(rng, 1, 14, bad=BAD), "kernel_size": num(rng, 1, 7, bad=BAD),
                       "stride": num(rng, 1, 5, bad=BAD), "padding": num(rng, 0, 4, bad=(-1, -2)),
                       "dilation": num(rng, 1, 4, bad=BAD)}, {"stride": 1, "padding": 0, "dilation": 1})


def conv2d_output_shape(rng):
    return maybe(rng, {"height": num(rng, 1, 12, bad=BAD), "width": num(rng, 1, 12, bad=BAD),
                       "kernel_size": pair_or_int(rng, 1, 6, bad=BAD), "stride": pair_or_int(rng, 1, 4, bad=BAD),
                       "padding": pair_or_int(rng, 0, 3, bad=(-1,)), "dilation": pair_or_int(rng, 1, 3, bad=BAD)},
                 {"stride": 1, "padding": 0, "dilation": 1})


def pool_output_length(rng):
    k = num(rng, 1, 6, bad=BAD)
    return maybe(rng, {"length": num(rng, 1, 14, bad=BAD), "kernel_size": k,
                       "stride": None if rng.random() < 0.3 else num(rng, 1, 5, bad=BAD),
                       "padding": num(rng, 0, max(k // 2 + 1, 0), bad=(-1,)), "dilation": num(rng, 1, 3, bad=BAD),
                       "ceil_mode": bool(rng.integers(2))},
                 {"stride": None, "padding": 0, "dilation": 1, "ceil_mode": False})


def same_padding(rng):
    return maybe(rng, {"kernel_size": num(rng, 1, 8, bad=BAD), "dilation": num(rng, 1, 4, bad=BAD)}, {"dilation": 1})


def conv_transpose_output_length(rng):
    s, d = num(rng, 1, 4, bad=BAD), num(rng, 1, 3, bad=BAD)
    return maybe(rng, {"length": num(rng, 1, 10, bad=BAD), "kernel_size": num(rng, 1, 6, bad=BAD), "stride": s,
                       "padding": num(rng, 0, 4, bad=(-1,)), "output_padding": num(rng, 0, max(s, d), bad=(-1,)),
                       "dilation": d},
                 {"stride": 1, "padding": 0, "output_padding": 0, "dilation": 1})


DRAWS = {f.__name__: f for f in (conv_output_length, conv2d_output_shape, pool_output_length, same_padding,
                                 conv_transpose_output_length)}
