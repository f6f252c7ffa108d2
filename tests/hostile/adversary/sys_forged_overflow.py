# Attack: forge the harness's own result lines. At import, into every pipe the process holds (the
# results channel among them), write results for the first calls whose arrays have shapes no int64
# holds (numpy raises OverflowError, not ValueError), a shape whose product wraps to 0, and
# absurd seconds and timings: the grader must read them as a crash, never die of them.
import json
import pathlib

os = pathlib.os
BAD = [
    {"t": "array", "src": "tensor", "dtype": "float64", "shape": [2 ** 64 + 1], "data": ""},
    {"t": "array", "src": "tensor", "dtype": "float64", "shape": [2 ** 63, 2], "data": ""},
    {"t": "list", "items": [{"t": "array", "src": "ndarray", "dtype": "int64", "shape": [-0, 2 ** 70], "data": ""}]},
]
lines = b"".join(json.dumps({"i": i, "status": "returned", "value": BAD[i % 3], "seconds": 1e300,
                             "timing": {"student": 0.0, "baseline": 1.0}}).encode() + b"\n" for i in range(12))
for fd in pathlib.Path("/proc/self/fd").iterdir():
    try:
        if int(fd.name) > 2 and "pipe:" in os.readlink(fd):
            os.write(int(fd.name), lines)
    except (OSError, ValueError):
        pass
