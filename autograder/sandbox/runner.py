"""Run a submission's functions in another process, with limits; plain data comes back.

One process per submission run, forked from a zygote that has numpy and torch imported,
in its own session, confined by bubblewrap where available (see bwrap.py), under a seccomp
filter always (seccomp.py), as an unprivileged user under Landlock where the grader is root
without bubblewrap (spawn.py). A case that runs past its time, or a process that dies, costs
that case: the rest continue in a fresh fork. Forbidden calls are refused at run time (guard.py,
in the student's process, at the torch dispatcher), and a file that could undo those guards is
refused before running (autograder.judging.forbidden).

The grader never touches a path inside the student's box: the request (the submission's
files included) goes out in a sealed memfd, results and output come back over pipes it
created, and every read of those is bounded in size and in time.
"""
from __future__ import annotations

import json
import os
import select
import sys
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

from autograder.pipeline import Outcome, Status, Submission, Timing
from autograder.sandbox.callers import CallGraph, call_graph
from autograder.sandbox.channels import READ_BURST, Limits, Output, death, sealed
from autograder.sandbox.spawn import ZygoteGone, ZygoteHandle

if TYPE_CHECKING:  # numpy (through these) is not on the path to starting the zygote
    from autograder.cases.space import Call

# One result line: the largest legitimate one (exercise8's biggest timed case, a float32 array)
# is about 20 MiB encoded, the others under 2 KiB; past this cap it is a crash of its case.
RESULT_CAP = 64 << 20


@dataclass
class Sandbox:
    """Runs calls in a process per submission; a timeout or a dead process costs one call.

    `time_total` bounds one run() (an exercise's cases); `time_import` bounds importing the
    submission. `confine=False` skips bubblewrap (for benchmarks). `disk_mb` caps each folder
    the student can write to (and each file). `notes` says which protections apply here when
    some could not be.
    """

    time_per_case: float = 2.0
    time_total: float = 60.0
    forbidden: Mapping | None = None  # the exercise's rules (Course.forbidden_rules), for tests
    memory_mb: int = 4096
    time_import: float = 10.0
    confine: bool = True
    disk_mb: int = 64
    notes: list[str] = field(default_factory=list)

    def __post_init__(self):
        self._zygote: ZygoteHandle | None = None
        self._why_unconfined: str | None = None  # bubblewrap was there but failed

    def __enter__(self) -> "Sandbox":
        self._start()  # warms up (imports torch) while the grader loads the course
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._zygote is not None:
            self._zygote.close()  # and removes its box, if it has one on the host
            self._zygote = None

    def _start(self) -> ZygoteHandle:
        if self._zygote is None or not self._zygote.alive():
            if self._zygote is not None:
                self._zygote.close()
            self._zygote = ZygoteHandle(confine=self.confine, disk_mb=self.disk_mb)
        return self._zygote

    def _ready(self) -> ZygoteHandle:
        """A started, warmed-up zygote; falls back to an unconfined one if bubblewrap fails here."""
        zygote = self._start()
        try:
            zygote.wait_ready()
        except ZygoteGone as e:
            if not zygote.bwrap:
                raise
            self._why_unconfined = f"bubblewrap failed ({str(e)[:300]})"
            self.confine = False
            zygote.close()
            self._zygote = None
            zygote = self._start()
            zygote.wait_ready()
        if zygote.user_note:
            self._note(zygote.user_note)
        if not zygote.bwrap and (self.confine or self._why_unconfined):
            self._note(_unconfined_note(zygote, self._why_unconfined))
        return zygote

    def _note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)
            print(f"grade: note: {text}", file=sys.stderr)

    def run(self, submission: Submission, calls: Sequence[Call], *, forbidden: Mapping | None = None,
            limits: Any = None, time_per_case: float | None = None, time_total: float | None = None,
            memory_mb: int | None = None) -> list[Outcome]:
        """Outcomes in call order. `limits` may be course.yml's limits (time_per_case,
        time_per_exercise, memory_mb); explicit keywords override it."""
        limit = Limits(
            case=_first(time_per_case, getattr(limits, "time_per_case", None), self.time_per_case),
            total=_first(time_total, getattr(limits, "time_per_exercise", None), self.time_total),
            memory=_first(memory_mb, getattr(limits, "memory_mb", None), self.memory_mb),
            importing=self.time_import)
        forbidden = dict(forbidden or self.forbidden or {}) or None
        outcomes: list[Outcome | None] = [None] * len(calls)
        _refuse_statically(submission, calls, forbidden, outcomes)
        deadline = time.monotonic() + limit.total
        encoded = [_encode_call(c) for c in calls]
        graph = call_graph(submission.sources.get(submission.module, ""))
        order = graph.order([c.function for c in calls])  # callees first: a loop is found where it is
        self._start()
        while True:  # each run's folders are emptied by the zygote when its processes are gone
            todo = [i for i in order if outcomes[i] is None]
            if not todo or time.monotonic() >= deadline:
                break
            _Run(self, submission, calls, encoded, todo, outcomes, deadline, limit, forbidden, graph).go()
        budget = f"not run: the exercise's time budget of {limit.total:g} s ran out"
        return [o or Outcome(Status.TIMEOUT, message=budget) for o in outcomes]

    def time(self, submission: Submission, function: str, inputs: Sequence[tuple[tuple, Mapping[str, Any]]], *,
             baseline: str, check: Callable[[int, Any], str], forbidden: Mapping | None = None, limits: Any = None,
             time_per_case: float | None = None, time_total: float | None = None,
             memory_mb: int | None = None, result_bytes: int = 0) -> Timing:
        """`baseline` (a dotted name, in processes that never import the submission) before and after
        `function` of the submission, each called on every input in turn (args, kwargs: arrays
        positional), the first call a warm-up; the zygote reads the process's CPU clock around each
        call (stopwatch.py). check(k, value) returns "" when call k's result is right, else why; a
        wrong result stops the run. `result_bytes`, one right result's size, and the inputs' size the
        heap each timed process prepares (stopwatch.heap_mb)."""
        from autograder.sandbox import stopwatch

        limit = Limits(
            case=_first(time_per_case, getattr(limits, "time_per_case", None), self.time_per_case),
            total=_first(time_total, getattr(limits, "time_per_exercise", None), self.time_total),
            memory=_first(memory_mb, getattr(limits, "memory_mb", None), self.memory_mb),
            importing=self.time_import)
        self._start()  # each process's folders are emptied by the zygote when it is killed
        return stopwatch.time_both(self, submission, function, list(inputs), baseline=baseline, check=check,
                                   forbidden=dict(forbidden or self.forbidden or {}) or None, limit=limit,
                                   result_bytes=result_bytes)


def _unconfined_note(zygote: ZygoteHandle, why: str | None) -> str:
    """One line: which protections apply without bubblewrap, and which do not."""
    head = f"{why or 'bubblewrap (bwrap) is not available'}: "
    if not zygote.user:
        return (head + "student code runs as this user, under a seccomp filter (no new programs or processes, "
                "no network sockets, no signals to other processes), without a private filesystem or a pid namespace")
    uid, gid = zygote.user
    ll = zygote.protections.get("landlock")
    if ll == "applied":
        fs = "Landlock makes the filesystem read-only outside its folder and hides the course"
    else:
        fs = f"no Landlock ({ll or 'not tried'}): it can read what uid {uid} can read and write where it may (/tmp)"
    if zygote.protections.get("read_search"):
        fs += (f" (the Python installation is not readable by uid {uid}: it may read past file modes, "
               "within Landlock's list)")
    return (head + f"student code runs as uid {uid} gid {gid} with no supplementary groups, under a seccomp filter "
            f"(no new programs or processes, no network sockets, no signals to other processes); {fs}; "
            "it shares the machine's pid namespace")


def _first(*values):
    return next(v for v in values if v is not None)


def _refuse_statically(submission: Submission, calls: Sequence[Call], forbidden: Mapping | None,
                       outcomes: list) -> None:
    """When the exercise forbids anything, a file that breaks the static policy (autograder.judging.forbidden)
    is refused as a whole, without running: its guards could be undone."""
    if not forbidden:
        return
    from autograder.judging import forbidden as policy

    finding = policy.check(submission.sources, submission.module)
    if finding is not None:
        for i in range(len(calls)):
            outcomes[i] = Outcome(Status.FORBIDDEN, error="ForbiddenCall", message=finding.message())


class _Run:
    """One forked process working through `todo`; fills `outcomes` as results arrive."""

    def __init__(self, sandbox: Sandbox, submission, calls, encoded, todo, outcomes, deadline, limit, forbidden,
                 graph: CallGraph | None = None):
        self.sandbox, self.submission, self.calls, self.graph = sandbox, submission, calls, graph or CallGraph()
        self.todo, self.outcomes, self.deadline, self.limit = list(todo), outcomes, deadline, limit
        self.request = {"module": submission.module, "sources": dict(submission.sources),
                        "forbidden": forbidden, "calls": encoded, "todo": self.todo}
        self.lines = bytearray()
        self.output = Output()
        self.imported = ""  # what importing the submission printed: shown with the first call

    def go(self) -> None:
        try:
            zygote = self.sandbox._ready()
        except ZygoteGone as e:
            self._all(Status.CRASH, f"the grader could not start the student's process: {e}")
            return
        request = sealed(json.dumps(self.request).encode())
        results_r, results_w = os.pipe()
        output_r, output_w = os.pipe()
        for fd in (results_r, output_r):
            os.set_blocking(fd, False)
        try:
            try:
                zygote.fork(self.limit.memory, [request, results_w, output_w])
            finally:
                for fd in (request, results_w, output_w):
                    os.close(fd)
            self._watch(zygote, results_r, output_r)
        except ZygoteGone as e:  # the student's code killed the zygote (possible only unconfined)
            self._cut(Status.CRASH, f"the student's process took the grader's fork server down: {e}")
        finally:
            try:
                zygote.kill()
            except ZygoteGone:
                pass
            os.close(results_r)
            os.close(output_r)

    def _watch(self, zygote: ZygoteHandle, results_r: int, output_r: int) -> None:
        """Results first, then output, each read bounded: the child sends a result only once we
        have read all output before it, so what we read before a result is that call's output."""
        importing = True
        limit = time.monotonic() + self.limit.importing
        self.watched = {results_r, output_r}
        while self.todo:
            until = min(limit, self.deadline)
            left = until - time.monotonic()
            ready = select.select([*self.watched, zygote.sock], [], [], left)[0] if left > 0 else []
            if not ready:
                if time.monotonic() >= self.deadline:
                    self._cut(Status.TIMEOUT, f"the exercise's time budget of {self.limit.total:g} s ran out here")
                elif importing:
                    self._all(Status.TIMEOUT, f"importing {self.submission.module}.py took longer than "
                                         f"{self.limit.importing:g} s")
                else:
                    self._timeout()
                return
            if zygote.sock in ready:
                zygote.receive(time.monotonic() + 1)
            if results_r in ready or zygote.exit_status is not None:
                messages = self._messages(results_r)
                if messages is None:
                    self._cut(Status.CRASH, f"the student's process sent a result larger than {RESULT_CAP >> 20} MiB",
                              one=True)
                    return
                for msg in messages:
                    if msg.get("i") == -1:
                        if msg.get("status") == Status.CRASH:
                            self._all(Status.CRASH, f"importing {self.submission.module}.py failed:\n"
                                               f"{str(msg.get('message', ''))[:4000]}", error=msg.get("error"))
                            return
                        self._noted(msg.get("protections"))
                        self.imported = self.output.take()
                        importing = False
                    elif msg.get("i") == self.todo[0]:
                        i = self.todo.pop(0)
                        self.outcomes[i] = _outcome(msg, self.imported + self.output.take())
                        self.imported = ""
                    else:
                        continue
                    limit = time.monotonic() + self.limit.case
                    if not self.todo:
                        return
            if output_r in ready and not self.output.drain(output_r):
                self.watched.discard(output_r)
            if zygote.exit_status is not None:
                self.output.drain(output_r)
                why = death(zygote.exit_status)
                if zygote.disk_mb is not None:
                    why = (f"the process was stopped: it had written {zygote.disk_mb} MiB to disk, "
                           f"past the {zygote.disk_cap} MiB it may use")
                if importing:
                    self._all(Status.CRASH, f"importing {self.submission.module}.py failed: {why}")
                else:
                    self._cut(Status.CRASH, why, one=True)
                return

    def _messages(self, fd: int) -> list[dict] | None:
        """Complete result lines read so far (at most READ_BURST bytes now); None once one is
        larger than RESULT_CAP, with or without its end."""
        got, before = 0, len(self.lines)
        while got < READ_BURST:
            try:
                chunk = os.read(fd, 1 << 20)
            except BlockingIOError:
                break
            if not chunk:
                self.watched.discard(fd)  # the student closed it: select would wake at once, forever
                break
            got += len(chunk)
            self.lines += chunk
        end = self.lines.rfind(b"\n", before)  # what came before had no newline
        if end < 0:
            return None if len(self.lines) > RESULT_CAP else []
        complete = bytes(self.lines[:end]).split(b"\n")
        del self.lines[:end + 1]
        out = []
        for line in complete:
            if len(line) > RESULT_CAP:
                return None
            try:
                msg = json.loads(line)
            except ValueError:
                continue
            if isinstance(msg, dict):
                out.append(msg)
        return None if len(self.lines) > RESULT_CAP else out

    def _noted(self, protections) -> None:
        """The child says if its seccomp filter could not be installed (an old kernel, another arch)."""
        why = protections.get("seccomp") if isinstance(protections, dict) else None
        if isinstance(why, str):
            self.sandbox._note(f"no seccomp filter in the student's process ({why[:200]})")

    def _timeout(self) -> None:
        """The current case ran too long; the rest of that function's cases are not run, nor those of
        the functions that call it (callers.py): they would run it again."""
        i = self.todo[0]
        fn = self.calls[i].function
        self._set(i, Status.TIMEOUT, f"ran past the {self.limit.case:g} s limit per case")
        callers = self.graph.callers(fn)
        for k in list(self.todo):
            if self.calls[k].function == fn:
                self._set(k, Status.TIMEOUT,
                          f"not run: an earlier case of {fn} ran past the {self.limit.case:g} s limit")
            elif self.calls[k].function in callers:
                self._set(k, Status.TIMEOUT,
                          f"not run: it calls {fn}, whose case ran past the {self.limit.case:g} s limit")

    def _cut(self, status: Status, message: str, one: bool = False) -> None:
        if not self.todo:
            return
        self._set(self.todo[0], status, message)
        if not one:
            for k in list(self.todo):
                self._set(k, status, f"not run: {message}")

    def _all(self, status: Status, message: str, error: str | None = None) -> None:
        output = self.output.take()
        for k in list(self.todo):
            self._set(k, status, message, error=error, output=output)

    def _set(self, i: int, status: Status, message: str, error: str | None = None, output: str | None = None) -> None:
        self.outcomes[i] = Outcome(status, error=error, message=message,
                                   output=self.output.take() if output is None else output)
        if i in self.todo:
            self.todo.remove(i)


def _encode_call(call: Call) -> dict:
    from autograder.sandbox import wire

    # no timing here: a time the student's process reports is never believed (see Sandbox.time)
    return {"function": call.function, "args": [wire.encode(a) for a in call.args],
            "kwargs": {k: wire.encode(v) for k, v in call.kwargs.items()}}


def _outcome(msg: dict, output: str) -> Outcome:
    status = msg.get("status")
    seconds = float(msg["seconds"]) if type(msg.get("seconds")) in (int, float) else 0.0
    if status == Status.RETURNED:
        from autograder.sandbox import wire

        try:
            value = wire.decode(msg.get("value"))
        except (wire.WireError, ValueError, TypeError) as e:
            return Outcome(Status.CRASH, message=f"the result could not be read: {e}", output=output)
        changed = msg.get("changed")
        changed = tuple(str(c)[:60] for c in changed[:10]) if isinstance(changed, list) else ()
        return Outcome(Status.RETURNED, value=value, output=output, seconds=seconds, changed=changed)
    if status in (Status.RAISED, Status.NOT_IMPLEMENTED, Status.FORBIDDEN, Status.CRASH):
        return Outcome(Status(status), error=str(msg.get("error") or "")[:100] or None,
                       message=str(msg.get("message", ""))[:4000], output=output, seconds=seconds)
    return Outcome(Status.CRASH, message="the student's process sent something unreadable", output=output)
