# Attack: make every convolution slow at the dispatcher (where F.conv2d's work ends up) through a
# TorchDispatchMode entered for good at import.
import time

from torch.utils._python_dispatch import TorchDispatchMode


def _spin(seconds):
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


class _SlowDispatch(TorchDispatchMode):
    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        if "conv" in str(func):
            _spin(0.5)
        return func(*args, **(kwargs or {}))


_SlowDispatch().__enter__()
print("ATTACK-RAN slow_baseline_dispatch_mode entered")
_slow_dispatch_mode = conv2d_fast


def conv2d_fast(*args, **kwargs):
    print("ATTACK-RAN slow_baseline_dispatch_mode")
    return _slow_dispatch_mode(*args, **kwargs)
