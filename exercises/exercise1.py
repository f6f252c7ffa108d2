"""Exercise 1 — Output size.

Before computing a single dot product, know how many there will be. A kernel of size K
slides over an input of length L; it visits positions 0, s, 2s, ... as long as the whole
(possibly dilated) kernel still fits in the padded input:

    L_out = floor((L + 2*p - d*(K - 1) - 1) / s) + 1

Worked example: x = [2, 3, 4] (L = 3), K = 2, s = 1, p = 0, d = 1.
The kernel fits at positions 0 and 1, so L_out = (3 + 0 - 1 - 1) // 1 + 1 = 2.

Every function here returns Python ints (never floats such as 2.0), exactly what PyTorch
would give for the shape, and raises ValueError, with a message saying what is wrong, for
a configuration that PyTorch rejects (or for negative padding).

What the grader accepts as a size: an int, a numpy integer, or a 0-d integer array or tensor; as a
pair (conv2d_output_shape, same_padding): a tuple or list of two such ints, or a 1-d integer
numpy array or tensor of length 2. Floats (2.0, float arrays) and bools count as wrong.

Read the lesson first: it is in the notebook exercises/exercise1.ipynb, before the first function
(text, pictures, and cells where you predict a number before torch shows it). Its pictures:

    exercises/pictures/exercise1-windows.png
    exercises/pictures/exercise1-pooling.png
    exercises/pictures/exercise1-transposed.png
"""


def _positive(name, value):
    if not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a positive int, got {value!r}")


def _pair(name, value):
    """`3` means `(3, 3)`; a pair stays a pair."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{name} must be an int or a pair, got {value!r}")
        return tuple(value)
    return (value, value)


def conv_output_length(length, kernel_size, stride=1, padding=0, dilation=1):
    """Length of `F.conv1d`'s output along one axis.

    L_out = (L + 2*padding - dilation*(kernel_size - 1) - 1) // stride + 1

    >>> conv_output_length(3, 2)          # x = [2, 3, 4], kernel of 2 taps
    2
    >>> conv_output_length(10, 3, stride=2, padding=1)
    5
    """
    raise NotImplementedError("exercise1: conv_output_length")


def conv2d_output_shape(height, width, kernel_size, stride=1, padding=0, dilation=1):
    """(H_out, W_out) of `F.conv2d`: the 1-D formula on each axis. Each argument is an int or a pair.

    >>> conv2d_output_shape(5, 7, (3, 1))
    (3, 7)
    """
    raise NotImplementedError("exercise1: conv2d_output_shape")


def pool_output_length(length, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    """Length of `F.max_pool1d`'s output. `stride` defaults to `kernel_size`.

    Floor mode uses the convolution formula. Ceil mode rounds the division up, but a
    last window that would start in the right padding (past the input) is dropped.
    PyTorch also requires padding <= kernel_size // 2.

    >>> pool_output_length(5, 2)                 # windows [0,1] and [2,3]
    2
    >>> pool_output_length(5, 2, ceil_mode=True)  # plus the window starting at 4
    3
    """
    raise NotImplementedError("exercise1: pool_output_length")


def same_padding(kernel_size, dilation=1):
    """(left, right) padding that `padding='same'` applies for stride 1.

    The dilated kernel needs d*(K-1) extra positions in total; PyTorch puts the odd one on
    the right.

    >>> same_padding(3)
    (1, 1)
    >>> same_padding(4)
    (1, 2)
    """
    raise NotImplementedError("exercise1: same_padding")


def conv_transpose_output_length(length, kernel_size, stride=1, padding=0, output_padding=0, dilation=1):
    """Length of `F.conv_transpose1d`'s output: the inverse of the convolution formula.

    L_out = (L - 1)*stride - 2*padding + dilation*(kernel_size - 1) + output_padding + 1

    output_padding must be smaller than stride or dilation, and the result at least 1.

    >>> conv_transpose_output_length(2, 2)   # [2, 3] back to length 3
    3
    """
    raise NotImplementedError("exercise1: conv_transpose_output_length")
