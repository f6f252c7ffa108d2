"""The grader's handle on the zygote: start it (confined by bwrap where possible), fork, kill.

The zygote starts at Sandbox.__enter__ and imports numpy and torch while the grader loads the
course and its own torch; each submission run is then one fork (milliseconds), not one
interpreter start and torch import (seconds).
"""
from __future__ import annotations

import json
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder.sandbox import bwrap

HERE = Path(__file__).resolve().parent
ENV_KEEP = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "SYSTEMROOT")


class ZygoteGone(Exception):
    """The zygote died or never started; str() says what it printed."""


def child_env(home: str) -> dict[str, str]:
    """Nothing of the grader's environment but locale and PATH: no tokens, salts or seeds."""
    env = {k: os.environ[k] for k in ENV_KEEP if k in os.environ}
    env.update({"HOME": home, "TMPDIR": home, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                "PYTHONDONTWRITEBYTECODE": "1"})
    return env


class Zygote:
    def __init__(self, box: str, *, confine: bool):
        self.box = box
        self.bwrap = bwrap.available() if confine else None
        self.sock, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.log = tempfile.TemporaryFile()
        if self.bwrap:
            argv = bwrap.command(self.bwrap, box, str(HERE)) + [
                sys.executable, "-I", "-B", f"{bwrap.LIB}/zygote.py", str(theirs.fileno()), "pidns"]
            self.inside = bwrap.BOX
        else:
            argv = [sys.executable, "-I", "-B", str(HERE / "zygote.py"), str(theirs.fileno()), "plain"]
            self.inside = box
        self.proc = subprocess.Popen(argv, pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL,
                                     stdout=self.log, stderr=self.log, cwd=box, start_new_session=True,
                                     env=child_env(self.inside))
        theirs.close()
        self.ready = False
        self.namespaced = False
        self.exit_status: int | None = None  # of the last forked process, once it ended

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

    def fork(self, rundir: str, memory_mb: int, fds: list[int], op: str = "run", **options) -> int:
        """One process for a run (op "run") or a timed run (op "time", options as zygote.py lists them)."""
        self.wait_ready()
        self.exit_status = None
        inside = os.path.join(self.inside, os.path.basename(rundir))
        msg = {**options, "op": op, "dir": inside, "memory_mb": memory_mb}
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
        """Every student process dies; returns the forked process's wait status when known."""
        try:
            self.sock.send(b'{"op": "kill"}')
            status = self._reply("kill", 10.0).get("status")
        except (OSError, ZygoteGone):
            self.close()
            raise
        return self.exit_status if status is None else status

    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self) -> None:
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

    def _why(self) -> str:
        try:
            self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            pass
        try:
            self.log.seek(0)
            text = self.log.read()[-2000:].decode("utf-8", "replace").strip()
        except (OSError, ValueError):
            text = ""
        code = self.proc.poll()
        return f"the zygote ended (exit status {code}): {text}" if text else f"the zygote ended (exit status {code})"
