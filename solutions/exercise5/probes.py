"""exercise5 probes: max pooling in 1-D and 2-D, batched or not, every kernel, stride (or its default),
padding (up to past half the kernel), dilation and ceil mode, square or not; negative inputs, so a
zero padding would show."""
from autograder.probes import maybe, num, pair_or_int, tensor


def max_pool1d(rng):
    k = num(rng, 1, 5, bad=(0,))
    shape = (num(rng, 1, 2), num(rng, 1, 3), num(rng, 1, 10))
    return maybe(rng, {"x": tensor(rng, shape[1:] if rng.random() < 0.2 else shape, low=-6, high=2),
                       "kernel_size": k, "stride": None if rng.random() < 0.35 else num(rng, 1, 4, bad=(0,)),
                       "padding": num(rng, 0, max(k // 2 + 1, 0), bad=(-1,)), "dilation": num(rng, 1, 3, bad=(0,)),
                       "ceil_mode": bool(rng.integers(2))},
                 {"stride": None, "padding": 0, "dilation": 1, "ceil_mode": False}, p_omit=0.3)


def max_pool2d(rng):
    k = pair_or_int(rng, 1, 4, bad=(0,))
    half = min(k) // 2 if isinstance(k, tuple) else k // 2
    shape = (num(rng, 1, 2), num(rng, 1, 2), num(rng, 1, 7), num(rng, 1, 7))
    return maybe(rng, {"x": tensor(rng, shape[1:] if rng.random() < 0.2 else shape, low=-6, high=2),
                       "kernel_size": k, "stride": None if rng.random() < 0.35 else pair_or_int(rng, 1, 3, bad=(0,)),
                       "padding": pair_or_int(rng, 0, max(half + 1, 0), bad=(-1,))},
                 {"stride": None, "padding": 0}, p_omit=0.3)


DRAWS = {"max_pool1d": max_pool1d, "max_pool2d": max_pool2d}
