# The lookup-table attack's key: a hash of a call's arguments as the student's function receives
# them (tensors by dtype, shape and bytes). Shared by the submission and the test that fills the table
# from the student copy's own case generators, as a student can.
import hashlib

import numpy as np


def lut_key(args, kwargs):
    h = hashlib.sha256()
    for value in list(args) + [kwargs[k] for k in sorted(kwargs)] + sorted(kwargs):
        if hasattr(value, "detach"):
            value = value.detach().numpy()
        if isinstance(value, np.ndarray):
            h.update(f"{value.dtype}{value.shape}".encode() + np.ascontiguousarray(value).tobytes())
        else:
            h.update(repr(value).encode())
        h.update(b"|")
    return h.hexdigest()
