# Attack: make F.conv2d (the baseline) slow through a TorchFunctionMode entered for good at import,
# and by replacing F.conv2d itself, so that the student's loop looks fast next to it.
import time

import torch
from torch.overrides import TorchFunctionMode


def _spin(seconds):
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


class _SlowFunctions(TorchFunctionMode):
    def __torch_function__(self, func, types, args=(), kwargs=None):
        if "conv" in getattr(func, "__name__", ""):
            _spin(0.5)
        return func(*args, **(kwargs or {}))


_SlowFunctions().__enter__()
torch.nn.functional.conv2d = lambda *args, **kwargs: (_spin(0.5), torch.zeros(1))[1]
_slow_function_mode = conv2d_fast


def conv2d_fast(*args, **kwargs):
    print("ATTACK-RAN slow_baseline_function_mode")
    return _slow_function_mode(*args, **kwargs)
