"""One process of a timed run: a function called on inputs the grader sends, one input at a time.

Loaded by zygote.py (never by the grader) for {"op": "time"}, in a process forked for it. Role
"student" imports the submission exactly as child.serve does (guards first); role "baseline"
never sees student code: it calls the original of a dotted name (torch.nn.functional.conv2d).

Nothing here measures or reports a time. The grader has the zygote read this process's CPU
clock before it sends an input and again once the whole result has arrived, so whatever the
student's code changes in this process (clocks, this module, torch's dispatch) cannot change
the measurement; and each input is new, so a result cannot be kept from an earlier call.

Arrays travel through two shared memory files the grader creates and sends first (SCM_RIGHTS):
one for the inputs, one for the result; the socket carries one JSON line per message:
  grader -> here  {"args": [[dtype, shape, offset], ...], "kwargs": {name: wire node}}
  here -> grader  {"status": "ready"} once imported (or {"status": "crash", ...}); then for each input
                  {"status": "returned", "dtype": d, "shape": s, "src": "tensor"|"ndarray"} (the result
                  is in the result file), or {"status": "raised"|"forbidden"|..., "error": e, "message": m}
Copying into shared memory costs a fraction of a socket's transfer, and costs the baseline the same.
"""
from __future__ import annotations

import json
import mmap
import os
import socket
import sys

import numpy as np

import child
import guard
import wire

HEADER_CAP = 1 << 16


def serve(msg: dict, request_fd: int, fd: int, box: str) -> None:
    """`request_fd`: a sealed memfd with the submission's sources (none for the baseline), written
    into a run folder of this process's own, as child.serve does; `fd`: the socket to the grader."""
    with os.fdopen(request_fd, "rb") as f:
        sources = json.loads(f.read()).get("sources", {})
    sock = socket.socket(fileno=fd)
    _, fds, _, _ = socket.recv_fds(sock, 1, 2)
    if len(fds) != 2:
        return
    inputs, result = (mmap.mmap(f, 0) for f in fds)
    _steady_memory(int(msg.get("heap_mb", 256)))  # the grader sizes it (stopwatch.heap_mb)
    reader = sock.makefile("rb")
    dumps = json.dumps  # captured before the student's code can replace it

    def send(header: dict, data=None) -> None:
        child._flush()
        if data is not None:
            if data.nbytes > len(result):
                header = {"status": "crash", "message": f"the result ({data.nbytes} bytes) is too large"}
            else:
                np.frombuffer(result, np.uint8, data.nbytes)[:] = data
        sock.sendall((dumps(header, allow_nan=False) + "\n").encode())

    try:
        rundir = child._write_sources(box, sources)
        os.chdir(rundir)
        os.environ["HOME"] = os.environ["TMPDIR"] = rundir
        fn = _function(msg)
    except BaseException as e:  # anything at import time is the student's
        send({"status": "crash", "error": type(e).__name__, "message": child.student_traceback(e)})
        return
    send({"status": "ready"})
    while True:
        line = reader.readline(HEADER_CAP)
        if not line.endswith(b"\n"):
            return  # the grader closed its end: the run is over
        request = json.loads(line)
        try:
            args = [_receive(inputs, dtype, shape, offset) for dtype, shape, offset in request["args"]]
            kwargs = {k: child._to_torch(wire.decode(v)) for k, v in request["kwargs"].items()}
        except BaseException as e:  # the student's code broke torch in this process (a mode left pushed, ...)
            send({"status": "crash", "error": type(e).__name__,
                  "message": f"the inputs could not be made into tensors in this process: {e}"[:500]})
            return
        header, data = _call(fn, args, kwargs)
        send(header, data)
        # nothing of this call outlives it: the next one reuses its memory, already touched, instead of
        # finding fresh pages beside what is still held (that cost the third call on 2x)
        del args, kwargs, header, data


def _steady_memory(mb: int, block: int = 16) -> None:
    """Blocks up to 32 MiB come from a heap that is never given back and whose first `mb` MiB are
    touched now: otherwise whether a call's result lands on fresh pages (and pays ~2 us a page in
    faults, 8 ms for F.conv2d's 16 MB result) depends on the allocator's history, and one process's
    calls differ by 2x. The same in both roles, before any of the student's code."""
    import ctypes

    try:
        libc = ctypes.CDLL(None)
        libc.malloc.restype, libc.malloc.argtypes = ctypes.c_void_p, [ctypes.c_size_t]
        libc.free.argtypes, libc.memset.argtypes = [ctypes.c_void_p], [ctypes.c_void_p, ctypes.c_int, ctypes.c_size_t]
        libc.mallopt(-1, 2**31 - 1)  # M_TRIM_THRESHOLD: never shrink the heap
        libc.mallopt(-3, 32 << 20)  # M_MMAP_THRESHOLD: at its maximum, fixed
        blocks = [libc.malloc(block << 20) for _ in range(mb // block)]
        for b in blocks:
            if b:
                libc.memset(b, 0, block << 20)
        for b in reversed(blocks):
            libc.free(b)
    except (OSError, AttributeError):  # not glibc: the measurement is noisier, not wrong
        pass


def _function(msg: dict):
    if msg["role"] == "baseline":  # the grader's own process: no guards, no submission
        found = guard.resolve(msg["baseline"])
        if found is None:
            raise ImportError(f"no baseline {msg['baseline']}")
        return found[2]
    module = child.import_submission(msg["module"], msg.get("forbidden"))
    fn = getattr(module, msg["function"], None)
    if fn is None or not callable(fn):
        raise AttributeError(f"{msg['module']}.py has no function {msg['function']}")
    return fn


def _receive(inputs: mmap.mmap, dtype: str, shape: list[int], offset: int):
    """One input array, copied out of the shared file into a tensor of its own."""
    import torch

    count = int(np.prod(shape, dtype=np.int64))
    return torch.from_numpy(np.frombuffer(inputs, np.dtype(dtype).newbyteorder("<"), count, offset).reshape(shape).copy())


def _call(fn, args, kwargs) -> tuple[dict, object]:
    """The call with the guards armed, as child.run_call makes it; (header, bytes or None)."""
    guard.hits.clear()
    try:
        with guard.armed():
            value = fn(*args, **kwargs)
    except BaseException as e:  # SystemExit and KeyboardInterrupt are the student's too
        if guard.hits:
            return child._forbidden_result(), None
        if isinstance(e, NotImplementedError):
            return {"status": "not-implemented", "message": str(e)[:500]}, None
        if isinstance(e, RecursionError):
            return {"status": "crash", "error": "RecursionError", "message": child.student_traceback(e)}, None
        return {"status": "raised", "error": type(e).__name__, "message": child.student_traceback(e)}, None
    if guard.hits:  # refused even if the student caught the exception
        return child._forbidden_result(), None
    try:
        arr, src = _as_array(value)
    except BaseException as e:
        return {"status": "crash", "error": type(e).__name__, "message": f"the result could not be read: {e}"[:500]}, None
    if arr is None:
        return {"status": "returned", "unsupported": src}, None
    flat = arr.reshape(-1).view(np.uint8)
    return {"status": "returned", "dtype": arr.dtype.name, "shape": list(arr.shape), "src": src}, flat


def _as_array(value) -> tuple[np.ndarray | None, str]:
    """A tensor or ndarray (exact types, as wire.encode takes them) as C-ordered little-endian array,
    or (None, the type's name) for anything else."""
    torch = sys.modules.get("torch")
    t = type(value)
    if t is np.ndarray:
        arr, src = value, "ndarray"
    elif torch is not None and t is torch.Tensor:
        v = torch.Tensor.detach(value)
        if v.layout != torch.strided or v.is_quantized or v.is_nested or v.dtype == torch.bfloat16:
            return None, f"tensor of {v.dtype} with layout {v.layout}"
        arr, src = torch.Tensor.numpy(torch.Tensor.cpu(v), force=True), "tensor"
    else:
        return None, f"{t.__module__}.{t.__qualname__}"
    if arr.dtype.name not in wire.DTYPES:
        return None, f"{src} of dtype {arr.dtype.name}"
    if arr.flags.c_contiguous and arr.dtype.byteorder in "=<|" and sys.byteorder == "little":
        return arr, src  # sent as it is: no copy (the baseline's result is sent the same way)
    return np.array(arr, dtype=arr.dtype.newbyteorder("<"), order="C", copy=True), src
