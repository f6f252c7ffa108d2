"""Run a submission's functions in another process, with time limits; plain data comes back."""
from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Mapping, Sequence

from autograder.cases.space import Call
from autograder.sandbox import wire

CHILD = Path(__file__).with_name("child.py")
Status = Literal["returned", "raised", "not-implemented", "forbidden", "timeout", "crash"]


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
    timing: Mapping[str, float] | None = None  # for calls with time_repeats: median seconds, student and baseline


@dataclass
class Sandbox:
    """Runs calls in a fresh process per submission; a timeout or a dead process costs one call."""

    time_per_case: float = 2.0
    time_total: float = 60.0
    forbidden: Sequence[str] = field(default_factory=tuple)

    def __enter__(self) -> "Sandbox":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        pass

    def run(self, submission: Submission, calls: Sequence[Call], *, forbidden: Sequence[str] = ()) -> list[Outcome]:
        outcomes: list[Outcome | None] = [None] * len(calls)
        deadline = time.monotonic() + self.time_total
        encoded = [_encode_call(c) for c in calls]
        with tempfile.TemporaryDirectory(prefix="grade-") as tmp:
            for name, text in submission.sources.items():
                Path(tmp, f"{name}.py").write_text(text, encoding="utf-8")
            start = 0
            while start < len(calls):
                start = self._run_from(tmp, submission, encoded, calls, start, outcomes, deadline,
                                       list(forbidden or self.forbidden))
        return [o or Outcome("timeout", message="not run: the exercise's time budget ran out") for o in outcomes]

    def _run_from(self, tmp, submission, encoded, calls, start, outcomes, deadline, forbidden) -> int:
        """Run calls[start:] in one process; returns where to start the next process."""
        if time.monotonic() >= deadline:
            return len(calls)
        read_fd, write_fd = os.pipe()
        proc = subprocess.Popen(
            [sys.executable, "-I", "-B", str(CHILD)], cwd=tmp, stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, pass_fds=(write_fd,),
            start_new_session=True, env=_child_env(tmp),
        )
        os.close(write_fd)
        request = {"fd": write_fd, "module": submission.module, "forbidden": forbidden,
                   "calls": encoded, "start": start}
        try:
            proc.stdin.write((json.dumps(request) + "\n").encode())
            proc.stdin.close()
        except BrokenPipeError:
            pass
        reader = _Lines(read_fd)
        i = start
        # importing torch and the submission gets its own allowance
        limit = time.monotonic() + max(self.time_per_case, 20.0)
        try:
            while i < len(calls):
                line = reader.next_line(min(limit, deadline))
                if line is None:
                    timed_out = time.monotonic() >= min(limit, deadline)
                    _kill(proc)
                    if timed_out:
                        outcomes[i] = Outcome("timeout", message=f"ran past the {self.time_per_case:g} s limit per case")
                    else:
                        outcomes[i] = Outcome("crash", message=_death(proc))
                    return i + 1
                try:
                    msg = json.loads(line)
                except ValueError:
                    continue
                if msg.get("i") == -1:
                    if msg.get("status") == "crash":  # the submission failed to import
                        text = msg.get("message", "")
                        for k in range(i, len(calls)):
                            outcomes[k] = Outcome("crash", error=msg.get("error"),
                                                  message=f"importing {submission.module}.py failed:\n{text}",
                                                  output=msg.get("output", ""))
                        return len(calls)
                    limit = time.monotonic() + self.time_per_case
                    continue
                if msg.get("i") != i:
                    continue
                outcomes[i] = _outcome(msg)
                i += 1
                limit = time.monotonic() + self.time_per_case
            return i
        finally:
            _kill(proc)
            reader.close()


def _encode_call(call: Call) -> dict:
    return {"function": call.function, "args": [wire.encode(a) for a in call.args],
            "kwargs": {k: wire.encode(v) for k, v in call.kwargs.items()},
            "time_repeats": call.time_repeats, "baseline": call.baseline}


def _outcome(msg: dict) -> Outcome:
    status = msg.get("status")
    output = str(msg.get("output", ""))[: 70 * 1024]
    seconds = float(msg.get("seconds", 0.0)) if isinstance(msg.get("seconds"), (int, float)) else 0.0
    if status == "returned":
        try:
            value = wire.decode(msg.get("value"))
        except (wire.WireError, ValueError, TypeError) as e:
            return Outcome("crash", message=f"the result could not be read: {e}", output=output)
        timing = msg.get("timing")
        if not (isinstance(timing, dict) and all(isinstance(v, (int, float)) and v >= 0 for v in timing.values())):
            timing = None
        return Outcome("returned", value=value, output=output, seconds=seconds, timing=timing)
    if status in ("raised", "not-implemented", "forbidden", "crash"):
        return Outcome(status, error=str(msg.get("error") or "") or None, message=str(msg.get("message", ""))[:4000],
                       output=output, seconds=seconds)
    return Outcome("crash", message="the student's process sent something unreadable", output=output)


class _Lines:
    def __init__(self, fd: int):
        self.fd, self.buf = fd, b""

    def next_line(self, until: float) -> str | None:
        while b"\n" not in self.buf:
            left = until - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self.fd], [], [], left)
            if not ready:
                return None
            chunk = os.read(self.fd, 1 << 20)
            if not chunk:
                return None
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line.decode("utf-8", "replace")

    def close(self) -> None:
        try:
            os.close(self.fd)
        except OSError:
            pass


def _kill(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass


def _death(proc: subprocess.Popen) -> str:
    code = proc.poll()
    if code is not None and code < 0:
        return f"the process died of signal {signal.Signals(-code).name}"
    return f"the process ended (exit status {code}) before returning"


def _child_env(tmp: str) -> dict[str, str]:
    keep = ("PATH", "LANG", "LC_ALL", "HOME", "SYSTEMROOT")
    env = {k: os.environ[k] for k in keep if k in os.environ}
    env.update({"HOME": tmp, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "PYTHONDONTWRITEBYTECODE": "1"})
    return env
