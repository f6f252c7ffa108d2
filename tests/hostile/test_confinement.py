"""Attacks on the sandbox itself, in both modes it runs in here: bubblewrap, and without it as root
(GRADE_NO_BWRAP=1 as root is what Docker or Gradescope gives: no namespaces, uid 0).

Each test runs a hostile submission and asserts the exact outcome (status, message, what the
student's process saw) and, after every test, that the machine is left clean: no student
process alive, no file in the grader's working directory changed, the sandbox's folders empty,
no grade-box folder left in /tmp once a sandbox is closed.
"""
from __future__ import annotations

import hashlib
import os
import platform
import shutil
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from autograder.cases.space import Call
from autograder.sandbox.runner import RESULT_CAP, Sandbox, Submission


ROOT = Path(__file__).resolve().parents[2]
SALT = "s3cret-salt-confinement"
PER_CASE = 2.0
MODES = ["bwrap", "root-no-bwrap"]


def _mode_available(mode: str) -> str | None:
    if mode == "bwrap" and shutil.which("bwrap") is None:
        return "bubblewrap is not installed"
    if mode == "root-no-bwrap" and os.geteuid() != 0:
        return "the no-bubblewrap root path needs root"
    return None


def _descendants(root: int) -> set[int]:
    parents = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                stat = Path(f"/proc/{name}/stat").read_bytes()
            except OSError:
                continue
            parents[int(name)] = int(stat.rsplit(b")", 1)[1].split()[1])
    mine, grew = {root}, True
    while grew:
        grew = False
        for pid, ppid in parents.items():
            if ppid in mine and pid not in mine:
                mine.add(pid)
                grew = True
    return mine - {root}


def _digest(folder: Path) -> dict[str, str]:
    def one(p: Path) -> str:
        if p.is_symlink():
            return "link"
        return hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"

    return {str(p.relative_to(folder)): one(p) for p in sorted(folder.rglob("*"))}


@pytest.fixture(scope="module")
def grader_cwd(tmp_path_factory):
    """The grader runs from a course-like folder with a gradebook: the student must not reach it."""
    folder = tmp_path_factory.mktemp("grader-cwd")
    (folder / "gradebook.db").write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 64)
    (folder / "results.json").write_text('{"score": 1}')
    old = os.getcwd()
    os.chdir(folder)
    yield folder
    os.chdir(old)


@pytest.fixture(scope="module", params=MODES)
def sandbox(request, grader_cwd):
    why = _mode_available(request.param)
    if why:
        pytest.skip(why)
    patch = pytest.MonkeyPatch()
    patch.setenv("CONV_COURSE_SALT", SALT)
    patch.setenv("GRADE_NO_BWRAP", "1" if request.param == "root-no-bwrap" else "")
    with Sandbox(time_per_case=PER_CASE, time_total=60.0, time_import=20.0) as box:
        box._ready()
        box.mode = request.param
        box.seen = {box._zygote.proc.pid}  # every process of this sandbox's own, for the check at the end
        box.boxes = {box._zygote.box} - {None}  # host folders seen: none may outlive the sandbox
        box.cwd_before = _digest(grader_cwd)
        assert bool(box._zygote.bwrap) == (request.param == "bwrap")
        yield box
    patch.undo()
    # other fixtures of this worker (the session's warm sandbox) may have processes of their own
    assert not (box.seen & _descendants(os.getpid())), "a process of the sandbox outlived it"
    assert not [b for b in box.boxes if os.path.lexists(b)], "a sandbox folder was left in /tmp"


def _zygote_pid(sandbox) -> int:
    """The zygote's pid on the host: bwrap's one child with bubblewrap, else the process we started."""
    proc = sandbox._zygote.proc.pid
    if not sandbox._zygote.bwrap:
        return proc
    children = [p for p in _descendants(proc) if Path(f"/proc/{p}/stat").read_bytes().rsplit(b")", 1)[1].split()[1]
                == str(proc).encode()]
    assert len(children) == 1
    return children[0]


@pytest.fixture(autouse=True)
def left_clean(sandbox, grader_cwd):
    before = _descendants(os.getpid())  # this sandbox, and any other fixture's processes (not ours to judge)
    yield
    zygote = _zygote_pid(sandbox)
    ours = {sandbox._zygote.proc.pid, zygote}  # after the run: a restarted zygote has new pids
    sandbox.seen |= ours
    assert not _descendants(zygote), "a student process outlived its run"
    now = _descendants(os.getpid())
    assert ours <= now and now - before <= ours, f"processes left by the run: {sorted(now - before - ours)}"
    assert _digest(grader_cwd) == sandbox.cwd_before, "the grader's working directory changed"
    box = sandbox._zygote.box
    sandbox.boxes |= {box} - {None}
    if box is not None:  # without bubblewrap the box is a host folder: empty between runs
        assert os.listdir(box) == []
        assert os.stat(box).st_uid == 65534


def run(sandbox, source: str, calls, **kwargs):
    return sandbox.run(Submission("student", {"student": textwrap.dedent(source)}), calls, **kwargs)


# -- 1. no path the student controls


def test_links_planted_for_the_request_lead_nowhere(sandbox, grader_cwd):
    """The old request file was written by the grader into the box: a link there made it write
    into its own folder. Now the request travels in a memfd; links are removed, not followed."""
    victim = str(grader_cwd / "gradebook.db")
    out = run(sandbox, f'''
        import os
        VICTIM = {victim!r}
        def plant():
            made = []
            for folder in (os.getcwd(), os.path.dirname(os.getcwd())):
                for name in (".request.json", "request.json", "student.py", "run-0", "x"):
                    path = os.path.join(folder, name)
                    try:
                        if os.path.lexists(path):
                            os.unlink(path)
                        os.symlink(VICTIM, path)
                        made.append(name)
                    except OSError as e:
                        made.append(type(e).__name__)
            os.write(1, repr(made).encode())
            os._exit(3)  # a dead process: the grader starts the next one (and once wrote a request)
        def add(a, b):
            return a + b
    ''', [Call("plant", ()), Call("add", (1, 2)), Call("plant", ()), Call("add", (2, 2))])
    assert [o.status for o in out] == ["crash", "returned", "crash", "returned"]
    assert out[0].message == "the process ended (exit status 3) before returning: os._exit or a crash in C code?"
    assert out[0].output == repr([".request.json", "request.json", "student.py", "run-0", "x"] * 2)
    assert (out[1].value, out[3].value) == (3, 4)
    assert Path(victim).is_file() and not Path(victim).is_symlink()


def test_nested_folders_and_locked_folders_are_removed(sandbox):
    """1,500 nested folders (Python's shutil.rmtree stops at about 1,000; 3,000 in bubblewrap),
    one locked (mode 000), a link out, in every writable place: all gone before the next run.
    (Under Landlock each step costs as much as the depth: making 1,500 levels takes seconds.)"""
    depth = 3000 if sandbox.mode == "bwrap" else 1500
    out = run(sandbox, f'''
        import os
        def nest(top, depth):
            fd = os.open(top, os.O_RDONLY)
            for _ in range(depth):
                os.mkdir("d", dir_fd=fd)
                below = os.open("d", os.O_RDONLY, dir_fd=fd)
                os.close(fd)
                fd = below
            os.symlink("/etc/passwd", "passwd", dir_fd=fd)
            os.mkdir("locked", dir_fd=fd)
            os.close(os.open("locked/f", os.O_CREAT | os.O_WRONLY, dir_fd=fd))
            os.chmod("locked", 0, dir_fd=fd)
            os.close(fd)
        def plant():
            done = []
            for top, depth in ((os.getcwd(), {depth}), ("..", 10), ("/tmp", {depth}), ("/dev/shm", {depth})):
                try:
                    nest(top, depth)
                    done.append(top)
                except OSError as e:
                    done.append(type(e).__name__)
            return done
    ''', [Call("plant", ())], time_per_case=60.0)
    planted = out[0].value
    assert planted[0].startswith(sandbox._zygote.inside + "/run-")
    if sandbox.mode == "bwrap":
        assert planted[1:] == ["..", "/tmp", "/dev/shm"]
    else:  # Landlock: nothing outside the box can be written
        assert planted[:2] == [planted[0], ".."] and planted[2:] == ["PermissionError", "PermissionError"]
    seen = run(sandbox, '''
        import os
        def _list(folder):
            try:
                return sorted(os.listdir(folder))
            except OSError as e:
                return type(e).__name__
        def look():
            return _list(".."), _list("/tmp"), _list("/dev/shm")
    ''', [Call("look", ())])[0]
    assert seen.status == "returned", seen
    here, tmp, shm = seen.value
    assert len(here) == 1 and here[0].startswith("run-")  # only the new run's own folder
    # bubblewrap binds a Python installed under /tmp (a checkout there) into the sandbox's /tmp: the
    # folders holding those binds stay, and only they
    from autograder.sandbox import bwrap

    held = sorted({Path(d).parts[2] for d in bwrap.python_dirs() if Path(d).parts[1:2] == ("tmp",)})
    assert (tmp, shm) == ((held, []) if sandbox.mode == "bwrap" else ("PermissionError", "PermissionError"))


# -- 2. bounded reads


def test_an_endless_result_line_is_a_crash_of_its_case(sandbox):
    """No newline, gigabytes: the grader stops reading at the cap, the case is a crash, the
    next case runs in a fresh process."""
    started = time.monotonic()
    out = run(sandbox, '''
        import os, stat
        def flood():
            pipes = [fd for fd in range(3, 64) if fd not in (1, 2) and _is_pipe(fd)]
            block = b"7" * (1 << 20)
            while True:
                for fd in pipes:
                    os.write(fd, block)
        def _is_pipe(fd):
            try:
                return stat.S_ISFIFO(os.fstat(fd).st_mode) and os.get_blocking(fd)
            except OSError:
                return False
        def add(a, b):
            return a + b
    ''', [Call("flood", ()), Call("add", (1, 2))], time_per_case=20.0)
    assert (out[0].status, out[0].message) == ("crash", f"the student's process sent a result larger than "
                                                         f"{RESULT_CAP >> 20} MiB")
    assert (out[1].status, out[1].value) == ("returned", 3)
    assert time.monotonic() - started < 20.0


def test_a_trickle_without_newline_still_times_out(sandbox):
    """Data arriving all the time on both pipes must not keep the grader from its clock."""
    started = time.monotonic()
    out = run(sandbox, '''
        import os, stat, time
        def trickle():
            pipes = [fd for fd in range(3, 64) if _is_pipe(fd)]
            while True:
                for fd in pipes:
                    os.write(fd, b"x")
                os.write(1, b"y" * 4096)
                time.sleep(0.0005)
        def _is_pipe(fd):
            try:
                return stat.S_ISFIFO(os.fstat(fd).st_mode)
            except OSError:
                return False
    ''', [Call("trickle", ())], time_per_case=1.0)
    assert (out[0].status, out[0].message) == ("timeout", "ran past the 1 s limit per case")
    assert "y" * 4096 in out[0].output and out[0].output.endswith(" more bytes of output not shown]")
    assert time.monotonic() - started < 10.0


def test_forged_output_markers_change_nothing(sandbox):
    """The old split of output per call used markers in the output stream: any byte sequence is
    now just output, attributed to the call that printed it."""
    forged = ('\x00\x1egrade:0123456789abcdef:1\x1e\x00{"i": 1, "status": "returned", "value": 99}\n'
              '\x00\x1egrade:0123456789abcdef:-1\x1e\x00')
    out = run(sandbox, f'''
        import os
        def forge(n):
            os.write(1, {forged.encode()!r})
            print("call", n)
            return n
    ''', [Call("forge", (0,)), Call("forge", (1,)), Call("forge", (2,))])
    assert [(o.status, o.value) for o in out] == [("returned", 0), ("returned", 1), ("returned", 2)]
    for n, o in enumerate(out):
        assert o.output == forged + f"call {n}\n"


# -- 3. caps


def test_every_writable_place_is_capped_and_emptied(sandbox):
    out = run(sandbox, '''
        import errno, os
        def fill():
            seen = {}
            for path in ("big", "../big", "/tmp/big", "/dev/shm/big", "/dev/big"):
                written = 0
                try:
                    with open(path, "wb", buffering=0) as f:
                        block = b"\\0" * (1 << 20)
                        for _ in range(100):  # 100 MiB, past every cap
                            written += f.write(block)
                    seen[path] = written
                except OSError as e:
                    seen[path] = (errno.errorcode[e.errno], written)
            return sorted(seen.items())  # (plain data comes back: lists, not dicts)
    ''', [Call("fill", ())], time_per_case=30.0)
    seen = {path: tuple(v) if isinstance(v, list) else v for path, v in out[0].value}
    cap = sandbox.disk_mb << 20
    for path in ("big", "../big"):
        code, written = seen[path]
        assert code in ("ENOSPC", "EFBIG") and written <= cap
    if sandbox.mode == "bwrap":
        assert seen["/tmp/big"][0] in ("ENOSPC", "EFBIG") and seen["/tmp/big"][1] <= cap
        assert seen["/dev/shm/big"][0] in ("ENOSPC", "EFBIG") and seen["/dev/shm/big"][1] <= cap
        assert seen["/dev/big"] == ("EROFS", 0)
    else:  # Landlock: the box only
        assert {p: seen[p] for p in ("/tmp/big", "/dev/shm/big", "/dev/big")} == {
            "/tmp/big": ("EACCES", 0), "/dev/shm/big": ("EACCES", 0), "/dev/big": ("EACCES", 0)}
    look = run(sandbox, '''
        import os
        def look():
            found = []
            for folder in ("..", "/tmp", "/dev/shm", "/dev"):
                try:
                    found += [os.path.join(folder, n) for n in os.listdir(folder) if "big" in n]
                except OSError:
                    pass
            return found
    ''', [Call("look", ())])
    assert look[0].value == []


def test_many_files_are_capped_in_total_and_never_on_the_host_disk(sandbox):
    """RLIMIT_FSIZE bounds one file, not how many: 40 files of 16 MiB stop at the box's cap in total.
    Without bubblewrap, as root, the box is a tmpfs in the zygote's own mount namespace: the host
    folder under it stays empty while the student writes."""
    source = '''
        import os, time
        def fill():
            written = 0
            try:
                for i in range(40):
                    with open(f"f{i}", "wb", buffering=0) as f:
                        for _ in range(16):
                            written += f.write(b"\\0" * (1 << 20))
            except OSError as e:
                time.sleep(3)  # the grader looks at its side meanwhile
                return [os.strerror(e.errno), written]
            return ["no error", written]
    '''
    seen = {}
    worker = threading.Thread(target=lambda: seen.setdefault("out", run(sandbox, source, [Call("fill", ())],
                                                                         time_per_case=30.0)))
    worker.start()
    time.sleep(2.0)
    box = sandbox._zygote.box
    on_host = None if box is None else os.listdir(box)
    worker.join()
    error, written = seen["out"][0].value
    assert error == "No space left on device" and written <= sandbox.disk_mb << 20
    assert on_host in (None, [])  # bwrap: no host folder at all


# -- 4. seccomp


SYSCALLS = '''
    import ctypes, errno, os, platform, signal, socket, subprocess, sys, threading
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    X86 = platform.machine() == "x86_64"
    NR = {"ptrace": 101 if X86 else 117, "process_vm_readv": 310 if X86 else 270, "unshare": 272 if X86 else 97,
          "mount": 165 if X86 else 40, "io_uring_setup": 425, "clone3": 435, "bpf": 321 if X86 else 280,
          "keyctl": 250 if X86 else 219, "pidfd_open": 434, "setns": 308 if X86 else 268,
          "shmget": 29 if X86 else 194, "msgget": 68 if X86 else 186, "semget": 64 if X86 else 190,
          "mq_open": 240 if X86 else 180}

    def _raw(name, *args):
        if libc.syscall(ctypes.c_long(NR[name]), *[ctypes.c_long(a) for a in args]) == -1:
            return errno.errorcode[ctypes.get_errno()]
        return "ok"

    def _try(fn):
        try:
            fn()
            return "ok"
        except OSError as e:
            return errno.errorcode.get(e.errno, str(e.errno))

    def attempts():
        parent = os.getppid()
        buf = ctypes.create_string_buffer(8)
        iov = (ctypes.c_void_p * 2)(ctypes.addressof(buf), 8)
        got = {
            "execv": _try(lambda: os.execv(sys.executable, [sys.executable, "-I", "-c", "pass"])),
            "python -I": _try(lambda: subprocess.run([sys.executable, "-I", "-c", "pass"])),
            "fork": _try(lambda: os.fork()),
            "posix_spawn": _try(lambda: os.posix_spawn("/bin/true", ["true"], {})),
            "kill zygote": _try(lambda: os.kill(parent, signal.SIGKILL)),
            "kill everyone": _try(lambda: os.kill(-1, signal.SIGKILL)),
            "kill my group": _try(lambda: os.kill(0, signal.SIGSTOP)),
            "kill self 0": _try(lambda: os.kill(os.getpid(), 0)),
            "signal own thread": _try(lambda: signal.pthread_kill(threading.get_ident(), 0)),
            "inet": _try(lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM)),
            "inet6": _try(lambda: socket.socket(socket.AF_INET6)),
            "packet": _try(lambda: socket.socket(17, socket.SOCK_RAW)),
            "unix": _try(lambda: socket.socket(socket.AF_UNIX).close()),
            "ptrace attach": _raw("ptrace", 16, parent, 0, 0),
            "process_vm_readv": _raw("process_vm_readv", parent, ctypes.addressof(iov), 1, ctypes.addressof(iov), 1, 0),
            "unshare user": _raw("unshare", 0x10000000),
            "mount": _raw("mount", 0, 0, 0, 0, 0),
            "io_uring_setup": _raw("io_uring_setup", 8, ctypes.addressof(ctypes.create_string_buffer(120))),
            "clone3": _raw("clone3", 0, 0),
            "bpf": _raw("bpf", 0, 0, 0),
            "keyctl": _raw("keyctl", 0, 0),
            "pidfd_open": _raw("pidfd_open", parent, 0),
            "setns": _raw("setns", 0, 0),
            "shmget": _raw("shmget", 0x5EC0DE, 4096, 0o1666),  # IPC_CREAT | 0666: a segment for classmates
            "msgget": _raw("msgget", 0x5EC0DE, 0o1666),
            "semget": _raw("semget", 0x5EC0DE, 1, 0o1666),
            "mq_open": _raw("mq_open", ctypes.addressof(ctypes.create_string_buffer(b"grade-test-mq")), 0o100 | 2,
                            0o666, 0),
        }
        try:
            t = threading.Thread(target=lambda: got.setdefault("thread", "ran"))
            t.start()
            t.join()
        except RuntimeError as e:
            got["thread"] = str(e)
        return sorted(got.items())
'''


def test_seccomp_refuses_new_programs_processes_and_reaching_others(sandbox):
    out = run(sandbox, SYSCALLS, [Call("attempts", ())])
    assert out[0].status == "returned"
    eperm = ["execv", "python -I", "fork", "posix_spawn", "kill zygote", "kill everyone", "kill my group",
             "inet", "inet6", "packet", "ptrace attach", "process_vm_readv", "unshare user", "mount",
             "io_uring_setup", "bpf", "keyctl", "pidfd_open", "setns", "shmget", "msgget", "semget", "mq_open"]
    assert dict(out[0].value) == {**{k: "EPERM" for k in eperm}, "clone3": "ENOSYS", "kill self 0": "ok",
                                  "signal own thread": "ok", "unix": "ok", "thread": "can't start new thread"}
    assert not [line for line in Path("/proc/sysvipc/shm").read_text().splitlines()[1:]
                if int(line.split()[0]) == 0x5EC0DE]  # nothing left for the next student of a batch


def test_torch_and_numpy_work_on_one_thread_under_the_filter(sandbox):
    """Threads are refused (a guard kept per thread would not be on a thread the student starts), so
    every pool is one thread from the zygote's start: convolution, matmul, einsum, linalg, FFT,
    backward and numpy's BLAS all run; a student who asks torch for more threads crashes their case."""
    out = run(sandbox, '''
        import numpy as np
        import torch
        import torch.nn.functional as F
        def work():
            torch.manual_seed(0)
            conv = torch.nn.Conv2d(3, 4, 3)
            opt = torch.optim.SGD(conv.parameters(), lr=0.1)
            x = torch.randn(8, 3, 16, 16)
            for _ in range(5):
                opt.zero_grad()
                loss = conv(x).pow(2).mean()
                loss.backward()
                opt.step()
            m = torch.randn(256, 256)
            a = np.random.default_rng(0).random((300, 300))
            return [float(loss), float(torch.einsum("ij,jk->ik", m, m).sum()), float((m @ m).sum()),
                    float(torch.linalg.solve(torch.eye(64) * 2, torch.ones(64)).sum()),
                    float(torch.linalg.svd(torch.randn(64, 32)).S.sum()), float(torch.fft.rfft(m).abs().sum()),
                    float(F.max_pool2d(x, 2).sum()), float(np.dot(a, a.T).sum()), float(np.linalg.inv(a + 300 * np.eye(300)).sum()),
                    torch.get_num_threads()]
        def more_threads():
            torch.set_num_threads(2)
            return float((torch.randn(512, 512) @ torch.randn(512, 512)).sum())
    ''', [Call("work", ()), Call("more_threads", ())], time_per_case=30.0)
    assert out[0].status == "returned", out[0]
    assert 0 < out[0].value[0] < 10 and all(v == v for v in out[0].value) and out[0].value[-1] == 1
    assert (out[1].status, out[1].message) == ("crash", "the process ended (exit status 1) before returning: "
                                                        "os._exit or a crash in C code?")
    assert "libgomp: Thread creation failed: Operation not permitted" in out[1].output


def test_no_thread_starts_so_no_forbidden_call_runs_unguarded(sandbox):
    """The guard is a per-thread dispatch mode: a thread the student starts would run F.conv1d
    unguarded. No thread starts, by any route (threading, torch's own name for it, _thread), with
    or without an exercise's rules (the static policy refuses `import threading`, not torch.threading)."""
    routes = '''
        import torch
        import torch.nn.functional as F
        def _on_a_thread(start):
            box = []
            try:
                start(lambda: box.append(F.conv1d(torch.ones(1, 1, 5), torch.ones(1, 1, 3))))
            except RuntimeError as e:
                return str(e)
            return "started"
        def via_torch():
            return _on_a_thread(lambda f: torch.threading.Thread(target=f).start())
    '''
    rules = {"exercise": "exercise0", "ops": [["*conv*", "F.conv1d"]], "names": [], "autograd": False}
    guarded = run(sandbox, routes, [Call("via_torch", ())], forbidden=rules)
    # with an exercise's rules the static policy refuses the name itself (autograder/judging/unreachable.py)
    assert [o.status for o in guarded] == ["forbidden"] and "threading" in guarded[0].message, guarded
    out = run(sandbox, routes + '''
        def via_threading():
            import threading
            return _on_a_thread(lambda f: threading.Thread(target=f).start())
        def via_thread_module():
            import _thread
            return _on_a_thread(lambda f: _thread.start_new_thread(f, ()))
    ''', [Call("via_torch", ()), Call("via_threading", ()), Call("via_thread_module", ())])
    assert [(o.status, o.value) for o in out] == [("returned", "can't start new thread")] * 3


@pytest.mark.skipif(platform.machine() != "x86_64", reason="the 32-bit syscall gate is x86's")
def test_a_32_bit_syscall_kills_the_process(sandbox):
    """int 0x80 in a 64-bit process has another syscall table and arch field: killed, not filtered."""
    out = run(sandbox, '''
        import ctypes, mmap
        def gate():
            code = b"\\xb8\\x14\\x00\\x00\\x00\\xcd\\x80\\xc3"  # mov eax, 20 (getpid); int 0x80; ret
            page = mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
            page.write(code)
            address = ctypes.addressof(ctypes.c_char.from_buffer(page))
            return ctypes.CFUNCTYPE(ctypes.c_int)(address)()
        def add(a, b):
            return a + b
    ''', [Call("gate", ()), Call("add", (1, 1))])
    assert (out[0].status, out[0].message) == ("crash", "the process died of signal SIGSYS before returning")
    assert out[1].value == 2


# -- 5. without bubblewrap, as root: another user


LOOK_AROUND = f'''
    import os, signal
    def _read(path):
        try:
            with open(path, "rb") as f:
                return f.read()
        except OSError as e:
            return type(e).__name__
    def look(cwd, solutions):
        me, zygote = os.getpid(), os.getppid()
        pids = sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
        environs = {{p: _read(f"/proc/{{p}}/environ") for p in pids}}
        leaked = sorted(p for p, e in environs.items() if isinstance(e, bytes) and {SALT.encode()!r} in e)
        others = [p for p in pids if p not in (me, zygote)]
        stat = _read(f"/proc/{{zygote}}/stat")
        grader = int(stat.rsplit(b")", 1)[1].split()[1]) if isinstance(stat, bytes) else 0
        grader_environ = "no grader in sight" if grader == 0 else _read(f"/proc/{{grader}}/environ")
        killed = []
        for p in others:
            try:
                os.kill(p, signal.SIGSTOP)
                killed.append(p)
            except OSError:
                pass
        try:
            import autograder
            grader = sorted(os.listdir(list(autograder.__path__)[0]))
        except (ImportError, OSError) as e:
            grader = type(e).__name__
        try:
            open(os.path.join(cwd, "gradebook.db"), "ab").close()
            wrote = "wrote"
        except OSError as e:
            wrote = type(e).__name__
        return sorted({{"uid": [os.getuid(), os.geteuid(), os.getgid(), os.getegid(), os.getgroups()],
                        "leaked": leaked, "killed": killed, "grader": grader, "gradebook": wrote,
                        "solutions": _read(solutions) if isinstance(_read(solutions), str) else "read",
                        "shadow": _read("/etc/shadow") if isinstance(_read("/etc/shadow"), str) else "read",
                        "see_others": bool(others),
                        "grader_environ": grader_environ if isinstance(grader_environ, str) else "read"}}.items())
'''


def test_the_student_sees_and_reaches_nothing_of_the_grader(sandbox, grader_cwd):
    out = run(sandbox, LOOK_AROUND, [Call("look", (str(grader_cwd), str(ROOT / "solutions" / "exercise1" / "exercise1.py")))])
    got = dict(out[0].value)
    assert (got["leaked"], got["killed"], got["gradebook"]) == ([], [], got["gradebook"])
    # this checkout's editable install maps `autograder` to the course root: not mounted in bubblewrap,
    # refused by Landlock without it (a regular install: see test_the_grader_package_is_hidden...)
    if sandbox.mode == "bwrap":
        assert got["uid"][:4] == [0, 0, 0, 0] and not got["see_others"]  # root without capabilities, alone
        assert got["grader_environ"] == "no grader in sight"  # the zygote is pid 1 of its namespace
        assert [got[k] for k in ("gradebook", "solutions", "shadow", "grader")] == ["FileNotFoundError"] * 3 + [
            "ModuleNotFoundError"]
    else:
        assert got["uid"] == [65534, 65534, 65534, 65534, []]
        assert got["see_others"]  # the machine's pid namespace: it sees the grader, and can do nothing to it
        assert [got[k] for k in ("gradebook", "solutions", "shadow", "grader", "grader_environ")] == [
            "PermissionError"] * 5


def test_a_classmate_in_another_sandbox_cannot_be_touched(sandbox):
    """grade batch runs one sandbox per worker: the student of one may not stop or read another."""
    with Sandbox(time_per_case=10.0, time_total=30.0) as other:
        other._ready()
        result = {}
        victim = threading.Thread(target=lambda: result.setdefault("out", other.run(
            Submission("victim", {"victim": "import time\ndef wait():\n    time.sleep(4)\n    return 'alive'\n"}),
            [Call("wait", ())])))
        victim.start()
        time.sleep(1.5)  # the victim's process is running now
        out = run(sandbox, LOOK_AROUND, [Call("look", ("/", "/"))])
        victim.join()
        box = other._zygote.box
    assert box is None or not os.path.lexists(box)
    got = dict(out[0].value)
    assert (got["killed"], got["leaked"]) == ([], [])
    assert (result["out"][0].status, result["out"][0].value) == ("returned", "alive")


def test_the_grader_package_is_hidden_in_a_regular_install(sandbox, tmp_path):
    """A regular (non-editable) install puts `autograder` beside torch in site-packages, which the
    sandbox must mount: its folder is then empty (bwrap) or unreadable (Landlock). Built here as a
    virtual environment holding a copy of the package, torch reached through a .pth line."""
    import site

    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(tmp_path / "venv")], check=True)
    venv_python = tmp_path / "venv" / "bin" / "python"
    venv_site = Path(subprocess.run([venv_python, "-c", "import site; print(site.getsitepackages()[0])"],
                                    capture_output=True, text=True, check=True).stdout.strip())
    shutil.copytree(ROOT / "autograder", venv_site / "autograder", ignore=shutil.ignore_patterns("__pycache__"))
    (venv_site / "innocent.py").write_text("VALUE = 1\n")
    (venv_site / "torch-and-co.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    package = venv_site / "autograder"
    script = textwrap.dedent(f'''
        import json, sys
        import autograder
        from autograder.cases.space import Call
        from autograder.sandbox.runner import Sandbox, Submission
        assert autograder.__file__ == {str(package / "__init__.py")!r}, autograder.__file__
        source = """
        import os
        def peek():
            try:
                import autograder.mutants
                got = "imported"
            except (ImportError, OSError) as e:
                got = type(e).__name__
            try:
                listing = sorted(os.listdir({str(package)!r}))
            except OSError as e:
                listing = type(e).__name__
            import innocent
            return [got, listing, innocent.VALUE]
        """
        with Sandbox() as box:
            out = box.run(Submission("peek", {{"peek": source}}), [Call("peek", ())])[0]
            print(out, file=sys.stderr)
            print(json.dumps(out.value))
    ''')
    env = {**os.environ, "GRADE_NO_BWRAP": "1" if sandbox.mode == "root-no-bwrap" else ""}
    done = subprocess.run([venv_python, "-I", "-c", script], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-2000:]
    got = done.stdout.strip().splitlines()[-1]
    assert got != "null", done.stderr[-3000:]
    if sandbox.mode == "bwrap":
        assert got == '["ModuleNotFoundError", [], 1]'
    else:  # the name is still listed (site-packages' listing was cached before Landlock), its files refused
        assert got == '["PermissionError", "PermissionError", 1]'


def test_a_course_kept_under_usr_is_hidden_with_what_the_grader_names(sandbox, monkeypatch):
    """Docker images keep the course in /usr/src/app, inside the /usr the sandbox must show (bwrap binds
    it, Landlock grants it), and the grader's command line, readable by anyone in /proc, names it: the
    course root (solutions/, course.yml, the package), the class, the gradebook's folder and the salt
    file's folder are hidden wherever they are; a file beside them is not (the check is not vacuous)."""
    import tempfile

    if not os.access("/usr/src", os.W_OK):
        pytest.skip("needs a folder under /usr/src")
    top = Path(tempfile.mkdtemp(prefix="grade-test-", dir="/usr/src"))
    try:
        files = {"app/course.yml": "title: x\n", "app/solutions/exercise1.py": "ANSWER = 1\n",
                 "app/books/gradebook.db": "rows", "class/alice/exercise1.py": "MINE = 1\n",
                 "secret/salt": "pepper\n", "visible.txt": "shown\n"}
        for rel, text in files.items():
            (top / rel).parent.mkdir(parents=True, exist_ok=True)
            (top / rel).write_text(text)
        for folder, dirs, names in os.walk(top):  # readable by anyone: only the sandbox may refuse
            os.chmod(folder, 0o755)
            for name in names:
                os.chmod(os.path.join(folder, name), 0o644)
        monkeypatch.chdir(top / "app")
        monkeypatch.setattr(sys, "argv", ["grade", "batch", str(top / "class"), "--gradebook",
                                          str(top / "app" / "books" / "gradebook.db"), "--course=course.yml"])
        monkeypatch.setenv("CONV_COURSE_SALT_FILE", str(top / "secret" / "salt"))
        with Sandbox(time_per_case=PER_CASE) as box:
            out = run(box, f'''
                import os
                TOP = {str(top)!r}
                def _read(rel):
                    try:
                        with open(os.path.join(TOP, rel)) as f:
                            return f.read()
                    except OSError as e:
                        return type(e).__name__
                def _list(rel):
                    try:
                        return sorted(os.listdir(os.path.join(TOP, rel)))
                    except OSError as e:
                        return type(e).__name__
                def look():
                    return [[rel, _read(rel)] for rel in {sorted(files)!r}] + [[rel + "/", _list(rel)] for rel in (
                        "", "app", "class", "secret")]
            ''', [Call("look", ())])
    finally:
        shutil.rmtree(top)
    got = dict(out[0].value)
    assert box.confine and not box.notes[1:], box.notes  # bubblewrap did not fail on the extra mounts
    listing = ["app", "class", "secret", "visible.txt"] if sandbox.mode == "bwrap" else "PermissionError"
    assert (got.pop("visible.txt"), got.pop("/")) == ("shown\n", listing)  # (Landlock grants its entries only)
    if sandbox.mode == "bwrap":  # empty read-only folders in their place
        assert got == {**{rel: "FileNotFoundError" for rel in files if rel != "visible.txt"},
                       "app/": [], "class/": [], "secret/": []}
    else:  # Landlock: not granted
        assert got == {**{rel: "PermissionError" for rel in files if rel != "visible.txt"},
                       "app/": "PermissionError", "class/": "PermissionError", "secret/": "PermissionError"}


def test_grade_as_docker_runs_it(sandbox, tmp_path):
    """`grade` as root without bubblewrap: full marks for the solution, one note line saying what applies."""
    if sandbox.mode != "root-no-bwrap":
        pytest.skip("the Docker path")
    submission = tmp_path / "exercise1.py"
    submission.write_text((ROOT / "solutions" / "exercise1" / "exercise1.py").read_text())
    done = subprocess.run([sys.executable, "-m", "autograder", "exercise1", "--submission", str(submission),
                           "--format", "json"], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "GRADE_NO_BWRAP": "1", "CONV_COURSE_SALT": SALT})
    assert done.returncode == 0, done.stderr[-2000:]
    notes = [line for line in done.stderr.splitlines() if line.startswith("grade: note:")]
    from autograder.sandbox import bwrap, spawn

    unreadable = not all(spawn._others_can_read(d) for d in bwrap.python_dirs())  # pyenv under /root, here
    assert notes == [
        "grade: note: bubblewrap (bwrap) is not available: student code runs as uid 65534 gid 65534 with no "
        "supplementary groups, under a seccomp filter (no new programs or processes, no network sockets, no "
        "signals to other processes); Landlock makes the filesystem read-only outside its folder and hides the "
        "course" + (" (the Python installation is not readable by uid 65534: it may read past file modes, within "
                    "Landlock's list)" if unreadable else "") + "; it shares the machine's pid namespace"]


def test_as_root_without_landlock_the_other_user_still_protects(sandbox, grader_cwd, monkeypatch):
    """An old kernel (no Landlock): the user alone keeps the grader's files, environment and processes
    out of reach; what that user may read stays readable, and the note says so."""
    if sandbox.mode != "root-no-bwrap":
        pytest.skip("the Docker path")
    from autograder.sandbox import spawn

    monkeypatch.setattr(spawn, "landlock_rules", lambda box: None)
    with Sandbox(time_per_case=PER_CASE) as box:
        out = run(box, LOOK_AROUND, [Call("look", (str(grader_cwd), str(ROOT / "solutions" / "exercise1" / "exercise1.py")))])
        notes = list(box.notes)
    got = dict(out[0].value)
    assert got["uid"] == [65534, 65534, 65534, 65534, []]
    assert (got["leaked"], got["killed"], got["grader_environ"], got["gradebook"]) == (
        [], [], "PermissionError", "PermissionError")  # not its process; a folder only root may enter
    assert got["shadow"] == "PermissionError"
    world_readable = os.stat(ROOT / "solutions" / "exercise1" / "exercise1.py").st_mode & 0o004 and spawn._others_can_read(
        str(ROOT / "solutions"))
    assert got["solutions"] == ("read" if world_readable else "PermissionError")
    assert notes == [
        "bubblewrap (bwrap) is not available: student code runs as uid 65534 gid 65534 with no supplementary "
        "groups, under a seccomp filter (no new programs or processes, no network sockets, no signals to other "
        "processes); no Landlock (not tried): it can read what uid 65534 can read and write where it may (/tmp); "
        "it shares the machine's pid namespace"]


@pytest.mark.parametrize("setting, uid, note", [
    ("4321:4322", [4321, 4322], None),
    ("0", [65534, 65534], "GRADE_SANDBOX_USER='0' would be root; student code runs as 65534:65534"),
    ("teacher", [65534, 65534],
     "GRADE_SANDBOX_USER='teacher' is not a uid or uid:gid; student code runs as 65534:65534"),
])
def test_the_sandbox_user_is_configurable_but_never_root(sandbox, monkeypatch, setting, uid, note):
    if sandbox.mode != "root-no-bwrap":
        pytest.skip("the Docker path")
    monkeypatch.setenv("GRADE_SANDBOX_USER", setting)
    with Sandbox(time_per_case=PER_CASE) as box:
        out = run(box, "import os\ndef who():\n    return [os.getuid(), os.getgid()]\n", [Call("who", ())])
        notes = list(box.notes)
    assert out[0].value == uid
    assert (notes[0] if note else notes[0].startswith("bubblewrap")) == (note or True)

