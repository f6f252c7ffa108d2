"""Shrink a failing case before showing it. (The search arrives with the diagnosis issue.)"""
from __future__ import annotations


def shrink(trial, run):
    """The smallest trial that still fails; `run(cases) -> trials` runs candidates in the sandbox."""
    return trial
