"""Sandbox: plain results in call order, output captured at the fd level, limits, confinement."""
from __future__ import annotations

import os
import shutil
import textwrap

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
                        "MKL_NUM_THREADS", "PYTHONDONTWRITEBYTECODE", "PWD"}
    if sandbox._zygote.bwrap:
        assert hostname == "sandbox" and pid > 1  # its own pid namespace; pid 1 is the zygote


def test_forbidden_at_run_time_and_in_a_timed_run_where_only_the_grader_keeps_time(sandbox):
    import numpy as np
    import torch

    x, w = torch.arange(8.0).reshape(1, 1, 8), torch.ones(1, 1, 3)
    timed = [Call(fn, (x, w), time_repeats=3, baseline="torch.nn.functional.conv1d")
             for fn in ("my_conv", "loop_conv")]
    out = sandbox.run(SUBMISSION, timed, forbidden=("torch.nn.functional.conv1d",))
    assert out[0].status == "forbidden"
    assert out[0].message.startswith("student.py:") and "torch.nn.functional.conv1d" in out[0].message
    assert out[1].status == "returned" and out[1].value.array.tolist() == [[3.0, 6.0, 9.0, 12.0, 15.0, 18.0]]
    assert out[1].timing is None  # a run reports no time: only Sandbox.time measures one

    inputs = [((x + k, w), {}) for k in range(4)]
    checked = []

    def check(k, value):
        checked.append(k)
        want = np.convolve((x + k).numpy()[0, 0], np.ones(3), "valid")
        return "" if np.array_equal(value.array.reshape(-1), want) else "wrong"

    refused = sandbox.time(SUBMISSION, "my_conv", inputs, baseline="torch.nn.functional.conv1d", check=check,
                           forbidden=("torch.nn.functional.conv1d",))
    assert refused.status == "forbidden" and "torch.nn.functional.conv1d is not allowed" in refused.message
    checked.clear()
    timing = sandbox.time(SUBMISSION, "loop_conv", inputs, baseline="torch.nn.functional.conv1d", check=check,
                          forbidden=("torch.nn.functional.conv1d",))
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


def test_closing_leaves_no_folder_and_no_process():
    with Sandbox() as box:
        box.run(SUBMISSION, [Call("add", (1, 1))])
        folder, proc = box._box, box._zygote.proc
        assert os.path.isdir(folder)
    assert not os.path.exists(folder) and proc.poll() is not None


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
