"""questions probes: every size, kernel (int or pair), pooling window, groups (dividing or not), bias,
stride, padding and dilation, every output index (negative and past the end too)."""
from autograder.probes import maybe, num, one_of


def conv_pool_shape(rng):
    return {"n": num(rng, 1, 4), "c_in": num(rng, 1, 5), "length": num(rng, 1, 16), "c_out": num(rng, 1, 5),
            "kernel_size": num(rng, 1, 7), "pool": num(rng, 1, 5)}


def conv_params(rng):
    g = one_of(rng, (1, 1, 2, 3, 4))
    k = num(rng, 1, 5) if rng.random() < 0.5 else (num(rng, 1, 5), num(rng, 1, 5))
    return maybe(rng, {"c_in": num(rng, 1, 9), "c_out": num(rng, 1, 9), "kernel_size": k, "groups": g,
                       "bias": bool(rng.integers(2))}, {"groups": 1, "bias": True}, p_omit=0.3)


def inputs_read(rng):
    return maybe(rng, {"length": num(rng, 1, 12), "i": num(rng, 0, 8, bad=(-1, -2), p_bad=0.1),
                       "kernel_size": num(rng, 1, 5), "stride": num(rng, 1, 4), "padding": num(rng, 0, 4),
                       "dilation": num(rng, 1, 3)}, {"stride": 1, "padding": 0, "dilation": 1}, p_omit=0.3)


def dense_vs_conv_params(rng):
    return {"h": num(rng, 1, 30), "w": num(rng, 1, 30), "c_in": num(rng, 1, 4), "c_out": num(rng, 1, 4),
            "k": num(rng, 1, 7)}


DRAWS = {f.__name__: f for f in (conv_pool_shape, conv_params, inputs_read, dense_vs_conv_params)}
