# Appended to the reference solution: counts windows with numpy's sliding_window_view.
import numpy as np


def conv_output_length(length, kernel_size, stride=1, padding=0, dilation=1):
    span = dilation * (kernel_size - 1) + 1
    windows = np.lib.stride_tricks.sliding_window_view(np.zeros(length + 2 * padding), span)
    return len(windows[::stride])
