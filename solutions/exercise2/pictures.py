"""exercise2's pictures: the dot product at each stop of the kernel, in 1-D and 2-D."""
from ..shared.drawing import COLOURS, cell, figure, finish, grid


def picture_dot_products():
    """x = [2, 3, 4], w = [1, 0, -1], padding 1: three stops, three dot products."""
    x, w = [0, 2, 3, 4, 0], [1, 0, -1]
    fig, axes = figure(3, row_height=2.0)
    for i, ax in enumerate(axes):
        colour = COLOURS[i]
        for p, v in enumerate(x):
            cell(ax, p, 0, str(v), "pad" if p in (0, 4) else "input")
        for k, wk in enumerate(w):
            cell(ax, i + k, -1.2, f"{wk:+d}" if wk else "0", "out", edge=colour)
        terms = " + ".join(f"({wk})·{x[i + k]}" for k, wk in enumerate(w))
        total = sum(wk * x[i + k] for k, wk in enumerate(w))
        ax.text(6.0, -0.1, f"out[{i}] = {terms} = {total}", va="center", fontsize=11, color=colour)
        ax.text(-0.3, 0.5, "x padded", ha="right", va="center", fontsize=10)
        ax.text(-0.3, -0.7, "w", ha="right", va="center", fontsize=10)
        finish(ax, f"stop {i}: the kernel starts at padded position {i}", 16, bottom=-1.4)
    fig.tight_layout()
    return fig


def picture_conv2d():
    """A 4x4 image, a 3x3 kernel, stride 1: four stops, a 2x2 output."""
    image = [[1, 2, 0, 1], [0, 1, 3, 1], [2, 1, 0, 0], [1, 0, 2, 1]]
    fig, axes = figure(1, 2, width=9.0, row_height=3.0)
    for ax, (i, j) in zip(axes, [(0, 0), (1, 1)]):
        grid(ax, 0, 3, image, highlight=(i, j, 3, 3), colour=COLOURS[i])
        out = [["", ""], ["", ""]]
        out[i][j] = f"out[{i},{j}]"
        grid(ax, 6, 2, out, kinds=[["out", "out"], ["out", "out"]], highlight=(i, j, 1, 1), colour=COLOURS[i],
             fontsize=7)
        ax.annotate("", xy=(6, 2.5 - i), xytext=(4.2, 2.5 - i),
                    arrowprops=dict(arrowstyle="->", color=COLOURS[i]))
        ax.set_xlim(-0.5, 8.5)
        ax.set_ylim(-0.5, 4.5)
        ax.set_aspect("equal")
        ax.axis("off")
        ax.set_title(f"out[{i}, {j}]: the 3x3 window at row {i}, column {j}", fontsize=10, loc="left")
    fig.tight_layout()
    return fig
