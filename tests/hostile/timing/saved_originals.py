# Attack: call the harness's saved original of F.conv2d (the old timing kept it in child._originals
# as the baseline) for the timed workload.
import sys

_slow_saved = conv2d_fast


def _original():
    for name in ("child", "timed"):
        found = getattr(sys.modules.get(name), "_originals", {}).get("torch.nn.functional.conv2d")
        if found is not None:
            return found
    return None


def conv2d_fast(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    original = _original()
    print("ATTACK-RAN saved_originals", original is not None)
    if original is not None:
        return original(x, weight, bias, stride, padding, dilation, groups)
    return _slow_saved(x, weight, bias, stride, padding, dilation, groups)
