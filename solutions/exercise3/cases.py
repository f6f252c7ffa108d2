"""exercise3 — many channels. Oracle: F.conv1d in float64 (permuted for channels-last input).

The bare case is one signal, one channel, one filter and an asymmetric kernel. Each concept
then turns on one thing (channels, filters, bias, batch, stride, padding, dilation); `layout`
ends with everything combined, which also checks that conv1d_channels_last passes every
option on. Values are redrawn until every promised mutant shows (triggers.until_shown).
"""
from __future__ import annotations

import torch.nn.functional as F

from autograder.cases.space import Invalid, Space, values
from autograder.cases.spec import ExerciseSpec
from autograder.cases.torch_oracle import torch_decides
from autograder.cases.triggers import mutant_impls, until_shown

C1, CL = "conv1d", "conv1d_channels_last"
# every valid space shows these: an asymmetric kernel and a last tap that matters
EVERYWHERE = frozenset({"kernel-flipped", "window-off-by-one"})
CHANNELS = frozenset({"channels-not-summed", "channels-averaged"})
# bias-per-channel and bias-per-tap only differ where C_in != K: those spaces keep them apart
BIAS = frozenset({"bias-missing", "bias-per-tap", "bias-per-channel"})

# --- oracles -----------------------------------------------------------------------------


def _no_negative(padding) -> None:
    if isinstance(padding, int) and padding < 0:
        raise Invalid("padding is negative")


@torch_decides(one_d=True)
def conv1d(x, weight, bias=None, stride=1, padding=0, dilation=1):
    _no_negative(padding)
    return F.conv1d(x, weight, bias, stride, padding, dilation).numpy()


@torch_decides(one_d=True)
def conv1d_channels_last(x, weight, bias=None, stride=1, padding=0, dilation=1):
    _no_negative(padding)
    if x.ndim != 3:
        raise Invalid("x must be (batch, length, in_channels)")
    return F.conv1d(x.permute(0, 2, 1), weight, bias, stride, padding, dilation).permute(0, 2, 1).numpy()


ORACLES = {C1: conv1d, CL: conv1d_channels_last}

# --- spaces ------------------------------------------------------------------------------


def build_conv1d(function: str, space: str, triggers):
    """Parameters (each optional): N batch, C input channels, O filters, K taps, s stride,
    p padding, d dilation, extra positions, bias (0/1), u (1: unbatched), square (1: O = C), dO (O = C + dO), fraction."""
    def build(p, rng):
        n, c, k = p.get("N", 1), p.get("C", 1), p.get("K", 2)
        if p.get("square", 0):  # as many filters as channels: a weight read (in, out, K) shows
            o = c
        else:  # otherwise never as many, so that mistake cannot show where it is not promised
            o = c + p["dO"] if "dO" in p else p.get("O", 1)
        s, pad, d = p.get("s", 1), p.get("p", 0), p.get("d", 1)
        span = d * (k - 1) + 1
        # every tap matters: two windows when strided, a last tap (at any gap) inside the input
        length = max(span - pad, 2)
        if s > 1:
            length = max(length, span + s - 2 * pad)
        if d > 1:
            length = max(length, span + k - 1)
        length += p.get("extra", 0)

        def draw():
            shape = (length, c) if function == CL else (c, length)
            args = {"x": values(rng, shape if p.get("u", 0) else (n, *shape), p),
                    "weight": values(rng, (o, c, k), p)}
            if p.get("bias", 0):
                args["bias"] = values(rng, (o,), p)
            if "s" in p or "p" in p or "d" in p:
                args["stride"] = s
            if "p" in p or "d" in p:
                args["padding"] = pad
            if "d" in p:
                args["dilation"] = d
            return args
        return until_shown(draw, ORACLES[function], mutant_impls("exercise3", function, triggers), what=space)
    return build


def _invalid(kind: str):
    def build(p, rng):
        k, e = p["K"], p["x"]
        x = values(rng, (1, 2, k + 2), p)
        w = values(rng, (2, 2, k), p)
        if kind == "channels-mismatch":
            return {"x": x, "weight": values(rng, (2, 3 + e, k), p)}
        if kind == "kernel-too-big":
            return {"x": x, "weight": values(rng, (2, 2, k + 3 + e), p)}
        if kind == "negative-padding":
            return {"x": x, "weight": w, "bias": None, "stride": 1, "padding": -1 - e}
        if kind == "zero-stride":
            return {"x": x, "weight": w, "bias": None, "stride": 0}
        if kind == "zero-dilation":
            return {"x": x, "weight": w, "bias": None, "stride": 1, "padding": 0, "dilation": 0}
        if kind == "bias-shape":
            return {"x": x, "weight": w, "bias": values(rng, (3 + e,), p)}
        if kind == "unbatched-mismatch":
            return {"x": values(rng, (3 + e, k + 2), p), "weight": w}
        if kind == "channels-last-negative-padding":  # (N, L, C), long enough that the kernel still fits
            return {"x": values(rng, (1, k + 4 + 2 * e, 2), p), "weight": w, "bias": None, "stride": 1,
                    "padding": -1 - e}
        if kind == "channels-last-mismatch":  # (N, L, C): the channels are the last axis
            return {"x": values(rng, (1, 2, k + 3 + e), p), "weight": w}
        raise AssertionError(kind)
    return build


def V(name, params, triggers=(), *, function=C1):
    shown = EVERYWHERE | set(triggers)
    return Space(name, function, params, build_conv1d(function, name, shown), positional=2, triggers=shown)


def bad(name, params, *, function=C1):
    return Space(name, function, params, _invalid(name), positional=2, invalid=True)


SPEC = ExerciseSpec(
    name="exercise3",
    concepts={
        "channel-sum": (
            V("single", {"K": (2, 4), "extra": (0, 4)}),
            V("channel-sum", {"C": (2, 3), "K": (2, 3), "extra": (0, 3)}, CHANNELS),
            V("channel-sum-fraction", {"C": (2, 4), "K": (2, 3), "extra": (0, 3), "fraction": (1, 1)}, CHANNELS),
        ),
        "filters": (
            V("filters", {"O": (2, 4), "K": (2, 3), "extra": (0, 3)}),
            V("filters-square", {"C": (2, 3), "square": (1, 1), "K": (2, 3), "extra": (0, 3)},
              CHANNELS | {"weight-axes-swapped"}),
        ),
        "bias": (
            V("bias", {"O": (1, 3), "K": (2, 3), "extra": (0, 3), "bias": (1, 1)}, {"bias-missing", "bias-per-tap"}),
            V("bias-channels", {"C": (2, 2), "dO": (1, 1), "K": (3, 4), "extra": (0, 3), "bias": (1, 1)},
              CHANNELS | BIAS),
        ),
        "batch": (
            V("batch", {"N": (2, 3), "K": (2, 3), "extra": (0, 3)}, {"batch-summed"}),
            V("unbatched", {"u": (1, 1), "C": (2, 3), "dO": (1, 1), "K": (2, 3), "extra": (0, 3)}, CHANNELS),
            V("batch-channels", {"N": (2, 3), "C": (2, 2), "dO": (1, 1), "K": (2, 3), "extra": (0, 2)},
              CHANNELS | {"batch-summed"}),
        ),
        "stride": (
            V("stride", {"K": (2, 3), "s": (2, 3), "extra": (0, 5)}, {"stride-not-applied"}),
            V("stride-channels", {"C": (2, 2), "dO": (1, 1), "K": (2, 3), "s": (2, 3), "extra": (0, 4)},
              CHANNELS | {"stride-not-applied"}),
        ),
        "padding": (
            V("padding", {"K": (2, 4), "p": (1, 2), "extra": (0, 4)}, {"padding-one-side"}),
            V("padding-channels", {"C": (2, 2), "dO": (1, 1), "K": (2, 3), "p": (1, 2), "extra": (0, 3)},
              CHANNELS | {"padding-one-side"}),
        ),
        "dilation": (
            V("dilation", {"K": (2, 3), "d": (2, 3), "extra": (0, 4)}, {"dilation-gap-wrong"}),
        ),
        "layout": (
            V("channels-last", {"N": (1, 1), "C": (2, 3), "dO": (1, 2), "K": (2, 3), "extra": (0, 3)},
              CHANNELS | {"layout-reshape"}, function=CL),
            # the concepts before layout only (a missing stride, padding or dilation costs `combined`)
            V("channels-last-batch", {"N": (2, 2), "C": (2, 2), "O": (2, 2), "K": (3, 3), "extra": (0, 2),
                                      "bias": (1, 1)},
              CHANNELS | BIAS | {"layout-reshape", "batch-summed", "weight-axes-swapped"}, function=CL),
        ),
        "combined": (
            V("channels-last-combined", {"N": (2, 2), "C": (2, 2), "O": (2, 2), "K": (3, 3), "s": (2, 2),
                                         "p": (1, 1), "d": (2, 2), "extra": (0, 2), "bias": (1, 1)},
              CHANNELS | BIAS | {"layout-reshape", "batch-summed", "weight-axes-swapped", "stride-not-applied",
                                 "padding-one-side", "dilation-gap-wrong"}, function=CL),
        ),
        "validation": (
            bad("channels-mismatch", {"K": (1, 3), "x": (0, 1)}),
            bad("kernel-too-big", {"K": (1, 3), "x": (0, 1)}),
            bad("negative-padding", {"K": (1, 3), "x": (0, 1)}),
            bad("zero-stride", {"K": (1, 3), "x": (0, 0)}),
            bad("zero-dilation", {"K": (1, 3), "x": (0, 0)}),
            bad("bias-shape", {"K": (1, 3), "x": (0, 1)}),
            bad("unbatched-mismatch", {"K": (1, 3), "x": (0, 1)}),
            bad("channels-last-mismatch", {"K": (1, 3), "x": (0, 1)}, function=CL),
            bad("channels-last-negative-padding", {"K": (1, 3), "x": (0, 1)}, function=CL),
        ),
    },
    oracles=ORACLES,
)
