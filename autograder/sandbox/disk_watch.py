"""A box on the host's disk, measured while a run goes on.

Root without bubblewrap where the kernel refuses mount namespaces: the box is a host folder no
tmpfs bounds, and RLIMIT_FSIZE bounds one file, not how many. A thread of the grader (root, or
the student's own uid: it can read the student processes' /proc entries, which the zygote,
dropped to the student's uid beside undumpable processes, cannot) looks every DISK_EVERY seconds
at what the run holds on disk: the box's tree, and the regular files its processes have open
anywhere (a file written and unlinked stays on disk while it is open). Past the cap, every process
under the zygote is killed; the grader then empties the box as after any run. A poll bounds the
overshoot to what can be written between two looks, not to zero: the tmpfs, where it can be had,
is the hard bound.
"""
from __future__ import annotations

import os
import signal
import threading

from autograder.sandbox import clean

DISK_EVERY = 0.2


def descendants(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat", "rb") as f:
                    parents[int(name)] = int(f.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    mine, grew = {root}, True
    while grew:
        grew = False
        for pid, ppid in parents.items():
            if ppid in mine and pid not in mine:
                mine.add(pid)
                grew = True
    return sorted(mine - {root})


class DiskWatch(threading.Thread):
    def __init__(self, zygote_pid: int, box: str, disk_mb: int):
        super().__init__(name="grade-disk-watch", daemon=True)
        self.zygote_pid, self.box, self.cap = zygote_pid, box, disk_mb << 20
        self.tripped_mb: int | None = None  # what the last run held when it was killed for it
        self._stop = threading.Event()

    def run(self) -> None:
        while not self._stop.wait(DISK_EVERY):
            victims = descendants(self.zygote_pid)
            if not victims:
                continue
            used = clean.usage(self.box, cap=self.cap)
            if used <= self.cap:
                used += clean.open_files(victims)
            if used > self.cap:
                self.tripped_mb = -(-used >> 20)  # rounded up: 64.5 MiB is "65 MiB, past the 64", not "64"
                for _ in range(10):
                    for pid in victims:
                        try:
                            os.kill(pid, signal.SIGKILL)
                        except (ProcessLookupError, PermissionError):
                            pass
                    victims = descendants(self.zygote_pid)
                    if not victims:
                        break

    def stop(self) -> None:
        self._stop.set()
