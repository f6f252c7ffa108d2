# The accomplice: not the graded file. Private torch names, sys and gc in plain sight.
import sys

import torch
from torch.utils._python_dispatch import _pop_mode, _push_mode


def cheat_conv1d(x, w, b, stride, padding, dilation):
    modes = [_pop_mode() for _ in range(torch._C._len_torch_dispatch_stack())]
    sys.setprofile(None)
    try:
        with torch._C._DisableTorchDispatch():
            return torch._C._VariableFunctionsClass.conv1d(x, w, b, stride, padding, dilation)
    finally:  # put the grader's modes back, so its own exit finds them
        for mode in reversed(modes):
            _push_mode(mode)
