"""exercise6 probes: every padding mode with every pair of pads (zero on either side included, up
to past the length), inputs of 1 to 4 dimensions, unknown modes; conv1d_padded with every mode, int,
'same' and 'valid' padding, stride, dilation, bias, batched or not."""
from autograder.probes import maybe, num, one_of, tensor

MODES = ("zeros", "reflect", "replicate", "circular")


def pad1d(rng):
    length = num(rng, 1, 6)
    dims = one_of(rng, (1, 2, 2, 3, 3, 4))
    shape = (num(rng, 1, 2), num(rng, 1, 2), num(rng, 1, 2))[:dims - 1] + (length,)
    return maybe(rng, {"x": tensor(rng, shape), "left": num(rng, 0, length + 1, bad=(-1,)),
                       "right": num(rng, 0, length + 1, bad=(-1,)),
                       "mode": one_of(rng, MODES) if rng.random() > 0.03 else "mirror"}, {"mode": "zeros"})


def conv1d_padded(rng):
    c, o, k = num(rng, 1, 2), num(rng, 1, 2), num(rng, 1, 4)
    length = num(rng, 1, 8)
    shape = (c, length) if rng.random() < 0.25 else (num(rng, 1, 2), c, length)
    padding = one_of(rng, ("same", "valid", "int", "int", "int"))
    return maybe(rng, {"x": tensor(rng, shape), "weight": tensor(rng, (o, c, k)),
                       "bias": tensor(rng, (o,)) if rng.random() < 0.5 else None,
                       "stride": num(rng, 1, 3, bad=(0,)),
                       "padding": num(rng, 0, 4, bad=(-1,)) if padding == "int" else padding,
                       "dilation": num(rng, 1, 3, bad=(0,)),
                       "padding_mode": one_of(rng, MODES) if rng.random() > 0.03 else "mirror"},
                 {"bias": None, "stride": 1, "padding": 0, "dilation": 1, "padding_mode": "zeros"}, p_omit=0.3)


DRAWS = {"pad1d": pad1d, "conv1d_padded": conv1d_padded}
