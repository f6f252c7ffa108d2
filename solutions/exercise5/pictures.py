"""Pictures of exercise5's lesson: max-pooling windows on x = [1, 5, 2, 0, 3], the numbers of its worked
example. Figures are made without pyplot, so they draw headless."""
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

X = [1, 5, 2, 0, 3]
NEG_INF = float("-inf")
COLORS = ["tab:red", "tab:blue", "tab:green", "tab:orange"]


def _label(v):
    return "-∞" if v == NEG_INF else f"{v:g}"


def _cells(ax, y, values, *, x0=0, padding=(), xs=None):
    """A row of cells at height y (or at the given x positions); the positions in `padding` are shaded
    blue: they are -inf padding, not part of x."""
    for i, v in enumerate(values):
        x = x0 + i if xs is None else xs[i]
        pad = i in padding
        ax.add_patch(Rectangle((x, y), 1, 1, facecolor="#d6e6f5" if pad else "white", edgecolor="0.3", lw=0.8))
        ax.text(x + 0.5, y + 0.5, _label(v), ha="center", va="center", fontsize=11,
                color="tab:blue" if pad else "black")


def _pool(values, kernel, stride, dilation=1):
    out, starts = [], []
    start = 0
    while start + dilation * (kernel - 1) < len(values):
        out.append(max(values[start + k * dilation] for k in range(kernel)))
        starts.append(start)
        start += stride
    return out, starts


def _panel(ax, y, title, padded, padding, kernel, stride, dilation=1, x0=0):
    """One configuration: the padded input, each window's taps outlined in its colour, and each output
    below the middle of its window."""
    ax.text(-1.4, y + 0.5, title, ha="right", va="center", fontsize=10)
    _cells(ax, y, padded, x0=x0, padding=padding)
    out, starts = _pool(padded, kernel, stride, dilation)
    centres = []
    for w, start in enumerate(starts):
        color = COLORS[w % len(COLORS)]
        taps = [start + k * dilation for k in range(kernel)]
        inset = 0.08 + 0.06 * (w % 2)  # overlapping windows stay visible
        for t in taps:
            ax.add_patch(Rectangle((x0 + t + inset, y + inset), 1 - 2 * inset, 1 - 2 * inset, fill=False,
                                   edgecolor=color, lw=2))
        centres.append(x0 + (taps[0] + taps[-1]) / 2)
    xs = [c + 0.3 * (w - (len(centres) - 1) / 2) * (stride == 1) for w, c in enumerate(centres)]
    _cells(ax, y - 1.6, out, xs=xs)
    for w, (c, x) in enumerate(zip(centres, xs)):
        ax.annotate("", xy=(x + 0.5, y - 0.6), xytext=(c + 0.5, y),
                    arrowprops={"arrowstyle": "->", "color": COLORS[w % len(COLORS)], "lw": 1.5})
    ax.text(max(xs) + 1.4, y - 1.1, f"out = {[f'{v:g}' for v in out]}, length {len(out)}".replace("'", ""),
            va="center", fontsize=10)


def _figure(panels, title):
    fig = Figure(figsize=(10, 4))
    ax = fig.subplots()
    for y, args in zip((4.0, 0.6), panels):
        _panel(ax, y, *args)
    ax.set_xlim(-8, 11.5)
    ax.set_ylim(-1.2, 5.3)
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.set_title(title, fontsize=10)
    return fig


def picture_pool_windows() -> Figure:
    """Pooling x = [1, 5, 2, 0, 3] with a window of 2, side by side, then with ceil_mode."""
    # ceil_mode: the last window hangs over the end; the missing cell counts as -inf
    return _figure([("kernel 2 (stride 2)", X, (), 2, 2),
                    ("kernel 2, ceil_mode=True", X + [NEG_INF], (5,), 2, 2)],
                   "Max pooling of x = [1, 5, 2, 0, 3]: each output is the largest value its window reads")


def picture_pool_padding() -> Figure:
    """The same x with padding 1 (-inf at both ends) and with dilation 2 at stride 1."""
    return _figure([("kernel 2, padding=1", [NEG_INF] + X + [NEG_INF], (0, 6), 2, 2, 1, -1),
                    ("kernel 2, stride 1, dilation 2", X, (), 2, 1, 2)],
                   "Padding holds -inf (blue cells): a padded cell never wins. Dilation spreads the taps.")
