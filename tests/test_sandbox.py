"""Sandbox: plain results in call order, output captured at the fd level, limits, confinement."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from autograder.cases.space import Call
from autograder.sandbox.runner import Sandbox, Submission

SOURCE = textwrap.dedent('''
    import ctypes, os, socket
    import torch
    import torch.nn.functional as F

    def add(a, b):
        return a + b

    def zero_d(n):
        return torch.tensor(n)

    def shout(text):
        print("py:" + text)
        os.write(1, b"fd1:" + text.encode() + b"\\n")
        os.write(2, b"fd2:" + text.encode() + b"\\n")
        ctypes.CDLL(None).printf(b"c:%s\\n", text.encode())
        return len(text)

    def where():
        return [socket.gethostname(), os.getpid(), sorted(k for k in os.environ)]

    def slow(seconds):
        import time
        time.sleep(seconds)
        return seconds

    def my_conv(x, w):
        return F.conv1d(x, w)

    def loop_conv(x, w):
        k = w.shape[-1]
        return torch.stack([(x[..., i:i + k] * w[0]).sum((-1, -2)) for i in range(x.shape[-1] - k + 1)], -1)
''')
SUBMISSION = Submission("student", {"student": SOURCE})


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox(time_per_case=1.0, time_total=20.0) as box:
        yield box


def test_results_come_back_in_call_order_as_plain_data(sandbox):
    out = sandbox.run(SUBMISSION, [Call("add", (1, 2)), Call("zero_d", (4,)), Call("add", ("a", "b")),
                                   Call("missing", ())])
    assert [o.status for o in out] == ["returned", "returned", "returned", "crash"]
    assert out[0].value == 3
    assert out[1].value.src == "tensor" and out[1].value.array.shape == () and int(out[1].value.array) == 4
    assert out[2].value == "ab"
    assert out[3].message == "student.py has no function missing"


def test_output_is_captured_per_call_from_python_fds_and_c(sandbox, capfd):
    out = sandbox.run(SUBMISSION, [Call("shout", ("one",)), Call("shout", ("two",))])
    for o, word in zip(out, ("one", "two")):
        assert o.value == 3
        assert sorted(o.output.splitlines()) == sorted([f"py:{word}", f"fd1:{word}", f"fd2:{word}", f"c:{word}"])
    captured = capfd.readouterr()
    assert "one" not in captured.out + captured.err


def test_a_slow_case_costs_its_function_and_the_rest_still_run(sandbox):
    out = sandbox.run(SUBMISSION, [Call("slow", (5,)), Call("slow", (0,)), Call("add", (1, 1))])
    assert [(o.status, o.message) for o in out] == [
        ("timeout", "ran past the 1 s limit per case"),
        ("timeout", "not run: an earlier case of slow ran past the 1 s limit"),
        ("returned", "")]
    assert out[2].value == 2


def test_the_exercise_budget_bounds_the_whole_run(sandbox):
    out = sandbox.run(SUBMISSION, [Call("slow", (0.6,)), Call("slow", (0.6,)), Call("add", (1, 1))],
                      time_per_case=5.0, time_total=1.0)
    assert out[0].status == "returned"
    assert out[1].status == "timeout" and "time budget of 1 s ran out" in out[1].message
    assert out[2].status == "timeout"


def test_the_student_sees_no_secrets_and_when_confined_no_host(sandbox, monkeypatch):
    hostname, pid, env = sandbox.run(SUBMISSION, [Call("where", ())])[0].value
    assert not [k for k in env if "SECRET" in k or "TOKEN" in k or "SALT" in k]
    assert set(env) <= {"PATH", "LANG", "LC_ALL", "LC_CTYPE", "HOME", "TMPDIR", "OMP_NUM_THREADS",
                        "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "PYTHONDONTWRITEBYTECODE", "PWD"}
    if sandbox._zygote.bwrap:
        assert hostname == "sandbox" and pid > 1  # its own pid namespace; pid 1 is the zygote


def test_forbidden_at_run_time_and_in_a_timed_run_where_only_the_grader_keeps_time(sandbox):
    import numpy as np
    import torch

    x, w = torch.arange(8.0).reshape(1, 1, 8), torch.ones(1, 1, 3)
    timed = [Call(fn, (x, w), time_repeats=3, baseline="torch.nn.functional.conv1d")
             for fn in ("my_conv", "loop_conv")]
    rules = {"exercise": "exercise0", "ops": [["*conv*", "F.conv1d or an equivalent"]], "names": [], "autograd": False}
    torch_only = "\n".join(line for line in SOURCE.splitlines()  # as the static policy wants it
                            if "ctypes" not in line and "import time" not in line)
    out = sandbox.run(Submission("student", {"student": torch_only}), timed, forbidden=rules)
    line = next(i for i, text in enumerate(torch_only.splitlines(), 1) if "return F.conv1d" in text)
    assert (out[0].status, out[0].message) == ("forbidden", f"student.py:{line}: aten.conv1d (reached through "
                                                            "F.conv1d or an equivalent) is not allowed in exercise0")
    assert out[1].status == "returned" and out[1].value.array.tolist() == [[3.0, 6.0, 9.0, 12.0, 15.0, 18.0]]
    assert out[1].timing is None  # a run reports no time: only Sandbox.time measures one

    inputs = [((x + k, w), {}) for k in range(4)]
    checked = []

    def check(k, value):
        checked.append(k)
        want = np.convolve((x + k).numpy()[0, 0], np.ones(3), "valid")
        return "" if np.array_equal(value.array.reshape(-1), want) else "wrong"

    mine = Submission("student", {"student": torch_only})
    refused = sandbox.time(mine, "my_conv", inputs, baseline="torch.nn.functional.conv1d", check=check,
                           forbidden=rules)
    assert refused.status == "forbidden" and "aten.conv1d (reached through F.conv1d" in refused.message
    checked.clear()
    timing = sandbox.time(mine, "loop_conv", inputs, baseline="torch.nn.functional.conv1d", check=check,
                          forbidden=rules)
    assert timing.status == "returned", timing.message
    assert checked == [0, 1, 2, 3] * 3  # baseline, student, baseline: every result checked
    assert len(timing.student) == 3 and len(timing.baseline) == 6 and min(timing.fastest()) > 0


def test_without_bubblewrap_it_says_so_and_still_grades(monkeypatch, capsys):
    monkeypatch.setenv("GRADE_NO_BWRAP", "1")
    with Sandbox(time_per_case=2.0) as box:
        out = box.run(SUBMISSION, [Call("add", (2, 3))])
        assert out[0].value == 5
        assert box.notes and "bubblewrap" in box.notes[0]
    assert "grade: note: bubblewrap" in capsys.readouterr().err


@pytest.mark.parametrize("no_bwrap", ["", "1"])
def test_closing_leaves_no_folder_and_no_process(monkeypatch, no_bwrap):
    """With bubblewrap the box is a tmpfs inside it (no host folder at all); without, a host
    folder that the zygote empties after each run and closing removes."""
    monkeypatch.setenv("GRADE_NO_BWRAP", no_bwrap)
    with Sandbox() as box:
        box.run(SUBMISSION, [Call("add", (1, 1))])
        folder, proc = box._zygote.box, box._zygote.proc
        assert (folder is None) == bool(box._zygote.bwrap)
        if folder:
            assert os.path.isdir(folder) and os.listdir(folder) == []
    assert (folder is None or not os.path.exists(folder)) and proc.poll() is not None


@pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap is not installed")
def test_bubblewrap_is_used_where_installed(sandbox):
    sandbox.run(SUBMISSION, [Call("add", (1, 1))])
    assert sandbox._zygote.bwrap and sandbox._zygote.namespaced and not sandbox.notes


def test_nothing_a_run_leaves_reaches_the_next_one(sandbox):
    """In batch grading the next run is another student's: /tmp, the box and its folder start empty."""
    sandbox.run(SUBMISSION, [Call("add", (1, 1))])
    if not sandbox._zygote.bwrap:
        pytest.skip("without bubblewrap /tmp is the machine's")
    plant = Submission("planter", {"planter": textwrap.dedent('''
        import os
        def plant():
            for path in ("/tmp/planted", "../planted", os.path.expanduser("~/planted")):
                try:
                    open(path, "w").write("answer")
                except OSError:
                    pass
            return 1
    ''')})
    look = Submission("looker", {"looker": textwrap.dedent('''
        import glob, os
        def look():
            return sorted(glob.glob("/tmp/*") + glob.glob("../*planted*") + glob.glob(os.path.expanduser("~/*")))
    ''')})
    assert sandbox.run(plant, [Call("plant", ())])[0].value == 1
    seen = sandbox.run(look, [Call("look", ())])[0].value
    assert not [p for p in seen if "planted" in p]


# -- the pieces, alone


def test_removal_follows_no_link_and_survives_any_depth(tmp_path):
    """Python 3.11's shutil.rmtree recurses (RecursionError past ~1,000 levels) and a link inside
    the student's box must be removed, never followed."""
    from autograder.sandbox import clean

    victim = tmp_path / "grader"
    victim.mkdir()
    (victim / "gradebook.db").write_text("keep me")
    box = tmp_path / "box"
    box.mkdir()
    fd = os.open(box, os.O_RDONLY)
    for _ in range(5000):
        os.mkdir("d", dir_fd=fd)
        below = os.open("d", os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = below
    os.symlink(victim, "dir-link", dir_fd=fd)
    os.symlink(victim / "gradebook.db", "file-link", dir_fd=fd)
    os.mkdir("locked", dir_fd=fd)
    os.close(os.open("locked/f", os.O_CREAT | os.O_WRONLY, dir_fd=fd))
    os.chmod("locked", 0, dir_fd=fd)
    os.close(fd)
    os.symlink(victim, box / "top-link")
    assert clean.empty(str(box)) and os.listdir(box) == []
    assert (victim / "gradebook.db").read_text() == "keep me"
    os.symlink(victim, tmp_path / "link-to-grader")
    assert clean.remove(str(tmp_path / "link-to-grader")) and (victim / "gradebook.db").exists()
    assert clean.remove(str(box)) and not box.exists()
    assert not clean.empty(str(tmp_path / "missing"))


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("unshare"), reason="needs root and unshare(1) to mount")
def test_emptying_keeps_the_graders_mounts_and_removes_what_the_student_wrote_beside_them(tmp_path):
    """Inside bubblewrap the Python installation is bound read-only into the sandbox's /tmp when it is
    installed under /tmp (a checkout there): the zygote empties /tmp after a crashed run, found the
    binds (which no student process can make) not removable, and was restarted after every crash."""
    script = textwrap.dedent(f"""
        import os, subprocess, sys
        sys.path.insert(0, {str(Path(__file__).resolve().parent.parent)!r})
        from autograder.sandbox import clean
        top = {str(tmp_path / "tmp")!r}
        os.makedirs(top)
        subprocess.run(["mount", "-t", "tmpfs", "tmpfs", top], check=True)  # as bubblewrap's /tmp is
        venv = os.path.join(top, "work", "venv")
        os.makedirs(venv)
        subprocess.run(["mount", "--bind", "-o", "ro", {str(tmp_path / "python")!r}, venv], check=True)
        for path in ("student.txt", "work/student.txt", "work/made/deep/x.txt", "other/y.txt"):
            os.makedirs(os.path.dirname(os.path.join(top, path)), exist_ok=True)
            open(os.path.join(top, path), "w").close()
        os.symlink("/etc", os.path.join(top, "work", "link"))
        print(clean.empty(top), sorted(os.listdir(top)), sorted(os.listdir(os.path.join(top, "work"))),
              os.listdir(venv))
    """)
    (tmp_path / "python").mkdir()
    (tmp_path / "python" / "lib.py").write_text("")
    done = subprocess.run(["unshare", "--mount", "--propagation", "private", sys.executable, "-c", script],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[0] == "True ['work'] ['venv'] ['lib.py']"


def test_a_result_line_past_the_cap_is_refused_with_bounded_memory():
    """An endless line on the results pipe: read in bursts, refused once past RESULT_CAP."""
    import threading

    from autograder.sandbox import runner

    r, w = os.pipe()
    os.set_blocking(r, False)
    stop = threading.Event()

    def flood():
        block = b"x" * (1 << 20)
        try:
            while not stop.is_set():
                os.write(w, block)
        except OSError:
            pass

    writer = threading.Thread(target=flood)
    writer.start()
    run = object.__new__(runner._Run)
    run.lines, run.watched = bytearray(), {r}
    try:
        import select

        got = []
        while got is not None:
            select.select([r], [], [], 5)
            got = run._messages(r)
            assert got == [] or got is None
            assert len(run.lines) <= runner.RESULT_CAP + runner.READ_BURST
    finally:
        stop.set()
        os.close(r)
        writer.join()
        os.close(w)


def _bpf(program: bytes, nr: int, arch: int, args=(0,) * 6) -> int:
    """A classic-BPF interpreter for the instructions seccomp.py uses, over one seccomp_data."""
    import struct

    data = struct.pack("=iIQ6Q", nr, arch, 0, *args)
    code = [struct.unpack("=HBBI", program[i:i + 8]) for i in range(0, len(program), 8)]
    pc, acc = 0, 0
    while True:
        op, jt, jf, k = code[pc]
        if op == 0x20:
            acc = struct.unpack_from("=I", data, k)[0]
        elif op == 0x06:
            return k
        elif op in (0x15, 0x45, 0x35):
            hit = acc == k if op == 0x15 else bool(acc & k) if op == 0x45 else acc >= k
            pc += jt if hit else jf
        else:
            raise AssertionError(f"unknown opcode {op:#x}")
        pc += 1


@pytest.mark.parametrize("arch, audit, numbers", [
    ("x86_64", 0xC000003E, {"read": 0, "execve": 59, "clone": 56, "clone3": 435, "kill": 62, "socket": 41,
                            "ptrace": 101, "fork": 57, "shmget": 29, "msgget": 68, "semget": 64, "mq_open": 240}),
    ("aarch64", 0xC00000B7, {"read": 63, "execve": 221, "clone": 220, "clone3": 435, "kill": 129, "socket": 198,
                             "ptrace": 117, "fork": None, "shmget": 194, "msgget": 186, "semget": 190,
                             "mq_open": 180}),
])
def test_the_seccomp_program_decides_as_documented(arch, audit, numbers):
    """Run here on x86_64 only, so aarch64's program is checked by interpreting it."""
    from autograder.sandbox import seccomp

    prog = seccomp.program(arch, 4242)
    assert seccomp.program(arch, seccomp._PID).count(seccomp._PID.to_bytes(4, "little")) == 1  # patched per child
    allow, eperm, enosys, kill = seccomp.ALLOW, 0x00050001, 0x00050026, seccomp.KILL_PROCESS
    assert _bpf(prog, numbers["read"], audit) == allow
    assert _bpf(prog, numbers["read"], 0x40000003) == kill  # another architecture's syscall
    assert _bpf(prog, numbers["execve"], audit) == eperm
    assert _bpf(prog, numbers["clone3"], audit) == enosys
    assert _bpf(prog, numbers["clone"], audit, (0x3D0F00, 0, 0, 0, 0, 0)) == eperm  # glibc's pthread_create flags
    assert _bpf(prog, numbers["clone"], audit, (0x01200011, 0, 0, 0, 0, 0)) == eperm  # glibc's fork flags
    assert _bpf(prog, numbers["kill"], audit, (4242, 9, 0, 0, 0, 0)) == allow
    assert _bpf(prog, numbers["kill"], audit, (1, 9, 0, 0, 0, 0)) == eperm
    assert _bpf(prog, numbers["kill"], audit, (0xFFFFFFFF, 9, 0, 0, 0, 0)) == eperm  # -1: everyone
    assert _bpf(prog, numbers["socket"], audit, (2, 1, 0, 0, 0, 0)) == eperm  # AF_INET
    assert _bpf(prog, numbers["socket"], audit, (1, 1, 0, 0, 0, 0)) == allow  # AF_UNIX
    assert _bpf(prog, numbers["ptrace"], audit) == eperm
    for ipc in ("shmget", "msgget", "semget", "mq_open"):  # no IPC object outlives the run
        assert _bpf(prog, numbers[ipc], audit) == eperm
    if numbers["fork"] is not None:
        assert _bpf(prog, numbers["fork"], audit) == eperm
        assert _bpf(prog, 0x40000000 + numbers["read"], audit) == kill  # x32


def test_the_grader_paths_are_hidden_wherever_they_lie(tmp_path, monkeypatch):
    """What the grader's process names as its own (working folder, command line, salt file) is hidden,
    a file by its folder; never a system folder or a Python home, which the sandbox needs."""
    from autograder.sandbox import bwrap

    course, cls, out = tmp_path / "app", tmp_path / "class", tmp_path / "results"
    for d in (course / "solutions", cls / "alice", out, tmp_path / "secret"):
        d.mkdir(parents=True)
    (course / "course.yml").write_text("title: x\n")
    (tmp_path / "secret" / "salt").write_text("s\n")
    monkeypatch.chdir(course / "solutions")
    monkeypatch.setenv("CONV_COURSE_SALT_FILE", str(tmp_path / "secret" / "salt"))
    monkeypatch.delenv("CONV_COURSE_ROOT", raising=False)
    argv = ["batch", str(cls), "--gradebook", str(tmp_path / "nowhere" / "gb.db"), f"--output={out}/r.json",
            "--course", "../course.yml", "/usr", "/", bwrap.python_homes()[0], "exercise1"]
    found = bwrap.grader_paths(argv)
    assert found == sorted({bwrap.PACKAGE, str(course), str(course / "solutions"), str(cls), str(out),
                            str(tmp_path / "secret"), "/usr", "/", bwrap.python_homes()[0]})
    assert bwrap.hidden(found) == sorted({bwrap.PACKAGE, str(course), str(cls), str(out), str(tmp_path / "secret")})
    from autograder import seeding
    from autograder.course import COURSE_FILE, find_root

    assert (bwrap.SALT_FILE_ENV, bwrap.COURSE_FILE) == (seeding.SALT_FILE_ENV, COURSE_FILE)  # kept in step
    assert bwrap._course_root() == str(find_root()) == str(course)


def test_a_virtual_environment_inside_a_hidden_course_stays_visible(tmp_path, monkeypatch):
    """uv and others keep .venv inside the project: the course is hidden entry by entry around it."""
    from autograder.sandbox import bwrap

    course = tmp_path / "app"
    site = course / ".venv" / "lib" / "python3.11" / "site-packages"
    site.mkdir(parents=True)
    for d in ("solutions", "exercises", ".venv/bin", ".venv/lib/python3.11/other"):
        (course / d).mkdir()
    (course / "course.yml").write_text("x")
    (course / ".venv" / "pyvenv.cfg").write_text("x")
    os.symlink("solutions", course / "answers")
    keep = [str(course / ".venv"), str(site)]
    assert bwrap.masks(str(course), keep) == [str(course / d) for d in ("course.yml", "exercises", "solutions")]
    assert bwrap.masks(str(course), [str(site)]) == [str(course / p) for p in (
        ".venv/bin", ".venv/lib/python3.11/other", ".venv/pyvenv.cfg", "course.yml", "exercises", "solutions")]
    assert bwrap.masks(str(course), []) == [str(course)]
    assert bwrap.masks(str(site), [str(site)]) == []
    # a regular install into that environment: the package is hidden too, inside what stays visible
    package = str(site / "autograder")
    os.mkdir(package)
    monkeypatch.setattr(bwrap, "python_homes", lambda: keep)
    assert bwrap.hidden([str(course), str(course / "solutions"), package]) == [str(course), package]


def test_the_bubblewrap_command_covers_a_course_kept_under_usr(monkeypatch, tmp_path):
    """A course in /usr/src/app (Docker's usual WORKDIR) is under the /usr bind: an empty read-only tmpfs
    covers it, a file of the grader's there is covered by /dev/null; a folder no bind shows (/tmp here)
    gets nothing."""
    import tempfile

    from autograder.sandbox import bwrap

    if not os.access("/usr/src", os.W_OK):
        pytest.skip("needs a folder under /usr/src")
    app = tempfile.mkdtemp(prefix="grade-test-app-", dir="/usr/src")
    try:
        (Path(app) / "course.yml").write_text("x")
        monkeypatch.setattr(bwrap, "grader_paths", lambda: [app, str(tmp_path), bwrap.PACKAGE])
        argv = bwrap.command("bwrap", "/lib-here", disk_mb=8)
        homes = bwrap.python_homes()
        monkeypatch.setattr(bwrap, "python_homes", lambda: [*homes, f"{app}/.venv"])
        os.mkdir(f"{app}/.venv")
        around = bwrap.command("bwrap", "/lib-here", disk_mb=8)
    finally:
        shutil.rmtree(app)
    at = argv.index(app)
    assert argv[at - 3:at + 3] == ["--size", "4096", "--tmpfs", app, "--remount-ro", app]
    assert at > argv.index("--ro-bind") and str(tmp_path) not in argv
    at = around.index(f"{app}/course.yml")  # a virtual environment inside: the rest is covered around it
    assert around[at - 2:at + 1] == ["--ro-bind", "/dev/null", f"{app}/course.yml"] and app not in around
