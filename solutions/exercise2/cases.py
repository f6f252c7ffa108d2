"""exercise2 — one-channel convolution as dot products. Oracles: F.conv1d / F.conv2d in float64.

Spaces isolate one concept each (the others at their defaults, so a mistake in stride never
costs padding points); `2d` ends with a combined space. Values are redrawn until the trigger
the space promises holds (an asymmetric kernel, a nonzero bias), so it holds on every seed.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from autograder.cases.space import Invalid, Space, values
from autograder.cases.spec import ExerciseSpec
from autograder.cases.torch_oracle import torch_decides
from autograder.cases.triggers import mutant_impls, until_shown

# --- oracles -----------------------------------------------------------------------------


def _no_negative(padding) -> None:
    for v in padding if isinstance(padding, (tuple, list)) else (padding,):
        if v < 0:
            raise Invalid("padding is negative")


@torch_decides(one_d=True)
def conv1d_single(x, w, bias=0.0, stride=1, padding=0, dilation=1):
    _no_negative(padding)
    b = torch.tensor([float(bias)], dtype=torch.float64)
    out = F.conv1d(x.reshape(1, 1, -1), w.reshape(1, 1, -1), b, stride, padding, dilation)
    return out.reshape(-1).numpy()


@torch_decides
def conv2d_single(image, kernel, bias=0.0, stride=1, padding=0):
    _no_negative(padding)
    b = torch.tensor([float(bias)], dtype=torch.float64)
    out = F.conv2d(image[None, None], kernel[None, None], b, stride, padding)
    return out[0, 0].numpy()


# --- spaces ------------------------------------------------------------------------------
# Each build draws values until every mutant its space promises differs from PyTorch, and from
# every other promised mutant (triggers.until_shown): the promise holds on every seed.


def bias_value(rng, p) -> float:
    """A nonzero bias, an int or a quarter step."""
    while True:
        b = float(values(rng, (), p))
        if b != 0:
            return b


def _conv1d(space: str, triggers, *, bias=False, symmetric=False):
    """Parameters: K taps, s stride, p padding, d dilation, extra positions (or q windows and a
    remainder r, s - 1 unless given), fraction. `symmetric`: a palindromic kernel, so that a flipped
    kernel costs dot-product alone, not every concept built on it."""
    def build(p, rng):
        k, s, d, pad = p["K"], p.get("s", 1), p.get("d", 1), p.get("p", 0)
        span = d * (k - 1) + 1
        if "q" in p:  # a length that leaves a remainder r: rounding mistakes show
            length = max(span - 2 * pad + p["q"] * s + p.get("r", s - 1), 1)
        else:  # every tap matters: two windows when strided, a last tap (at any gap) inside the input
            base = max(span - pad, 1)
            if s > 1:
                base = max(base, span + s - 2 * pad)
            if d > 1:
                base = max(base, span + k - 1)
            length = base + p.get("extra", 0)

        def draw():
            w = values(rng, (k,), p)
            args = {"x": values(rng, (length,), p), "w": w + w.flip(0) if symmetric else w}
            if bias:
                args["bias"] = bias_value(rng, p)
            if "s" in p or "p" in p or "d" in p:
                args["stride"] = s
            if "p" in p or "d" in p:
                args["padding"] = pad
            if "d" in p:
                args["dilation"] = d
            return args
        return until_shown(draw, conv1d_single, mutant_impls("exercise2", C1, triggers), what=space)
    return build


def _conv2d(space: str, triggers, *, bias=False, pairs=False):
    """Drawn with the width the larger axis (H != W, KH != KW), then transposed when t = 1.
    Parameters: KH, dk (KW = KH + dk), sh/ds (sw = sh + ds), ph/dp (pw = ph + dp), eh/ew, t."""
    def build(p, rng):
        kh, kw = p["KH"], p["KH"] + p["dk"]
        sh, sw = p.get("sh", 1), p.get("sh", 1) + p.get("ds", 0)
        ph, pw = p.get("ph", 0), p.get("ph", 0) + p.get("dp", 0)
        # two windows along a strided axis, and a last row and column inside the image
        height = max(kh - ph, 1, kh + sh - 2 * ph if sh > 1 else 1) + p["eh"]
        width = max(max(kw - pw, 1, kw + sw - 2 * pw if sw > 1 else 1) + p["eh"], height + 1) + p["ew"] - 1
        if p.get("t", 0):  # the larger axis is sometimes the height
            height, width, kh, kw, sh, sw, ph, pw = width, height, kw, kh, sw, sh, pw, ph

        def draw():
            args = {"image": values(rng, (height, width), p), "kernel": values(rng, (kh, kw), p)}
            if bias:
                args["bias"] = bias_value(rng, p)
            if "sh" in p:
                args["stride"] = (sh, sw) if pairs else sh
            if "ph" in p:
                args["padding"] = (ph, pw) if pairs else ph
            return args
        return until_shown(draw, conv2d_single, mutant_impls("exercise2", C2, triggers), what=space)
    return build


def _invalid(kind: str):
    def build(p, rng):
        k = p["K"]
        x = values(rng, (k + 2,), p)
        w = values(rng, (k,), p)
        if kind == "kernel-too-big":
            return {"x": values(rng, (k - 1,), p), "w": w} if k > 1 else {"x": x, "w": values(rng, (k + 3,), p)}
        if kind == "kernel-too-big-dilated":
            return {"x": values(rng, (2 * k,), p), "w": values(rng, (k + 1,), p), "bias": 0.0, "stride": 1,
                    "padding": 0, "dilation": 2 + p["x"]}
        if kind == "zero-stride":
            return {"x": x, "w": w, "bias": 0.0, "stride": 0}
        if kind == "negative-padding":
            return {"x": x, "w": w, "bias": 0.0, "stride": 1, "padding": -1 - p["x"]}
        if kind == "zero-dilation":
            return {"x": x, "w": w, "bias": 0.0, "stride": 1, "padding": 0, "dilation": 0}
        if kind == "empty-kernel":
            return {"x": x, "w": values(rng, (0,), p)}
        if kind == "kernel-too-big-padded":  # misses by one even with the padding on both sides
            pad = 1 + p["x"]
            return {"x": values(rng, (k,), p), "w": values(rng, (k + 2 * pad + 1,), p), "bias": 0.0, "stride": 1,
                    "padding": pad}
        image = values(rng, (k + 1, k + 2), p)
        # too wide for a tall image, too tall for a wide one: each axis is checked against its own size
        if kind == "2d-kernel-too-big":
            return {"image": values(rng, (k + 4 + p["x"], k), p), "kernel": values(rng, (k, k + 1 + p["x"]), p)}
        if kind == "2d-kernel-too-tall":
            return {"image": values(rng, (k, k + 4 + p["x"]), p), "kernel": values(rng, (k + 1 + p["x"], k), p)}
        if kind == "2d-empty-kernel":
            return {"image": image, "kernel": values(rng, (k, 0), p)}
        if kind == "2d-negative-padding":  # the kernel would still fit: only the check refuses it
            return {"image": values(rng, (k + 1, k + 4 + 2 * p["x"]), p), "kernel": values(rng, (k, k), p),
                    "bias": 0.0, "stride": 1, "padding": (1, -1 - p["x"])}
        if kind == "2d-zero-stride":
            return {"image": image, "kernel": values(rng, (k, k), p), "bias": 0.0, "stride": (1, 0)}
        raise AssertionError(kind)
    return build


C1, C2 = "conv1d_single", "conv2d_single"
# every valid 1-D space shows these: a last tap that matters, a full length; dot-product's an
# asymmetric kernel too (the later concepts' kernels are palindromes)
DOT = frozenset({"kernel-flipped", "window-off-by-one", "missing-plus-one"})
DOT2 = frozenset({"kernel-flipped", "window-off-by-one"})


def V1(name, params, triggers=(), *, bias=False, symmetric=True):
    shown = (DOT - {"kernel-flipped"} if symmetric else DOT) | set(triggers)
    return Space(name, C1, params, _conv1d(name, shown, bias=bias, symmetric=symmetric), positional=2,
                 triggers=shown)


def V2(name, params, triggers=(), *, bias=False, pairs=False):
    shown = DOT2 | set(triggers)
    return Space(name, C2, params, _conv2d(name, shown, bias=bias, pairs=pairs), positional=2, triggers=shown)


def bad(name, function, params):
    return Space(name, function, params, _invalid(name), positional=2, invalid=True)


BIAS = {"bias-missing", "bias-per-tap"}
SPEC = ExerciseSpec(
    name="exercise2",
    concepts={
        "dot-product": (
            V1("dot", {"K": (2, 4), "extra": (0, 5)}, symmetric=False),
            V1("dot-whole", {"K": (2, 5)}, symmetric=False),
            V1("dot-fraction", {"K": (2, 5), "extra": (0, 6), "fraction": (1, 1)}, symmetric=False),
        ),
        "bias": (
            V1("bias", {"K": (2, 4), "extra": (0, 5)}, BIAS, bias=True),
            V1("bias-fraction", {"K": (2, 4), "extra": (0, 5), "fraction": (1, 1)}, BIAS, bias=True),
        ),
        "stride": (
            # remainder 1: rounding up gives one window too many
            V1("stride-remainder-low", {"K": (2, 4), "s": (3, 4), "q": (1, 3), "r": (1, 1)},
               {"stride-not-applied", "ceil-not-floor"}),
            # remainder s - 1: the same, on the largest remainder
            V1("stride-remainder-high", {"K": (2, 4), "s": (2, 4), "q": (1, 3)},
               {"stride-not-applied", "ceil-not-floor"}),
            # remainder 0: no rounding mistake can show, only the stride itself
            V1("stride", {"K": (2, 4), "s": (2, 4), "q": (1, 4), "r": (0, 0)}, {"stride-not-applied"}),
        ),
        "padding": (
            V1("padding", {"K": (2, 4), "p": (2, 3), "extra": (0, 5)}, {"padding-one-side", "padding-once"}),
            V1("padding-fraction", {"K": (2, 5), "p": (2, 3), "extra": (0, 3), "fraction": (1, 1)},
               {"padding-one-side", "padding-once"}),
        ),
        "dilation": (
            V1("dilation", {"K": (2, 4), "d": (3, 4), "extra": (0, 5)},
               {"dilation-gap-wrong", "dilation-ignored", "dilation-times-kernel"}),
        ),
        "2d": (
            V2("2d", {"KH": (1, 3), "dk": (1, 2), "eh": (0, 3), "ew": (1, 3), "t": (0, 1)}),
            V2("2d-stride-pair", {"KH": (1, 3), "dk": (1, 2), "sh": (1, 2), "ds": (1, 2), "eh": (1, 4),
                                  "ew": (1, 3), "t": (0, 1)}, {"height-width-swapped", "stride-not-applied"},
               pairs=True),
            V2("2d-padding-pair", {"KH": (1, 3), "dk": (1, 2), "ph": (0, 1), "dp": (1, 2), "eh": (0, 3),
                                   "ew": (1, 3), "t": (0, 1)}, {"height-width-swapped", "padding-one-side"},
               pairs=True),
            # a kernel taller than the image that fits only with the height's padding
            V2("2d-padding-fit", {"KH": (2, 3), "dk": (1, 2), "ph": (1, 1), "dp": (1, 2), "eh": (0, 0),
                                  "ew": (1, 3), "t": (0, 0)}, {"height-width-swapped", "padding-one-side"},
               pairs=True),
            V2("2d-bias", {"KH": (1, 3), "dk": (1, 2), "eh": (0, 3), "ew": (1, 3), "t": (0, 1)}, BIAS, bias=True),
            V2("2d-combined", {"KH": (1, 3), "dk": (1, 2), "sh": (1, 2), "ds": (1, 2), "ph": (0, 1),
                               "dp": (1, 2), "eh": (1, 4), "ew": (1, 3), "t": (0, 1), "fraction": (0, 1)},
               BIAS | {"height-width-swapped", "stride-not-applied", "padding-one-side"}, bias=True, pairs=True),
        ),
        "validation": (
            bad("kernel-too-big", C1, {"K": (1, 4)}),
            bad("negative-padding", C1, {"K": (1, 3), "x": (0, 2)}),
            bad("zero-stride", C1, {"K": (1, 3)}),
            bad("zero-dilation", C1, {"K": (1, 3)}),
            bad("kernel-too-big-dilated", C1, {"K": (2, 3), "x": (0, 1)}),
            bad("empty-kernel", C1, {"K": (1, 3)}),
            bad("kernel-too-big-padded", C1, {"K": (1, 3), "x": (0, 1)}),
            bad("2d-kernel-too-big", C2, {"K": (1, 3), "x": (0, 1)}),
            bad("2d-kernel-too-tall", C2, {"K": (1, 3), "x": (0, 1)}),
            bad("2d-empty-kernel", C2, {"K": (1, 3)}),
            bad("2d-negative-padding", C2, {"K": (1, 3), "x": (0, 1)}),
            bad("2d-zero-stride", C2, {"K": (1, 3)}),
        ),
    },
    oracles={C1: conv1d_single, C2: conv2d_single},
)
