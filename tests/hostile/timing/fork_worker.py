# Attack: do the work in another process (forked twice, so the grader's fork server reaps it), so
# that the student's own process uses almost no CPU time. Where forking is refused, import fails.
import os

import numpy as np
import torch

_slow_fork = conv2d_fast


def conv2d_fast(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    if x.dim() != 4 or x.shape[0] < 16:
        return _slow_fork(x, weight, bias, stride, padding, dilation, groups)
    print("ATTACK-RAN fork_worker")
    n, _, h, w = x.shape
    shape = (n, weight.shape[0], h - weight.shape[2] + 1, w - weight.shape[3] + 1)
    r, wr = os.pipe()
    middle = os.fork()
    if middle == 0:
        if os.fork() == 0:
            data = _slow_fork(x, weight).numpy().tobytes()
            view = memoryview(data)
            while view:
                view = view[os.write(wr, view):]
        os._exit(0)
    os.close(wr)
    os.waitpid(middle, 0)
    chunks = []
    while chunk := os.read(r, 1 << 20):
        chunks.append(chunk)
    os.close(r)
    return torch.from_numpy(np.frombuffer(b"".join(chunks), dtype=np.float64).reshape(shape).copy())
