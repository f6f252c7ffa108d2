"""exercise1 — output sizes. Oracles read the shapes of torch's own outputs on zero tensors."""
from __future__ import annotations

import torch
import torch.nn.functional as F

from autograder.cases.space import Invalid, Space
from autograder.cases.spec import ExerciseSpec
from autograder.cases.torch_oracle import torch_decides

# --- oracles -----------------------------------------------------------------------------


def _no_negative(**named) -> None:
    for name, value in named.items():
        for v in value if isinstance(value, tuple) else (value,):
            if v < 0:
                raise Invalid(f"{name} is negative")


@torch_decides(one_d=True)
def conv_output_length(length, kernel_size, stride=1, padding=0, dilation=1):
    _no_negative(padding=padding)
    out = F.conv1d(torch.zeros(1, 1, length), torch.zeros(1, 1, kernel_size), None, stride, padding, dilation)
    return int(out.shape[-1])


@torch_decides
def conv2d_output_shape(height, width, kernel_size, stride=1, padding=0, dilation=1):
    _no_negative(padding=padding)
    k = kernel_size if isinstance(kernel_size, tuple) else (kernel_size, kernel_size)
    out = F.conv2d(torch.zeros(1, 1, height, width), torch.zeros(1, 1, *k), None, stride, padding, dilation)
    return (int(out.shape[-2]), int(out.shape[-1]))


@torch_decides(one_d=True)
def pool_output_length(length, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    _no_negative(padding=padding)
    out = F.max_pool1d(torch.zeros(1, 1, length), kernel_size, stride, padding, dilation, ceil_mode)
    return int(out.shape[-1])


@torch_decides(one_d=True)
def same_padding(kernel_size, dilation=1):
    """Find the (left, right) split that reproduces padding='same' with an explicit F.pad."""
    if kernel_size < 1 or dilation < 1:
        raise Invalid("kernel_size and dilation must be positive")
    total = dilation * (kernel_size - 1)
    x = torch.arange(1.0, 8.0, dtype=torch.float64).reshape(1, 1, -1)
    w = torch.arange(1.0, kernel_size + 1.0, dtype=torch.float64).reshape(1, 1, -1)
    same = F.conv1d(x, w, padding="same", dilation=dilation)
    for left in range(total + 1):
        explicit = F.conv1d(F.pad(x, (left, total - left)), w, dilation=dilation)
        if explicit.shape == same.shape and torch.equal(explicit, same):
            return (left, total - left)
    raise AssertionError("no explicit padding reproduces padding='same'")


@torch_decides(one_d=True)
def conv_transpose_output_length(length, kernel_size, stride=1, padding=0, output_padding=0, dilation=1):
    _no_negative(padding=padding, output_padding=output_padding)
    out = F.conv_transpose1d(torch.zeros(1, 1, length), torch.zeros(1, 1, kernel_size), None,
                             stride, padding, output_padding, 1, dilation)
    return int(out.shape[-1])


# --- spaces ------------------------------------------------------------------------------
# Each build returns the call's arguments in signature order. Sizes are built so that every
# draw is valid (length = span + extra) unless the space is a validation one.


def _conv(*, low_remainder=False, **fixed):
    """A remainder of s - 1 fools rounding up and rounding to nearest alike; one of 1 (below half of
    s >= 3) fools only rounding up: both are needed to tell them apart."""
    def build(p, rng):
        k, s, d, pad = p.get("K", 1), p.get("s", 1), p.get("d", 1), p.get("p", 0)
        span = d * (k - 1) + 1
        if "q" in p:  # length chosen for a remainder of s - 1 (or of 1): rounding mistakes show
            length = span - 2 * pad + p["q"] * s + (1 if low_remainder else s - 1)
        else:
            length = span + p.get("extra", 0)
        length = max(length, 1)
        args = {"length": length, "kernel_size": k}
        if "s" in p or "d" in p or "p" in p:
            args["stride"] = s
        if "p" in p or "d" in p:
            args["padding"] = pad
        if "d" in p:
            args["dilation"] = d
        return {**args, **fixed}
    return build


def _conv2d(p, rng):
    """Non-square everything, so that exchanging height and width shows. With `qh`/`qw` the extra
    length leaves a remainder of 1 in height and of s - 1 in width (see _conv)."""
    kh, kw, dh, dw = p["KH"], p["KW"], p.get("dh", 1), p.get("dw", 1)
    sh, sw, ph, pw = p.get("sh", 1), p.get("sw", 1), p.get("ph", 0), p.get("pw", 0)
    eh = p["qh"] * sh + 1 if "qh" in p else p["eh"]
    ew = p["qw"] * sw + sw - 1 if "qw" in p else p["ew"]
    return {"height": dh * (kh - 1) + 1 + eh, "width": dw * (kw - 1) + 1 + ew,
            "kernel_size": (kh, kw) if kh != kw else kh, "stride": (sh, sw), "padding": (ph, pw), "dilation": (dh, dw)}


def _pool(p, rng):
    k = p["K"]
    pad = min(p.get("p", 0), k // 2)
    args = {"length": k + p["extra"], "kernel_size": k}
    if "s" in p:
        args["stride"] = p["s"]
    if "p" in p:
        args["padding"] = pad
    return args


def _ceil_drop(p, rng):
    """Ceil mode where the naive last window would start in the right padding (L=5, K=2, s=2, p=1)."""
    pad = p["p"]
    k, s = 2 * pad, pad + p["s_extra"]
    length = p["m"] * s + 1 + k - 2 * pad
    return {"length": length, "kernel_size": k, "stride": s, "padding": pad, "dilation": 1, "ceil_mode": True}


def _ceil_any(p, rng):
    k, s, d = p["K"], p["s"], p["d"]
    pad = min(p["p"], k // 2)
    return {"length": d * (k - 1) + 1 + p["extra"], "kernel_size": k, "stride": s, "padding": pad,
            "dilation": d, "ceil_mode": True}


def _ceil_remainder(p, rng):
    """Ceil mode with a remainder of 1 .. s - 1 and a last window that starts inside the input: it
    rounds up (K >= 3 > s - remainder keeps the extra window's start inside)."""
    k, s = p["K"], p["s"]
    return {"length": k + p["q"] * s + 1 + p["r"] % (s - 1), "kernel_size": k, "stride": s, "padding": 0,
            "dilation": 1, "ceil_mode": True}


def _same(even: bool):
    def build(p, rng):
        k = 2 * p["h"] if even else p["h"] + 1
        return {"kernel_size": k, "dilation": p.get("d", 1)} if "d" in p else {"kernel_size": k}
    return build


def _transpose(p, rng):
    s = p["s"]
    return {"length": p["L"], "kernel_size": p["K"], "stride": s, "padding": min(p["p"], p["L"] - 1),
            "output_padding": min(p["op"], s - 1), "dilation": 1}


def _invalid(kind: str):
    def build(p, rng):
        k = p["K"]
        if kind == "kernel-too-big":
            return {"length": k - 1 - p["x"] if k - 1 - p["x"] >= 1 else 1, "kernel_size": k + 1}
        if kind == "zero-stride":
            return {"length": k + 3, "kernel_size": k, "stride": 0}
        if kind == "negative-padding":  # the kernel would still fit: only the check refuses it
            return {"length": k + 2 * p["x"] + 3, "kernel_size": k, "stride": 1, "padding": -1 - p["x"]}
        if kind == "kernel-too-big-strided":  # misses by one at stride > 1: int(-1 / s) + 1 is 1
            return {"length": k, "kernel_size": k + 1, "stride": p["s"]}
        if kind == "zero-length":
            return {"length": 0, "kernel_size": k}
        if kind == "zero-dilation":
            return {"length": k + 3, "kernel_size": k, "stride": 1, "padding": 0, "dilation": 0}
        if kind == "2d-kernel-too-big":
            return {"height": k + 2, "width": k, "kernel_size": (k, k + 1 + p["x"])}
        if kind == "pool-padding":
            return {"length": 2 * k + 2, "kernel_size": k, "stride": 1, "padding": k // 2 + 1 + p["x"]}
        if kind == "pool-negative-padding":
            return {"length": 2 * k + 2, "kernel_size": k, "stride": 1, "padding": -1 - p["x"]}
        if kind == "transpose-zero-stride":
            return {"length": k + 2, "kernel_size": k, "stride": 0}
        if kind == "transpose-zero-length":
            return {"length": 0, "kernel_size": k, "stride": 2}
        if kind == "transpose-negative-padding":  # the output would still have a length
            return {"length": k + 2, "kernel_size": k, "stride": 2, "padding": -1 - p["x"]}
        if kind == "transpose-negative-output-padding":
            return {"length": k + 2, "kernel_size": k, "stride": 2, "padding": 0, "output_padding": -1 - p["x"]}
        if kind == "transpose-output-padding":
            return {"length": k + 2, "kernel_size": k, "stride": 2, "padding": 0, "output_padding": 2 + p["x"]}
        raise AssertionError(kind)
    return build


def S(name, function, params, build, *, positional=2, triggers=(), invalid=False):
    return Space(name, function, params, build, positional=positional, triggers=frozenset(triggers), invalid=invalid)


COL = "conv_output_length"
SPEC = ExerciseSpec(
    name="exercise1",
    concepts={
        "kernel": (
            S("kernel", COL, {"K": (1, 7), "extra": (0, 10)}, _conv(), triggers={"missing-plus-one"}),
            S("kernel-2d", "conv2d_output_shape", {"KH": (1, 2), "KW": (3, 4), "eh": (0, 5), "ew": (1, 6)}, _conv2d,
              triggers={"height-width-swapped", "missing-plus-one", "float-size"}),
        ),
        "stride": (
            S("stride-remainder", COL, {"K": (1, 4), "s": (3, 5), "q": (0, 3)}, _conv(),
              triggers={"ceil-not-floor", "round-not-floor", "float-size"}),
            S("stride-low-remainder", COL, {"K": (1, 4), "s": (3, 5), "q": (0, 3)}, _conv(low_remainder=True),
              triggers={"ceil-not-floor", "float-size"}),
            S("stride", COL, {"K": (1, 5), "s": (2, 4), "extra": (0, 12)}, _conv(), triggers={"float-size"}),
            S("stride-2d", "conv2d_output_shape", {"KH": (1, 1), "KW": (3, 4), "sh": (3, 3), "sw": (4, 5),
              "qh": (0, 2), "qw": (0, 2)}, _conv2d,
              triggers={"height-width-swapped", "ceil-not-floor", "round-not-floor", "float-size"}),
        ),
        "padding": (
            S("padding", COL, {"K": (1, 5), "s": (1, 1), "p": (2, 3), "extra": (0, 8)}, _conv(),
              triggers={"padding-once"}),
            S("padding-2d", "conv2d_output_shape", {"KH": (1, 2), "KW": (1, 3), "ph": (0, 1), "pw": (2, 3),
              "eh": (0, 4), "ew": (0, 4)}, _conv2d, triggers={"padding-once"}),
        ),
        "dilation": (
            S("dilation", COL, {"K": (2, 4), "s": (1, 1), "d": (2, 3), "extra": (0, 8)}, _conv(),
              triggers={"dilation-ignored", "dilation-times-kernel"}),
            # K >= 3 and d >= 3 tell apart the span mistakes: ignoring d is off by (d-1)(K-1),
            # d*K by d-1, a missing + 1 by 1
            S("dilation-wide", COL, {"K": (3, 4), "s": (1, 1), "d": (3, 4), "extra": (0, 6)}, _conv(),
              triggers={"dilation-ignored", "dilation-times-kernel"}),
            S("dilation-2d", "conv2d_output_shape", {"KH": (2, 3), "KW": (3, 3), "sh": (1, 1), "sw": (1, 1),
              "dh": (1, 1), "dw": (3, 3), "eh": (0, 6), "ew": (0, 6)}, _conv2d,
              triggers={"dilation-ignored", "dilation-times-kernel", "height-width-swapped"}),
        ),
        "pooling": (
            S("pool-default-stride", "pool_output_length", {"K": (2, 4), "extra": (1, 10)}, _pool,
              triggers={"pool-stride-one", "missing-plus-one"}),
            S("pool-stride", "pool_output_length", {"K": (2, 4), "s": (1, 3), "p": (0, 2), "extra": (0, 10)}, _pool),
        ),
        "ceil-mode": (
            S("ceil-drop", "pool_output_length", {"p": (1, 2), "s_extra": (1, 2), "m": (1, 3)}, _ceil_drop,
              triggers={"ceil-mode-naive"}),
            S("ceil-remainder", "pool_output_length", {"K": (3, 4), "s": (2, 3), "q": (0, 2), "r": (0, 1)},
              _ceil_remainder),
            S("ceil-any", "pool_output_length", {"K": (2, 4), "s": (2, 3), "p": (0, 2), "d": (1, 2),
              "extra": (0, 9)}, _ceil_any),
        ),
        "same-padding": (
            S("same-even", "same_padding", {"h": (1, 3)}, _same(even=True), positional=1,
              triggers={"same-extra-left"}),
            S("same-dilated", "same_padding", {"h": (1, 4), "d": (2, 3)}, _same(even=False), positional=1,
              triggers={"same-ignores-dilation"}),
        ),
        "transpose": (
            S("transpose", "conv_transpose_output_length", {"L": (1, 8), "K": (1, 4), "s": (2, 3), "p": (0, 2),
              "op": (1, 2)}, _transpose, triggers={"transpose-no-output-padding"}),
        ),
        "validation": (
            S("kernel-too-big", COL, {"K": (2, 5), "x": (0, 2)}, _invalid("kernel-too-big"), invalid=True),
            S("negative-padding", COL, {"K": (1, 3), "x": (0, 2)}, _invalid("negative-padding"), invalid=True),
            S("zero-stride", COL, {"K": (1, 3)}, _invalid("zero-stride"), invalid=True),
            S("kernel-too-big-strided", COL, {"K": (1, 4), "s": (2, 3)}, _invalid("kernel-too-big-strided"),
              invalid=True),
            S("2d-kernel-too-big", "conv2d_output_shape", {"K": (1, 3), "x": (0, 2)},
              _invalid("2d-kernel-too-big"), invalid=True),
            S("pool-padding", "pool_output_length", {"K": (2, 4), "x": (0, 1)}, _invalid("pool-padding"),
              invalid=True),
            S("pool-negative-padding", "pool_output_length", {"K": (2, 4), "x": (0, 1)},
              _invalid("pool-negative-padding"), invalid=True),
            S("transpose-zero-stride", "conv_transpose_output_length", {"K": (1, 3)},
              _invalid("transpose-zero-stride"), invalid=True),
            S("transpose-zero-length", "conv_transpose_output_length", {"K": (1, 3)},
              _invalid("transpose-zero-length"), invalid=True),
            S("transpose-negative-padding", "conv_transpose_output_length", {"K": (1, 3), "x": (0, 1)},
              _invalid("transpose-negative-padding"), invalid=True),
            S("transpose-negative-output-padding", "conv_transpose_output_length", {"K": (1, 3), "x": (0, 1)},
              _invalid("transpose-negative-output-padding"), invalid=True),
            S("transpose-output-padding", "conv_transpose_output_length", {"K": (1, 3), "x": (0, 1)},
              _invalid("transpose-output-padding"), invalid=True),
            S("zero-length", COL, {"K": (1, 3)}, _invalid("zero-length"), invalid=True),
            S("zero-dilation", COL, {"K": (1, 3)}, _invalid("zero-dilation"), invalid=True),
        ),
    },
    oracles={
        "conv_output_length": conv_output_length,
        "conv2d_output_shape": conv2d_output_shape,
        "pool_output_length": pool_output_length,
        "same_padding": same_padding,
        "conv_transpose_output_length": conv_transpose_output_length,
    },
)
