"""exercise6 — padding modes and 'same'. Oracles: F.pad and nn.Conv1d (its padding_mode) in float64.

Each mode's concept has a pad1d space and conv1d_padded spaces in that mode only (an int
padding, then 'same' with an odd kernel and dilation 1, whose split is even, so a wrong 'same'
costs only `same-padding`). `same-padding` uses zeros, the one mode every student gets right
first. Values are redrawn until every promised mutant shows (triggers.until_shown).
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from autograder.cases.space import Invalid, Space, values
from autograder.cases.spec import ExerciseSpec
from autograder.cases.torch_oracle import torch_decides
from autograder.cases.triggers import mutant_impls, until_shown

PD, CP = "pad1d", "conv1d_padded"
MODES = ("zeros", "reflect", "replicate", "circular")

# --- oracles -----------------------------------------------------------------------------


@torch_decides
def pad1d(x, left, right, mode="zeros"):
    if left < 0 or right < 0:
        raise Invalid("padding is negative")
    if mode not in MODES:
        raise Invalid(f"unknown mode {mode!r}")
    return F.pad(x, (left, right), mode="constant" if mode == "zeros" else mode).numpy()


@torch_decides
def conv1d_padded(x, weight, bias=None, stride=1, padding=0, dilation=1, padding_mode="zeros"):
    """nn.Conv1d itself, with the case's weight and bias."""
    if isinstance(padding, int) and padding < 0:
        raise Invalid("padding is negative")
    c_out, c_in, k = weight.shape
    conv = torch.nn.Conv1d(c_in, c_out, k, stride, padding, dilation, bias=bias is not None,
                           padding_mode=padding_mode, dtype=torch.float64)
    with torch.no_grad():
        conv.weight.copy_(weight)
        if bias is not None:
            conv.bias.copy_(bias)
        return conv(x).numpy()


ORACLES = {PD: pad1d, CP: conv1d_padded}

# --- spaces ------------------------------------------------------------------------------


def _pad(space: str, mode: str, *, triggers=frozenset()):
    """pad1d: `dims` 1-4 (non-zero modes: 2 or 3), left and right within the mode's limits."""
    def build(p, rng):
        length = p["L"]
        # reflect: each pad below L; circular: at most L, and the left one below L so a wrong end shows
        left = min(p["left"], length - 1) if mode in ("reflect", "circular") else p["left"]
        right = min(p["right"], length - (mode == "reflect")) if mode in ("reflect", "circular") else p["right"]
        if p.get("whole", 0):  # circular: a right pad as long as the input wraps around exactly once
            right = length
        if p.get("whole_left", 0):  # and a left one
            left = length
        shape = {1: (length,), 2: (p.get("C", 2), length), 3: (p.get("N", 1), p.get("C", 2), length),
                 4: (1, 2, 2, length)}[p["dims"]]

        def draw():
            args = {"x": values(rng, shape, p), "left": left, "right": right}
            if mode != "zeros" or p.get("named", 0):
                args["mode"] = mode
            return args
        return until_shown(draw, pad1d, mutant_impls("exercise6", PD, triggers), what=space)
    return build


def _conv(space: str, mode: str, *, same=False, valid=False, even=False, triggers=frozenset()):
    """conv1d_padded: int padding p within the mode's limits, or 'same' (odd kernel unless `even`), or 'valid'."""
    def build(p, rng):
        d = p.get("d", 1)
        k = 2 * p["h"] if even else 2 * p["h"] + 1 if same else p["K"]
        s = 1 if same else p.get("s", 1)
        pad = p.get("p", 0)
        span = d * (k - 1) + 1
        length = max(span - 2 * pad, pad + 1, 2) + p.get("extra", 0)  # reflect needs p < L
        n, c_in, c_out = p.get("N", 1), p.get("C", 1), p.get("O", 1)

        def draw():
            args = {"x": values(rng, (n, c_in, length), p), "weight": values(rng, (c_out, c_in, k), p)}
            if p.get("bias", 0):
                args["bias"] = values(rng, (c_out,), p)
            args.update(stride=s, padding="same" if same else "valid" if valid else pad, dilation=d)
            if mode != "zeros" or p.get("named", 0):
                args["padding_mode"] = mode
            return args
        return until_shown(draw, conv1d_padded, mutant_impls("exercise6", CP, triggers), what=space)
    return build


def _invalid(kind: str):
    def build(p, rng):
        k, extra = p["K"], p["x"]
        x = values(rng, (1, 1, k + 2), p)
        w = values(rng, (1, 1, k), p)
        if kind == "pad-negative":
            return {"x": x, "left": -1 - extra, "right": 1, "mode": "zeros"}
        if kind == "pad-unknown-mode":
            return {"x": x, "left": 1, "right": 1, "mode": ("symmetric", "edge", "wrap")[extra % 3]}
        if kind == "reflect-too-far":
            return {"x": x, "left": k + 2 + extra, "right": 0, "mode": "reflect"}
        if kind == "reflect-right-too-far":  # each side checked on its own
            return {"x": x, "left": 0, "right": k + 2 + extra, "mode": "reflect"}
        if kind == "circular-wraps-twice":
            return {"x": x, "left": 1, "right": k + 3 + extra, "mode": "circular"}
        if kind == "circular-left-wraps-twice":  # each side checked on its own: a left pad too long too
            return {"x": x, "left": k + 3 + extra, "right": 1, "mode": "circular"}
        if kind == "same-strided":
            return {"x": x, "weight": w, "bias": None, "stride": 2 + extra, "padding": "same"}
        if kind == "negative-padding":
            return {"x": x, "weight": w, "bias": None, "stride": 1, "padding": -1 - extra}
        if kind == "unknown-padding":
            return {"x": x, "weight": w, "bias": None, "stride": 1, "padding": ("full", "causal")[extra % 2]}
        if kind == "unknown-padding-mode":
            return {"x": x, "weight": w, "bias": None, "stride": 1, "padding": 1, "dilation": 1,
                    "padding_mode": ("constant", "symmetric")[extra % 2]}
        if kind == "conv-reflect-too-far":
            return {"x": x, "weight": w, "bias": None, "stride": 1, "padding": k + 2 + extra, "dilation": 1,
                    "padding_mode": "reflect"}
        if kind == "channels-mismatch":
            return {"x": values(rng, (1, 2, k + 2), p), "weight": values(rng, (1, 1 + 2 * (extra + 1), k), p)}
        raise AssertionError(kind)
    return build


def S(name, function, params, build, *, positional=1, triggers=(), invalid=False):
    return Space(name, function, params, build, positional=positional, triggers=frozenset(triggers), invalid=invalid)


def PAD(name, mode, params, *, triggers=()):
    return S(name, PD, params, _pad(name, mode, triggers=frozenset(triggers)), triggers=triggers)


def CONV(name, mode, params, *, triggers=(), **options):
    return S(name, CP, params, _conv(name, mode, triggers=frozenset(triggers), **options), positional=2,
             triggers=triggers)


def _mode_concept(mode: str, trigger: tuple[str, ...]):
    return (
        PAD(f"{mode}-pad", mode, {"L": (3, 6), "left": (1, 3), "right": (1, 3), "dims": (2, 3),
            **({"whole": (1, 1)} if mode == "circular" else {})}, triggers=trigger),
        CONV(f"{mode}-conv", mode, {"K": (2, 3), "p": (1, 2), "extra": (0, 3), "C": (1, 2), "O": (1, 2)},
             triggers=trigger),
        CONV(f"{mode}-same", mode, {"h": (1, 2), "extra": (0, 3), "N": (1, 2), "C": (1, 2), "bias": (0, 1)},
             same=True, triggers=trigger),
        PAD(f"{mode}-pad-fraction", mode, {"L": (2, 5), "left": (1, 4), "right": (0, 4), "dims": (3, 3),
            "fraction": (1, 1)}, triggers=trigger),
        # a zero pad on either side, every seed: x[..., -0:] is all of x, not nothing
        PAD(f"{mode}-pad-zero-left", mode, {"L": (2, 5), "left": (0, 0), "right": (1, 3), "dims": (2, 3)},
            triggers=() if mode == "circular" else trigger),  # circular's wrong end is the left one
        PAD(f"{mode}-pad-zero-right", mode, {"L": (2, 5), "left": (1, 3), "right": (0, 0), "dims": (2, 3),
            **({"whole_left": (1, 1)} if mode == "circular" else {})},
            triggers=() if mode == "circular" else trigger),  # a whole-length left pad has no wrong end
    )


SPEC = ExerciseSpec(
    name="exercise6",
    concepts={
        "zeros": (
            PAD("zeros-pad", "zeros", {"L": (1, 5), "left": (0, 3), "right": (1, 3), "dims": (1, 4)}),
            CONV("zeros-conv", "zeros", {"K": (2, 3), "p": (1, 2), "extra": (0, 3), "C": (1, 2), "O": (1, 2),
                 "named": (0, 1)}),
            PAD("zeros-pad-named", "zeros", {"L": (1, 5), "left": (1, 3), "right": (0, 3), "dims": (2, 3),
                "named": (1, 1)}),
        ),
        "reflect": _mode_concept("reflect", ("reflect-as-symmetric",)),
        "replicate": _mode_concept("replicate", ("replicate-as-zeros",)),
        "circular": _mode_concept("circular", ("circular-wrong-end",)),
        "same-padding": (
            CONV("same-even-kernel", "zeros", {"h": (1, 3), "extra": (0, 3)}, same=True, even=True,
                 triggers={"same-extra-left"}),
            CONV("same-dilated", "zeros", {"h": (1, 2), "d": (2, 3), "extra": (0, 3)}, same=True,
                 triggers={"same-ignores-dilation"}),
            CONV("same-combined", "zeros", {"h": (1, 2), "d": (3, 3), "extra": (0, 3), "N": (1, 2), "C": (1, 2),
                 "O": (1, 2), "bias": (1, 1)}, same=True, even=True,
                 triggers={"same-extra-left", "same-ignores-dilation"}),
        ),
        "valid": (
            CONV("valid", "zeros", {"K": (2, 4), "extra": (0, 4)}, valid=True),
            CONV("valid-exact-fit", "zeros", {"K": (2, 4), "extra": (0, 0)}, valid=True),  # one output, no room
            CONV("valid-strided", "zeros", {"K": (1, 3), "s": (2, 3), "d": (1, 2), "extra": (1, 5), "C": (1, 2),
                 "O": (1, 2), "bias": (0, 1), "named": (1, 1)}, valid=True),
        ),
        "validation": (
            S("pad-negative", PD, {"K": (1, 3), "x": (0, 1)}, _invalid("pad-negative"), invalid=True),
            S("reflect-too-far", PD, {"K": (1, 3), "x": (0, 1)}, _invalid("reflect-too-far"), invalid=True),
            S("reflect-right-too-far", PD, {"K": (1, 3), "x": (0, 1)}, _invalid("reflect-right-too-far"),
              invalid=True),
            S("circular-wraps-twice", PD, {"K": (1, 3), "x": (0, 1)}, _invalid("circular-wraps-twice"), invalid=True),
            S("circular-left-wraps-twice", PD, {"K": (1, 3), "x": (0, 1)}, _invalid("circular-left-wraps-twice"),
              invalid=True),
            S("same-strided", CP, {"K": (1, 3), "x": (0, 1)}, _invalid("same-strided"), positional=2, invalid=True),
            S("negative-padding", CP, {"K": (1, 3), "x": (0, 1)}, _invalid("negative-padding"), positional=2,
              invalid=True),
            S("conv-reflect-too-far", CP, {"K": (1, 3), "x": (0, 1)}, _invalid("conv-reflect-too-far"),
              positional=2, invalid=True),
            S("pad-unknown-mode", PD, {"K": (1, 3), "x": (0, 2)}, _invalid("pad-unknown-mode"), invalid=True),
            S("unknown-padding", CP, {"K": (1, 3), "x": (0, 1)}, _invalid("unknown-padding"), positional=2,
              invalid=True),
            S("unknown-padding-mode", CP, {"K": (1, 3), "x": (0, 1)}, _invalid("unknown-padding-mode"),
              positional=2, invalid=True),
            S("channels-mismatch", CP, {"K": (1, 3), "x": (0, 1)}, _invalid("channels-mismatch"), positional=2,
              invalid=True),
        ),
    },
    oracles=ORACLES,
)
