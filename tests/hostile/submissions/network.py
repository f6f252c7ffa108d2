# Appended to the reference solution: tries to reach the network; raises if it can.
import socket

_reached = []
for _host, _port in (("1.1.1.1", 53), ("pypi.org", 443)):
    try:
        socket.create_connection((_host, _port), timeout=1).close()
        _reached.append(_host)
    except OSError:
        pass
_honest = conv_output_length


def conv_output_length(*args, **kwargs):
    if _reached:
        raise ValueError(f"reached {_reached}")
    return _honest(*args, **kwargs)
