# Appended to the reference solution: each function raises a different non-Exception.
def conv_output_length(*args, **kwargs):
    raise SystemExit(3)


def conv2d_output_shape(*args, **kwargs):
    raise KeyboardInterrupt


def pool_output_length(*args, **kwargs):
    raise BaseException("not an Exception")


def same_padding(*args, **kwargs):
    raise GeneratorExit


conv_transpose_output_length = conv_output_length
