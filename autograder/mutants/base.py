"""A mutant: a misconception (a mistake students make) as a wrong implementation; its id is the
misconception id reports name.

Also how the grader runs one in its own process (mutants are ours, never the student's): the
arguments and the result cross the same plain-data boundary (sandbox/wire.py) as a student's,
so a mutant's value looks exactly like a student's would.
"""
from __future__ import annotations

import functools
import weakref
from dataclasses import dataclass
from typing import Any, Callable

from autograder.cases.space import Call, Invalid
from autograder.pipeline import Outcome, Status, Timing, one_thread  # noqa: F401 (one_thread: for the exercises)
from autograder.sandbox import wire


@dataclass(frozen=True)
class Mutant:
    """`id` is the misconception id; `function` the exercise function it replaces; `impl` takes the
    same arguments as the student's function (torch float64 tensors) and returns the wrong value
    (or raises ValueError where the wrong code would); `explanation` says, in the student's terms,
    what the code does and what PyTorch does instead; `line` shows the formula or loop line that
    differs (e.g. "out[i] = sum(x[i + k] * w[K - 1 - k])  # kernel read backwards")."""

    id: str
    function: str
    impl: Callable[..., Any]
    explanation: str
    line: str = ""
    hint: str = ""  # the fix in one line; "" takes the hint of the concept whose cases trigger the id


@dataclass(frozen=True)
class Lookalike(Mutant):
    """Another way students write a mistake, kept apart from MUTANTS (mutants.py's LOOKALIKES): only the
    feedback tries it, after the mutants, so audits and case triggers stay about the misconceptions
    themselves. `id` is its own key; `reported` is the misconception id the report names, or None
    when misconceptions.md has no id for it (the explanation then says it in words).
    A NaN in its result matches anything the student returned there (a value the mistake leaves open:
    whatever a naive ceil-mode window was filled with)."""

    reported: str | None = None


def refuses_like(oracle: Callable[..., Any]):
    """Decorator for a mutant that validates its arguments as PyTorch does (ValueError where the oracle
    raises Invalid), so that only its formula is wrong and it loses points where its mistake shows."""
    def decorate(impl):
        @functools.wraps(impl)
        def checked(*args, **kwargs):
            try:
                oracle(*args, **kwargs)
            except Invalid as e:
                raise ValueError(str(e)) from None
            return impl(*args, **kwargs)
        _FORMULAS[checked] = (oracle, impl)
        return checked
    return decorate


_FORMULAS: "weakref.WeakKeyDictionary[Callable, tuple[Callable, Callable]]" = weakref.WeakKeyDictionary()


def formula(fn: Callable[..., Any], oracle: Callable[..., Any]) -> Callable[..., Any]:
    """`impl` when `fn` is refuses_like(oracle)(impl), else `fn`: for a caller that has just seen `oracle`
    return on the arguments (cases/triggers.py), where the check would only run the oracle again."""
    found = _FORMULAS.get(fn)
    return found[1] if found is not None and found[0] is oracle else fn


def as_student(oracle: Callable[..., Any]) -> Callable[..., Any]:
    """The oracle as a student's correct function: Invalid becomes ValueError."""
    return refuses_like(oracle)(oracle)


def call_in_process(fn: Callable[..., Any], call: Call) -> Outcome:
    """Run `fn` on a call as the sandbox's child would, here; the result crosses wire.py both ways."""
    args = [_from_wire(a) for a in call.args]
    kwargs = {k: _from_wire(v) for k, v in call.kwargs.items()}
    try:
        value = fn(*args, **kwargs)
    except NotImplementedError as e:
        return Outcome(Status.NOT_IMPLEMENTED, message=str(e))
    except Exception as e:  # what a student's function raising this would report
        return Outcome(Status.RAISED, error=type(e).__name__, message=f"{type(e).__name__}: {e}")
    try:
        value = wire.decode(wire.encode(value))
    except (wire.WireError, ValueError, TypeError) as e:
        return Outcome(Status.CRASH, message=f"the result could not be read: {e}")
    # timed calls (a speed concept) see equal times: a mutant's lesson is its values, not its speed
    timing = Timing(student=(1.0,), baseline=(1.0,)) if call.time_repeats else None
    return Outcome(Status.RETURNED, value=value, timing=timing)


def _from_wire(value: Any) -> Any:
    """A fresh copy of an argument, as the child process gets it (tensors stay tensors). encode()
    gives JSON-ready nodes (NaN and infinities as strings), so no JSON text is needed in between."""
    return _to_torch(wire.decode(wire.encode(value)))


def _to_torch(value: Any) -> Any:
    if isinstance(value, wire.TaggedArray):
        if value.src == "tensor":
            import torch

            return torch.from_numpy(value.array.copy())
        return value.array.copy()
    if isinstance(value, tuple):
        return tuple(_to_torch(v) for v in value)
    if isinstance(value, list):
        return [_to_torch(v) for v in value]
    return value

