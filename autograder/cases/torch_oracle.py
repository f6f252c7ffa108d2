"""Torch decides what is valid: an oracle wrapped here turns torch's refusal into Invalid."""
from __future__ import annotations

import functools
import re
import warnings

from autograder.cases.space import Invalid

_REFUSALS = (RuntimeError, ValueError, ZeroDivisionError, IndexError, TypeError)


# PyTorch runs a 1-D convolution as a 2-D one of height 1, and its refusals say so ("got [1, 0]",
# "kernel_height: 1 kernel_width: 0"); a student who called a 1-D function reads them in 1-D terms
_IN_1D = (
    (re.compile(r"dilation should be greater than zero, but got \[1, (-?\d+)\]"),
     "dilation should be greater than zero, but got {0}"),
    (re.compile(r"kernel size should be greater than zero, but got kernel_height: 1 kernel_width: (-?\d+)"),
     "kernel_size should be greater than zero, but got {0}"),
    (re.compile(r"output padding must be smaller than either stride or dilation, but got output_padding_height: "
                r"\d+ output_padding_width: (-?\d+) stride_height: \d+ stride_width: (-?\d+) dilation_height: \d+ "
                r"dilation_width: (-?\d+)"),
     "output_padding must be smaller than either stride or dilation, but got output_padding={0}, stride={1}, "
     "dilation={2}"),
    (re.compile(r"Only zero batch or zero channel inputs are supported, but got input shape: \[\d+, \d+, 1, (\d+)\]"),
     "the input length must be at least 1, but got {0}"),
)


def in_1d_terms(message: str) -> str:
    """torch's refusal of a 1-D call, without the height-1 axis it added."""
    for pattern, text in _IN_1D:
        found = pattern.fullmatch(message)
        if found:
            return text.format(*found.groups())
    return message


def torch_decides(oracle=None, *, one_d: bool = False):
    """`@torch_decides` or, for an oracle of a 1-D call, `@torch_decides(one_d=True)`."""
    if oracle is None:
        return functools.partial(torch_decides, one_d=one_d)

    @functools.wraps(oracle)
    def wrapper(*args, **kwargs):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return oracle(*args, **kwargs)
        except Invalid:
            raise
        except _REFUSALS as e:
            message = str(e).splitlines()[0] if str(e) else type(e).__name__
            raise Invalid(in_1d_terms(message) if one_d else message) from None
    return wrapper
