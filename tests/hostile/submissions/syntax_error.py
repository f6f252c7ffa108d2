# Appended to the reference solution.
def conv_output_length(length, kernel_size:
    return length
