"""The grader's side of a timed run (Sandbox.time): fresh inputs out, CPU clock readings, results back.

The student's function runs in a process forked for the run (timed.py, role "student": the same
guards and import as a normal run); the baseline runs afterwards, once every student process is
dead, in another fork that never imports the submission (role "baseline"). For each input:

    zygote reads the process's CPU clock -> the input goes out -> the whole result comes back
    -> zygote reads the clock again

so a call's time is the kernel's count of the CPU its process used (every thread, every child),
read by the zygote, which the student's process cannot reach. The student's process never sees
an input before its clock reading, every input is new (nothing can be kept from an earlier call),
every result is checked, and it reports no time of its own. Reading inputs and sending results
costs both sides the same work: arrays cross through two shared memory files (timed.py).
"""
from __future__ import annotations

import json
import mmap
import os
import select
import socket
import time
from typing import Any, Callable

import numpy as np

from autograder.sandbox import wire
from autograder.pipeline import Status, Timing
from autograder.sandbox.channels import Limits, Output, death, sealed
from autograder.sandbox.spawn import ZygoteGone

HEADER_CAP = 1 << 16
RESULT_CAP = 1 << 28  # bytes of one result: far above any workload's, far below the memory limit


class _Stop(Exception):
    """The run ends here: status and message for the Timing."""

    def __init__(self, status: Status, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def heap_mb(inputs: list, result_bytes: int) -> int:
    """MiB of heap each timed process touches before its first call (timed.py): six times one call's
    inputs and result, room for the function's own temporaries, in 16 MiB blocks, from 32 to 256;
    the same for both sides. Less and exercise8's later calls found fresh pages (8 -> 16 ms); more
    only costs memory: 256 MiB for every workload put exercise8's grading above Gradescope's 768 MB."""
    blocks = -(-6 * (_largest_call(inputs) + max(result_bytes, 0)) // (16 << 20))
    return min(max(16 * blocks, 32), 256)


def time_both(sandbox, submission, function: str, inputs: list, *, baseline: str,
              check: Callable[[int, Any], str], forbidden: tuple, limit: Limits, result_bytes: int = 0) -> Timing:
    """The baseline, the student's function, the baseline again (so that a change in the machine's load
    during the run weighs on both sides), each in a process of its own, on the same inputs."""
    deadline = time.monotonic() + limit.total
    output = Output()
    heap = heap_mb(inputs, result_bytes)
    student = dict(role="student", module=submission.module, function=function, forbidden=forbidden, heap_mb=heap)
    theirs: list[float] = []
    for side in ("baseline", "student", "baseline"):
        try:
            if side == "student":
                # every student process is dead when this returns, and the box emptied (zygote.kill):
                # nothing of theirs runs beside the baseline
                mine = _one_side(sandbox, student, submission.sources, inputs, check, limit, deadline, output)
            else:
                theirs += _one_side(sandbox, dict(role="baseline", baseline=baseline, heap_mb=heap), {}, inputs,
                                    check, limit, deadline, Output())
        except _Stop as stop:
            if side == "student":
                return Timing(stop.status, message=stop.message, output=output.take())
            return Timing(Status.CRASH, message=f"the baseline {baseline} could not be timed: {stop.message}",
                          output=output.take())
    return Timing(Status.RETURNED, student=tuple(mine), baseline=tuple(theirs), output=output.take())


def _one_side(sandbox, options: dict, sources: dict, inputs: list, check, limit: Limits, deadline: float,
              output: Output) -> list[float]:
    """CPU seconds of each call after the first, in one fresh process; _Stop when a call goes wrong."""
    try:
        zygote = sandbox._ready()
    except ZygoteGone as e:
        raise _Stop(Status.CRASH, f"the grader could not start the process: {e}") from None
    request = sealed(json.dumps({"sources": dict(sources)}).encode())  # the child writes its own files
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    output_r, output_w = os.pipe()
    os.set_blocking(output_r, False)
    shared = _Shared(inputs)
    try:
        try:
            zygote.fork(limit.memory, [request, theirs.fileno(), output_w], op="time", **options)
        finally:
            theirs.close()
            os.close(request)
            os.close(output_w)
        socket.send_fds(ours, [b"m"], shared.fds)
        link = _Link(ours, output_r, zygote, output, deadline)
        ready = link.receive(time.monotonic() + limit.importing, "importing")
        if ready.get("status") != "ready":
            raise _Stop(Status.CRASH, f"importing failed:\n{_message(ready)}")
        seconds = []
        for k, (args, kwargs) in enumerate(inputs):
            start = zygote.cpu_seconds()
            until = time.monotonic() + limit.case
            link.send(shared.put(args, kwargs), until)  # the input exists for the process from here on
            reply = link.receive(until, "a call")
            value = _value(reply, shared, k)  # copied out before the clock stops: later writes count
            used = zygote.cpu_seconds() - start
            wrong = check(k, value)
            if wrong:
                which = "the warm-up call" if k == 0 else f"timed call {k} of {len(inputs) - 1}"
                raise _Stop(Status.WRONG, f"{which} (on new inputs of the same shapes) was wrong: {wrong}")
            if k:
                seconds.append(used)
        return seconds
    except ZygoteGone as e:
        raise _Stop(Status.CRASH, f"the student's process took the grader's fork server down: {e}") from None
    finally:
        try:
            zygote.kill()
        except ZygoteGone:
            pass
        ours.close()
        shared.close()
        output.drain(output_r)
        os.close(output_r)


class _Shared:
    """The two shared memory files: inputs (as large as the largest call's arrays) and the result
    (sparse, RESULT_CAP long: only what is written takes memory)."""

    def __init__(self, inputs: list):
        need = _largest_call(inputs)
        self.fds = [os.memfd_create("timed-inputs"), os.memfd_create("timed-result")]
        os.ftruncate(self.fds[0], max(need, 1) + mmap.PAGESIZE)
        os.ftruncate(self.fds[1], RESULT_CAP)
        self.inputs, self.result = (mmap.mmap(fd, 0) for fd in self.fds)

    def put(self, args: tuple, kwargs: dict) -> dict:
        """The call's arrays written to the inputs file; the message that announces them."""
        specs, offset = [], 0
        for a in map(_array, args):
            np.frombuffer(self.inputs, np.uint8, a.nbytes, offset)[:] = a.reshape(-1).view(np.uint8)
            specs.append([a.dtype.name, list(a.shape), offset])
            offset += a.nbytes
        return {"args": specs, "kwargs": {k: wire.encode(v) for k, v in kwargs.items()}}

    def close(self) -> None:
        self.inputs.close()
        self.result.close()
        for fd in self.fds:
            os.close(fd)


def _largest_call(inputs: list) -> int:
    """Bytes of the largest call's positional arrays."""
    return max((sum(_array(a).nbytes for a in args) for args, _ in inputs), default=0)


def _array(value) -> np.ndarray:
    if hasattr(value, "detach"):  # a tensor of the case
        value = value.detach().cpu().numpy()
    if not isinstance(value, np.ndarray):
        raise TypeError(f"a timed call's positional arguments are arrays, not {type(value).__name__}")
    return np.ascontiguousarray(value, dtype=value.dtype.newbyteorder("<"))


def _value(reply: dict, shared: _Shared, k: int):
    """The result as compare.judge reads a normal run's (TaggedArray or Unsupported), copied out of
    the shared file; _Stop otherwise."""
    status = reply.get("status")
    if status == Status.RETURNED:
        if "unsupported" in reply:
            return wire.Unsupported(str(reply["unsupported"])[:200])
        size = _size(reply)
        if size is None:
            raise _Stop(Status.CRASH, "the student's process announced a result that cannot be read")
        dtype = np.dtype(reply["dtype"]).newbyteorder("<")
        array = np.frombuffer(shared.result, dtype, size // dtype.itemsize).reshape(reply["shape"]).copy()
        return wire.TaggedArray(array, "ndarray" if reply.get("src") == "ndarray" else "tensor")
    which = "the warm-up call" if k == 0 else f"timed call {k}"
    if status in (Status.NOT_IMPLEMENTED, Status.FORBIDDEN, Status.CRASH):
        raise _Stop(Status(status), f"{which}: {_message(reply)}")
    if status == Status.RAISED:
        raise _Stop(Status.RAISED, f"{which} raised {str(reply.get('error'))[:100]}:\n{_message(reply)}")
    raise _Stop(Status.CRASH, f"{which}: the student's process sent something unreadable")


def _message(reply: dict) -> str:
    return str(reply.get("message", ""))[:4000]


class _Link:
    """The grader's end of the socket: frames written and read against a deadline, while the process's
    output (fds 1 and 2) is drained and its death noticed."""

    def __init__(self, sock: socket.socket, output_r: int, zygote, output: Output, deadline: float):
        self.sock, self.output_r, self.zygote, self.output, self.deadline = sock, output_r, zygote, output, deadline
        sock.setblocking(False)
        self.buf = bytearray()

    def _wait(self, until: float, write: bool, what: str) -> None:
        until = min(until, self.deadline)
        left = until - time.monotonic()
        if left <= 0:
            if until >= self.deadline:
                raise _Stop(Status.TIMEOUT, "the exercise's time budget ran out during the timed run")
            raise _Stop(Status.TIMEOUT, f"{what} ran past its time limit in the timed run")
        readable = [self.output_r, self.zygote.sock] + ([] if write else [self.sock])
        r, _, _ = select.select(readable, [self.sock] if write else [], [], left)
        if self.output_r in r:
            self.output.drain(self.output_r)
        if self.zygote.sock in r:
            self.zygote.receive(time.monotonic() + 1)
        if self.zygote.exit_status is not None and not (self.sock in r and not write):
            self.output.drain(self.output_r)
            raise _Stop(Status.CRASH, f"during {what}: {death(self.zygote.exit_status)}")

    def send(self, message: dict, until: float) -> None:
        view = memoryview((json.dumps(message) + "\n").encode())
        while view:
            self._wait(until, True, "a call")
            try:
                view = view[self.sock.send(view):]
            except BlockingIOError:
                pass
            except OSError:
                raise _Stop(Status.CRASH, "the student's process closed its end of the timed run") from None

    def receive(self, until: float, what: str) -> dict:
        """The next message (one JSON line, at most HEADER_CAP bytes)."""
        while b"\n" not in self.buf:
            if len(self.buf) >= HEADER_CAP:
                raise _Stop(Status.CRASH, f"during {what}: the student's process sent something unreadable")
            self._wait(until, False, what)
            try:
                chunk = self.sock.recv(HEADER_CAP)
            except BlockingIOError:
                continue
            except OSError:
                chunk = b""
            if not chunk:
                self.output.drain(self.output_r)
                status = self.zygote.exit_status
                why = death(status) if status is not None else "the process closed its end of the timed run"
                raise _Stop(Status.CRASH, f"during {what}: {why}")
            self.buf += chunk
        end = self.buf.index(b"\n")
        try:
            message = json.loads(bytes(self.buf[:end]))
        except ValueError:
            message = None
        del self.buf[:end + 1]
        if not isinstance(message, dict):
            raise _Stop(Status.CRASH, f"during {what}: the student's process sent something unreadable")
        return message


def _size(header: dict) -> int | None:
    """Bytes of the array a header announces, or None if it is malformed or too large."""
    dtype, shape = header.get("dtype"), header.get("shape")
    if dtype not in wire.DTYPES or not isinstance(shape, list) or len(shape) > 8 \
            or any(type(s) is not int or s < 0 for s in shape):
        return None
    size = int(np.prod(shape, dtype=np.float64)) * np.dtype(dtype).itemsize
    return size if size <= RESULT_CAP else None
