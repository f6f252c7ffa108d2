"""A per-case time limit that fits the work: a multiple of the oracle's own time on the same cases.

course.yml's time_per_case is the ceiling: a call that takes torch microseconds gets FLOOR, far less
than 2 s, so an infinite loop in exercise1 costs half a second, not two. The oracle's time is measured
in the grader's process, once per case (with its expected value, grading.expected_of), never in
the student's process: nothing the student runs can lengthen or shorten its own limit.

The limit is rounded up to a step of LADDER, so that the oracle's jitter (a loaded machine)
changes it only near a step: two runs of one class, here or on a cluster, give the same limit and
the same timeout messages. An exercise with a timed case (a workload measured against a baseline)
keeps the ceiling: its slow-but-right submissions earn partial credit, they must not time out.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping

FLOOR = 1.0  # seconds a call may always take: a fork's first call, a loaded machine's scheduling (a correct
# submission timed out is the worst verdict there is: 0.5 s was seen too close on two busy cores)
FACTOR = 1000.0  # a right submission in plain Python loops over tensor elements against torch's kernels
LADDER = (0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0)


def slowest(seconds: Mapping[Any, float], again: Callable[[Any], float], *, top: int = 3) -> float:
    """The slowest case's time, robust to calls the machine's load (or a first call's set-up) slowed
    down: load only ever adds time, so each case keeps its fastest of two timings, and the `top`
    slowest of those are timed twice more. A case whose first time already fits under the floor
    (FACTOR x it <= FLOOR) is not timed again: timing only lowers a time, so below that the limit is
    the floor whatever another timing finds (and an exercise of microsecond oracles runs each once)."""
    fits = {c for c, t in seconds.items() if FACTOR * t <= FLOOR}
    fastest = {c: t if c in fits else min(t, again(c)) for c, t in seconds.items()}
    for c in sorted((c for c in fastest if c not in fits), key=fastest.get, reverse=True)[:top]:
        fastest[c] = min(fastest[c], again(c), again(c))
    return max(fastest.values(), default=0.0)


def fitted_time_per_case(ceiling: float, oracle_seconds: Iterable[float], *, timed: bool = False) -> float:
    """FACTOR x the slowest oracle call, at least FLOOR, rounded up to LADDER's next step, at most `ceiling`."""
    if timed:
        return ceiling
    wanted = max(FLOOR, FACTOR * max(oracle_seconds, default=0.0))
    step = next((s for s in LADDER if s >= wanted), wanted)
    return min(ceiling, step)


def fitted(limits, oracle_seconds: float, *, timed: bool = False):
    """course.yml's Limits with time_per_case fitted to the slowest oracle call (the others unchanged)."""
    per_case = fitted_time_per_case(limits.time_per_case, [oracle_seconds], timed=timed)
    return limits if per_case == limits.time_per_case else limits.model_copy(update={"time_per_case": per_case})
