# Appended to the reference solution: every function loops forever.
def conv_output_length(*args, **kwargs):
    while True:
        pass


conv2d_output_shape = pool_output_length = same_padding = conv_transpose_output_length = conv_output_length
