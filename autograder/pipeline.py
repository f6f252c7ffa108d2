"""The types every step of grading shares (cases -> sandbox -> compare -> diagnose -> shrink -> score).

What a submission is, what one call did (Outcome, Timing), what a case earned (Verdict), one case run
(Trial), the status words of the JSON report, and how the grader's own torch calls run (one_thread).
Pure data: importing this module imports neither numpy, torch nor pydantic, so config loading
(course.py) and the sandbox's runner, which `grade` starts before anything slow, can use it. The
tolerance values are compared with is tolerance.py's (a pydantic model, validated from course.yml).

The student's process speaks the same status words over the wire (sandbox/child.py and timed.py run
in the box, loaded by path, and cannot import this module); the runner reads them back with
Status(...) and treats any other word as a crash.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

if TYPE_CHECKING:  # numpy, through these, stays off the import path of config loading
    from autograder.cases.space import Case


class Status(StrEnum):
    """One word per status, as the JSON report spells it (a StrEnum: each member is its string)."""

    # what one call did (Outcome.status)
    RETURNED = "returned"
    RAISED = "raised"
    # what one call did, and also what a case or concept earned (Verdict, ConceptReport)
    NOT_IMPLEMENTED = "not-implemented"
    FORBIDDEN = "forbidden"
    TIMEOUT = "timeout"
    CRASH = "crash"
    # what a case or concept earned
    FAILED = "failed"
    PASSED = "passed"
    # a timed run (Timing.status) stopped on a wrong result
    WRONG = "wrong"


# A concept reports the worst status among its cases: worst first.
STATUS_ORDER = (Status.NOT_IMPLEMENTED, Status.FORBIDDEN, Status.TIMEOUT, Status.CRASH, Status.FAILED,
                Status.PASSED)
# Statuses that are not a mistake in the code's arithmetic: no mutant or shrinking can say more.
NOT_ARITHMETIC = (Status.NOT_IMPLEMENTED, Status.FORBIDDEN, Status.TIMEOUT, Status.CRASH)
# The misconception id a concept lost to one of those statuses reports (its own, since no mutant applies).
STATUS_MISCONCEPTION = {Status.NOT_IMPLEMENTED: "not-implemented", Status.FORBIDDEN: "forbidden-call",
                        Status.TIMEOUT: "timeout", Status.CRASH: "crash"}
# Outcomes a mutant can reproduce: a value, or an exception raised by the function itself.
COMPARABLE = (Status.RETURNED, Status.RAISED)


def worst(statuses) -> Status:
    """The worst of `statuses` (STATUS_ORDER); passed when there are none."""
    return min(statuses, key=STATUS_ORDER.index, default=Status.PASSED)


@dataclass(frozen=True)
class Submission:
    """The student's files as text: `module` is imported; its siblings may be imported by it."""

    module: str
    sources: Mapping[str, str]
    origin: str = ""


@dataclass(frozen=True)
class Timing:
    """A timed run (Sandbox.time): CPU seconds of each timed call, the student's function's and the
    baseline's, on the same fresh inputs; or why it stopped (status wrong, timeout, crash, forbidden,
    raised, not-implemented) and, in `message`, where."""

    status: Status = Status.RETURNED
    student: tuple[float, ...] = ()
    baseline: tuple[float, ...] = ()
    message: str = ""
    output: str = ""

    def fastest(self) -> tuple[float, float]:
        """The fastest call of each side: interference (the machine's load) only ever adds CPU time,
        and no call can be made cheaper than its work, since every input is new and every result checked."""
        return min(self.student, default=0.0), min(self.baseline, default=0.0)


@dataclass(frozen=True)
class Outcome:
    """What one call did. `value` is decoded plain data (see sandbox/wire.py) when status is returned;
    status is one of returned, raised, not-implemented, forbidden, timeout, crash."""

    status: Status
    value: Any = None
    error: str | None = None
    message: str = ""
    output: str = ""
    seconds: float = 0.0
    timing: Timing | None = None  # for calls with time_repeats: set by the grader's timed run (Sandbox.time)
    changed: tuple[str, ...] = ()  # parameters whose tensor or array the call changed in place


@dataclass(frozen=True)
class Verdict:
    """One case's result: status passed, failed, or the outcome's own (not-implemented, forbidden,
    timeout, crash)."""

    status: Status
    message: str = ""
    misconception: str | None = None
    got: Any = None  # the student's value in the expected's kind, when it could be read so
    credit: float | None = None  # share of the case's points; None: 1 if passed else 0

    @property
    def passed(self) -> bool:
        return self.status == Status.PASSED

    @property
    def earned(self) -> float:
        if self.credit is not None:
            return self.credit
        return 1.0 if self.passed else 0.0


@dataclass(frozen=True)
class Trial:
    """One case run: what torch gives, what the student's code did, and the verdict."""

    case: Case
    expected: Any
    outcome: Outcome
    verdict: Verdict


# Runs cases on the submission (in the sandbox) and judges them: how shrink.py tries smaller cases.
Runner = Callable[[Sequence["Case"]], list[Trial]]


@contextmanager
def one_thread():
    """Torch's thread pool costs milliseconds per tiny call: the grader's own oracles and mutants make
    thousands of them. Torch is imported only when a block runs."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)
