# Appended to the reference solution: answers correctly, and leaves a busy thread running.
import threading
import time

_honest = conv_output_length


def _spin():
    while True:
        time.sleep(0.001)


def conv_output_length(*args, **kwargs):
    threading.Thread(target=_spin).start()  # not a daemon: it would keep a normal process alive
    return _honest(*args, **kwargs)
