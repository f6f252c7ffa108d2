"""Run a submission's functions in another process, with limits; plain data comes back.

One process per submission run, forked from a zygote that has numpy and torch imported,
in its own session, confined by bubblewrap where available (see bwrap.py). A case that
runs past its time, or a process that dies, costs that case: the rest continue in a fresh
fork. Forbidden calls are refused twice: statically (autograder.forbidden, before running)
and at run time (guards in child.py).
"""
from __future__ import annotations

import json
import os
import secrets
import select
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Literal, Mapping, Sequence

from autograder.sandbox.spawn import Zygote, ZygoteGone

if TYPE_CHECKING:  # numpy (through these) is not on the path to starting the zygote
    from autograder.cases.space import Call

Status = Literal["returned", "raised", "not-implemented", "forbidden", "timeout", "crash"]
OUTPUT_CAP = 64 * 1024


@dataclass(frozen=True)
class Submission:
    """The student's files as text: `module` is imported; its siblings may be imported by it."""

    module: str
    sources: Mapping[str, str]
    origin: str = ""


@dataclass(frozen=True)
class Outcome:
    """What one call did. `value` is decoded plain data (see wire.decode) when status is returned."""

    status: Status
    value: Any = None
    error: str | None = None
    message: str = ""
    output: str = ""
    seconds: float = 0.0
    timing: "Timing | None" = None  # for calls with time_repeats: set by the grader's timed run (Sandbox.time)


@dataclass(frozen=True)
class Timing:
    """A timed run (Sandbox.time): CPU seconds of each timed call, the student's function's and the
    baseline's, on the same fresh inputs; or why it stopped (status wrong, timeout, crash, forbidden,
    raised, not-implemented) and, in `message`, where."""

    status: str = "returned"
    student: tuple[float, ...] = ()
    baseline: tuple[float, ...] = ()
    message: str = ""
    output: str = ""

    def fastest(self) -> tuple[float, float]:
        """The fastest call of each side: interference (the machine's load) only ever adds CPU time,
        and no call can be made cheaper than its work, since every input is new and every result checked."""
        return min(self.student, default=0.0), min(self.baseline, default=0.0)


@dataclass
class Sandbox:
    """Runs calls in a process per submission; a timeout or a dead process costs one call.

    `time_total` bounds one run() (an exercise's cases); `time_import` bounds importing the
    submission. `confine=False` skips bubblewrap (for benchmarks). `notes` lists the
    protections that could not be applied on this machine.
    """

    time_per_case: float = 2.0
    time_total: float = 60.0
    forbidden: Sequence[str] = field(default_factory=tuple)
    memory_mb: int = 4096
    time_import: float = 10.0
    confine: bool = True
    notes: list[str] = field(default_factory=list)

    def __post_init__(self):
        self._zygote: Zygote | None = None
        self._box: str | None = None

    def __enter__(self) -> "Sandbox":
        self._start()  # warms up (imports torch) while the grader loads the course
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._zygote is not None:
            self._zygote.close()
            self._zygote = None
        if self._box is not None:
            shutil.rmtree(self._box, ignore_errors=True)
            self._box = None

    def _start(self) -> Zygote:
        if self.confine and not self.notes:
            from autograder.sandbox import bwrap

            if bwrap.available() is None:
                self._note("bubblewrap (bwrap) is not available: student code runs without a private "
                           "filesystem, network isolation or a pid namespace")
        if self._box is None:
            self._box = tempfile.mkdtemp(prefix="grade-box-")
        if self._zygote is None or not self._zygote.alive():
            if self._zygote is not None:
                self._zygote.close()
            self._zygote = Zygote(self._box, confine=self.confine)
        return self._zygote

    def _ready(self) -> Zygote:
        """A started, warmed-up zygote; falls back to an unconfined one if bubblewrap fails here."""
        zygote = self._start()
        try:
            zygote.wait_ready()
            return zygote
        except ZygoteGone as e:
            if not zygote.bwrap:
                raise
            self._note(f"bubblewrap failed ({str(e)[:300]}); student code runs without a private "
                       "filesystem, network isolation or a pid namespace")
            self.confine = False
            zygote.close()
            self._zygote = None
            zygote = self._start()
            zygote.wait_ready()
            return zygote

    def _note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)
            print(f"grade: note: {text}", file=sys.stderr)

    def run(self, submission: Submission, calls: Sequence[Call], *, forbidden: Sequence[str] = (),
            limits: Any = None, time_per_case: float | None = None, time_total: float | None = None,
            memory_mb: int | None = None) -> list[Outcome]:
        """Outcomes in call order. `limits` may be course.yml's limits (time_per_case,
        time_per_exercise, memory_mb); explicit keywords override it."""
        limit = _Limits(
            case=_first(time_per_case, getattr(limits, "time_per_case", None), self.time_per_case),
            total=_first(time_total, getattr(limits, "time_per_exercise", None), self.time_total),
            memory=_first(memory_mb, getattr(limits, "memory_mb", None), self.memory_mb),
            importing=self.time_import)
        forbidden = tuple(forbidden or self.forbidden)
        outcomes: list[Outcome | None] = [None] * len(calls)
        _refuse_statically(submission, calls, forbidden, outcomes)
        deadline = time.monotonic() + limit.total
        encoded = [_encode_call(c) for c in calls]
        self._start()
        rundir = tempfile.mkdtemp(prefix="run-", dir=self._box)
        try:
            for name, text in submission.sources.items():
                Path(rundir, f"{name}.py").write_text(text, encoding="utf-8")
            while True:
                todo = [i for i, o in enumerate(outcomes) if o is None]
                if not todo or time.monotonic() >= deadline:
                    break
                _Run(self, rundir, submission, calls, encoded, todo, outcomes, deadline, limit, forbidden).go()
        finally:
            self._empty_box()
        budget = f"not run: the exercise's time budget of {limit.total:g} s ran out"
        return [o or Outcome("timeout", message=budget) for o in outcomes]

    def time(self, submission: Submission, function: str, inputs: Sequence[tuple[tuple, Mapping[str, Any]]], *,
             baseline: str, check: Callable[[int, Any], str], forbidden: Sequence[str] = (), limits: Any = None,
             time_per_case: float | None = None, time_total: float | None = None,
             memory_mb: int | None = None) -> Timing:
        """`baseline` (a dotted name, in processes that never import the submission) before and after
        `function` of the submission, each called on every input in turn (args, kwargs: arrays
        positional), the first call a warm-up; the zygote reads the process's CPU clock around each
        call (stopwatch.py). check(k, value) returns "" when call k's result is right, else why; a
        wrong result stops the run."""
        from autograder.sandbox import stopwatch

        limit = _Limits(
            case=_first(time_per_case, getattr(limits, "time_per_case", None), self.time_per_case),
            total=_first(time_total, getattr(limits, "time_per_exercise", None), self.time_total),
            memory=_first(memory_mb, getattr(limits, "memory_mb", None), self.memory_mb),
            importing=self.time_import)
        self._start()
        try:
            return stopwatch.time_both(self, submission, function, list(inputs), baseline=baseline, check=check,
                                       forbidden=tuple(forbidden or self.forbidden), limit=limit)
        finally:
            self._empty_box()

    def _empty_box(self) -> None:
        """The whole box, not just one run's folder: nothing passes to the next submission."""
        for name in os.listdir(self._box):
            path = os.path.join(self._box, name)
            shutil.rmtree(path, ignore_errors=True) if os.path.isdir(path) and not os.path.islink(path) \
                else os.unlink(path)


def _first(*values):
    return next(v for v in values if v is not None)


@dataclass(frozen=True)
class _Limits:
    case: float
    total: float
    memory: int
    importing: float


def _refuse_statically(submission: Submission, calls: Sequence[Call], forbidden: Sequence[str],
                       outcomes: list) -> None:
    """Cases of functions whose source uses a forbidden name are `forbidden` without running."""
    if not forbidden:
        return
    from autograder import forbidden as scan

    text = submission.sources.get(submission.module, "")
    found = scan.by_function(scan.scan(text, forbidden, filename=f"{submission.module}.py"),
                             {c.function for c in calls}, text)
    for i, call in enumerate(calls):
        if call.function in found:
            outcomes[i] = Outcome("forbidden", error="ForbiddenCall", message=found[call.function].message())


class _Run:
    """One forked process working through `todo`; fills `outcomes` as results arrive."""

    def __init__(self, sandbox: Sandbox, rundir, submission, calls, encoded, todo, outcomes, deadline, limit, forbidden):
        self.sandbox, self.rundir, self.submission, self.calls = sandbox, rundir, submission, calls
        self.todo, self.outcomes, self.deadline, self.limit = list(todo), outcomes, deadline, limit
        token = secrets.token_hex(8)
        request = {"module": submission.module, "forbidden": list(forbidden), "calls": encoded, "todo": self.todo,
                   "marker": token}
        Path(rundir, ".request.json").write_text(json.dumps(request), encoding="utf-8")
        self.lines = b""
        self.output = _Output(token)
        self.imported = ""  # what importing the submission printed: shown with the first call

    def go(self) -> None:
        try:
            zygote = self.sandbox._ready()
        except ZygoteGone as e:
            self._all("crash", f"the grader could not start the student's process: {e}")
            return
        results_r, results_w = os.pipe()
        output_r, output_w = os.pipe()
        for fd in (results_r, output_r):
            os.set_blocking(fd, False)
        try:
            try:
                zygote.fork(self.rundir, self.limit.memory, [results_w, output_w])
            finally:
                os.close(results_w)
                os.close(output_w)
            self._watch(zygote, results_r, output_r)
        except ZygoteGone as e:  # the student's code killed the zygote (possible only unconfined)
            self._cut("crash", f"the student's process took the grader's fork server down: {e}")
        finally:
            try:
                zygote.kill()
            except ZygoteGone:
                pass
            os.close(results_r)
            os.close(output_r)

    def _watch(self, zygote: Zygote, results_r: int, output_r: int) -> None:
        importing = True
        limit = time.monotonic() + self.limit.importing
        while self.todo:
            until = min(limit, self.deadline)
            left = until - time.monotonic()
            ready = select.select([results_r, output_r, zygote.sock], [], [], max(left, 0))[0] if left > 0 else []
            if not ready:
                if time.monotonic() >= self.deadline:
                    self._cut("timeout", f"the exercise's time budget of {self.limit.total:g} s ran out here")
                elif importing:
                    self._all("timeout", f"importing {self.submission.module}.py took longer than "
                                         f"{self.limit.importing:g} s")
                else:
                    self._timeout()
                return
            if output_r in ready:
                self.output.drain(output_r)
            if zygote.sock in ready:
                zygote.receive(time.monotonic() + 1)
            if results_r in ready or zygote.exit_status is not None:
                for msg in self._messages(results_r):
                    if msg.get("i") == -1:
                        if msg.get("status") == "crash":
                            self.output.drain(output_r)
                            self._all("crash", f"importing {self.submission.module}.py failed:\n"
                                               f"{str(msg.get('message', ''))[:4000]}", error=msg.get("error"))
                            return
                        self.output.drain(output_r)
                        self.imported = self.output.take(-1)
                        importing = False
                    elif msg.get("i") == self.todo[0]:
                        self.output.drain(output_r)
                        i = self.todo.pop(0)
                        self.outcomes[i] = _outcome(msg, self.imported + self.output.take(i))
                        self.imported = ""
                    else:
                        continue
                    limit = time.monotonic() + self.limit.case
                    if not self.todo:
                        return
            if zygote.exit_status is not None:
                self.output.drain(output_r)
                why = _death(zygote.exit_status)
                if importing:
                    self._all("crash", f"importing {self.submission.module}.py failed: {why}")
                else:
                    self._cut("crash", why, one=True)
                return

    def _messages(self, fd: int) -> list[dict]:
        try:
            while chunk := os.read(fd, 1 << 20):
                self.lines += chunk
        except BlockingIOError:
            pass
        *complete, self.lines = self.lines.split(b"\n")
        out = []
        for line in complete:
            try:
                msg = json.loads(line)
            except ValueError:
                continue
            if isinstance(msg, dict):
                out.append(msg)
        return out

    def _timeout(self) -> None:
        """The current case ran too long; the rest of that function's cases are not run."""
        i = self.todo[0]
        fn = self.calls[i].function
        self._set(i, "timeout", f"ran past the {self.limit.case:g} s limit per case")
        for k in list(self.todo):
            if self.calls[k].function == fn:
                self._set(k, "timeout", f"not run: an earlier case of {fn} ran past the {self.limit.case:g} s limit")

    def _cut(self, status: str, message: str, one: bool = False) -> None:
        if not self.todo:
            return
        self._set(self.todo[0], status, message)
        if not one:
            for k in list(self.todo):
                self._set(k, status, f"not run: {message}")

    def _all(self, status: str, message: str, error: str | None = None) -> None:
        output = self.output.take()
        for k in list(self.todo):
            self._set(k, status, message, error=error, output=output)

    def _set(self, i: int, status: str, message: str, error: str | None = None, output: str | None = None) -> None:
        self.outcomes[i] = Outcome(status, error=error, message=message,
                                   output=self.output.take() if output is None else output)
        if i in self.todo:
            self.todo.remove(i)


class _Output:
    """What the student's process wrote to fds 1 and 2, split per call at the markers the child
    writes after each call; per call, the first 64 KiB and a count of the rest."""

    def __init__(self, token: str):
        self.prefix = b"\x00\x1egrade:" + token.encode() + b":"
        self.tail = b""  # bytes that may hold the start of a marker
        self.kept = bytearray()
        self.dropped = 0
        self.closed: dict[int, str] = {}  # call index -> its output, once its marker came

    def drain(self, fd: int) -> None:
        try:
            while chunk := os.read(fd, 1 << 20):
                self._feed(chunk)
        except BlockingIOError:
            pass

    def _feed(self, data: bytes) -> None:
        buf = self.tail + data
        while True:
            k = buf.find(self.prefix)
            if k < 0:
                keep = max(0, len(buf) - len(self.prefix) - 24)
                self._add(buf[:keep])
                self.tail = buf[keep:]
                return
            end = buf.find(b"\x1e\x00", k + len(self.prefix), k + len(self.prefix) + 24)
            if end < 0:
                self._add(buf[:k])
                if len(buf) - k < len(self.prefix) + 24:
                    self.tail = buf[k:]  # the marker is not all here yet
                    return
                self._add(buf[k:k + 1])  # not a marker after all
                buf = buf[k + 1:]
                continue
            self._add(buf[:k])
            label = buf[k + len(self.prefix):end]
            if label.lstrip(b"-").isdigit():
                self.closed[int(label)] = self._close()
            buf = buf[end + 2:]

    def _add(self, data: bytes) -> None:
        room = max(OUTPUT_CAP - len(self.kept), 0)
        self.kept += data[:room]
        self.dropped += max(0, len(data) - room)

    def _close(self) -> str:
        text = self.kept.decode("utf-8", "replace")
        if self.dropped:
            text += f"\n[... {self.dropped} more bytes of output not shown]"
        self.kept, self.dropped = bytearray(), 0
        return text

    def take(self, i: int | None = None) -> str:
        """Call i's output (import-time output is -1's); without a marker, whatever came so far."""
        if i is not None and i in self.closed:
            return self.closed.pop(i)
        self._add(self.tail)
        self.tail = b""
        return self._close()


def _encode_call(call: Call) -> dict:
    from autograder.sandbox import wire

    # no timing here: a time the student's process reports is never believed (see Sandbox.time)
    return {"function": call.function, "args": [wire.encode(a) for a in call.args],
            "kwargs": {k: wire.encode(v) for k, v in call.kwargs.items()}}


def _outcome(msg: dict, output: str) -> Outcome:
    status = msg.get("status")
    seconds = float(msg["seconds"]) if type(msg.get("seconds")) in (int, float) else 0.0
    if status == "returned":
        from autograder.sandbox import wire

        try:
            value = wire.decode(msg.get("value"))
        except (wire.WireError, ValueError, TypeError) as e:
            return Outcome("crash", message=f"the result could not be read: {e}", output=output)
        return Outcome("returned", value=value, output=output, seconds=seconds)
    if status in ("raised", "not-implemented", "forbidden", "crash"):
        return Outcome(status, error=str(msg.get("error") or "")[:100] or None,
                       message=str(msg.get("message", ""))[:4000], output=output, seconds=seconds)
    return Outcome("crash", message="the student's process sent something unreadable", output=output)


def _death(status: int) -> str:
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        try:
            name = signal.Signals(sig).name
        except ValueError:
            name = str(sig)
        extra = " (out of memory?)" if sig == signal.SIGKILL else ""
        return f"the process died of signal {name}{extra} before returning"
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else status
    return f"the process ended (exit status {code}) before returning: os._exit or a crash in C code?"
