"""exercise7 probes: conv2d with batches (or none), channels, filters, groups (matching or not),
bias, every pair or int of stride, padding ('same', 'valid' too) and dilation, non-square all over."""
from autograder.probes import maybe, num, one_of, pair_or_int, tensor


def conv2d(rng):
    g = one_of(rng, (1, 1, 2, 3))
    c, o = num(rng, 1, 2) * g, num(rng, 1, 2) * g
    if rng.random() < 0.04:
        o += 1  # filters not divisible by groups
    kh, kw = num(rng, 1, 3), num(rng, 1, 3)
    n = num(rng, 1, 2)
    hw = (num(rng, 1, 6), num(rng, 1, 6))
    shape = (c, *hw) if rng.random() < 0.2 else (n, c, *hw)
    if rng.random() < 0.03:  # a dimension too few or too many
        shape = hw if rng.random() < 0.5 else (1, n, c, *hw)
    c_weight = c // g if rng.random() > 0.04 else c // g + 1
    padding = one_of(rng, ("same", "valid", "int", "int", "int"))
    weight_shape = (o, c_weight, kh, kw) if rng.random() > 0.02 else (o, c_weight, kh)
    return maybe(rng, {"x": tensor(rng, shape), "weight": tensor(rng, weight_shape),
                       "bias": tensor(rng, (o,)) if rng.random() < 0.5 else None,
                       "stride": pair_or_int(rng, 1, 3, bad=(0,)),
                       "padding": pair_or_int(rng, 0, 2, bad=(-1,)) if padding == "int" else padding,
                       "dilation": pair_or_int(rng, 1, 2, bad=(0,)), "groups": g if rng.random() > 0.03 else 0},
                 {"bias": None, "stride": 1, "padding": 0, "dilation": 1, "groups": 1}, p_omit=0.3)


DRAWS = {"conv2d": conv2d}
