"""Drawing helpers for the lessons' pictures (pictures.py of each exercise folder imports them).

conv_arithmetic style (Dumoulin & Visin): a row of input cells, padding cells dashed and grey, and
under it the outputs, each joined to the inputs its window reads. Pure matplotlib, no torch.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.patches import Rectangle

COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"]
FILL = {"input": "white", "pad": "#e6e6e6", "out": "#fff6d5", "unread": "#fbd5d5"}


SPAN = 12.0  # cells across every panel, so cells have one size in every picture


def figure(rows: int, cols: int = 1, *, width: float = 9.0, row_height: float = 2.3):
    fig, axes = plt.subplots(rows, cols, figsize=(width, row_height * rows), squeeze=False)
    return fig, [ax for row in axes for ax in row]


def cell(ax, x: float, y: float, text: str, kind: str = "input", *, edge: str = "black", size: float = 1.0,
         fontsize: int = 11) -> None:
    dashed = kind == "pad"
    ax.add_patch(Rectangle((x, y), size, size, facecolor=FILL.get(kind, kind), edgecolor=edge,
                           linestyle="--" if dashed else "-", linewidth=1.5 if edge != "black" else 1.0))
    ax.text(x + size / 2, y + size / 2, text, ha="center", va="center", fontsize=fontsize,
            color="#666666" if dashed else "black")


def finish(ax, title: str, width: float, *, top: float = 1.3, bottom: float = -2.4) -> None:
    ax.set_xlim(-1.8, max(width + 0.2, SPAN - 1.8))
    ax.set_ylim(bottom, top + 0.2)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title, fontsize=10, loc="left")


def windows(ax, values, kernel_size: int, *, stride: int = 1, padding: int = 0, dilation: int = 1,
            pad_text: str = "0", outputs=None, title: str = "", ceil_mode: bool = False,
            right_padding: int | None = None) -> int:
    """Inputs on top (padding dashed), outputs below; output i is joined to the K inputs it reads,
    padded positions i*stride + k*dilation. Inputs no window reads are shaded red. Returns L_out.

    ceil_mode (pooling): one more window may start inside the input and overhang its end; the
    positions past the padding are drawn as empty dotted cells."""
    right = padding if right_padding is None else right_padding
    row = [pad_text] * padding + [str(v) for v in values] + [pad_text] * right
    span = dilation * (kernel_size - 1) + 1
    room = len(row) - span
    count = room // stride + 1 if room >= 0 else 0
    if ceil_mode and room >= 0:
        count = -(-room // stride) + 1
        if (count - 1) * stride >= len(values) + padding:  # would start in the right padding
            count -= 1
    reads = [[i * stride + k * dilation for k in range(kernel_size)] for i in range(count)]
    read = {p for r in reads for p in r}
    ax.text(-0.3, 0.5, "input", ha="right", va="center", fontsize=10)
    ax.text(-0.3, -1.5, "output", ha="right", va="center", fontsize=10)
    extra = max([max(r) for r in reads] + [len(row) - 1]) + 1
    for p in range(extra):
        if p >= len(row):  # past the end: a ceil-mode window overhangs here
            ax.add_patch(Rectangle((p, 0), 1, 1, facecolor="none", edgecolor="#999999", linestyle=":"))
            continue
        inside = padding <= p < padding + len(values)
        kind = "input" if not inside or p in read else "unread"
        cell(ax, p, 0, row[p], kind if inside else "pad")
    centre = (extra - count) / 2 if count else 0
    for i, r in enumerate(reads):
        colour = COLOURS[i % len(COLOURS)]
        x = centre + i
        label = outputs[i] if outputs is not None and i < len(outputs) else f"y{i}"
        cell(ax, x, -2, label, "out", edge=colour, fontsize=9 if len(label) > 4 else 11)
        for p in r:
            ax.plot([x + 0.5, p + 0.5], [-1.0, 0.0], color=colour, linewidth=1.4, alpha=0.8)
    finish(ax, title, extra)
    return count


def grid(ax, x0: float, y0: float, values, *, kinds=None, highlight=None, colour: str = COLOURS[0],
         fontsize: int = 10) -> None:
    """A matrix drawn row by row from the top (row 0 at y0); `highlight` = (row, col, rows, cols)
    is outlined in `colour`; kinds[r][c] picks a cell's fill."""
    for r, row in enumerate(values):
        for c, v in enumerate(row):
            kind = kinds[r][c] if kinds is not None else "input"
            cell(ax, x0 + c, y0 - r, str(v), kind, fontsize=fontsize)
    if highlight is not None:
        r, c, h, w = highlight
        ax.add_patch(Rectangle((x0 + c, y0 - r - h + 1), w, h, facecolor="none", edgecolor=colour, linewidth=2.5))
