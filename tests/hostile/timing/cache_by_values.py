# Attack: keep each result keyed by the inputs' values (cheap to hash, expensive to recompute).
import hashlib

_by_values = {}
_slow_by_values = conv2d_fast


def conv2d_fast(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    if x.dim() != 4 or x.shape[0] < 16:
        return _slow_by_values(x, weight, bias, stride, padding, dilation, groups)
    print("ATTACK-RAN cache_by_values")
    key = hashlib.sha1(x.numpy().tobytes() + weight.numpy().tobytes()).hexdigest()
    if key not in _by_values:
        _by_values[key] = _slow_by_values(x, weight, bias, stride, padding, dilation, groups)
    return _by_values[key].clone()
