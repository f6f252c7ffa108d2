"""Pictures of exercise6's lesson: x = [1, 2, 3] padded by 2 on each side in the four modes, and where
'same' puts its padding; the numbers of its worked example. Figures are made without pyplot, so they
draw headless."""
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, Rectangle

X = [1, 2, 3]
# index into x of each padded cell, per mode (None: a constant zero)
SOURCES = {
    "zeros": [None, None, 0, 1, 2, None, None],
    "reflect": [2, 1, 0, 1, 2, 1, 0],
    "replicate": [0, 0, 0, 1, 2, 2, 2],
    "circular": [1, 2, 0, 1, 2, 0, 1],
}
NOTES = {
    "zeros": "constant 0 (F.pad's 'constant')",
    "reflect": "mirror about the edge; the edge is not repeated",
    "replicate": "the edge value repeated",
    "circular": "wraps around: the left pad is x's end",
}
COLORS = ["tab:red", "tab:green", "tab:blue"]  # one per value of x, so you can follow where each copy comes from


def _cell(ax, x, y, text, *, face="white", color="black"):
    ax.add_patch(Rectangle((x, y), 1, 1, facecolor=face, edgecolor="0.3", lw=0.8))
    ax.text(x + 0.5, y + 0.5, text, ha="center", va="center", fontsize=12, color=color)


def picture_padding_modes() -> Figure:
    """The four modes side by side: pad 2 | x | pad 2, each copied cell coloured as the value of x it copies."""
    fig = Figure(figsize=(10, 4.2))
    ax = fig.subplots()
    for row, (mode, sources) in enumerate(SOURCES.items()):
        y = 3 - row
        y = y * 1.6
        ax.text(-0.4, y + 0.5, mode, ha="right", va="center", fontsize=12, family="monospace")
        for i, source in enumerate(sources):
            inside = 2 <= i < 5
            text = "0" if source is None else str(X[source])
            color = "0.4" if source is None else COLORS[source]
            _cell(ax, i, y, text, face="white" if inside else "#eeeeee", color=color)
        ax.text(7.4, y + 0.5, NOTES[mode], va="center", fontsize=10)
        for edge in (2, 5):
            ax.plot([edge, edge], [y - 0.15, y + 1.15], color="black", lw=2)
    ax.add_patch(FancyArrowPatch((0, 5.95), (2, 5.95), arrowstyle="<->", mutation_scale=10))
    ax.text(1, 6.05, "left = 2", ha="center", va="bottom", fontsize=9)
    ax.text(3.5, 6.05, "x = [1, 2, 3]", ha="center", va="bottom", fontsize=9)
    ax.text(6, 6.05, "right = 2", ha="center", va="bottom", fontsize=9)
    ax.set_xlim(-3, 14)
    ax.set_ylim(-0.4, 6.6)
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.set_title("pad1d([1, 2, 3], 2, 2, mode): grey cells are padding, coloured as the value they copy",
                 fontsize=10)
    return fig


def picture_same_padding() -> Figure:
    """padding='same' with K = 4 on a length of 5: 3 cells of padding, 1 left and 2 right, 5 outputs."""
    fig = Figure(figsize=(9, 3.4))
    ax = fig.subplots()
    values = ["0", "1", "2", "3", "4", "5", "0", "0"]
    for i, text in enumerate(values):
        _cell(ax, i, 2, text, face="#eeeeee" if i in (0, 6, 7) else "white")
    for o in range(5):  # output o reads padded cells o .. o+3
        ax.plot([o + 0.1, o + 3.9], [1.75 - 0.25 * o] * 2, color=COLORS[o % 3] if o < 3 else ("tab:orange", "tab:purple")[o - 3], lw=2.5)
        ax.text(o + 4.1, 1.75 - 0.25 * o, f"output {o}", va="center", fontsize=8)
    ax.text(4, 3.25, "K = 4, dilation 1: d*(K-1) = 3 cells in total: 3 // 2 = 1 on the left, 2 on the right",
            ha="center", fontsize=10)
    ax.set_xlim(-0.5, 10)
    ax.set_ylim(0.3, 3.7)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return fig
