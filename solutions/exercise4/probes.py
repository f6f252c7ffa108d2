"""exercise4 probes: images of every size (too small ones too), with flat regions (zero gradients),
ramps and noise; thresholds on integers and halves (never the last bit of a square root: integer
images give integer squared magnitudes)."""
import numpy as np
import torch

from autograder.probes import num, one_of, tensor


def _image(rng):
    h, w = num(rng, 1, 8, bad=(), p_bad=0), num(rng, 1, 8)
    kind = one_of(rng, ("noise", "flat", "ramp", "step"))
    if kind == "noise":
        return tensor(rng, (h, w), fraction=False)
    if kind == "flat":
        return torch.full((h, w), float(rng.integers(-3, 4)), dtype=torch.float64)
    if kind == "ramp":
        rows, cols = np.meshgrid(np.arange(h), np.arange(w), indexing="ij")
        return torch.from_numpy((rows * int(rng.integers(-2, 3)) + cols * int(rng.integers(-2, 3))).astype(np.float64))
    image = np.zeros((h, w))
    image[:, int(rng.integers(0, w + 1)):] = float(rng.integers(1, 5))
    return torch.from_numpy(image.T.copy() if rng.random() < 0.5 and h == w else image)


def sobel_gradients(rng):
    return {"image": _image(rng)}


def gradient_magnitude(rng):
    shape = (num(rng, 1, 5), num(rng, 1, 5))
    gx, gy = tensor(rng, shape, fraction=False), tensor(rng, shape, fraction=False)
    if rng.random() < 0.3:  # zero gradients
        gx = gx * (gx > 0)
        gy = gy * (gx == 0)
    return {"gx": gx, "gy": gy}


def detect_edges(rng):
    return {"image": _image(rng), "threshold": float(rng.integers(0, 30)) / (2 if rng.random() < 0.5 else 1)}


DRAWS = {"sobel_kernels": lambda rng: {}, "sobel_gradients": sobel_gradients, "gradient_magnitude": gradient_magnitude,
         "detect_edges": detect_edges}
