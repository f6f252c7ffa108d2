# Try it (not part of your submission): an image and its edges.
import matplotlib.pyplot as plt
import torch

from autograder.lessons import shown_errors

rows, cols = torch.meshgrid(torch.arange(48.0), torch.arange(64.0), indexing="ij")
image = ((rows - 24) ** 2 + (cols - 20) ** 2 < 12 ** 2).double()   # a bright disc
image += ((rows > 10) & (rows < 38) & (cols > 38) & (cols < 58)).double() * 0.6  # a grey square
with shown_errors():  # whatever your code raises is printed; Run all goes on to check()
    gx, gy = sobel_gradients(image)
    edges = detect_edges(image, threshold=1.0)
    panels = [(image, "image"), (gradient_magnitude(gx, gy), "gradient magnitude"), (edges, "edges (> 1.0)")]
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.5))
    for ax, (picture, title) in zip(axes, panels):
        ax.imshow(torch.as_tensor(picture).double(), cmap="gray")
        ax.set_title(title)
        ax.axis("off")
    plt.tight_layout()
    plt.show()
