"""questions' picture: which input positions each output reads, for the lesson's two worked examples."""
from ..shared.drawing import figure, windows


def picture_inputs_read():
    """length 5, K = 3, padding 1; and length 10, K = 3, stride 2, padding 2, dilation 2."""
    fig, axes = figure(2)
    windows(axes[0], [f"x{j}" for j in range(5)], 3, padding=1,
            title="length 5, K = 3, padding 1: output 0 reads the padding, x0 and x1: positions (0, 1)")
    windows(axes[1], [f"x{j}" for j in range(10)], 3, stride=2, padding=2, dilation=2,
            title="length 10, K = 3, stride 2, padding 2, dilation 2: output 2 reads x2, x4, x6")
    fig.tight_layout()
    return fig
