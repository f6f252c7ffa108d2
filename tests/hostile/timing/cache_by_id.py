# Attack: keep each result and give it back when the same tensors (by id) come again. The old timing
# called the function on one fixed input 1 + 5 times, so only the first call did the work.
_results = {}
_slow_by_id = conv2d_fast


def conv2d_fast(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    if x.dim() != 4 or x.shape[0] < 16:  # the small cases: honest
        return _slow_by_id(x, weight, bias, stride, padding, dilation, groups)
    print("ATTACK-RAN cache_by_id")
    key = (id(x), id(weight))
    if key not in _results:
        _results[key] = _slow_by_id(x, weight, bias, stride, padding, dilation, groups)
    return _results[key]
