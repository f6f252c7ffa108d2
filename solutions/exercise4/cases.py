"""exercise4 — the Sobel edge detector. Oracle: F.conv2d in float64 with PyTorch-convention
(cross-correlation) kernels kx = [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]] and ky = kx transposed.

Images are small integers, so gradients are integers. A threshold either equals a magnitude
that is exact (a straight step edge: |gx| = 4 * step, gy = 0) or lies between two magnitudes
(and every mistaken magnitude), clear of each by far more than the tolerance: no case hinges
on the last bit of a square root. Values are redrawn until every promised mutant shows.
orientation judges (|gx|, |gy|) up to one positive factor (orientation_judge): a kernel's sign or
scale is charged once, in sobel-kernel; gx and gy exchanged still fail there.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import torch
import torch.nn.functional as F

from autograder.cases.space import Invalid, Space, values
from autograder.cases.spec import ExerciseSpec
from autograder.cases.torch_oracle import torch_decides
from autograder.cases.triggers import mutant_impls, until_shown
from autograder.judging.compare import KindError, Verdict, judge, normalize
from autograder.sandbox.wire import TaggedArray

KX = torch.tensor([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]], dtype=torch.float64)
KY = KX.T.contiguous()
CLEAR = 1e-3  # a drawn threshold is at least this far (relative, and absolute below 1) from any magnitude

# --- oracles -----------------------------------------------------------------------------


def sobel_kernels():
    return (KX.numpy().copy(), KY.numpy().copy())


def _gradients(image):
    x = image.to(torch.float64)[None, None]
    return F.conv2d(x, KX[None, None])[0, 0], F.conv2d(x, KY[None, None])[0, 0]


@torch_decides
def sobel_gradients(image):
    gx, gy = _gradients(image)
    return (gx.numpy(), gy.numpy())


@torch_decides
def gradient_magnitude(gx, gy):
    return torch.sqrt(gx ** 2 + gy ** 2).numpy()


@torch_decides
def detect_edges(image, threshold):
    gx, gy = _gradients(image)
    return (torch.sqrt(gx ** 2 + gy ** 2) > threshold).numpy()


ORACLES = {"sobel_kernels": sobel_kernels, "sobel_gradients": sobel_gradients,
           "gradient_magnitude": gradient_magnitude, "detect_edges": detect_edges}

# --- orientation's judge: which of gx, gy responds, and where ---------------------------


def orientation_judge(expected, outcome, tol) -> Verdict:
    """compare.judge on (|gx|, |gy|) up to one positive factor shared by both: the kernel's sign and
    scale are sobel-kernel's (a textbook, flipped kernel costs that concept only); an exchange of gx
    and gy, or a response on the wrong axis, still fails here."""
    if isinstance(expected, Invalid) or outcome.status != "returned":
        return judge(expected, outcome, tol)
    try:
        got = normalize(outcome.value, expected)
    except KindError:
        return judge(expected, outcome, tol)  # not a pair of the right shapes: judged whole
    size = sum(float(np.sum(np.abs(e) ** 2)) for e in expected)
    scale = sum(float(np.sum(np.abs(g) * np.abs(e))) for g, e in zip(got, expected)) / size if size else 1.0
    if not np.all([np.all(np.isfinite(g)) for g in got]) or scale <= 0:
        scale = 1.0  # nothing on the right axis: compared as is, so the difference is shown unscaled
    seen = tuple(TaggedArray(np.abs(g) / scale, "ndarray") for g in got)  # as the wire delivers arrays
    verdict = judge(tuple(np.abs(e) for e in expected), replace(outcome, value=seen), tol)
    if verdict.passed:
        return replace(verdict, got=got)
    return replace(verdict, got=got, message=f"(|gx|, |gy|, the kernel's sign and scale aside) {verdict.message}")


# --- images ------------------------------------------------------------------------------


def _oriented(image: np.ndarray, p) -> torch.Tensor:
    """Built with the columns varying; transposed when p['t'] (rows varying instead)."""
    if p.get("t", 0):
        image = image.T
    return torch.from_numpy(np.ascontiguousarray(image, dtype=np.float64))


def _ramp(p, rng):
    """Brightness growing by a (1..3) per column (or row, when t), from a random base."""
    h, w = 3 + p["eh"], 3 + p["ew"]
    base = int(rng.integers(-4, 5))
    image = base + p["a"] * np.arange(w)[None, :] * np.ones((h, 1))
    return {"image": _oriented(image, p)}


def _stripes(p, rng):
    """Every row the same random stripes (columns vary, rows do not), or transposed."""
    h, w = 3 + p["eh"], 3 + p["ew"]
    while True:
        row = values(rng, (w,), p).numpy()
        if np.any(row[2:] != row[:-2]):  # some window sees a difference: gx is not all zero
            return {"image": _oriented(np.ones((h, 1)) * row[None, :], p)}


def _random_image(p, rng):
    return {"image": values(rng, (3 + p["eh"], 3 + p["ew"]), p)}


def _gradient_pairs(p, rng):
    """gx, gy of one shape; with `axis`, gy is zero (a pure horizontal gradient)."""
    shape = (1 + p["eh"], 1 + p["ew"])
    gx = values(rng, shape, p, low=-8, high=8)
    gy = torch.zeros(shape, dtype=torch.float64) if p.get("axis", 0) else values(rng, shape, p, low=-8, high=8)
    return {"gx": gx, "gy": gy}


TRIPLES = ((3, 4), (4, 3), (6, 8), (8, 6), (5, 12), (12, 5), (0, 5), (5, 0), (0, 0))


def _pythagorean(p, rng):
    """Each pixel a 3-4-5 style pair (with random signs): every magnitude is an exact integer. The
    first pixel is (0, 0), beside at least one other."""
    shape = (1 + p["eh"], 2 + p["ew"])
    picks = np.array(TRIPLES)[rng.integers(0, len(TRIPLES), size=shape)]
    signs = rng.choice([-1.0, 1.0], size=(*shape, 2))
    pairs = picks * signs
    pairs[0, 0] = 0.0  # a zero gradient on every draw: sqrt(gx**2 + gy**2 + eps) shows there
    return {"gx": torch.from_numpy(pairs[..., 0].copy()), "gy": torch.from_numpy(pairs[..., 1].copy())}


def _three_steps(p, rng):
    """Straight steps of c < a < b across the columns (or rows), each window straddling at most one:
    magnitudes 0, 4c, 4a, 4b exactly. The threshold is 4a, a magnitude: equal is not above."""
    c, a = 1, 1 + p["a"]
    b = a + p["b"]
    left, gap, right = p["left"], 3 + p["gap"], p["right"]
    w = left + 2 * gap + right + 1
    cols = np.arange(w)
    signs = rng.choice([-1, 1], size=3)
    row = int(rng.integers(-4, 5)) + signs[0] * c * (cols >= left) + signs[1] * a * (cols >= left + gap) \
        + signs[2] * b * (cols >= left + 2 * gap)
    image = np.ones((3 + p["eh"], 1)) * row[None, :]
    return {"image": _oriented(image, p), "threshold": float(4 * a)}


def _clear_threshold(image: torch.Tensor, rng) -> float:
    """A threshold between two consecutive values of every magnitude a right or mistaken detector
    computes (Euclidean, |gx|+|gy|, squared, divided by 4 or 8), clear of each by CLEAR."""
    gx, gy = _gradients(image)
    m = torch.sqrt(gx ** 2 + gy ** 2)
    levels = torch.cat([m.flatten(), (gx.abs() + gy.abs()).flatten(), (m ** 2).flatten(), (m / 4).flatten(),
                        (m / 8).flatten(), torch.zeros(1, dtype=torch.float64)])
    levels = np.unique(levels.numpy())
    mids = [(lo + hi) / 2 for lo, hi in zip(levels[:-1], levels[1:]) if (hi - lo) / 2 > CLEAR * max(1.0, hi)]
    mids.append(float(levels[-1]) + 1.0)  # above everything: no edge at all
    return float(mids[int(rng.integers(0, len(mids)))])


def _diagonal(p, rng):
    """A diagonal step edge (gx and gy both nonzero along it) on a little noise, and a clear threshold."""
    h, w = 3 + p["eh"], 3 + p["ew"]
    i, j = np.mgrid[0:h, 0:w]
    step = p["a"] * ((i + j) >= (h + w) // 2 - 1 + p["shift"])
    noise = rng.integers(0, 2, size=(h, w))  # varied gradients beside the edge: the mistakes part ways
    image = torch.from_numpy((int(rng.integers(-4, 5)) + step + noise).astype(np.float64))
    if rng.integers(0, 2):
        image = image.flip(1).contiguous()  # the other diagonal
    return {"image": image, "threshold": _clear_threshold(image, rng)}


def _random_edges(p, rng):
    image = values(rng, (3 + p["eh"], 3 + p["ew"]), p, low=0, high=4)
    return {"image": image, "threshold": _clear_threshold(image, rng)}


# --- spaces ------------------------------------------------------------------------------


def V(name, function, params, build, triggers, *, positional=1, judge=None):
    """A space whose build is redrawn until every mutant it promises shows, each its own way."""
    def shown(p, rng):
        return until_shown(lambda: build(p, rng), ORACLES[function], mutant_impls("exercise4", function, triggers),
                           what=name)
    return Space(name, function, params, shown, positional=positional, triggers=frozenset(triggers), judge=judge)


KERNEL = {"sobel-sign-flipped", "sobel-axes-swapped", "sobel-normalised"}
AXES = {"sobel-axes-swapped"}
SG, GM, DE = "sobel_gradients", "gradient_magnitude", "detect_edges"
SIZE = {"eh": (0, 3), "ew": (0, 3)}
SPEC = ExerciseSpec(
    name="exercise4",
    concepts={
        "sobel-kernel": (
            V("kernels", "sobel_kernels", {}, lambda p, rng: {}, KERNEL, positional=0),
            V("ramp", SG, {"a": (1, 3), **SIZE, "t": (0, 1)}, _ramp, KERNEL),
            V("random-image", SG, {**SIZE}, _random_image, KERNEL),
        ),
        "orientation": (  # judged on |gx|, |gy| up to scale: one kernel sign or scale mistake costs one concept
            V("vertical-stripes", SG, {**SIZE, "t": (0, 0)}, _stripes, AXES, judge=orientation_judge),
            V("horizontal-stripes", SG, {**SIZE, "t": (1, 1)}, _stripes, AXES, judge=orientation_judge),
            V("random-image-fraction", SG, {**SIZE, "fraction": (1, 1)}, _random_image, AXES,
              judge=orientation_judge),
        ),
        "magnitude": (
            V("pythagorean", GM, {**SIZE}, _pythagorean, {"magnitude-l1", "magnitude-squared"}, positional=2),
            V("one-axis", GM, {**SIZE, "axis": (1, 1)}, _gradient_pairs, {"magnitude-squared"}, positional=2),
            V("gradients", GM, {**SIZE, "fraction": (0, 1)}, _gradient_pairs, {"magnitude-l1", "magnitude-squared"},
              positional=2),
        ),
        "threshold": (
            V("step-at-threshold", DE, {"a": (1, 2), "b": (1, 2), "left": (1, 2), "gap": (0, 1), "right": (1, 2),
                                        "eh": (0, 2), "t": (0, 1)}, _three_steps,
              {"threshold-inclusive", "magnitude-squared", "sobel-normalised"}),
            V("diagonal-edge", DE, {"a": (1, 4), "shift": (-1, 1), "eh": (1, 3), "ew": (1, 3)}, _diagonal,
              {"magnitude-l1", "magnitude-squared", "sobel-normalised"}),
            V("random-edges", DE, {"eh": (1, 3), "ew": (1, 3)}, _random_edges,
              {"magnitude-l1", "magnitude-squared", "sobel-normalised"}),
        ),
    },
    oracles=ORACLES,
)
