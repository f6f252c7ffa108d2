# Appended to the reference solution: reads address 0 through ctypes.
import ctypes


def conv_output_length(*args, **kwargs):
    return ctypes.string_at(0)


conv2d_output_shape = pool_output_length = same_padding = conv_transpose_output_length = conv_output_length
