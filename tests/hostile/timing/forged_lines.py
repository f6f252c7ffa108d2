# Attack: write result lines that claim an instant, right call: to standard output and to every
# descriptor the process holds (the results pipe of a run, the socket of a timed run), at import.
import json
import os

_forged = [{"i": -1, "status": "ready"}, {"status": "ready"},
           {"i": 0, "status": "returned", "value": {"t": "none"}, "timing": {"student": 1e-9, "baseline": 1.0},
            "seconds": 1e-9},
           {"status": "returned", "dtype": "float64", "shape": [16, 32, 62, 62], "src": "tensor", "cpu": 1e-9}]
_text = "".join(json.dumps(line) + "\n" for line in _forged)
print(_text, end="")
for _fd in range(3, 64):
    try:
        os.write(_fd, _text.encode())
    except OSError:
        pass
_slow_forged = conv2d_fast


def conv2d_fast(*args, **kwargs):
    print("ATTACK-RAN forged_lines")
    return _slow_forged(*args, **kwargs)
