"""Pictures of exercise8's lesson: im2col for x = 1..9 as a 3x3 image and a 2x2 kernel [[1, 2], [3, 4]]
(the numbers of its worked example). Figures are made without pyplot, so they draw headless."""
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

X = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
W = [[1, 2], [3, 4]]
COLORS = ["tab:red", "tab:blue", "tab:green", "tab:orange"]  # one per output position (i, j)


def _grid(ax, values, x0, y0, *, colors=None):
    """values[row][col] drawn with row 0 on top, the cell (r, c) at (x0 + c, y0 - r)."""
    for r, row in enumerate(values):
        for c, v in enumerate(row):
            face = "white" if colors is None else colors[r][c]
            ax.add_patch(Rectangle((x0 + c, y0 - r), 1, 1, facecolor=face, edgecolor="0.3", lw=0.8))
            ax.text(x0 + c + 0.5, y0 - r + 0.5, f"{v:g}", ha="center", va="center", fontsize=10)


def windows():
    """The im2col matrix: row = kernel tap (a, b), column = output position (i, j)."""
    return [[X[i + a][j + b] for i in range(2) for j in range(2)] for a in range(2) for b in range(2)]


def picture_im2col() -> Figure:
    """The four 2x2 windows of a 3x3 image become the four columns of a matrix; one row of weights times
    that matrix gives all four outputs in one product."""
    fig = Figure(figsize=(10, 3.8))
    ax = fig.subplots()
    _grid(ax, X, 0, 2)
    for p, (i, j) in enumerate([(0, 0), (0, 1), (1, 0), (1, 1)]):
        inset = 0.06 + 0.07 * p
        ax.add_patch(Rectangle((j + inset, 2 - i - 1 + inset), 2 - 2 * inset, 2 - 2 * inset, fill=False,
                               edgecolor=COLORS[p], lw=2))
    ax.text(1.5, 3.4, "x (3x3), windows of 2x2", ha="center", fontsize=10)
    ax.annotate("", xy=(5.2, 1.5), xytext=(3.4, 1.5), arrowprops={"arrowstyle": "->", "lw": 1.5})
    ax.text(4.3, 1.8, "im2col", ha="center", fontsize=10)
    cols = windows()
    tints = [[COLORS[c] for c in range(4)] for _ in range(4)]
    _grid(ax, cols, 5.5, 2.5, colors=[["white"] * 4] * 4)
    for c in range(4):
        ax.add_patch(Rectangle((5.5 + c + 0.06, -0.44), 0.88, 3.88, fill=False, edgecolor=tints[0][c], lw=2))
    ax.text(7.5, 3.9, "cols: one column per output,\none row per kernel tap (a, b)", ha="center", fontsize=10)
    flat = [W[a][b] for a in range(2) for b in range(2)]
    ax.text(10.8, 1.5, "weights\n[1, 2, 3, 4]  @", ha="center", va="center", fontsize=10)
    out = [sum(flat[t] * cols[t][c] for t in range(4)) for c in range(4)]
    ax.text(12.25, 1.5, "=", ha="center", va="center", fontsize=14)
    _grid(ax, [out], 12.6, 1.0, colors=[[("#f6d5d5", "#d6e6f5", "#d8f0d8", "#fde3c8")[c] for c in range(4)]])
    ax.text(14.6, 2.3, "outputs (0,0) (0,1) (1,0) (1,1)\nreshaped: [[37, 47], [67, 77]]", ha="center", fontsize=10)
    ax.set_xlim(-0.5, 17.5)
    ax.set_ylim(-0.8, 4.6)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return fig
