# Appended to the reference solution: answers correctly after printing 100 MB, half through
# sys.stdout and half straight to file descriptor 2.
import os
import sys

_honest = conv_output_length


def conv_output_length(*args, **kwargs):
    sys.stdout.write("FLOOD" * (10 << 20))
    os.write(2, b"flood" * (10 << 20))
    return _honest(*args, **kwargs)
