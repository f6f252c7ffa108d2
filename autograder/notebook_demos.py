"""Demo cells for the student notebooks: what is better seen than read. exercise -> (markdown, code).

Each demo runs the student's own functions and says so politely while they are still stubs.
Demo cells say they are not part of the submission, so the grader leaves them out.
"""
from __future__ import annotations

from autograder.notebook import SKIP_MARK

_EXERCISE3 = f'''\
# Try it ({SKIP_MARK}): a two-channel signal through three filters.
import math

import matplotlib.pyplot as plt
import torch

t = torch.linspace(0, 4 * math.pi, 200, dtype=torch.float64)
dt = float(t[1] - t[0])
x = torch.stack([torch.sin(t), torch.cos(3 * t)])        # (in_channels=2, length=200), unbatched
weight = torch.zeros(3, 2, 9, dtype=torch.float64)       # (out_channels=3, in_channels=2, K=9)
weight[0, 0, :] = 1 / 9                                  # filter 0: moving average of the sine
weight[1, 1, 3:6] = torch.tensor([-1.0, 0.0, 1.0]) / (2 * dt)  # filter 1: slope of the cosine
weight[2, 0, 4] = weight[2, 1, 4] = 1.0                  # filter 2: sine + cosine (a channel sum)
try:
    y = conv1d(x, weight, padding=4)                     # (3, 200): padding 4 keeps the length
except NotImplementedError:
    print("Write conv1d above, then run this cell again.")
else:
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 5), sharex=True)
    top.plot(t, x[0], label="in 0: sin t")
    top.plot(t, x[1], label="in 1: cos 3t")
    top.set_title("input channels")
    top.legend(loc="upper right")
    for k, label in enumerate(["out 0: average of in 0", "out 1: slope of in 1", "out 2: in 0 + in 1"]):
        bottom.plot(t, torch.as_tensor(y[k]), label=label)
    bottom.set_title("output channels: one per filter")
    bottom.legend(loc="upper right")
    plt.tight_layout()
    plt.show()
'''

_EXERCISE4 = f'''\
# Try it ({SKIP_MARK}): an image and its edges.
import matplotlib.pyplot as plt
import torch

rows, cols = torch.meshgrid(torch.arange(48.0), torch.arange(64.0), indexing="ij")
image = ((rows - 24) ** 2 + (cols - 20) ** 2 < 12 ** 2).double()   # a bright disc
image += ((rows > 10) & (rows < 38) & (cols > 38) & (cols < 58)).double() * 0.6  # a grey square
try:
    gx, gy = sobel_gradients(image)
    edges = detect_edges(image, threshold=1.0)
except NotImplementedError:
    print("Write the functions above, then run this cell again.")
else:
    panels = [(image, "image"), (gradient_magnitude(gx, gy), "gradient magnitude"), (edges, "edges (> 1.0)")]
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.5))
    for ax, (picture, title) in zip(axes, panels):
        ax.imshow(torch.as_tensor(picture).double(), cmap="gray")
        ax.set_title(title)
        ax.axis("off")
    plt.tight_layout()
    plt.show()
'''

DEMOS = {
    "exercise3": ("## See it\n\nEach output channel is one filter applied to *all* input channels and summed.",
                  _EXERCISE3),
    "exercise4": ("## See it\n\nSobel kernels on a picture: the gradient is large where brightness changes.",
                  _EXERCISE4),
}
