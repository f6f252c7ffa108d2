"""The adversary's harness: grade an attack through the real `grade` command, then check that the
grader survived it, kept its secrets and left the machine as it found it.

Every attack is a submission folder written from fixtures in this folder. `@@TOKEN@@` in a fixture
is replaced by a per-run token, so files or processes the attack leaves behind can be found (and
only ours: other people's processes and files on this machine are never looked at by name alone).
The grader runs with fake secrets in its environment (a course salt, CI tokens) and a private
TMPDIR; after it exits, the secrets must appear in no output (plain, reversed, hex, base64), the
course tree must be byte-for-byte unchanged, the private TMPDIR empty, and no process of the run
alive.
"""
from __future__ import annotations

import base64
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
HERE = Path(__file__).resolve().parent
SESSION = secrets.token_hex(4)
SECRETS = {
    "CONV_COURSE_SALT": f"saltADV{SESSION}x9",
    "GITHUB_TOKEN": f"ghpADV{SESSION}tok",
    "CI_JOB_TOKEN": f"cijobADV{SESSION}",
    "GRADESCOPE_API_TOKEN": f"gsADV{SESSION}key",
}
SKIP_DIRS = {".git", "__pycache__", ".pytest_cache", ".venv", "node_modules"}
OURS = ("tests/hostile/adversary/", "tests/hostile/test_adversary_")  # this suite's own files, edited by hand
SYSTEM_TMP = (Path("/tmp"), Path("/dev/shm"), Path("/var/tmp"))


def bwrap_works() -> bool:
    exe = shutil.which("bwrap")
    if exe is None:
        return False
    try:
        return subprocess.run([exe, "--ro-bind", "/", "/", "--unshare-pid", "--dev", "/dev", "true"],
                              capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


BWRAP = bwrap_works()
needs_bwrap = pytest.mark.skipif(not BWRAP, reason="bubblewrap is not installed or not usable here")
# both routes: confined by bubblewrap, and GRADE_NO_BWRAP=1 as root (Docker, Gradescope's image)
MODES = [pytest.param("bwrap", marks=needs_bwrap, id="bwrap"), pytest.param("nobwrap", id="nobwrap")]


def fixture(name: str) -> str:
    return (HERE / name).read_text(encoding="utf-8")


def secret_forms() -> list[str]:
    """Each secret as the student might smuggle it out: plain, reversed, hex, base64."""
    out = []
    for value in SECRETS.values():
        raw = value.encode()
        out += [value, value[::-1], raw.hex(), base64.b64encode(raw).decode()]
    return out


def tree_state(root: Path) -> dict[str, tuple]:
    """(size, mtime, mode, first bytes) of every file and link under root: what the grader must not change."""
    state = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS]
        for name in files + [d for d in dirs if os.path.islink(os.path.join(folder, d))]:
            path = os.path.join(folder, name)
            try:
                st = os.lstat(path)
            except OSError:
                continue
            rel = os.path.relpath(path, root)
            if not rel.startswith(OURS):
                state[rel] = (st.st_size, st.st_mtime_ns, st.st_mode)
    return state


def _proc_text(pid: str, name: str) -> bytes:
    try:
        with open(f"/proc/{pid}/{name}", "rb") as f:
            return f.read()
    except OSError:
        return b""


def run_processes(token: str, tmpdir: str) -> list[int]:
    """Live processes of one run: their command line names the token or the private TMPDIR, or
    their environment or working folder is inside it (the zygote and every student process)."""
    found = []
    me = os.getpid()
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == me:
            continue
        stat = _proc_text(pid, "stat")
        if not stat or stat.rsplit(b")", 1)[-1].split()[:1] == [b"Z"]:
            continue  # zombies hold nothing
        text = _proc_text(pid, "cmdline") + _proc_text(pid, "environ")
        try:
            text += os.readlink(f"/proc/{pid}/cwd").encode()
        except OSError:
            pass
        if token.encode() in text or tmpdir.encode() in text:
            found.append(int(pid))
    return found


def system_leftovers(token: str) -> list[str]:
    out = []
    for folder in SYSTEM_TMP:
        try:
            out += [str(folder / n) for n in os.listdir(folder) if token in n]
        except OSError:
            pass
    return out


@dataclass
class Graded:
    """One run of `grade`: what it printed, its exit status, and the report when there is one."""

    args: list[str]
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    report: dict | None = None
    output_file: str = ""
    problems: list[str] = field(default_factory=list)

    def concept(self, exercise: str, name: str) -> dict:
        report = self.exercise(exercise)
        return next(c for c in report["concepts"] if c["name"] == name)

    def exercise(self, exercise: str) -> dict:
        assert self.report is not None, f"no report: exit {self.returncode}, stderr {self.stderr[-2000:]!r}"
        if self.report.get("exercise") == exercise:
            return self.report
        return next(e for e in self.report["exercises"] if e["exercise"] == exercise)

    def text(self) -> str:
        return self.stdout + self.stderr + self.output_file

    def describe(self) -> str:
        return f"exit {self.returncode} in {self.seconds:.1f} s; stderr: {self.stderr[-1500:]!r}"


class Run:
    """A private workspace for one attack: submission folder, TMPDIR, token."""

    def __init__(self, tmp_path: Path):
        self.token = f"adv{secrets.token_hex(5)}"
        self.base = tmp_path
        self.sub = tmp_path / "submission"
        self.sub.mkdir()
        # the grader's TMPDIR: in /tmp and traversable, as on a CI machine (pytest's own folders are
        # 0700 root: an unprivileged sandbox user could not reach its box there; see
        # test_adversary_sandbox.py::test_adversary_private_tmpdir_keeps_honest_marks)
        self.tmpdir = Path(tempfile.mkdtemp(prefix=f"{self.token}-tmp-", dir="/tmp"))
        os.chmod(self.tmpdir, 0o755)

    def write(self, name: str, text: str) -> Path:
        path = self.sub / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.replace("@@TOKEN@@", self.token), encoding="utf-8")
        return path

    def env(self, mode: str, extra: dict | None = None) -> dict[str, str]:
        # a minimal environment: the grader's own needs, the fake secrets, nothing else of ours
        env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "LC_ALL", "VIRTUAL_ENV", "PYTHONPATH")
               if k in os.environ}
        env.update(SECRETS)
        env.update({"TMPDIR": str(self.tmpdir), "PYTHONDONTWRITEBYTECODE": "1"})
        if mode == "nobwrap":
            env["GRADE_NO_BWRAP"] = "1"
        env.update(extra or {})
        return env

    def grade(self, *args: str, mode: str = "bwrap", extra_env: dict | None = None, timeout: float = 240,
              cwd: Path | None = None, check_tree: bool = True) -> Graded:
        """`python -m autograder ARGS` from the course root, then every check of a clean run."""
        before = tree_state(ROOT) if check_tree else None
        self.tmpdir.mkdir(mode=0o755, exist_ok=True)
        os.chmod(self.tmpdir, 0o755)
        argv = [sys.executable, "-m", "autograder", *map(str, args)]
        started = time.monotonic()
        proc = subprocess.Popen(argv, cwd=cwd or ROOT, env=self.env(mode, extra_env), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, errors="replace", start_new_session=True)
        try:
            stdout, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            stdout, stderr = proc.communicate()
            stderr += f"\n[adversary: the grader did not finish within {timeout:g} s]"
        return self._checked(Graded(argv[3:], proc.returncode, stdout, stderr, time.monotonic() - started), args,
                             before)

    def grade_in(self, sandbox: "WarmSandbox", *args: str, check_tree: bool = True) -> Graded:
        """`grade ARGS` run in this process by cli.main, as the command runs, in a warm sandbox (of
        the mode the sandbox was started in), with the same environment (fake secrets, this run's
        TMPDIR) while it grades, then every check of a clean run: for attacks on the student's
        sandbox (a route to a forbidden op), not on the grader's own process. A process the zygote
        forked that outlives the run counts as one of the run's."""
        import contextlib
        import io
        import traceback

        from autograder.cli import main

        before = tree_state(ROOT) if check_tree else None
        self.tmpdir.mkdir(mode=0o755, exist_ok=True)
        os.chmod(self.tmpdir, 0o755)
        stdout, stderr = io.StringIO(), io.StringIO()
        sandbox.before_run()
        started = time.monotonic()
        with pytest.MonkeyPatch.context() as patch:
            for key, value in self.env(sandbox.mode).items():
                patch.setenv(key, value)
            patch.setattr(tempfile, "tempdir", str(self.tmpdir))  # the grader's temporary files, as in its process
            patch.chdir(ROOT)
            with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
                try:
                    returncode = main(list(map(str, args)), sandbox=sandbox.sandbox)
                except Exception:  # what the command would print before exiting 1
                    traceback.print_exc(file=sys.stderr)
                    returncode = 1
        graded = Graded(["grade", *map(str, args)], returncode, stdout.getvalue(), stderr.getvalue(),
                        time.monotonic() - started)
        graded = self._checked(graded, args, before, sandbox.left_behind)
        kept = sandbox.files() - sandbox.kept_files
        if kept:  # what `grade` exiting would have removed with its TMPDIR: each run's folder goes with the run
            graded.problems.append(f"files of the run left in the sandbox's TMPDIR: {sorted(kept)[:5]}")
        return graded

    def _checked(self, graded: Graded, args, before: dict | None, left_behind=lambda: []) -> Graded:
        out_file = next((args[i + 1] for i, a in enumerate(args[:-1]) if a == "--output"), None)
        if out_file and Path(out_file).exists():
            graded.output_file = Path(out_file).read_text(encoding="utf-8", errors="replace")
        fmt = next((args[i + 1] for i, a in enumerate(args[:-1]) if a == "--format"), "text")
        if fmt == "json" and graded.returncode in (0, 1):
            try:
                graded.report = json.loads(graded.output_file or graded.stdout)
            except ValueError as e:
                graded.problems.append(f"the report is not JSON: {e}")
        graded.problems += self.check(graded, before, left_behind)
        return graded

    def check(self, graded: Graded, before: dict | None, left_behind=lambda: []) -> list[str]:
        problems = []
        text = graded.text()
        if graded.returncode not in (0, 1, 2):
            problems.append(f"exit status {graded.returncode}")
        if "Traceback (most recent call last)" in graded.stderr:
            problems.append("a traceback on standard error")
        if graded.returncode == 2 and len(graded.stderr.strip().splitlines()) != 1:
            problems.append("exit 2 without exactly one line on standard error")
        leaked = [s for s in secret_forms() if s in text]
        if leaked:
            problems.append(f"a secret reached the output ({len(leaked)} forms)")
        if before is not None:
            after = tree_state(ROOT)
            changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
            if changed:
                problems.append(f"the course tree changed: {changed[:5]}")
                for rel in changed:  # what the attack dropped there (by token) goes; the rest is for a human
                    if self.token in rel and os.path.lexists(ROOT / rel):
                        os.unlink(ROOT / rel)
        deadline = time.monotonic() + 5
        while ((alive := run_processes(self.token, str(self.tmpdir)) + left_behind())
               and time.monotonic() < deadline):
            time.sleep(0.2)
        if alive:
            problems.append(f"processes of the run outlived the grader: {alive}")
            for pid in alive:  # never leave them for the next test; these are ours by token
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
        left = [n for n in os.listdir(self.tmpdir)]
        if left:
            problems.append(f"the grader's TMPDIR is not empty: {left[:5]}")
        shutil.rmtree(self.tmpdir, ignore_errors=True)  # made again by the next grade()
        stray = [p for p in system_leftovers(self.token) if p != str(self.tmpdir)]
        if stray:
            problems.append(f"files of the run left in a shared temporary folder: {stray}")
            for path in stray:
                shutil.rmtree(path, ignore_errors=True) if os.path.isdir(path) else os.unlink(path)
        return problems


def _parents() -> dict[int, int]:
    out = {}
    for pid in os.listdir("/proc"):
        stat = _proc_text(pid, "stat") if pid.isdigit() else b""
        if stat:
            out[int(pid)] = int(stat.rsplit(b")", 1)[-1].split()[1])
    return out


def descendants(root: int) -> set[int]:
    """The live processes under `root` (zombies hold nothing and are reaped by their parent)."""
    children: dict[int, list[int]] = {}
    for pid, parent in _parents().items():
        stat = _proc_text(str(pid), "stat")
        if stat and stat.rsplit(b")", 1)[-1].split()[:1] != [b"Z"]:
            children.setdefault(parent, []).append(pid)
    found, todo = set(), [root]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


@dataclass
class WarmSandbox:
    """One running sandbox of a mode (bwrap, or nobwrap: GRADE_NO_BWRAP=1 as root), started as `grade`
    starts it, kept for many runs as `grade` keeps one for every exercise of a course."""

    mode: str
    sandbox: object = None
    standing: set = field(default_factory=set)  # its own processes between runs (zygote, bwrap)
    tmpdir: str = ""  # its TMPDIR when started: every process of its own names it (the box is inside)
    kept_files: set = field(default_factory=set)  # under its TMPDIR before a run

    def start(self, tmpdir: Path) -> "WarmSandbox":
        from autograder.sandbox.runner import Sandbox

        self.tmpdir = str(tmpdir)
        self.sandbox = Sandbox()
        self._ready()
        self.standing = self._processes()
        return self

    def _ready(self) -> None:
        """Its zygote started and warm, in its mode and TMPDIR (again, if an attack killed it)."""
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("TMPDIR", self.tmpdir)
            patch.setattr(tempfile, "tempdir", self.tmpdir)
            if self.mode == "nobwrap":
                patch.setenv("GRADE_NO_BWRAP", "1")
            else:
                patch.delenv("GRADE_NO_BWRAP", raising=False)
            self.sandbox._ready()

    def _processes(self) -> set[int]:
        """Under the zygote, or naming its TMPDIR (as `grade`'s own run does: one that left the tree)."""
        found = set(run_processes(self.tmpdir, self.tmpdir))
        zygote = getattr(self.sandbox, "_zygote", None)
        if zygote is not None and zygote.alive():
            found |= {zygote.proc.pid} | descendants(zygote.proc.pid)
        return found

    def before_run(self) -> None:
        """What a new `grade` process would start from: the sandbox's notes printed again, its own
        processes now (the zygote is started again if an attack killed it)."""
        self.sandbox.notes.clear()
        self._ready()
        self.sandbox.notes.clear()
        self.standing = self._processes()
        self.kept_files = self.files()

    def files(self) -> set[str]:
        """Everything under its TMPDIR (the box, without bubblewrap), as paths."""
        return {os.path.join(folder, name) for folder, dirs, files in os.walk(self.tmpdir) for name in dirs + files}

    def left_behind(self) -> list[int]:
        """The sandbox's processes that were not there before the run (a student's, still alive)."""
        return sorted(self._processes() - self.standing)

    def close(self) -> None:
        if self.sandbox is not None:
            self.sandbox.close()


def assert_clean(graded: Graded) -> None:
    """The grader survived: exit 0/1/2 with a report or one line, no traceback, no secret, nothing left."""
    assert not graded.problems, f"{graded.problems}; {graded.describe()}"


def assert_loses(graded: Graded, exercise: str, concept: str) -> None:
    """The cheated concept does not get its points (forbidden, crash or failed), and the grader is clean."""
    assert_clean(graded)
    assert graded.returncode in (1, 2), graded.describe()
    if graded.returncode == 2:
        return  # refused outright with one line: no points
    got = graded.concept(exercise, concept)
    assert got["score"] < got["max_score"], f"{concept}: {got['score']}/{got['max_score']} ({got['status']})"
