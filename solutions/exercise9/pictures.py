"""Pictures of exercise9's lesson: the chain rule through a 1-D convolution, for the numbers of its
worked examples (x = [1, 2, 3], w = [1, 10]; and stride 2 with x = [1..5], w = [1, 10, 100]). Figures
are made without pyplot, so they draw headless."""
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

TAP_COLORS = ["tab:red", "tab:blue", "tab:green"]


def _cells(ax, y, values, x0=0.0, *, face="white", label=None, step=1.0):
    for i, v in enumerate(values):
        ax.add_patch(Rectangle((x0 + i * step, y), 1, 1, facecolor=face, edgecolor="0.3", lw=0.8))
        ax.text(x0 + i * step + 0.5, y + 0.5, f"{v:g}", ha="center", va="center", fontsize=9)
    if label:
        ax.text(x0 - 0.3, y + 0.5, label, ha="right", va="center", fontsize=10)


def _edges(ax, x, w, stride, y_top, y_bottom, out_x):
    """A line from each input to each output that reads it, coloured by the kernel tap (weight) used."""
    out_len = (len(x) - len(w)) // stride + 1
    for i in range(out_len):
        for k, wk in enumerate(w):
            ax.plot([i * stride + k + 0.5, out_x[i] + 0.5], [y_top, y_bottom + 1], color=TAP_COLORS[k], lw=1.6)
    return out_len


def picture_chain_rule() -> Figure:
    """Forward: out[i] = sum_k w[k] x[i*s + k]. Backward: each line carries grad_out[i] * w[k] back to x."""
    fig = Figure(figsize=(10, 4.2))
    left, right = fig.subplots(1, 2)
    # stride 1: x = [1, 2, 3], w = [1, 10], out = [21, 32], grad_output = [1, 1]
    x, w, g = [1, 2, 3], [1, 10], [1, 1]
    out = [sum(w[k] * x[i + k] for k in range(2)) for i in range(2)]
    _cells(left, 4, x, label="x")
    _edges(left, x, w, 1, 4, 2, [0.5, 1.5])
    _cells(left, 2, out, 0.5, label="out")
    _cells(left, 0.8, g, 0.5, face="#fde3c8", label="grad_out")
    grad_x = [sum(g[i] * w[k] for i in range(2) for k in range(2) if i + k == p) for p in range(3)]
    _cells(left, 5.4, grad_x, face="#fde3c8", label="grad_x")
    left.text(1.5, 6.7, "stride 1: grad_x = [1*1, 1*10 + 1*1, 1*10] = [1, 11, 10]\n"
              "(red lines carry w[0] = 1, blue lines w[1] = 10)", ha="center", fontsize=9)
    left.text(1.5, -0.2, "out = [1*1 + 10*2, 1*2 + 10*3] = [21, 32]", ha="center", fontsize=9)
    # stride 2: x = [1, 2, 3, 4, 5], w = [1, 10, 100], grad_output = [1, 2]
    x2, w2, g2 = [1, 2, 3, 4, 5], [1, 10, 100], [1, 2]
    _cells(right, 4, x2, label="x")
    _edges(right, x2, w2, 2, 4, 2, [1, 3])
    _cells(right, 2, [sum(w2[k] * x2[2 * i + k] for k in range(3)) for i in range(2)], 1, step=2, label="out")
    _cells(right, 0.8, g2, 1, face="#fde3c8", step=2, label="grad_out")
    grad_x2 = [sum(g2[i] * w2[k] for i in range(2) for k in range(3) if 2 * i + k == p) for p in range(5)]
    _cells(right, 5.4, grad_x2, face="#fde3c8", label="grad_x")
    right.text(2.5, 6.7, "stride 2: grad_out [1, 2] dilated to [1, 0, 2], then a full correlation\n"
               "with the reversed kernel [100, 10, 1]: grad_x = [1, 10, 102, 20, 200]", ha="center", fontsize=9)
    right.text(2.5, -0.2, "out = [321, 543]", ha="center", fontsize=9)
    for ax in (left, right):
        ax.set_xlim(-2.2, 6.2)
        ax.set_ylim(-0.6, 7.6)
        ax.set_aspect("equal")
        ax.set_axis_off()
    fig.suptitle("The chain rule: each product w[k] * x[i*s + k] sends grad_out[i] * w[k] back to x[i*s + k]",
                 fontsize=10)
    return fig
