"""The grader's handle on the zygote: start it (confined by bwrap where possible), fork, kill.

The zygote starts at Sandbox.__enter__ and imports numpy and torch while the grader loads the
course and its own torch; each submission run is then one fork (milliseconds), not one
interpreter start and torch import (seconds).

Where there is no bubblewrap and the grader is root (Docker, Gradescope), the zygote drops
to an unprivileged user (GRADE_SANDBOX_USER, "uid" or "uid:gid", default 65534 `nobody`)
with no supplementary groups, after restricting itself with Landlock where the kernel has it;
its box is a host folder owned by that user, with a size-capped tmpfs over it in a mount
namespace of the zygote's own where the system allows one (capped_box_launcher), which only the
zygote empties between runs and only the grader removes (clean.remove: no link followed) at the end.
"""
from __future__ import annotations

import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder.sandbox import bwrap, clean
from autograder.sandbox.disk_watch import DiskWatch

HERE = Path(__file__).resolve().parent
ENV_KEEP = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "SYSTEMROOT")
DEVICES = ("/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom")
SYS = ("/sys/devices/system/cpu", "/sys/devices/system/node")  # what torch and BLAS read of /sys


def _others_can_read(folder: str) -> bool:
    """Whether a user with no rights of its own reaches and reads `folder` (pyenv under /root: no)."""
    path = Path(os.path.realpath(folder))
    try:
        if os.stat(path).st_mode & 0o005 != 0o005:
            return False
        return all(os.stat(p).st_mode & 0o001 for p in path.parents)
    except OSError:
        return False


NOBODY = (65534, 65534)


def sandbox_user() -> tuple[tuple[int, int] | None, str | None]:
    """The (uid, gid) student code runs as without bubblewrap, and a note if GRADE_SANDBOX_USER
    was unusable. Only when we are root: on a laptop the student's own user grades their own code."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return None, None
    text = os.environ.get("GRADE_SANDBOX_USER", "")
    if not text:
        return NOBODY, None
    uid, _, gid = text.partition(":")
    try:
        user = int(uid), int(gid or uid)
    except ValueError:
        return NOBODY, f"GRADE_SANDBOX_USER={text!r} is not a uid or uid:gid; student code runs as 65534:65534"
    if 0 in user or min(user) < 0:
        return NOBODY, f"GRADE_SANDBOX_USER={text!r} would be root; student code runs as 65534:65534"
    return user, None


def landlock_rules(box: str) -> dict | None:
    """What the zygote may read and write under Landlock without bubblewrap (None: no Landlock)."""
    python = bwrap.python_homes()  # granted each on its own: one may lie inside a hidden folder
    read = [*bwrap.SYSTEM, *bwrap.ETC, "/proc", *SYS, *python]
    return {"read": read, "write": [box], "devices": list(DEVICES), "hidden": bwrap.hidden(),
            "keep_read_search": not all(_others_can_read(d) for d in python)}


_can_mount: bool | None = None


def capped_box_launcher(box: str, user: tuple[int, int], disk_mb: int) -> list[str] | None:
    """As root without bubblewrap: argv that starts the zygote in a mount namespace of its own with a
    tmpfs of `disk_mb` MiB over `box` (only its processes see it, and it goes with them), so a
    student cannot fill the host's disk (RLIMIT_FSIZE bounds one file, not how many). None where
    namespaces are refused (Docker's default capabilities): the box is then the host folder."""
    global _can_mount
    unshare, mount = shutil.which("unshare"), shutil.which("mount")
    if not (unshare and mount):
        return None
    prefix = [unshare, "--mount", "--propagation", "private"]
    if _can_mount is None:
        probe = tempfile.mkdtemp(prefix="grade-probe-")
        try:
            _can_mount = subprocess.run([*prefix, mount, "-t", "tmpfs", "-o", "size=4k", "tmpfs", probe],
                                        capture_output=True, timeout=20).returncode == 0
        except (OSError, subprocess.SubprocessError):
            _can_mount = False
        finally:
            os.rmdir(probe)
    if not _can_mount:
        return None
    options = f"size={disk_mb}m,mode=0700,uid={user[0]},gid={user[1]},nosuid,nodev,noexec"
    return [*prefix, "/bin/sh", "-c", '"$1" -t tmpfs -o "$2" tmpfs "$3" && shift 3 && exec "$@"', "sh",
            mount, options, box]


class ZygoteGone(Exception):
    """The zygote died or never started; str() says what it printed."""


def child_env(home: str) -> dict[str, str]:
    """Nothing of the grader's environment but locale and PATH: no tokens, salts or seeds."""
    env = {k: os.environ[k] for k in ENV_KEEP if k in os.environ}
    env.update({"HOME": home, "TMPDIR": home, "PYTHONDONTWRITEBYTECODE": "1"})
    # one thread in every pool, from the start: seccomp refuses new threads in the student's process
    # (OpenBLAS would otherwise start its pool again lazily, after the fork)
    env.update(dict.fromkeys(("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"), "1"))
    return env


class ZygoteHandle:
    """The grader's handle on one zygote process (the fork server, zygote.py's Zygote, in its box):
    starts it, asks it to fork and to kill, reads its events. `box` is the host folder of the run
    folders without bubblewrap (None with it: a tmpfs inside); `user` the (uid, gid) student code
    runs as, when it is not ours."""

    def __init__(self, *, confine: bool, disk_mb: int = 64):
        self.bwrap = bwrap.available() if confine else None
        self.user, self.user_note = (None, None) if self.bwrap else sandbox_user()
        self.box: str | None = None
        self.sock, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.log = tempfile.TemporaryFile()
        config = {"disk_mb": disk_mb}
        if self.bwrap:
            argv = bwrap.command(self.bwrap, str(HERE), disk_mb=disk_mb) + [
                sys.executable, "-I", "-B", f"{bwrap.LIB}/zygote.py", str(theirs.fileno()), "pidns"]
            config.update(box=bwrap.BOX, empty=list(bwrap.WRITABLE))
            cwd = None
        else:
            self.box = cwd = tempfile.mkdtemp(prefix="grade-box-")
            config.update(box=self.box, empty=[])  # the grader empties it: see kill()
            argv = [sys.executable, "-I", "-B", str(HERE / "zygote.py"), str(theirs.fileno()), "plain"]
            if self.user:
                os.chown(self.box, *self.user)
                config.update(user=list(self.user), landlock=landlock_rules(self.box))
                launcher = capped_box_launcher(self.box, self.user, disk_mb)
                if launcher:  # the box is a tmpfs only the zygote's processes see: the zygote empties it
                    argv = launcher + argv
                    config.update(empty=[self.box])
        argv.append(json.dumps(config))
        self.inside = config["box"]
        self.proc = subprocess.Popen(argv, pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL,
                                     stdout=self.log, stderr=self.log, cwd=cwd, start_new_session=True,
                                     env=child_env(self.inside))
        theirs.close()
        # a host folder no tmpfs bounds: measured while runs go on (disk_watch.py)
        self.disk = DiskWatch(self.proc.pid, self.box, disk_mb) if not config["empty"] else None
        if self.disk is not None:
            self.disk.start()
        self.ready = False
        self.namespaced = False
        self.protections: dict = {}  # what the zygote applied to itself (user, landlock), once ready
        self.exit_status: int | None = None  # of the last forked process, once it ended
        self.disk_cap = disk_mb

    # -- messages

    def receive(self, until: float) -> dict | None:
        """The next message, or None at `until`. Exit events are recorded, and returned too."""
        left = until - time.monotonic()
        if left <= 0 or not select.select([self.sock], [], [], left)[0]:
            return None
        try:
            data = self.sock.recv(65536)
        except OSError:
            data = b""
        if not data:
            raise ZygoteGone(self._why())
        msg = json.loads(data)
        if msg.get("event") == "exit":
            self.exit_status = msg["status"]
        if "namespaced" in msg:
            self.namespaced = bool(msg["namespaced"])
        return msg

    def _reply(self, kind: str, seconds: float) -> dict:
        until = time.monotonic() + seconds
        while True:
            msg = self.receive(until)
            if msg is None:
                raise ZygoteGone(f"the zygote did not answer {kind!r} within {seconds:g} s")
            if msg.get("reply") == kind:
                return msg

    def wait_ready(self, seconds: float = 120.0) -> None:
        until = time.monotonic() + seconds
        while not self.ready:
            msg = self.receive(until)
            if msg is None:
                raise ZygoteGone(f"the zygote was not ready within {seconds:g} s")
            self.ready = bool(msg.get("ready"))
            if self.ready:
                self.protections = msg.get("protections") or {}

    def fork(self, memory_mb: int, fds: list[int], op: str = "run", **options) -> int:
        """A new student process: op "run" (fds [request, results, output]) or a timed run, op
        "time" (fds [request, socket, output], options as zygote.py lists them)."""
        self.wait_ready()
        self.exit_status = None
        if self.disk is not None:
            self.disk.tripped_mb = None
        msg = {**options, "op": op, "memory_mb": memory_mb}
        try:
            socket.send_fds(self.sock, [json.dumps(msg).encode()], fds)
        except OSError:
            raise ZygoteGone(self._why()) from None
        return int(self._reply("run", 10.0)["pid"])

    def cpu_seconds(self) -> float:
        """CPU time the student's processes have used so far, as the kernel counts it (zygote.py)."""
        try:
            self.sock.send(b'{"op": "cpu"}')
        except OSError:
            raise ZygoteGone(self._why()) from None
        return int(self._reply("cpu", 10.0)["ns"]) / 1e9

    def kill(self) -> int | None:
        """Every student process dies and the writable folders are emptied; returns the forked
        process's wait status when known. A zygote that could not empty them is closed (the next
        run starts a fresh one, with fresh folders)."""
        try:
            self.sock.send(b'{"op": "kill"}')
            reply = self._reply("kill", 60.0)
        except (OSError, ZygoteGone):
            self.close()
            raise
        # without bubblewrap the box is a host folder: we empty it (as its owner or root, not slowed
        # by Landlock's per-level checks on a deep tree), after every process in it is gone
        if not reply.get("clean", False) or (self.box is not None and not clean.empty(self.box)):
            self.close()
        status = reply.get("status")
        return self.exit_status if status is None else status

    def alive(self) -> bool:
        return self.proc.poll() is None

    @property
    def disk_mb(self) -> int | None:
        """What the last run held on disk when it was killed for it (a host-folder box only)."""
        return None if self.disk is None else self.disk.tripped_mb

    def close(self) -> None:
        if self.disk is not None:
            self.disk.stop()
        try:
            self.sock.close()  # the zygote kills what is left and exits
            if not self.bwrap:  # (in bwrap's pid namespace, killing bwrap below does it at once)
                self.proc.wait(timeout=2)
        except (OSError, subprocess.TimeoutExpired):
            pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)  # bwrap --die-with-parent takes the namespace along
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        self.log.close()
        if self.box is not None:  # every process of the sandbox is gone: nothing moves under us
            clean.remove(self.box)
            self.box = None

    def _why(self) -> str:
        try:
            self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            pass
        try:
            size = self.log.seek(0, os.SEEK_END)
            self.log.seek(max(0, size - 2000))  # the end is what says why; the log may be long
            text = self.log.read(2000).decode("utf-8", "replace").strip()
        except (OSError, ValueError):
            text = ""
        code = self.proc.poll()
        return f"the zygote ended (exit status {code}): {text}" if text else f"the zygote ended (exit status {code})"
