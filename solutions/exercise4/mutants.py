"""exercise4's misconceptions (the Sobel table) as mutants of its four functions.

A wrong kernel shows in sobel_kernels and in the gradients made with it; the magnitude doesn't
care about a sign or an exchange of axes, so detect_edges only has the magnitude and threshold
mistakes (and a normalised kernel, which scales every magnitude down).
"""
from __future__ import annotations

import torch

from autograder.mutants.base import Mutant

from . import cases

KX, KY = cases.KX, cases.KY


def _conv(image, kernel):
    return torch.nn.functional.conv2d(image.to(torch.float64)[None, None], kernel[None, None])[0, 0]


def _kernels(kx, ky):
    def sobel_kernels():
        return kx.clone(), ky.clone()
    return sobel_kernels


def _gradients(kx, ky):
    def sobel_gradients(image):
        return _conv(image, kx), _conv(image, ky)
    return sobel_gradients


def _magnitude(gx, gy):
    return torch.sqrt(gx ** 2 + gy ** 2)


def _edges(magnitude, above=torch.gt):
    def detect_edges(image, threshold):
        return above(magnitude(_conv(image, KX), _conv(image, KY)), threshold)
    return detect_edges


KERNEL_MISTAKES = (
    ("sobel-sign-flipped", (-KX, -KY),
     "Your kernel is the true-convolution Sobel kernel ([[1, 0, -1], [2, 0, -2], [1, 0, -1]]) used with "
     "cross-correlation, so every gradient has the wrong sign: brightness growing left to right gives a "
     "negative gx. PyTorch's conv2d does not flip: kx = [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]].",
     "kx = [[1, 0, -1], ...]  # should be [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]"),
    ("sobel-axes-swapped", (KY, KX),
     "Your gx and gy are exchanged. gx measures change along the columns (left to right: vertical edges), "
     "gy along the rows (top to bottom: horizontal edges). kx = [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]].",
     "gx = conv(image, ky)  # should be conv(image, kx)"),
    ("sobel-normalised", (KX / 8, KY / 8),
     "Your kernel is divided by 8 (a normalised Sobel). The course's Sobel kernel has integer weights "
     "-1, -2, -1 / 1, 2, 1, unscaled: a ramp of 1 per pixel gives gx = 8.", "kx = [[-1, 0, 1], ...] / 8  # no /8"),
    ("sobel-normalised", (KX / 4, KY / 4),
     "Your kernel is divided by 4 (a normalised Sobel). The course's Sobel kernel has integer weights "
     "-1, -2, -1 / 1, 2, 1, unscaled: a ramp of 1 per pixel gives gx = 8.", "kx = [[-1, 0, 1], ...] / 4  # no /4"),
)

MAGNITUDE_MISTAKES = (
    ("magnitude-l1", lambda gx, gy: gx.abs() + gy.abs(),
     "Your magnitude is |gx| + |gy|. The gradient's length is the Euclidean norm sqrt(gx**2 + gy**2): "
     "with gx = 3 and gy = 4 it is 5, not 7.", "mag = abs(gx) + abs(gy)  # should be sqrt(gx**2 + gy**2)"),
    ("magnitude-squared", lambda gx, gy: gx ** 2 + gy ** 2,
     "Your magnitude is gx**2 + gy**2, without the square root: with gx = 3 and gy = 4 it is 25, not 5.",
     "mag = gx**2 + gy**2  # take the square root"),
)

MUTANTS = tuple(Mutant(id_, "sobel_kernels", _kernels(*k), why, line) for id_, k, why, line in KERNEL_MISTAKES) + \
    tuple(Mutant(id_, "sobel_gradients", _gradients(*k), why, line) for id_, k, why, line in KERNEL_MISTAKES) + \
    tuple(Mutant(id_, "gradient_magnitude", m, why, line) for id_, m, why, line in MAGNITUDE_MISTAKES) + \
    tuple(Mutant(id_, "detect_edges", _edges(m), why, line) for id_, m, why, line in MAGNITUDE_MISTAKES) + (
    Mutant("sobel-normalised", "detect_edges", _edges(lambda gx, gy: _magnitude(gx, gy) / 8),
           KERNEL_MISTAKES[2][2], KERNEL_MISTAKES[2][3]),
    Mutant("threshold-inclusive", "detect_edges", _edges(_magnitude, torch.ge),
           "Your detector marks pixels whose magnitude equals the threshold. An edge is strictly above it: "
           "magnitude > threshold.", "mag >= threshold  # should be mag > threshold"),
)
