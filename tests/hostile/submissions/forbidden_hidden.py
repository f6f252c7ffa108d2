# Appended to the reference solution: the forbidden calls live in a sibling module (helper.py,
# see hidden_helper.py), out of the static check's sight; the guards in the student's process
# must still refuse them, whichever route: a reference captured at import, aten, _VariableFunctions.
import helper


def conv_output_length(length, kernel_size, stride=1, padding=0, dilation=1):
    return helper.captured(length, kernel_size, stride, padding, dilation)


def conv_transpose_output_length(length, kernel_size, stride=1, padding=0, output_padding=0, dilation=1):
    return helper.variable_functions(length, kernel_size)


def pool_output_length(length, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    return helper.aten(length, kernel_size)


def same_padding(kernel_size, dilation=1):
    return (helper.private_vf(kernel_size, kernel_size), 0)
