"""Pictures of exercise4's lesson, drawn for the numbers of its worked example (a 5x5 image with a
bright vertical line in column 2). Figures are made without pyplot, so they draw headless."""
from matplotlib.figure import Figure

IMAGE = [[0, 0, 1, 0, 0]] * 5               # the vertical line, column 2
KX = [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]   # the course's kx: positive where brightness grows to the right
TEXTBOOK = [[1, 0, -1], [2, 0, -2], [1, 0, -1]]  # the common textbook Sobel kernel (meant for a flipping convolution)


def _correlate(image, kernel, stride=1, padding=0):
    """Plain cross-correlation, as nn.Conv2d computes it (the numbers the pictures print)."""
    size = len(image) + 2 * padding
    padded = [[0] * size for _ in range(size)]
    for i, row in enumerate(image):
        for j, value in enumerate(row):
            padded[i + padding][j + padding] = value
    k = len(kernel)
    out_size = (size - k) // stride + 1
    return [[sum(kernel[a][b] * padded[i * stride + a][j * stride + b] for a in range(k) for b in range(k))
             for j in range(out_size)] for i in range(out_size)]


def _matrix(ax, values, title, *, shade=None, offset=(0, 0), cmap="Greys", padded=0, low=-8):
    """Draw a matrix of numbers as a grid of cells; `shade` colours cells by value (light colours, so the
    numbers stay readable); the outer `padded` rings are hatched: they are padding, not image."""
    from matplotlib.patches import Rectangle
    rows, cols = len(values), len(values[0])
    ax.imshow(shade if shade is not None else [[0] * cols for _ in range(rows)], cmap=cmap, vmin=low, vmax=8,
              extent=(offset[1] - 0.5, offset[1] + cols - 0.5, offset[0] + rows - 0.5, offset[0] - 0.5))
    for i in range(rows):
        for j in range(cols):
            v = values[i][j]
            text = "" if v is None else f"{v:g}"
            ax.text(offset[1] + j, offset[0] + i, text, ha="center", va="center", fontsize=9)
            if min(i, j, rows - 1 - i, cols - 1 - j) < padded:
                ax.add_patch(Rectangle((offset[1] + j - 0.5, offset[0] + i - 0.5), 1, 1, fill=False,
                                       hatch="///", edgecolor="tab:blue", lw=0, alpha=0.5))
    for t in range(rows + 1):
        ax.plot([offset[1] - 0.5, offset[1] + cols - 0.5], [offset[0] + t - 0.5] * 2, color="0.3", lw=0.8)
    for t in range(cols + 1):
        ax.plot([offset[1] + t - 0.5] * 2, [offset[0] - 0.5, offset[0] + rows - 0.5], color="0.3", lw=0.8)
    ax.set_title(title, fontsize=8)
    ax.set_axis_off()


def picture_sobel_line() -> Figure:
    """The image, the two kernels and what cross-correlation gives with each: opposite signs."""
    fig = Figure(figsize=(10, 2.9))
    axes = fig.subplots(1, 5)
    _matrix(axes[0], IMAGE, "image: a line in column 2", shade=[[4 * v for v in row] for row in IMAGE], low=0)
    axes[0].add_patch(_window(0, 0, 3))
    _matrix(axes[1], KX, "course kx (cross-correlation)", shade=KX, cmap="RdBu")
    _matrix(axes[2], _correlate(IMAGE, KX), "image * kx = 4, 0, -4", shade=_correlate(IMAGE, KX), cmap="RdBu")
    _matrix(axes[3], TEXTBOOK, "textbook Sobel kernel", shade=TEXTBOOK, cmap="RdBu")
    _matrix(axes[4], _correlate(IMAGE, TEXTBOOK), "image * textbook = -4, 0, 4",
            shade=_correlate(IMAGE, TEXTBOOK), cmap="RdBu")
    fig.suptitle("The red window is output (0, 0): it reads image rows 0-2, columns 0-2.\n"
                 "Same image, kernels of opposite sign, outputs of opposite sign.", fontsize=9)
    return fig


def _window(top, left, size, color="tab:red"):
    from matplotlib.patches import Rectangle
    return Rectangle((left - 0.5, top - 0.5), size, size, fill=False, edgecolor=color, lw=2.5)


def picture_stride_padding() -> Figure:
    """Stride 3 with padding 1: the four 3x3 windows on the padded 7x7 image, and their outputs."""
    padded = [[None] * 7] + [[None] + row + [None] for row in IMAGE] + [[None] * 7]
    fig = Figure(figsize=(8, 3.8))
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [7, 2.6]})
    shade = [[0 if v is None else 4 * v for v in row] for row in padded]
    _matrix(left, [[0 if v is None else v for v in row] for row in padded],
            "padded image (hatched: the zeros of padding=1),\nwindows every 3 cells", shade=shade, padded=1, low=0)
    for (top, lft), color in zip([(0, 0), (0, 3), (3, 0), (3, 3)], ["tab:red", "tab:blue", "tab:green", "tab:orange"]):
        left.add_patch(_window(top, lft, 3, color))
    out = _correlate(IMAGE, TEXTBOOK, stride=3, padding=1)
    _matrix(right, out, "output with the textbook\nkernel: 2x2", shade=out, cmap="RdBu")
    for (i, j), color in zip([(0, 0), (0, 1), (1, 0), (1, 1)], ["tab:red", "tab:blue", "tab:green", "tab:orange"]):
        right.add_patch(_window(i, j, 1, color))
    fig.subplots_adjust(top=0.78)
    fig.suptitle("stride 3, padding 1: (5 + 2*1 - 3) // 3 + 1 = 2 outputs per axis", fontsize=10)
    return fig
