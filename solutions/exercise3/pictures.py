"""exercise3's pictures: one filter reads every input channel; several filters make several outputs."""
from ..shared.drawing import COLOURS, cell, figure, finish


def picture_channels():
    """The worked example: x[0] = [[2, 3, 4], [1, 1, 1]], weight[0] = [[1, 0, -1], [1, 1, 1]], bias 0.5."""
    x = [[2, 3, 4], [1, 1, 1]]
    w = [[1, 0, -1], [1, 1, 1]]
    fig, axes = figure(1, width=9.0, row_height=3.4)
    ax = axes[0]
    for c in range(2):
        y = 1.6 - 2.6 * c
        ax.text(-0.3, y + 0.5, f"channel {c}", ha="right", va="center", fontsize=10)
        ax.text(-0.3, y - 0.5, f"weight[0, {c}]", ha="right", va="center", fontsize=10, color=COLOURS[c])
        for k in range(3):
            cell(ax, k, y, str(x[c][k]), "input")
            cell(ax, k, y - 1.0, f"{w[c][k]:+d}" if w[c][k] else "0", "out", edge=COLOURS[c])
        part = sum(a * b for a, b in zip(x[c], w[c]))
        terms = " + ".join(f"({w[c][k]})·{x[c][k]}" if w[c][k] < 0 else f"{w[c][k]}·{x[c][k]}" for k in range(3))
        ax.text(3.4, y - 0.0, f"{terms} = {part:+d}", va="center", fontsize=11, color=COLOURS[c])
        ax.annotate("", xy=(9.6, -0.4), xytext=(7.6, y + 0.1 if c == 0 else y + 0.1),
                    arrowprops=dict(arrowstyle="->", color=COLOURS[c]))
    ax.text(9.75, -0.4, "-2 + 3 + bias 0.5\n= out[0, 0, 0] = 1.5", va="center", fontsize=11)
    finish(ax, "one filter (out channel 0) reads both input channels; the two dot products are summed, "
               "then the bias is added once", 13, top=2.8, bottom=-2.2)
    ax.set_xlim(-2.4, 13.8)
    fig.tight_layout()
    return fig


def picture_filters():
    """weight (C_out=3, C_in=2, K): each output channel is its own filter over all input channels."""
    fig, axes = figure(1, width=9.0, row_height=2.8)
    ax = axes[0]
    for c in range(2):
        ax.add_patch(_bar(0, 1.2 - 1.3 * c, "#dddddd"))
        ax.text(0.2, 1.6 - 1.3 * c, f"input channel {c}", va="center", fontsize=10)
    for o in range(3):
        y = 1.6 - 1.3 * o
        ax.add_patch(_bar(9, y - 0.4, "#fff6d5", COLOURS[o], width=4.0))
        ax.text(9.2, y, f"output channel {o}", va="center", fontsize=10)
        for c in range(2):
            ax.annotate("", xy=(9, y), xytext=(4.7, 1.6 - 1.3 * c),
                        arrowprops=dict(arrowstyle="->", color=COLOURS[o], alpha=0.8))
        ax.text(13.2, y, f"weight[{o}]: (2, K)\nbias[{o}]", va="center", fontsize=9, color=COLOURS[o])
    finish(ax, "weight has shape (out_channels, in_channels, K): one (in_channels, K) filter per output channel; "
               "bias (out_channels,)", 13, top=2.3, bottom=-1.8)
    ax.set_xlim(-0.5, 15.5)
    fig.tight_layout()
    return fig


def _bar(x, y, fill, edge="black", width=4.6):
    from matplotlib.patches import Rectangle

    return Rectangle((x, y), width, 0.8, facecolor=fill, edgecolor=edge)
