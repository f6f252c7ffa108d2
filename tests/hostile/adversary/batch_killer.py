# Attack (in a batch): for 20 s, SIGKILL every process I can see that works in a sandbox box of this
# batch (its working folder is under the batch's temporary folder): the classmates graded beside me.
# Only processes of this run are touched: their working folder holds the run's private TMPDIR.
import pathlib
import signal
import time

os = pathlib.os
MINE = {os.getpid(), os.getppid()}
BOXES = "@@TMPDIR@@"


def victims():
    for proc in pathlib.Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) in MINE:
            continue
        try:
            where = os.readlink(proc / "cwd")
        except OSError:
            continue
        if where.startswith(BOXES):
            yield int(proc.name)


end = time.monotonic() + 20
while time.monotonic() < end:
    for pid in victims():
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    time.sleep(0.05)
