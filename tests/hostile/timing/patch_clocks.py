# Attack: every clock of the time module stands still (or runs backwards) in the student's process.
import time

_frozen = time.perf_counter()
for _name in ("perf_counter", "process_time", "monotonic", "time", "thread_time"):
    setattr(time, _name, lambda: _frozen)
for _name in ("perf_counter_ns", "process_time_ns", "monotonic_ns", "time_ns", "thread_time_ns"):
    setattr(time, _name, lambda: int(_frozen * 1e9))
time.clock_gettime = lambda clock: _frozen
time.clock_gettime_ns = lambda clock: int(_frozen * 1e9)
_slow_clocks = conv2d_fast


def conv2d_fast(*args, **kwargs):
    print("ATTACK-RAN patch_clocks", time.perf_counter() == _frozen)
    return _slow_clocks(*args, **kwargs)
