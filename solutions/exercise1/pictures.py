"""exercise1's pictures: which inputs each output reads, for the lesson's worked examples."""
from ..shared.drawing import cell, figure, finish, windows, COLOURS


def picture_windows():
    """x = [2, 3, 4] (and a longer input): no padding, stride 2, padding 1, dilation 2."""
    fig, axes = figure(4)
    windows(axes[0], [2, 3, 4], 2, title="K = 2, stride 1: the kernel fits at 0 and 1: L_out = 3 - 2 + 1 = 2")
    windows(axes[1], [2, 3, 4], 2, stride=2,
            title="K = 2, stride 2: one output; no window starts at 4 (it would pass the end)")
    windows(axes[2], [2, 3, 4], 2, padding=1,
            title="K = 2, padding 1: [0, 2, 3, 4, 0] has room for 4 windows")
    windows(axes[3], [1, 2, 3, 4, 5, 6, 7], 3, dilation=2,
            title="K = 3, dilation 2: taps 2 apart, span 2*(3-1)+1 = 5: L_out = 7 - 5 + 1 = 3")
    fig.tight_layout()
    return fig


def picture_pooling():
    """max_pool1d on 5 values, K = 2: floor mode drops the 5th value, ceil mode adds a window for it."""
    fig, axes = figure(2)
    windows(axes[0], [1, 5, 2, 8, 3], 2, stride=2, title="max pool, K = 2 (stride = K), floor mode: 2 windows; 3 is never read")
    windows(axes[1], [1, 5, 2, 8, 3], 2, stride=2, ceil_mode=True,
            title="ceil_mode=True: a 3rd window starts on the 3 and overhangs the end")
    fig.tight_layout()
    return fig


def picture_transposed():
    """conv_transpose1d: each input is spread over K outputs; L = 2, K = 2 gives 3, stride 2 gives 4."""
    fig, axes = figure(2)
    for ax, stride in zip(axes, (1, 2)):
        n_out = (2 - 1) * stride + (2 - 1) + 1
        ax.text(-0.3, 0.5, "output", ha="right", va="center", fontsize=10)
        ax.text(-0.3, -1.5, "input", ha="right", va="center", fontsize=10)
        for p in range(n_out):
            cell(ax, p, 0, f"y{p}", "out")
        for j in range(2):
            colour = COLOURS[j]
            x = j * stride + 0.5 * (stride - 1) if stride > 1 else j + 0.5
            cell(ax, x, -2, f"x{j}", "input", edge=colour)
            for k in range(2):
                ax.plot([x + 0.5, j * stride + k + 0.5], [-1.0, 0.0], color=colour, linewidth=1.4)
        finish(ax, f"transposed, K = 2, stride {stride}: input j adds into outputs j*{stride} + k: "
                   f"L_out = (2-1)*{stride} + (2-1) + 1 = {n_out}", n_out)
    fig.tight_layout()
    return fig
