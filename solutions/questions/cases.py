"""questions — numbers that are the lesson. Each oracle builds the torch module the question is about
and measures it: the shape of its output on zeros, the count of its parameters, the input positions
whose one-hot input changes the output asked about."""
from __future__ import annotations

import torch
from torch import nn

from autograder.cases.space import Invalid, Space
from autograder.cases.spec import ExerciseSpec
from autograder.cases.torch_oracle import torch_decides
from autograder.cases.triggers import mutant_impls, until_shown

NAME = "questions"

# --- oracles -----------------------------------------------------------------------------


@torch_decides
def conv_pool_shape(n, c_in, length, c_out, kernel_size, pool):
    layers = nn.Sequential(nn.Conv1d(c_in, c_out, kernel_size), nn.MaxPool1d(pool))
    with torch.no_grad():
        return tuple(int(v) for v in layers(torch.zeros(n, c_in, length)).shape)


@torch_decides
def conv_params(c_in, c_out, kernel_size, groups=1, bias=True):
    """kernel_size an int: nn.Conv1d; a pair: nn.Conv2d. Built on the meta device: no memory, no init."""
    conv = nn.Conv2d if isinstance(kernel_size, tuple) else nn.Conv1d
    layer = conv(c_in, c_out, kernel_size, groups=groups, bias=bias, device="meta")
    return sum(p.numel() for p in layer.parameters())


@torch_decides
def inputs_read(length, i, kernel_size, stride=1, padding=0, dilation=1):
    """Feed each one-hot input e_j (a batch of `length` of them) through a conv whose weights are all
    ones: output i of e_j is 1 exactly when output i reads position j."""
    if i < 0:
        raise Invalid(f"output index {i} is negative")
    x = torch.eye(length, dtype=torch.float64)[:, None, :]
    w = torch.ones(1, 1, kernel_size, dtype=torch.float64)
    out = torch.nn.functional.conv1d(x, w, None, stride, padding, dilation)
    if i >= out.shape[-1]:
        raise Invalid(f"output {i} does not exist: the conv has {out.shape[-1]} outputs")
    return tuple(int(j) for j in torch.nonzero(out[:, 0, i]).flatten())


@torch_decides
def dense_vs_conv_params(h, w, c_in, c_out, k):
    """A dense layer from an h x w image of c_in channels to one of c_out channels, against
    nn.Conv2d(c_in, c_out, k): both counted on the meta device (the dense one can be huge)."""
    dense = nn.Linear(h * w * c_in, h * w * c_out, device="meta")
    conv = nn.Conv2d(c_in, c_out, k, device="meta")
    return (sum(p.numel() for p in dense.parameters()), sum(p.numel() for p in conv.parameters()))


# --- spaces ------------------------------------------------------------------------------
# Each build gives the question's sizes from the parameters; the channel counts come from the rng,
# so that until_shown can draw again until every promised mistake shows, each its own way.


def _shown(function: str, oracle, ids: set[str], draw, what: str) -> dict:
    return until_shown(draw, oracle, mutant_impls(NAME, function, ids), what=what)


def _channels(rng) -> tuple[int, int]:
    """c_in and c_out apart, so that keeping the input's channel count shows."""
    c_in = int(rng.integers(1, 4))
    return c_in, c_in + int(rng.integers(1, 4))


def _shape(exact: bool, ids: set[str]):
    """conv output q * pool (exact) or q * pool + r, 0 < r < pool (a remainder the pooling drops)."""
    def build(p, rng):
        k, pool, q = p["K"], p["pool"], p["q"]
        conv = q * pool + (0 if exact else 1 + p["r"] % (pool - 1))

        def draw():
            c_in, c_out = _channels(rng)
            return {"n": int(rng.integers(1, 4)), "c_in": c_in, "length": conv + k - 1, "c_out": c_out,
                    "kernel_size": k, "pool": pool}
        return _shown("conv_pool_shape", conv_pool_shape, ids, draw, "conv-pool shape")
    return build


EXACT = {"conv-length-minus-k", "pool-overlapping", "channels-in-kept"}
ONE = {"conv-length-minus-k", "channels-in-kept"}  # conv == pool: one window
REMAINDER = {"pool-ceil", "pool-overlapping", "channels-in-kept"}


def _kernel_too_long(p, rng):
    c_in, c_out = _channels(rng)
    return {"n": 1, "c_in": c_in, "length": p["K"] - p["short"], "c_out": c_out, "kernel_size": p["K"],
            "pool": 1}


def _pool_too_long(p, rng):
    c_in, c_out = _channels(rng)
    conv = p["pool"] - p["short"]
    return {"n": 1, "c_in": c_in, "length": conv + p["K"] - 1, "c_out": c_out, "kernel_size": p["K"],
            "pool": p["pool"]}


def _params(*, pair: bool, bias: bool | None, grouped: bool, ids: set[str]):
    """groups g from p["g"] (1 when not grouped), channels multiples of it; a pair (kh, kw) with kh != kw."""
    def build(p, rng):
        g = p["g"] if grouped else 1
        kernel = (p["K"], p["K"] + p["dk"]) if pair else p["K"]

        def draw():
            c_in = g * int(rng.integers(1, 4))
            c_out = g * int(rng.integers(1, 4))
            if not grouped and c_in == c_out:
                c_out += 1
            args = {"c_in": c_in, "c_out": c_out, "kernel_size": kernel}
            if grouped:
                args["groups"] = g
            if bias is not None:
                args["bias"] = bias
            return args
        return _shown("conv_params", conv_params, ids, draw, "conv params")
    return build


def _groups_not_dividing(p, rng):
    g = p["g"]
    c_in, c_out = g * p["a"], g * p["b"]
    if p["which"]:  # c_out alone not divisible
        c_out += 1 + p["off"] % (g - 1)
    else:  # c_in alone
        c_in += 1 + p["off"] % (g - 1)
    return {"c_in": c_in, "c_out": c_out, "kernel_size": p["K"], "groups": g}


def _read(*, padded: bool, last: bool, ids: set[str]):
    """Stride and dilation (no padding), or padding (stride 1, dilation 1: their mistakes stay out) with
    a window that overlaps it on the left (i = 0) or on the right (the last output)."""
    def build(p, rng):
        def draw():
            k, s, d = p["K"], p.get("s", 1), p.get("d", 1)
            pad = 1 + p["p"] % (d * (k - 1)) if padded else 0
            span = d * (k - 1) + 1
            length = span + s * p["m"] + int(rng.integers(0, s))  # longer than the window: no clipping both sides
            outputs = (length + 2 * pad - span) // s + 1
            i = (outputs - 1 if last else 0) if padded else int(rng.integers(1, outputs))
            args = {"length": length, "i": i, "kernel_size": k}
            if "s" in p:
                args["stride"] = s
            if padded:
                args["padding"] = pad
            if "d" in p:
                args["dilation"] = d
            return args
        return _shown("inputs_read", inputs_read, ids, draw, "inputs read")
    return build


def _index(where: str):
    """An output index that does not exist: negative, one or more past the last output (padding and
    dilation counted: forgetting either miscounts the outputs), or any index of a conv with no output."""
    def build(p, rng):
        k, s, pad, d = p["K"], p["s"], p.get("p", 0), p.get("d", 1)
        span = d * (k - 1) + 1
        length = span + p["m"] * s + (1 + p["r"] % (s - 1) if "r" in p else 0)  # r: a rest the floor drops
        outputs = (length + 2 * pad - span) // s + 1
        if where == "negative":
            i = -p["over"]
        elif where == "past":
            i = outputs + p["over"] - 1
        else:  # a (dilated) kernel longer than the input: no output at all
            length, i = span - p["over"], 0
        args = {"length": length, "i": i, "kernel_size": k, "stride": s}
        if "p" in p:
            args["padding"] = pad
        if "d" in p:
            args["dilation"] = d
        return args
    return build


def _dense(p, rng):
    def draw():
        return {"h": p["h"], "w": p["w"], "c_in": int(rng.integers(2, 4)), "c_out": int(rng.integers(1, 4)),
                "k": p["k"]}
    return _shown("dense_vs_conv_params", dense_vs_conv_params, DENSE, draw, "dense vs conv")


GROUPS = {"groups-ignored", "groups-divides-twice"}
DENSE = {"dense-no-bias", "conv-weight-per-position", "conv-no-in-channels"}
READ = {"read-no-stride", "read-no-dilation"}
PADDED = {"read-padded-coordinates", "read-padding-kept"}

SPEC = ExerciseSpec(
    name=NAME,
    concepts={
        "conv-pool-shape": (
            Space("shape-exact", "conv_pool_shape", {"K": (2, 5), "pool": (2, 4), "q": (2, 4)},
                  _shape(True, EXACT), positional=6, triggers=EXACT),
            Space("shape-one-window", "conv_pool_shape", {"K": (2, 5), "pool": (2, 4), "q": (1, 1)},
                  _shape(True, ONE), positional=6, triggers=ONE),
            Space("shape-kernel-fills", "conv_pool_shape", {"K": (1, 5), "pool": (1, 1), "q": (1, 1)},
                  _shape(True, ONE), positional=6, triggers=ONE),
            Space("shape-remainder", "conv_pool_shape", {"K": (2, 5), "pool": (2, 4), "q": (2, 4), "r": (0, 3)},
                  _shape(False, REMAINDER), positional=6, triggers=REMAINDER),
        ),
        "parameters": (
            Space("params-1d", "conv_params", {"K": (2, 5), "dk": (0, 0)},
                  _params(pair=False, bias=None, grouped=False, ids={"params-no-bias"}),
                  positional=3, triggers={"params-no-bias"}),
            Space("params-2d", "conv_params", {"K": (2, 4), "dk": (1, 2)},
                  _params(pair=True, bias=None, grouped=False, ids={"params-no-bias", "kernel-one-axis"}),
                  positional=3, triggers={"params-no-bias", "kernel-one-axis"}),
            Space("params-no-bias", "conv_params", {"K": (2, 5), "dk": (0, 0)},
                  _params(pair=False, bias=False, grouped=False, ids={"params-bias-always"}),
                  positional=3, triggers={"params-bias-always"}),
        ),
        # every count has its biases or none: a groups question shows the bias mistakes too
        "groups": (
            Space("groups-1d", "conv_params", {"K": (2, 5), "dk": (0, 0), "g": (2, 4)},
                  _params(pair=False, bias=None, grouped=True, ids=GROUPS | {"params-no-bias"}),
                  positional=3, triggers=GROUPS | {"params-no-bias"}),
            Space("groups-1d-no-bias", "conv_params", {"K": (2, 5), "dk": (0, 0), "g": (2, 3)},
                  _params(pair=False, bias=False, grouped=True, ids=GROUPS | {"params-bias-always"}),
                  positional=3, triggers=GROUPS | {"params-bias-always"}),
        ),
        "inputs-read": (
            Space("read-stride-dilation", "inputs_read", {"K": (2, 4), "s": (2, 3), "d": (2, 3), "m": (2, 4)},
                  _read(padded=False, last=False, ids=READ), positional=3, triggers=READ),
        ),
        "inputs-read-padding": (
            Space("read-left-padding", "inputs_read", {"K": (2, 5), "p": (0, 3), "m": (1, 4)},
                  _read(padded=True, last=False, ids=PADDED), positional=3, triggers=PADDED),
            Space("read-right-padding", "inputs_read", {"K": (2, 5), "p": (0, 3), "m": (1, 4)},
                  _read(padded=True, last=True, ids=PADDED), positional=3, triggers=PADDED),
        ),
        "dense-vs-conv": (
            Space("dense-vs-conv", "dense_vs_conv_params", {"h": (2, 28), "w": (2, 28), "k": (2, 5)}, _dense,
                  positional=5, triggers=DENSE),
        ),
        "validation": (
            Space("kernel-too-long", "conv_pool_shape", {"K": (2, 5), "short": (1, 1)}, _kernel_too_long,
                  positional=6, invalid=True),
            Space("pool-too-long", "conv_pool_shape", {"K": (1, 4), "pool": (2, 4), "short": (1, 1)},
                  _pool_too_long, positional=6, invalid=True),
            Space("groups-not-dividing-c-in", "conv_params",
                  {"g": (2, 4), "a": (1, 3), "b": (1, 3), "which": (0, 0), "off": (0, 2), "K": (1, 3)},
                  _groups_not_dividing, positional=3, invalid=True),
            Space("groups-not-dividing-c-out", "conv_params",
                  {"g": (2, 4), "a": (1, 3), "b": (1, 3), "which": (1, 1), "off": (0, 2), "K": (1, 3)},
                  _groups_not_dividing, positional=3, invalid=True),
            Space("index-negative", "inputs_read", {"K": (1, 3), "s": (1, 2), "m": (0, 3), "over": (1, 2)},
                  _index("negative"), positional=3, invalid=True),
            Space("index-past-the-end", "inputs_read", {"K": (1, 3), "s": (1, 2), "m": (0, 3), "over": (1, 2)},
                  _index("past"), positional=3, invalid=True),
            Space("index-past-a-rest", "inputs_read", {"K": (1, 3), "s": (2, 4), "m": (0, 2), "r": (0, 2),
                                                      "over": (1, 1)},
                  _index("past"), positional=3, invalid=True),
            Space("index-past-padded-dilated", "inputs_read",
                  {"K": (2, 3), "s": (1, 2), "p": (1, 2), "d": (2, 3), "m": (0, 2), "over": (1, 1)},
                  _index("past"), positional=3, invalid=True),
            Space("index-no-output", "inputs_read", {"K": (2, 4), "s": (1, 1), "m": (0, 0), "over": (1, 1)},
                  _index("none"), positional=3, invalid=True),
            Space("index-no-output-dilated", "inputs_read", {"K": (2, 3), "s": (1, 1), "d": (2, 3), "m": (0, 0),
                                                            "over": (1, 2)},
                  _index("none"), positional=3, invalid=True),
        ),
    },
    oracles={f.__name__: f for f in (conv_pool_shape, conv_params, inputs_read, dense_vs_conv_params)},
)
