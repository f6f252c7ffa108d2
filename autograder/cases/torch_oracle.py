"""Torch decides what is valid: an oracle wrapped here turns torch's refusal into Invalid."""
from __future__ import annotations

import functools
import warnings

from autograder.cases.space import Invalid

_REFUSALS = (RuntimeError, ValueError, ZeroDivisionError, IndexError, TypeError)


def torch_decides(oracle):
    @functools.wraps(oracle)
    def wrapper(*args, **kwargs):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return oracle(*args, **kwargs)
        except Invalid:
            raise
        except _REFUSALS as e:
            raise Invalid(str(e).splitlines()[0] if str(e) else type(e).__name__) from None
    return wrapper
