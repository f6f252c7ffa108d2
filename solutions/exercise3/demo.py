# Try it (not part of your submission): a two-channel signal through three filters.
import math

import matplotlib.pyplot as plt
import torch

from autograder.lessons import shown_errors

t = torch.linspace(0, 4 * math.pi, 200, dtype=torch.float64)
dt = float(t[1] - t[0])
x = torch.stack([torch.sin(t), torch.cos(3 * t)])        # (in_channels=2, length=200), unbatched
weight = torch.zeros(3, 2, 9, dtype=torch.float64)       # (out_channels=3, in_channels=2, K=9)
weight[0, 0, :] = 1 / 9                                  # filter 0: moving average of the sine
weight[1, 1, 3:6] = torch.tensor([-1.0, 0.0, 1.0]) / (2 * dt)  # filter 1: slope of the cosine
weight[2, 0, 4] = weight[2, 1, 4] = 1.0                  # filter 2: sine + cosine (a channel sum)
with shown_errors():  # whatever your code raises is printed; Run all goes on to check()
    y = conv1d(x, weight, padding=4)                     # (3, 200): padding 4 keeps the length
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
