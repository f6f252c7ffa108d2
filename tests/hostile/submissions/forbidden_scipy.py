# Appended to the reference solution: counts windows with scipy.signal.correlate.
import numpy as np
from scipy import signal


def conv_output_length(length, kernel_size, stride=1, padding=0, dilation=1):
    span = dilation * (kernel_size - 1) + 1
    full = signal.correlate(np.zeros(length + 2 * padding), np.zeros(span), mode="valid")
    return len(full[::stride])
