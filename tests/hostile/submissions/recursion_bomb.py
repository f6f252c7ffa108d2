# Appended to the reference solution: unbounded recursion with the recursion limit lifted,
# which overflows the C stack.
import sys

sys.setrecursionlimit(10 ** 7)


def conv_output_length(*args, **kwargs):
    return conv_output_length(*args, **kwargs) + 1


conv2d_output_shape = pool_output_length = same_padding = conv_transpose_output_length = conv_output_length
