# Appended to the reference solution: NaN, infinity, complex, bool and str results.
def conv_output_length(*args, **kwargs):
    return float("nan")


def conv2d_output_shape(*args, **kwargs):
    return (float("inf"), float("-inf"))


def pool_output_length(*args, **kwargs):
    return complex(3, 0)


def same_padding(*args, **kwargs):
    return (True, False)


def conv_transpose_output_length(*args, **kwargs):
    return "8"
