"""The fork server: imports numpy and torch once, then forks one process per submission run.

Run as a script (`python -I -B zygote.py CONTROL_FD NAMESPACE CONFIG_JSON`), usually as pid 1
of its own pid namespace inside bubblewrap. It never runs torch ops or student code itself.
CONFIG_JSON: {"box": folder of the run folders, "empty": folders emptied after each run,
"disk_mb": the size cap of a file, and without bubblewrap as root "user": [uid, gid] to drop
to and "landlock": {"read", "write", "devices", "hidden"} to restrict itself to first}.

Control protocol (a SOCK_SEQPACKET socket, one JSON object per message):
  zygote -> grader  {"hello": pid}, then {"ready": true, "protections": {...}} once numpy and
                    torch are imported and the zygote confined itself
  grader -> zygote  {"op": "run", "memory_mb": M} with fds [request, results, output] attached
  zygote -> grader  {"reply": "run", "pid": P}
  zygote -> grader  {"event": "exit", "status": S}  when the forked process ends (S: wait status)
  grader -> zygote  {"op": "kill"}  -> every process but the zygote dies, the folders are emptied;
  zygote -> grader  {"reply": "kill", "status": S or null, "clean": whether they are empty}
A timed run (see timed.py): {"op": "time", "memory_mb": M, "heap_mb": H, "role": "student"|"baseline", ...}
  with fds [request, a socket, output] forks like "run" (same reply and exit event); then, around
  each call, grader -> zygote  {"op": "cpu"}  ->  {"reply": "cpu", "ns": N}: the CPU time every
  process but the zygote has used so far (threads included, and children once reaped), read from
  the kernel, which the student's code cannot change.
"""
from __future__ import annotations

import gc
import json
import os
import resource
import select
import signal
import socket
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import wire  # noqa: E402,F401  (beside this file; loaded by path)
import child  # noqa: E402
import clean  # noqa: E402
import landlock  # noqa: E402
import seccomp  # noqa: E402
import timed  # noqa: E402

sys.path.remove(HERE)  # the student's imports do not see the grader's sandbox files

PR_SET_CHILD_SUBREAPER, PR_SET_DUMPABLE = 36, 4


def _prctl(option: int, value: int) -> None:
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)
    except (OSError, AttributeError):
        pass


class Zygote:
    def __init__(self, ctl: socket.socket, namespaced: bool, config: dict):
        self.ctl = ctl
        self.namespaced = namespaced  # pid 1 of a pid namespace: kill(-1) reaches only our processes
        self.config = config
        self.pid: int | None = None
        self.pidfd: int | None = None
        self.status: int | None = None

    def send(self, obj) -> None:
        try:
            self.ctl.send(json.dumps(obj).encode())
        except OSError:
            pass  # the grader is gone; the loop ends at its next read

    def loop(self) -> None:
        while True:
            watch = [self.ctl] + ([self.pidfd] if self.pidfd is not None else [])
            ready, _, _ = select.select(watch, [], [], 1.0)
            if self.pidfd is not None and (self.pidfd in ready or not ready):
                self._poll_child()
            self._reap_orphans()
            if self.ctl in ready:
                data, fds, _, _ = socket.recv_fds(self.ctl, 65536, 4)
                if not data:  # the grader is gone: nothing of ours outlives it
                    self._kill()
                    os._exit(0)  # no interpreter teardown: nothing to save
                msg = json.loads(data)
                if msg["op"] in ("run", "time"):
                    self._run(msg, fds)
                elif msg["op"] == "cpu":
                    self.send({"reply": "cpu", "ns": self._cpu_ns()})
                elif msg["op"] == "kill":
                    for fd in fds:
                        os.close(fd)
                    self._kill()

    def _run(self, msg: dict, fds: list[int]) -> None:
        request, results, output = fds
        pid = os.fork()
        if pid == 0:
            try:
                self.ctl.close()
                _become_child(msg, self.config, request, results, output)
            finally:
                os._exit(70)
        for fd in fds:
            os.close(fd)
        self.pid, self.status = pid, None
        try:
            self.pidfd = os.pidfd_open(pid)
        except (AttributeError, OSError):
            self.pidfd = None  # the 1 s select timeout polls instead
        self.send({"reply": "run", "pid": pid})

    def _poll_child(self) -> None:
        try:
            done, status = os.waitpid(self.pid, os.WNOHANG)
        except ChildProcessError:
            done, status = self.pid, self.status or 0
        if done:
            self.status = status
            self._forget_child()
            self.send({"event": "exit", "status": status})

    def _forget_child(self) -> None:
        if self.pidfd is not None:
            os.close(self.pidfd)
        self.pidfd = None

    def _kill(self) -> None:
        """Every process but this one dies: the child, its threads, and whatever it spawned or detached."""
        alone = False
        for _ in range(100):
            victims = self._others()
            if not victims:
                alone = True
                break
            if self.namespaced:
                try:
                    os.kill(-1, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            for pid in victims:
                try:
                    os.kill(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            self._reap_orphans(block=True)
        if self.pid is not None and self.status is None:
            try:
                _, self.status = os.waitpid(self.pid, 0)
            except ChildProcessError:
                pass
        self._reap_orphans()
        self._forget_child()
        # the box, and in bubblewrap our private /tmp and /dev/shm: nothing passes to the next submission
        emptied = [clean.empty(folder, seconds=10.0) for folder in self.config.get("empty", ())]
        status, self.pid = self.status, None
        self.send({"reply": "kill", "status": status, "clean": all(emptied) and alone})

    def _others(self) -> list[int]:
        """Our descendants (with the subreaper flag, detached ones come back to us)."""
        me = os.getpid()
        parents: dict[int, int] = {}
        for name in os.listdir("/proc"):
            if name.isdigit():
                try:
                    with open(f"/proc/{name}/stat", "rb") as f:
                        stat = f.read()
                    parents[int(name)] = int(stat.rsplit(b")", 1)[1].split()[1])
                except (OSError, ValueError, IndexError):
                    continue
        mine, grew = {me}, True
        while grew:
            grew = False
            for pid, ppid in parents.items():
                if ppid in mine and pid not in mine:
                    mine.add(pid)
                    grew = True
        return sorted(mine - {me})

    def _cpu_ns(self) -> int:
        """CPU nanoseconds used by our descendants: live ones by their process clocks (every thread),
        those they reaped by their stat, those we reaped by our rusage. Differences of two readings
        time one call; a student process that forks (where it can) does not hide the work."""
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        total = int((usage.ru_utime + usage.ru_stime) * 1e9)
        tick = 1e9 / os.sysconf("SC_CLK_TCK")
        for pid in self._others():
            try:
                with open(f"/proc/{pid}/stat", "rb") as f:
                    fields = f.read().rsplit(b")", 1)[1].split()
                utime, stime, cutime, cstime = (int(v) for v in fields[11:15])
            except (OSError, ValueError, IndexError):
                continue
            total += int((cutime + cstime) * tick)
            try:
                total += time.clock_gettime_ns(((~pid) << 3) | 2)  # CPUCLOCK_SCHED of the process
            except OSError:  # a zombie: its ticks
                total += int((utime + stime) * tick)
        return total

    def _reap_orphans(self, block: bool = False) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, 0 if block and self._others() else os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            if pid == self.pid and self.status is None:
                self.status = status
                self._forget_child()
                self.send({"event": "exit", "status": status})


def _become_child(msg: dict, config: dict, request: int, results: int, output: int) -> None:
    """In the forked process: own session, limits, fds 1/2 to the output pipe, the seccomp
    filter, then the student's code. Only the grader's three fds stay open."""
    os.setsid()
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGPIPE, signal.SIGCHLD):
        signal.signal(sig, signal.SIG_DFL)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a file past the cap: an OSError, not a death
    os.dup2(output, 1)
    os.dup2(output, 2)
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    keep = sorted((request, results, output))
    os.closerange(3, keep[0])
    os.closerange(keep[0] + 1, keep[1])
    os.closerange(keep[1] + 1, keep[2])
    os.closerange(keep[2] + 1, 65536)
    os.chdir(config["box"])
    _limit_memory(int(msg["memory_mb"]))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    cap = int(config.get("disk_mb", 64)) << 20
    resource.setrlimit(resource.RLIMIT_FSIZE, (cap, cap))
    if not config.get("user"):  # as another user, stay undumpable: a classmate's process of the same uid
        _prctl(PR_SET_DUMPABLE, 1)  # could otherwise open our /proc/<pid>/mem
    stream = os.fdopen(1, "w", buffering=1, encoding="utf-8", errors="replace", closefd=False)
    sys.stdout = sys.__stdout__ = stream
    sys.stderr = sys.__stderr__ = os.fdopen(2, "w", buffering=1, encoding="utf-8", errors="replace", closefd=False)
    refused = seccomp.install()  # before anything of the student's is written or run
    if msg["op"] == "time":
        timed.serve(msg, request, results, config["box"])
    else:
        child.serve(request, results, output, config["box"], {"seccomp": refused})
    child._flush()
    os._exit(0)


def _limit_memory(mb: int) -> None:
    """RLIMIT_DATA bounds the heap (torch's mapped libraries do not count, so it stays usable);
    RLIMIT_AS backs it up for shared anonymous maps, above what is already mapped."""
    limit = mb << 20
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    try:
        with open("/proc/self/statm") as f:
            mapped = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        total = mapped + limit + (512 << 20)
        resource.setrlimit(resource.RLIMIT_AS, (total, total))
    except (OSError, ValueError):
        pass


def _confine_self(config: dict) -> dict:
    """Without bubblewrap, as root: Landlock (where the kernel has it), then the unprivileged
    user with no supplementary groups. What was applied, for the grader's note."""
    done: dict = {}
    user = config.get("user")
    if not user:
        return done
    rules = config.get("landlock") or {}
    if rules:
        # every sys.path folder's listing, cached now: site-packages itself is not listable under
        # Landlock (it holds the hidden package), only its entries are; stat still sees changes
        import importlib.machinery

        importlib.machinery.PathFinder.find_spec("_grade_fill_the_finder_caches_")
        why = landlock.restrict(rules["read"], rules["write"], rules["hidden"], rules.get("devices", []))
        done["landlock"] = why or "applied"
    keep = bool(rules.get("keep_read_search")) and done.get("landlock") == "applied"
    uid, gid = user
    landlock.become(uid, gid, keep_read_search=keep)
    if os.getuid() != uid or os.geteuid() != uid or os.getgroups() not in ([], [gid]):
        raise SystemExit(f"could not become uid {uid}")  # never run student code as root
    _prctl(PR_SET_DUMPABLE, 0)  # changing user set it from suid_dumpable: make sure
    done["user"] = user
    done["read_search"] = keep
    return done


def main() -> None:
    ctl = socket.socket(fileno=int(sys.argv[1]))
    namespaced = len(sys.argv) > 2 and sys.argv[2] == "pidns" and os.getpid() == 1
    config = json.loads(sys.argv[3]) if len(sys.argv) > 3 else {"box": os.getcwd(), "empty": []}
    _prctl(PR_SET_CHILD_SUBREAPER, 1)
    _prctl(PR_SET_DUMPABLE, 0)  # the student's process may not ptrace us or read our fds
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGPIPE):
        signal.signal(sig, signal.SIG_IGN)
    zygote = Zygote(ctl, namespaced, config)
    zygote.send({"hello": os.getpid(), "namespaced": namespaced})
    import numpy  # noqa: F401
    import torch

    torch.set_num_threads(1)  # before any fork; no torch op ever runs here
    seccomp.prepare()
    protections = _confine_self(config)
    # what is loaded so far lives as long as the process: out of the collector's sight, a student's
    # process no longer walks torch's objects in its first full collection (~100 ms of a run), nor
    # writes to the pages it shares with us by doing so. No collect first: it found nothing (33
    # objects) and cost ~0.1 s of every cold start
    gc.freeze()
    zygote.send({"ready": True, "protections": protections})
    zygote.loop()


if __name__ == "__main__":
    main()
