"""exercise9 — the backward pass of conv1d. Oracle: torch.autograd on F.conv1d (with a bias) in float64.

Every case returns (grad_x, grad_weight, grad_bias), but each concept judges the gradients it is
about (a wrong grad_bias costs only `grad-bias`): grad-input judges grad_x, grad-weight grad_weight,
grad-bias grad_bias; stride, padding and dilation judge grad_x and grad_weight, the two they change.
Kernels are asymmetric and values redrawn until every promised mutant shows (triggers.until_shown).
"""
from __future__ import annotations

from dataclasses import replace

import torch
import torch.nn.functional as F

from autograder.cases.space import Invalid, Space, values
from autograder.cases.spec import ExerciseSpec
from autograder.cases.torch_oracle import torch_decides
from autograder.cases.triggers import mutant_impls, until_shown
from autograder.judging.compare import Verdict, judge

FUNCTION = "conv1d_backward"
GRADIENTS = ("grad_x", "grad_weight", "grad_bias")

# --- oracle ------------------------------------------------------------------------------


@torch_decides(one_d=True)
def conv1d_backward(grad_output, x, weight, stride=1, padding=0, dilation=1):
    if isinstance(padding, int) and padding < 0:
        raise Invalid("padding is negative")
    x = x.detach().clone().requires_grad_(True)
    weight = weight.detach().clone().requires_grad_(True)
    bias = torch.zeros(weight.shape[0], dtype=weight.dtype, requires_grad=True)
    out = F.conv1d(x, weight, bias, stride, padding, dilation)
    if out.shape != grad_output.shape:
        raise Invalid(f"grad_output has shape {tuple(grad_output.shape)}, the output {tuple(out.shape)}")
    grads = torch.autograd.grad(out, (x, weight, bias), grad_output)
    return tuple(g.detach().numpy() for g in grads)


# --- judges: each concept looks at its gradients ----------------------------------------


def gradients_judge(*indices: int):
    """compare.judge on the chosen items of (grad_x, grad_weight, grad_bias)."""
    names = ", ".join(GRADIENTS[i] for i in indices)

    def judge_gradients(expected, outcome, tol) -> Verdict:
        value = outcome.value
        if (isinstance(expected, Invalid) or outcome.status != "returned"
                or not isinstance(value, (tuple, list)) or len(value) != len(expected)):
            return judge(expected, outcome, tol)  # not three gradients: judged whole
        part = replace(outcome, value=tuple(value[i] for i in indices))
        verdict = judge(tuple(expected[i] for i in indices), part, tol)
        if verdict.passed:
            return verdict
        return replace(verdict, message=f"({names}) {verdict.message}")
    return judge_gradients


# --- spaces ------------------------------------------------------------------------------


def _asymmetric(rng, shape, p):
    while True:
        w = values(rng, shape, p)
        if not torch.equal(w, w.flip(-1)):
            return w


def _backward(space: str, triggers, *, pad=None):
    """Parameters: N, C (in), O (out), K, s, p, d, extra; `pad` 'same' (even K: an odd total) or 'valid'."""
    def build(p, rng):
        n, c_in, c_out = p.get("N", 1), p.get("C", 1), p.get("O", 1)
        k, s, d = p.get("K", 2), p.get("s", 1), p.get("d", 1)
        if pad == "same":
            k, s = 2 * p.get("h", 1), 1
        padding = pad if pad is not None else p.get("p", 0)
        left = {"same": d * (k - 1) // 2, "valid": 0}.get(padding, padding) if isinstance(padding, str) else padding
        span = d * (k - 1) + 1
        length = max(span + s - 2 * left, 1 + left, 2) + p.get("extra", 0)
        total = d * (k - 1) if padding == "same" else 2 * left
        out_len = (length + total - span) // s + 1

        def draw():
            args = {"grad_output": values(rng, (n, c_out, out_len), p), "x": values(rng, (n, c_in, length), p),
                    "weight": _asymmetric(rng, (c_out, c_in, k), p)}
            if "s" in p or "p" in p or "d" in p or pad is not None:
                args["stride"] = s
                args["padding"] = padding
            if "d" in p:
                args["dilation"] = d
            return args
        return until_shown(draw, conv1d_backward, mutant_impls("exercise9", FUNCTION, triggers), what=space)
    return build


def V(name, params, judged, *, triggers=(), pad=None):
    return Space(name, FUNCTION, params, _backward(name, frozenset(triggers), pad=pad), positional=3,
                 triggers=frozenset(triggers), judge=gradients_judge(*judged))


X, W, B, XW = (0,), (1,), (2,), (0, 1)
FLIP = "grad-input-not-flipped"
SPEC = ExerciseSpec(
    name="exercise9",
    concepts={
        "grad-input": (
            V("grad-input", {"K": (2, 4), "extra": (0, 3)}, X, triggers={FLIP}),
            V("grad-input-channels", {"C": (2, 3), "O": (2, 3), "K": (2, 3), "extra": (0, 3)}, X, triggers={FLIP}),
            V("grad-input-fraction", {"N": (2, 2), "C": (1, 2), "K": (2, 4), "extra": (0, 3), "fraction": (1, 1)}, X,
              triggers={FLIP}),
        ),
        "grad-weight": (
            V("grad-weight", {"N": (2, 3), "K": (2, 4), "extra": (0, 3)}, W, triggers={"grad-weight-batch-collapsed"}),
            V("grad-weight-channels", {"N": (2, 2), "C": (2, 3), "O": (2, 3), "K": (2, 3), "extra": (0, 3)}, W,
              triggers={"grad-weight-batch-collapsed"}),
        ),
        "grad-bias": (
            V("grad-bias", {"N": (2, 3), "O": (1, 3), "K": (2, 3), "extra": (0, 3)}, B,
              triggers={"grad-bias-averaged"}),
            V("grad-bias-fraction", {"N": (2, 4), "O": (2, 3), "K": (2, 3), "extra": (0, 4), "fraction": (1, 1)}, B,
              triggers={"grad-bias-averaged"}),
        ),
        "stride": (
            V("stride", {"K": (2, 3), "s": (2, 3), "extra": (1, 4)}, XW, triggers={FLIP, "grad-stride-ignored"}),
            V("stride-batch", {"N": (2, 2), "C": (1, 2), "K": (2, 3), "s": (2, 3), "extra": (1, 4)}, XW,
              triggers={FLIP, "grad-stride-ignored", "grad-weight-batch-collapsed"}),
        ),
        "padding": (
            V("padding", {"K": (2, 3), "p": (1, 2), "extra": (0, 3)}, XW, triggers={FLIP, "grad-padding-not-cropped"}),
            V("padding-same", {"h": (1, 2), "extra": (0, 3)}, XW, pad="same",
              triggers={FLIP, "grad-padding-not-cropped"}),
            V("padding-valid", {"K": (2, 3), "extra": (0, 3)}, XW, pad="valid", triggers={FLIP}),
        ),
        "dilation": (
            V("dilation", {"K": (2, 3), "d": (2, 3), "extra": (0, 3)}, XW, triggers={FLIP}),
            V("dilation-combined", {"N": (2, 2), "C": (1, 2), "O": (1, 2), "K": (2, 3), "s": (2, 2), "p": (1, 1),
                                    "d": (2, 2), "extra": (0, 3)}, XW,
              triggers={FLIP, "grad-stride-ignored", "grad-padding-not-cropped", "grad-weight-batch-collapsed"}),
        ),
    },
    oracles={FUNCTION: conv1d_backward},
)
