"""Pictures of exercise7's lesson: groups as blocks of channels, for Conv2d(4, 6, 3) with groups 1 and 2
(the numbers of its worked example). Figures are made without pyplot, so they draw headless."""
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

BLOCK_COLORS = ["tab:red", "tab:blue", "tab:green", "tab:orange"]


def _panel(ax, c_in, c_out, groups, kernel=3):
    """Input channels on the left, filters on the right; a line for each (filter, channel) 3x3 slice."""
    per_in, per_out = c_in // groups, c_out // groups
    y_in = [c_in - 1 - c + (c_out - c_in) / 2 for c in range(c_in)]
    y_out = [c_out - 1 - o for o in range(c_out)]
    for o in range(c_out):
        g = o // per_out
        for c in range(g * per_in, (g + 1) * per_in):
            ax.plot([1.0, 4.0], [y_in[c] + 0.4, y_out[o] + 0.4], color=BLOCK_COLORS[g], lw=1.2, alpha=0.8)
    for c in range(c_in):
        g = c // per_in
        ax.add_patch(Rectangle((0, y_in[c]), 1, 0.8, facecolor=BLOCK_COLORS[g], alpha=0.3, edgecolor="0.3"))
        ax.text(0.5, y_in[c] + 0.4, f"in {c}", ha="center", va="center", fontsize=9)
    for o in range(c_out):
        g = o // per_out
        ax.add_patch(Rectangle((4, y_out[o]), 1.6, 0.8, facecolor=BLOCK_COLORS[g], alpha=0.3, edgecolor="0.3"))
        ax.text(4.8, y_out[o] + 0.4, f"filter {o}", ha="center", va="center", fontsize=9)
    slices = c_out * per_in
    params = slices * kernel * kernel + c_out
    ax.set_title(f"groups={groups}: weight ({c_out}, {per_in}, {kernel}, {kernel})\n"
                 f"{slices} lines x {kernel * kernel} + {c_out} bias = {params} parameters", fontsize=10)
    ax.set_xlim(-0.3, 5.9)
    ax.set_ylim(-0.5, c_out)
    ax.set_axis_off()


def picture_groups() -> Figure:
    """Conv2d(4, 6, 3) with groups=1 (every filter reads every channel) and groups=2 (two blocks)."""
    fig = Figure(figsize=(10, 4.2))
    left, right = fig.subplots(1, 2)
    _panel(left, 4, 6, 1)
    _panel(right, 4, 6, 2)
    fig.suptitle("Each line is one 3x3 slice of weights. Groups split channels and filters into contiguous\n"
                 "blocks, and a block of filters reads only its block of channels", fontsize=10)
    fig.subplots_adjust(top=0.8)
    return fig
