"""conv2d's concepts, shared by exercise7 (conv2d) and exercise8 (conv2d_fast). Oracle: F.conv2d in float64.

The bare case is one image, one channel, one filter, a square input and a square asymmetric
kernel. Each concept then turns on one thing (channels, filters and batch, bias, stride,
padding, dilation, groups) with every pair equal, so a height/width mix-up costs only
`non-square`, whose spaces make every pair unequal and end with everything combined.
Values are redrawn until every promised mutant shows (triggers.until_shown).
"""
from __future__ import annotations

import torch.nn.functional as F

from autograder.cases.space import Invalid, Space, values
from autograder.cases.torch_oracle import torch_decides
from autograder.cases.triggers import mutant_impls, until_shown

# every valid space shows these: an asymmetric kernel, a last row and column that matter
EVERYWHERE = frozenset({"kernel-flipped", "window-off-by-one"})

# --- oracle ------------------------------------------------------------------------------


def _no_negative(padding) -> None:
    for v in padding if isinstance(padding, (tuple, list)) else (padding,):
        if isinstance(v, int) and v < 0:
            raise Invalid("padding is negative")


@torch_decides
def conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    _no_negative(padding)
    return F.conv2d(x, weight, bias, stride, padding, dilation, groups).numpy()


# --- spaces ------------------------------------------------------------------------------


def _pair(a, b):
    return a if a == b else (a, b)


def build_conv2d(exercise: str, function: str, space: str, oracle, triggers=frozenset(), *, pad=None):
    """Parameters (each optional): N batch, C input channels per group, G groups, O filters per
    group, KH, dk (KW = KH + dk), sh/dsw, ph/dpw, dh/ddw (the width's = the height's + its delta),
    eh/ew extra rows/columns, bias (0/1), fraction. `pad` is 'same' or 'valid' instead of ints."""
    def build(p, rng):
        n, g = p.get("N", 1), p.get("G", 1)
        c_in, c_out = p.get("C", 1) * g, p.get("O", 1) * g
        kh = p.get("KH", 2)
        kw = 1 if p.get("KW1", 0) else kh + p.get("dk", 0)  # KW1: a kernel one column wide
        sh, ph, dh = p.get("sh", 1), p.get("ph", 0), p.get("dh", 1)
        sw, pw, dw = sh + p.get("dsw", 0), ph + p.get("dpw", 0), dh + p.get("ddw", 0)
        if pad is not None:
            sh = sw = 1
            ph = pw = 0
        span_h, span_w = dh * (kh - 1) + 1, dw * (kw - 1) + 1
        # at least two output rows and columns (a strided or dropped window must show)
        height = max(span_h, span_h + sh - 2 * ph) + p.get("eh", 0)
        if p.get("fit", 0):  # the kernel exactly fills the padded height: one output row
            height = span_h - 2 * ph
        width = max(span_w, span_w + sw - 2 * pw) + p.get("ew", 0)
        if p.get("dk", 0) or p.get("KW1", 0) or p.get("dsw", 0) or p.get("dpw", 0) or p.get("ddw", 0):
            width = max(width, height + 1)  # non-square: the input too

        def draw():
            shape = (c_in, height, width) if p.get("u", 0) else (n, c_in, height, width)  # u: unbatched
            args = {"x": values(rng, shape, p), "weight": values(rng, (c_out, c_in // g, kh, kw), p)}
            if p.get("bias", 0):
                args["bias"] = values(rng, (c_out,), p)
            if "sh" in p or "ph" in p or "dh" in p or "G" in p or pad is not None:
                args["stride"] = _pair(sh, sw)
            if "ph" in p or "dh" in p or "G" in p or pad is not None:
                args["padding"] = pad if pad is not None else _pair(ph, pw)
            if "dh" in p or "G" in p:
                args["dilation"] = _pair(dh, dw)
            if "G" in p:
                args["groups"] = g
            return args
        return until_shown(draw, oracle, mutant_impls(exercise, function, triggers), what=space)
    return build


def _invalid(kind: str):
    def build(p, rng):
        k, e = p["K"], p["x"]
        x = values(rng, (1, 2, k + 2, k + 3), p)
        w = values(rng, (2, 2, k, k), p)
        if kind == "negative-padding":
            return {"x": x, "weight": w, "bias": None, "stride": 1, "padding": (0, -1 - e)}
        if kind == "zero-stride":
            return {"x": x, "weight": w, "bias": None, "stride": (1, 0)}
        if kind == "zero-dilation":
            return {"x": x, "weight": w, "bias": None, "stride": 1, "padding": 0, "dilation": 0}
        if kind == "kernel-too-big":
            return {"x": x, "weight": values(rng, (2, 2, k, k + 4 + e), p)}
        if kind == "channels-mismatch":
            return {"x": x, "weight": values(rng, (2, 3 + e, k, k), p)}
        if kind == "groups-mismatch":  # 3 filters cannot split into 2 groups
            return {"x": values(rng, (1, 4, k + 2, k + 2), p), "weight": values(rng, (3 + 2 * e, 2, k, k), p),
                    "bias": None, "stride": 1, "padding": 0, "dilation": 1, "groups": 2}
        if kind == "zero-groups":  # groups 0 or negative: a ValueError, never a ZeroDivisionError
            return {"x": x, "weight": w, "bias": None, "stride": 1, "padding": 0, "dilation": 1, "groups": -e}
        if kind == "same-strided":
            return {"x": x, "weight": w, "bias": None, "stride": (1, 2 + e), "padding": "same"}
        if kind == "unknown-padding":
            return {"x": x, "weight": w, "bias": None, "stride": 1, "padding": ("full", "causal")[e % 2]}
        if kind == "bias-shape":
            return {"x": x, "weight": w, "bias": values(rng, (3 + e,), p)}
        raise AssertionError(kind)
    return build


def concepts_for(exercise: str, function: str, oracle) -> dict[str, tuple[Space, ...]]:
    """exercise7's concepts for `function` (conv2d or conv2d_fast), whose mutants live in `exercise`."""
    def V(name, params, *, triggers=(), pad=None):
        shown = EVERYWHERE | set(triggers)
        return Space(name, function, params, build_conv2d(exercise, function, name, oracle, shown, pad=pad),
                     positional=2, triggers=shown)

    def bad(name, params):
        return Space(name, function, params, _invalid(name), positional=2, invalid=True)

    channels = {"channels-not-summed", "channels-averaged"}
    return {
        "channel-sum": (
            V("channel-sum", {"C": (2, 3), "KH": (2, 3), "eh": (0, 2)}, triggers=channels),
            V("channel-sum-fraction", {"C": (2, 4), "KH": (2, 3), "eh": (0, 2), "fraction": (1, 1)},
              triggers=channels),
        ),
        "filters": (
            V("filters", {"O": (2, 4), "KH": (2, 3), "eh": (0, 2)}),
            V("filters-square", {"C": (2, 2), "O": (2, 2), "KH": (2, 3), "eh": (0, 2)},
              triggers=channels | {"weight-axes-swapped"}),
            V("filters-batch", {"N": (2, 3), "O": (2, 3), "KH": (2, 3), "eh": (0, 2)}, triggers={"batch-summed"}),
            V("filters-unbatched", {"u": (1, 1), "C": (2, 2), "O": (2, 2), "KH": (2, 3), "eh": (0, 2)},
              triggers=channels | {"weight-axes-swapped"}),
        ),
        "bias": (
            V("bias", {"O": (1, 3), "KH": (2, 3), "eh": (0, 2), "bias": (1, 1)},
              triggers={"bias-missing", "bias-per-tap"}),
            V("bias-channels", {"C": (2, 3), "O": (1, 1), "KH": (2, 3), "eh": (0, 2), "bias": (1, 1)},
              triggers=channels | {"bias-missing", "bias-per-tap", "bias-per-channel"}),
        ),
        "stride": (
            V("stride", {"KH": (2, 3), "sh": (2, 3), "eh": (1, 4)}, triggers={"stride-not-applied"}),
        ),
        "padding": (
            V("padding", {"KH": (2, 3), "ph": (1, 2), "eh": (0, 3)}, triggers={"padding-one-side"}),
            V("padding-same", {"KH": (2, 2), "eh": (0, 3)}, pad="same", triggers={"same-extra-left"}),
            V("padding-valid", {"KH": (2, 3), "eh": (0, 3)}, pad="valid"),
            V("padding-exact-fit", {"KH": (3, 4), "ph": (1, 1), "fit": (1, 1)}, triggers={"padding-one-side"}),
        ),
        "dilation": (
            V("dilation", {"KH": (2, 3), "dh": (2, 3), "eh": (0, 3)}, triggers={"dilation-gap-wrong"}),
            # 'same' with dilation pads d*(K-1): KH = 3 keeps that even, so only dilation's mistakes show
            V("dilation-same", {"KH": (3, 3), "dh": (2, 3), "eh": (0, 3)}, pad="same", triggers={"dilation-gap-wrong"}),
        ),
        "groups": (
            V("groups", {"G": (2, 3), "C": (2, 2), "O": (1, 2), "KH": (2, 2), "eh": (0, 2)},
              triggers=channels | {"groups-interleaved", "groups-ignored"}),
            V("groups-depthwise", {"G": (2, 4), "O": (1, 2), "KH": (2, 3), "eh": (0, 2)},
              triggers={"groups-ignored"}),
        ),
        "non-square": (
            V("non-square-kernel", {"KH": (1, 2), "dk": (1, 2), "eh": (0, 2)}),
            V("non-square-column", {"KH": (2, 3), "KW1": (1, 1), "eh": (0, 2)}),  # a kernel one column wide
            # 'same' per axis: a 2x3 kernel pads 1 row (an odd total: the extra goes after) and 2 columns
            V("non-square-same", {"KH": (2, 2), "dk": (1, 1), "eh": (0, 2)}, pad="same",
              triggers={"same-extra-left", "height-width-swapped"}),
            V("non-square-pairs", {"KH": (2, 3), "dk": (0, 1), "sh": (1, 2), "dsw": (1, 1), "ph": (0, 1),
                                   "dpw": (1, 1), "dh": (1, 1), "ddw": (1, 1), "eh": (1, 3), "ew": (1, 2)},
              triggers={"height-width-swapped", "stride-not-applied", "padding-one-side", "dilation-gap-wrong"}),
            V("non-square-combined", {"N": (2, 2), "G": (2, 2), "C": (2, 2), "O": (1, 2), "KH": (2, 2),
                                      "dk": (1, 1), "sh": (1, 1), "dsw": (1, 1), "ph": (1, 1), "dpw": (1, 1),
                                      "dh": (1, 1), "ddw": (1, 1), "eh": (1, 2), "ew": (1, 2), "bias": (1, 1)},
              triggers=channels | {"height-width-swapped", "stride-not-applied", "padding-one-side",
                                   "dilation-gap-wrong", "groups-interleaved", "groups-ignored", "batch-summed",
                                   "bias-missing", "bias-per-tap", "bias-per-channel"}),
        ),
        "validation": (
            bad("negative-padding", {"K": (1, 3), "x": (0, 1)}),
            bad("zero-stride", {"K": (1, 3), "x": (0, 0)}),
            bad("zero-dilation", {"K": (1, 3), "x": (0, 0)}),
            bad("kernel-too-big", {"K": (1, 3), "x": (0, 1)}),
            bad("channels-mismatch", {"K": (1, 3), "x": (0, 1)}),
            bad("groups-mismatch", {"K": (1, 2), "x": (0, 1)}),
            bad("zero-groups", {"K": (1, 3), "x": (0, 1)}),
            bad("same-strided", {"K": (1, 3), "x": (0, 1)}),
            bad("unknown-padding", {"K": (1, 3), "x": (0, 1)}),
            bad("bias-shape", {"K": (1, 3), "x": (0, 1)}),
        ),
    }

