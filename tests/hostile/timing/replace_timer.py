# Attack: replace the harness's own timer and wrap its call function (the modules the zygote loaded
# beside the student's code), so whatever it measures or reports says the student was instant.
import sys

_harness = [m for m in ("child", "timed", "zygote", "stopwatch") if m in sys.modules]
for _name in _harness:
    _module = sys.modules[_name]
    _module._time = lambda *args, **kwargs: {"student": 1e-9, "baseline": 1.0}
if "timed" in sys.modules:
    _real_call = sys.modules["timed"]._call

    def _instant(fn, args, kwargs):
        header, data = _real_call(fn, args, kwargs)
        header["seconds"] = header["cpu"] = 1e-9
        return header, data
    sys.modules["timed"]._call = _instant
_slow_timer = conv2d_fast


def conv2d_fast(*args, **kwargs):
    print("ATTACK-RAN replace_timer", sorted(_harness))
    return _slow_timer(*args, **kwargs)
