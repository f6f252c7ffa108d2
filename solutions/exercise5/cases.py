"""exercise5 — max pooling. Oracles: F.max_pool1d / F.max_pool2d in float64.

Spaces isolate one concept each: the other options stay at values that cannot reveal another
mistake (stride passed explicitly outside `stride`, so a stride that defaults to 1 costs
only stride; no padding outside `padding`, `ceil-mode` and `combined`; ceil-mode inputs
non-negative, so zero padding cannot change a maximum there). `combined` has every option at once. Values are redrawn until every promised mutant shows (triggers.until_shown).
"""
from __future__ import annotations

import torch.nn.functional as F

from autograder.cases.space import Invalid, Space, values
from autograder.cases.spec import ExerciseSpec
from autograder.cases.torch_oracle import torch_decides
from autograder.cases.triggers import mutant_impls, until_shown

P1, P2 = "max_pool1d", "max_pool2d"

# --- oracles -----------------------------------------------------------------------------


def _no_negative(padding) -> None:
    for v in padding if isinstance(padding, (tuple, list)) else (padding,):
        if v < 0:
            raise Invalid("padding is negative")


@torch_decides
def max_pool1d(x, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    _no_negative(padding)
    return F.max_pool1d(x, kernel_size, stride, padding, dilation, ceil_mode).numpy()


@torch_decides
def max_pool2d(x, kernel_size, stride=None, padding=0):
    _no_negative(padding)
    return F.max_pool2d(x, kernel_size, stride, padding).numpy()


ORACLES = {P1: max_pool1d, P2: max_pool2d}

# --- spaces ------------------------------------------------------------------------------
# every valid space shows these: any window's maximum differs from its mean and its last value
EVERYWHERE = frozenset({"pool-average", "pool-last-element", "window-off-by-one"})


def _x(rng, shape, p, sign):
    low, high = {"any": (-4, 4), "negative": (-4, -1), "nonnegative": (0, 4)}[sign]
    return values(rng, shape, p, low=low, high=high)


def _pool1d(space: str, *, sign="any", ceil=False, stride=False, triggers=frozenset()):
    """Length = the window's reach minus both paddings, plus `extra`; `q` instead leaves a
    remainder (L + 2p - span) % s != 0 so that a ceil-mode window overhangs."""
    def build(p, rng):
        pad, d = p.get("p", 0), p.get("d", 1)
        k = max(p.get("K", 2), 2 * pad)  # PyTorch: padding at most half the kernel
        s = p.get("s", 1)
        span = d * (k - 1) + 1
        if "m" in p:  # ceil drop: L = m*s + 1 with K = 2p, s > p: the naive last window is all padding
            s = pad + p["s_extra"]
            length = p["m"] * s + 1
        elif "q" in p:
            length = span + p["q"] * s + 1 + (p["r"] % (s - 1))
        elif "exact" in p:  # the windows tile the input exactly: ceil and floor agree (0: one window, no room)
            length = span + p["exact"] * s
        else:  # at least two windows: one window cannot show both a wrong last tap and a wrong last value
            explicit = stride or "s" in p or "p" in p or "d" in p
            length = max(k, span + (s if explicit else k) - 2 * pad) + p.get("extra", 0)
        shape = (p.get("N", 1), p.get("C", 1), length)

        def draw():
            args = {"x": _x(rng, shape, p, sign), "kernel_size": k}
            if stride or any(key in p for key in ("s", "m", "p", "d")):
                args["stride"] = s
            if "p" in p or "d" in p:
                args["padding"] = pad
            if "d" in p:
                args["dilation"] = d
            if ceil:
                args.update(padding=pad, dilation=d, ceil_mode=True)
            return args
        return until_shown(draw, max_pool1d, mutant_impls("exercise5", P1, triggers), what=space)
    return build


def _pool2d(space: str, *, sign="any", stride=False, triggers=frozenset()):
    """Kernel, stride and padding pairs; sizes fit every draw."""
    def build(p, rng):
        ph, pw = p.get("ph", 0), p.get("pw", 0)
        kh, kw = max(p["KH"], 2 * ph), max(p.get("KW", p["KH"]), 2 * pw)
        sh, sw = p.get("sh", 1), p.get("sw", 1)
        explicit = stride or "sh" in p or "ph" in p
        # at least two windows along each axis (see _pool1d)
        height = max(kh, kh + (sh if explicit else kh) - 2 * ph) + p.get("eh", 0)
        width = max(kw, kw + (sw if explicit else kw) - 2 * pw) + p.get("ew", 0)
        shape = (p.get("N", 1), p.get("C", 1), height, width)

        def draw():
            args = {"x": _x(rng, shape, p, sign), "kernel_size": (kh, kw) if kh != kw else kh}
            if stride or "sh" in p or "ph" in p:
                args["stride"] = (sh, sw)
            if "ph" in p:
                args["padding"] = (ph, pw)
            return args
        return until_shown(draw, max_pool2d, mutant_impls("exercise5", P2, triggers), what=space)
    return build


def _invalid(kind: str):
    def build(p, rng):
        k = p["K"]
        x = values(rng, (1, 1, 2 * k + 2), p)
        if kind == "padding-above-half":
            return {"x": x, "kernel_size": k, "stride": 1, "padding": k // 2 + 1 + p["x"]}
        if kind == "negative-padding":
            return {"x": x, "kernel_size": k, "stride": 1, "padding": -1 - p["x"]}
        if kind == "zero-kernel":
            return {"x": x, "kernel_size": 0}
        if kind == "zero-stride":
            return {"x": x, "kernel_size": k, "stride": 0}
        if kind == "zero-dilation":
            return {"x": x, "kernel_size": k, "stride": 1, "padding": 0, "dilation": 0}
        if kind == "window-too-big":  # the dilated window does not fit: no output at all
            return {"x": values(rng, (1, 1, k), p), "kernel_size": k, "stride": 1, "padding": 0,
                    "dilation": 2 + p["x"]}
        if kind == "2d-padding-above-half":
            return {"x": values(rng, (1, 1, k + 3, k + 3), p), "kernel_size": (k, k + 1), "stride": 1,
                    "padding": (0, (k + 1) // 2 + 1 + p["x"])}
        if kind == "2d-window-too-big":
            return {"x": values(rng, (1, 1, k + 2, k), p), "kernel_size": (k, k + 1 + p["x"])}
        raise AssertionError(kind)
    return build


def S(name, function, params, build, *, triggers=(), invalid=False):
    return Space(name, function, params, build, positional=1, triggers=frozenset(triggers), invalid=invalid)


def V1(name, params, *, triggers=(), **options):
    shown = EVERYWHERE | set(triggers)
    return S(name, P1, params, _pool1d(name, triggers=shown, **options), triggers=shown)


def V2(name, params, *, triggers=(), **options):
    shown = EVERYWHERE | set(triggers)
    return S(name, P2, params, _pool2d(name, triggers=shown, **options), triggers=shown)


SPEC = ExerciseSpec(
    name="exercise5",
    concepts={
        "window-max": (
            V1("window", {"K": (2, 4), "extra": (1, 6)}, stride=True),
            V2("window-2d", {"KH": (2, 3), "eh": (1, 3), "ew": (2, 4)}, stride=True),
            V1("window-fraction", {"K": (2, 4), "extra": (1, 6), "fraction": (1, 1)}, stride=True),
            # one window fills the input exactly (valid: one output); an off-by-one window is not promised
            # here: past a window that fills the input it has nothing to read
            S("window-exact-fit", P1, {"K": (2, 4), "exact": (0, 0)},
              _pool1d("window-exact-fit", stride=True, triggers={"pool-average", "pool-last-element"}),
              triggers={"pool-average", "pool-last-element"}),
        ),
        "stride": (
            # the default stride is the kernel (per axis: a non-square kernel shows a swap)
            V1("stride-default", {"K": (2, 4), "extra": (1, 6)}, triggers={"pool-stride-one", "stride-not-applied"}),
            V2("stride-default-2d", {"KH": (2, 2), "KW": (3, 4), "eh": (1, 3), "ew": (1, 3)},
               triggers={"pool-stride-one", "stride-not-applied"}),
            V1("stride", {"K": (2, 3), "s": (2, 4), "extra": (2, 8)}, triggers={"stride-not-applied"}),
            V2("stride-2d", {"KH": (2, 3), "KW": (2, 3), "sh": (2, 3), "sw": (2, 3), "eh": (2, 5), "ew": (2, 5)},
               triggers={"stride-not-applied"}),
        ),
        "padding": (
            V1("padding", {"p": (1, 2), "K": (2, 4), "extra": (2, 6)}, sign="negative",
               triggers={"pool-zero-padding", "padding-one-side"}),
            V2("padding-2d", {"KH": (2, 3), "KW": (2, 4), "ph": (1, 1), "pw": (1, 2), "eh": (0, 3), "ew": (0, 3)},
               sign="negative", triggers={"pool-zero-padding", "padding-one-side"}),
        ),
        "dilation": (
            V1("dilation", {"K": (2, 3), "d": (2, 3), "extra": (0, 5)}, triggers={"dilation-gap-wrong"}),
        ),
        "ceil-mode": (
            V1("ceil-drop", {"p": (1, 2), "s_extra": (1, 2), "m": (1, 3)}, sign="nonnegative", ceil=True,
               triggers={"ceil-mode-naive", "padding-one-side", "stride-not-applied"}),
            V1("ceil-overhang", {"K": (3, 4), "s": (2, 3), "q": (1, 3), "r": (0, 1)}, sign="nonnegative",
               ceil=True, triggers={"stride-not-applied"}),
            # no remainder: rounding up adds nothing (a ceil that adds s, not s - 1, before dividing shows)
            V1("ceil-exact", {"K": (2, 3), "s": (2, 3), "exact": (1, 3)}, ceil=True,
               triggers={"stride-not-applied"}),
        ),
        "channels": (
            V1("channels", {"N": (2, 3), "C": (2, 3), "K": (2, 3), "extra": (1, 5)}, stride=True,
               triggers={"pool-across-channels"}),
            V2("channels-2d", {"N": (2, 2), "C": (2, 3), "KH": (2, 2), "eh": (0, 3), "ew": (1, 3)}, stride=True,
               triggers={"pool-across-channels"}),
        ),
        "combined": (
            V1("combined", {"N": (2, 2), "C": (2, 3), "K": (2, 4), "s": (2, 3), "p": (1, 2), "d": (2, 2),
                            "extra": (3, 5)}, sign="negative",
               triggers={"pool-across-channels", "stride-not-applied", "pool-zero-padding", "padding-one-side",
                         "dilation-gap-wrong"}),
        ),
        "validation": (
            S("padding-above-half", P1, {"K": (1, 4), "x": (0, 1)}, _invalid("padding-above-half"), invalid=True),
            S("negative-padding", P1, {"K": (1, 3), "x": (0, 2)}, _invalid("negative-padding"), invalid=True),
            S("zero-kernel", P1, {"K": (1, 2)}, _invalid("zero-kernel"), invalid=True),
            S("zero-stride", P1, {"K": (1, 3)}, _invalid("zero-stride"), invalid=True),
            S("zero-dilation", P1, {"K": (1, 3)}, _invalid("zero-dilation"), invalid=True),
            S("window-too-big", P1, {"K": (2, 4), "x": (0, 1)}, _invalid("window-too-big"), invalid=True),
            S("2d-padding-above-half", P2, {"K": (1, 3), "x": (0, 1)}, _invalid("2d-padding-above-half"),
              invalid=True),
            S("2d-window-too-big", P2, {"K": (1, 3), "x": (0, 1)}, _invalid("2d-window-too-big"), invalid=True),
        ),
    },
    oracles=ORACLES,
)
