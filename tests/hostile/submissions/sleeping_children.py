# Appended to the reference solution: leaves 20 sleeping processes behind, half of them in
# their own session (out of the process group), then answers correctly.
import os
import subprocess

for _k in range(20):
    subprocess.Popen(["sleep", "987654"], start_new_session=_k % 2 == 0,
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
_pid = os.fork()
if _pid == 0:  # a double fork: the grandchild is nobody's child
    if os.fork() == 0:
        os.setsid()
        os.execvp("sleep", ["sleep", "987654"])
    os._exit(0)
os.waitpid(_pid, 0)
