"""The convolution course's autograder. `from autograder import check` is cheap: nothing heavy
(torch, the grader) is imported until check() is called."""
from __future__ import annotations


def check(exercise: str, **options):
    """Grade `exercise` as defined in this notebook and show the report (see autograder.jupyter.check)."""
    from autograder.jupyter import check as _check

    return _check(exercise, **options)


__all__ = ["check"]
