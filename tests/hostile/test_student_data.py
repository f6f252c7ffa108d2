"""The grader never dies of student data, and reads nothing the student links to.

The submission folder is the student's: its files may be links (to the course's solutions, to
/proc/self/environ, to a classmate's file), FIFOs, devices, folders, 2 GB sparse files, bytes
that are not UTF-8, notebooks that are not notebooks. What their code prints, raises and returns
may hold lone surrogates, terminal escapes and bidi overrides. Each case asserts the exact
outcome: a one-line exit 2 for `grade` on that exercise, a crash grade naming the file in a
whole-course report or a batch row, and every format rendering valid, visible text.
"""
from __future__ import annotations

import base64
import json
import os
import re
import signal
import sqlite3
import time
import stat
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from autograder.formats import FORMATS, render
from autograder.judging.submission import SubmissionRefused, load_submission
from tests.conftest import ROOT, run_grade

SOLUTION1 = (ROOT / "solutions" / "exercise1" / "exercise1.py").read_text(encoding="utf-8")
SOLUTION3 = (ROOT / "solutions" / "exercise3" / "exercise3.py").read_text(encoding="utf-8")
SECRET = "s3cret-grader-token-4242"
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")

# exercise1's reference with two functions replaced: one prints escapes that would clear the
# screen and draw a fake full-marks line, then raises a message holding a lone surrogate; the
# other returns a string with a surrogate and an escape
HOSTILE_TEXT = SOLUTION1 + '''

def conv_output_length(length, kernel_size, stride=1, padding=0, dilation=1):
    print("\\x1b[2J\\x1b[H exercise1 - Output size: 10 / 10 \\r\\u202eevil\\x08")
    raise ValueError("bad \\ud800 \\x1b[31mred\\x1b[0m \\r overwritten")


def same_padding(kernel_size, dilation=1):
    return "str \\ud800\\x1b[1m"
'''


def _folder(path: Path, files: dict[str, str | bytes] | None = None) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    for name, content in (files or {}).items():
        (path / name).write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def _refusal(course, folder: Path, exercise: str = "exercise3") -> str:
    with pytest.raises(SubmissionRefused) as caught:
        load_submission(course, course.exercise(exercise), folder)
    return str(caught.value)


def _one_line_exit_2(done, reason: str) -> None:
    assert done.returncode == 2, (done.returncode, done.stdout[-500:], done.stderr[-2000:])
    assert done.stdout == "" and done.stderr == f"grade: {reason}\n", done.stderr


# -- links --------------------------------------------------------------------------------------

def test_a_link_to_the_course_solution_is_refused_not_graded(course, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)  # the attack reaches the course through the grader's own cwd
    folder = _folder(tmp_path / "sub")
    (folder / "exercise3.py").symlink_to("/proc/self/cwd/solutions/exercise3/exercise3.py")
    assert (folder / "exercise3.py").read_text() == SOLUTION3  # the link works for anyone who follows it
    reason = f"{folder}/exercise3.py: a symbolic link; submit the file itself"
    assert _refusal(course, folder) == reason
    _one_line_exit_2(run_grade("exercise3", "--submission", folder), reason)


def test_a_linked_subfolder_and_a_linked_named_file_are_refused(course, tmp_path):
    folder = _folder(tmp_path / "sub")
    (folder / "exercises").symlink_to(ROOT / "solutions" / "exercise3")  # exercises/exercise3.py is the reference
    assert _refusal(course, folder) == f"{folder}/exercises: a symbolic link; submit the folder itself"
    named = tmp_path / "mine.py"
    named.symlink_to(ROOT / "solutions" / "exercise3" / "exercise3.py")
    with pytest.raises(SubmissionRefused, match=r"mine\.py: a symbolic link; submit the file itself$"):
        load_submission(course, course.exercise("exercise3"), named)


def test_a_refused_sibling_does_not_stop_the_graded_exercise(course, tmp_path):
    folder = _folder(tmp_path / "sub", {"exercise1.py": SOLUTION1})
    (folder / "exercise3.py").symlink_to(ROOT / "solutions" / "exercise3" / "exercise3.py")
    loaded = load_submission(course, course.exercise("exercise1"), folder)
    assert set(loaded.sources) == {"exercise1"} and loaded.sources["exercise1"] == SOLUTION1


# text and json by default, each a `grade` process; the other formats in the slow tier (CI runs both)
@pytest.mark.parametrize("fmt", [f if f in ("text", "json") else pytest.param(f, marks=pytest.mark.slow) for f in FORMATS])
def test_a_link_to_proc_environ_shows_no_secret_in_any_format(tmp_path, fmt):
    folder = _folder(tmp_path / "sub")
    (folder / "exercise3.py").symlink_to("/proc/self/environ")
    done = run_grade("--submission", folder, "--format", fmt, env={"CONV_COURSE_SALT": SECRET, "GITHUB_TOKEN": SECRET})
    assert done.returncode == 1, done.stderr[-2000:]
    assert SECRET not in done.stdout and SECRET not in done.stderr and "Traceback" not in done.stderr
    said = f"{folder}/exercise3.py: a symbolic link; submit the file itself"
    if fmt == "text":  # a path longer than the terminal is folded: compare without any whitespace
        assert "".join(said.split()) in "".join(done.stdout.split())
    else:
        assert said in _plain(done.stdout, fmt)


def _plain(out: str, fmt: str) -> str:
    """The report's text with each format's own escaping undone, to search it."""
    if fmt == "github":
        out += base64.b64decode(out.strip().splitlines()[-1].removeprefix("result=")).decode()
        return out.replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")
    if fmt == "html":
        import html

        return html.unescape(out)
    if fmt == "text":  # wrapped at spaces to the terminal's width: words are whole, line breaks are not the text's
        return " ".join(out.split())
    return out


# -- files that are not regular files -----------------------------------------------------------

@pytest.mark.timeout(60)
def test_a_fifo_a_device_and_a_folder_are_refused_without_hanging(course, tmp_path):
    fifo = _folder(tmp_path / "fifo")
    os.mkfifo(fifo / "exercise3.py")  # opening it for reading would wait forever for a writer
    assert _refusal(course, fifo) == f"{fifo}/exercise3.py: a named pipe, not a file; submit the file itself"
    folder = _folder(tmp_path / "dir")
    (folder / "exercise3.py").mkdir()
    assert _refusal(course, folder) == f"{folder}/exercise3.py: a folder, not a file; submit the file itself"
    device = _folder(tmp_path / "device")
    try:
        os.mknod(device / "exercise3.py", stat.S_IFCHR | 0o600, os.makedev(1, 8))  # /dev/random: endless
    except PermissionError:
        pytest.skip("creating a device node needs root")
    assert _refusal(course, device) == f"{device}/exercise3.py: a device, not a file; submit the file itself"


def test_a_2gb_sparse_file_is_refused_before_reading(course, tmp_path):
    folder = _folder(tmp_path / "sub")
    with open(folder / "exercise3.py", "wb") as f:
        f.truncate(2 << 30)
    assert _refusal(course, folder) == f"{folder}/exercise3.py: too large (2.0 GiB; at most 1.0 MiB)"


def test_bytes_that_are_not_utf8_are_refused_naming_the_byte(course, tmp_path):
    folder = _folder(tmp_path / "sub", {"exercise3.py": SOLUTION3.encode() + b"\n# caf\xe9\n"})
    offset = len(SOLUTION3.encode()) + 6
    assert _refusal(course, folder) == (f"{folder}/exercise3.py: not UTF-8 text (byte 0xe9 at offset {offset}); "
                                        "save it as UTF-8")


# -- notebooks that are not notebooks -----------------------------------------------------------

def _notebook(cells, nbformat=4) -> str:
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": nbformat, "nbformat_minor": 5})


BAD_NOTEBOOKS = {
    "truncated": (_notebook([{"cell_type": "code", "source": SOLUTION3, "metadata": {}}])[:-40],
                  "not a Jupyter notebook (invalid JSON at line 1, column {col})"),
    "nbformat 3": (_notebook([], nbformat=3),
                   "not a notebook of nbformat 4 (nbformat 3); save it with Jupyter 4 or later"),
    "10,000-deep": ('{"cells": [], "nbformat": 4, "metadata": ' + "[" * 10_000 + "]" * 10_000 + "}",
                    "not a Jupyter notebook (its JSON is nested too deeply)"),
    "int source": (_notebook([{"cell_type": "code", "source": 42, "metadata": {}}]),
                   "cell 1's source is not text"),
}


def _bad_notebook_reason(folder: Path, kind: str) -> str:
    text, reason = BAD_NOTEBOOKS[kind]
    return f"{folder}/exercise3.ipynb: " + reason.format(col=len(text) + 1)


@pytest.mark.parametrize("kind", BAD_NOTEBOOKS)
def test_a_malformed_notebook_is_one_refusal_naming_the_file(course, tmp_path, kind):
    folder = _folder(tmp_path / "sub", {"exercise3.ipynb": BAD_NOTEBOOKS[kind][0]})
    assert _refusal(course, folder) == _bad_notebook_reason(folder, kind)


@pytest.mark.timeout(60)
def test_a_notebook_line_built_to_be_slow_to_read_is_read_fast(course, tmp_path):
    """A million spaces then a letter took the magic-line pattern quadratic time (days), in the grader."""
    folder = _folder(tmp_path / "sub", {"exercise3.ipynb": _notebook([
        {"cell_type": "code", "source": SOLUTION3, "metadata": {}},
        {"cell_type": "code", "source": " " * 1_000_000 + "x", "metadata": {}}])})
    loaded = load_submission(course, course.exercise("exercise3"), folder)
    assert "def conv1d(" in loaded.sources["exercise3"]
    big = _folder(tmp_path / "big", {"exercise3.ipynb": _notebook([
        {"cell_type": "code", "source": "x = 1\n" * 200_000, "metadata": {}}])})
    assert _refusal(course, big) == (f"{big}/exercise3.ipynb: its code cells are too large "
                                     "(1200000 characters; at most 1048576)")


@pytest.mark.parametrize("kind", ["truncated", "10,000-deep"])
def test_grade_on_a_malformed_notebook_is_a_one_line_exit_2(tmp_path, kind):
    folder = _folder(tmp_path / "sub", {"exercise3.ipynb": BAD_NOTEBOOKS[kind][0]})
    _one_line_exit_2(run_grade("exercise3", "--submission", folder / "exercise3.ipynb"),
                     _bad_notebook_reason(folder, kind))


# -- what the student's code prints, raises and returns -----------------------------------------

@pytest.fixture(scope="module")
def hostile_report(course, tmp_path_factory, warm_sandbox):
    from autograder.judging.grading import grade_course
    from autograder.seeding import SeedPolicy

    folder = _folder(tmp_path_factory.mktemp("hostile") / "sub", {"exercise1.py": HOSTILE_TEXT})
    return grade_course(course, ["exercise1"], folder, seeds=SeedPolicy(course.seed, fixed=course.seed),
                        sandbox=warm_sandbox, reproduce=lambda *_: "grade exercise1 --submission sub\x1b[2J\udcff",
                        requested="exercise1")


def test_hostile_text_is_graded_as_it_is(hostile_report):
    ex = hostile_report.exercises[0]
    status = {c.name: c.status for c in ex.concepts}
    assert ex.score == 4.0
    assert [status[k] for k in ("kernel", "stride", "padding", "dilation")] == ["crash"] * 4
    assert status["same-padding"] == "failed"
    assert status["pooling"] == status["transpose"] == "passed"


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_renders_hostile_text_valid_and_visible(hostile_report, fmt):
    out = render(hostile_report, fmt)
    out.encode("utf-8")  # strict: a lone surrogate would raise here, as it did when written to stdout
    assert not RAW_CONTROL.search(out.replace("\n", "").replace("\t", "")), fmt
    if fmt in ("json", "gradescope"):
        json.loads(out)
    if fmt == "junit":
        ET.fromstring(out.encode("utf-8"))
    if fmt == "github":
        result = json.loads(base64.b64decode(out.strip().splitlines()[-1].removeprefix("result=")))
        assert result["status"] == "error"
    text = _plain(out, fmt)
    assert "\\x1b[31mred\\x1b[0m \\r overwritten" in text.replace("\\\\", "\\"), fmt
    assert "bad \ufffd " in text or "bad \\ufffd " in text, fmt
    if fmt in ("text", "html"):  # the output the student printed, shown with its escapes visible
        assert "\\x1b[2J\\x1b[H exercise1 - Output size: 10 / 10 \\r\\u202eevil\\x08" in text, fmt


def test_the_text_report_at_80_columns_draws_no_fake_table(hostile_report):
    from autograder.formats.text import render as text_render

    out = text_render(hostile_report, width=80, color=True)
    assert "\x1b[2J" not in out and "\x1b[H" not in out and "\r" not in out  # the student's escapes, inert
    assert "exercise1 — Output size: 4 / 10" in out
    lines = [line for line in out.splitlines() if "10 / 10" in line]
    assert lines and all("\\x1b[2J\\x1b[H exercise1 - Output size: 10 / 10" in line for line in lines)
    plain = [re.sub(r"\x1b\[[0-9;]*m", "", line) for line in out.splitlines()]  # the grader's own colours off
    got = [line for line in plain if line.strip().startswith("got:") and "str" in line]
    # shown as Python shows the str: its repr, the surrogate and the escape as visible escapes
    assert [line.strip() for line in got] == ["got: 'str \\ud800\\x1b[1m'"]
    assert "grade exercise1 --submission sub\\x1b[2J\ufffd" in out  # a file name is student text too


def test_grade_on_hostile_text_and_a_non_utf8_folder_name_prints_a_report(tmp_path):
    folder = _folder(Path(os.fsdecode(bytes(tmp_path) + b"/sub\xff\x1b[2J")), {"exercise1.py": HOSTILE_TEXT})
    for fmt in ("text", "junit"):  # before: UnicodeEncodeError on the surrogate, a traceback, no report
        done = run_grade("exercise1", "--submission", folder, "--format", fmt)
        assert done.returncode == 1 and done.stderr == "", done.stderr[-2000:]
        assert "sub\ufffd\\x1b[2J" in done.stdout and "\x1b" not in done.stdout


# -- failures of the grader itself on one student's data ----------------------------------------

def test_a_grader_failure_is_a_crash_grade_for_that_exercise_only(course, tmp_path, monkeypatch, warm_sandbox):
    from autograder.judging import grading
    from autograder.seeding import SeedPolicy

    real = grading.grade_exercise

    def failing(course, name, submission, **kw):
        if name == "exercise2":
            raise RecursionError("maximum recursion depth exceeded \x1b[2J")
        return real(course, name, submission, **kw)

    monkeypatch.setattr(grading, "grade_exercise", failing)
    folder = _folder(tmp_path / "sub", {"exercise1.py": SOLUTION1,
                                        "exercise2.py": (ROOT / "solutions" / "exercise2" / "exercise2.py").read_text()})
    report = grading.grade_course(course, ["exercise1", "exercise2"], folder,
                                  seeds=SeedPolicy(course.seed, fixed=course.seed), sandbox=warm_sandbox,
                                  reproduce=lambda *_: "grade", requested=None)
    one, two = report.exercises
    assert one.score == 10.0
    why = ("the grader failed on this submission (RecursionError: maximum recursion depth exceeded \\x1b[2J): "
           "graded as a crash; tell your instructor")
    assert two.score == 0.0 and {c.status for c in two.concepts} == {"crash"} and two.notes == (why,)
    assert all(c.message == why for c in two.concepts)


def test_a_1500_deep_attribute_chain_still_gets_a_report(tmp_path):
    """Static analysis recursed past Python's limit here; whatever forbidden.py makes of it now,
    `grade` prints a report and exits 0 or 1, never a traceback."""
    folder = _folder(tmp_path / "sub", {"exercise3.py": SOLUTION3 + "\n\ndef _deep():\n    return torch"
                                        + ".a" * 1500 + "\n"})
    done = run_grade("exercise3", "--submission", folder, "--format", "json")
    assert done.returncode in (0, 1) and "Traceback" not in done.stderr, done.stderr[-2000:]
    assert json.loads(done.stdout)["exercise"] == "exercise3"


# -- a batch never loses other students ---------------------------------------------------------

@pytest.mark.slow  # a batch: workers, each starting torch
@pytest.mark.timeout(300)
def test_a_batch_grades_every_student_whatever_one_submits(tmp_path, monkeypatch):
    from class_submissions import small_course

    from autograder.judging import grading
    from autograder.classroom.batch import run_batch
    from autograder.course import load_course

    subs = tmp_path / "subs"
    _folder(subs / "alice", {"exercise1.py": SOLUTION1})
    (_folder(subs / "bob") / "exercise1.py").symlink_to("../alice/exercise1.py")  # a classmate's file
    _folder(subs / "carol", {"exercise1.py": HOSTILE_TEXT})
    _folder(subs / "dave", {"exercise1.ipynb": _notebook([], nbformat=3)})
    os.mkfifo(_folder(subs / "erin") / "exercise1.py")
    _folder(subs / "frank", {"exercise1.py": SOLUTION1})  # the grader fails on this one (patched below)
    with open(_folder(subs / "grace") / "exercise1.py", "wb") as f:
        f.truncate(2 << 30)
    _folder(subs / "heidi", {"exercise1.py": b"x = '\xff'\n"})
    (_folder(subs / "ivan") / "exercise1.py").symlink_to("/proc/self/environ")
    _folder(subs / "mallory", {"exercise1.py": SOLUTION1})  # the grader's process dies on this one
    real = grading.grade_exercise

    def failing(course, name, submission, **kw):  # the forked workers inherit the patch
        if "frank" in submission.origin:
            raise RecursionError("maximum recursion depth exceeded")
        if "mallory" in submission.origin:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(course, name, submission, **kw)

    monkeypatch.setattr(grading, "grade_exercise", failing)
    course = load_course(small_course(tmp_path / "course", time_per_case=0.5, time_per_exercise=20.0))
    before = _children()
    summary = run_batch(course, subs, tmp_path / "book.db", jobs=2, progress=False)
    assert (summary.students, summary.graded, summary.errors) == (10, 10, [])
    assert sorted(summary.grader_failures) == [
        "frank/exercise1: RecursionError: maximum recursion depth exceeded",
        "mallory/exercise1: the grading process died on it (out of memory?)"]
    assert _children() <= before  # no worker or sandbox left behind

    db = sqlite3.connect(tmp_path / "book.db")
    rows = {s: (score, status) for s, score, status in db.execute("SELECT student, score, status FROM results")}
    messages = {s: m for s, m in db.execute("SELECT student, message FROM concepts WHERE concept='kernel'")}
    where = subs.resolve()
    assert rows == {"alice": (10.0, "passed"), "bob": (0.0, "crash"), "carol": (4.0, "crash"),
                    "dave": (0.0, "crash"), "erin": (0.0, "crash"), "frank": (0.0, "crash"),
                    "grace": (0.0, "crash"), "heidi": (0.0, "crash"), "ivan": (0.0, "crash"),
                    "mallory": (0.0, "crash")}
    assert messages["bob"] == f"{where}/bob/exercise1.py: a symbolic link; submit the file itself"
    assert messages["dave"] == (f"{where}/dave/exercise1.ipynb: not a notebook of nbformat 4 (nbformat 3); "
                                "save it with Jupyter 4 or later")
    assert messages["erin"] == f"{where}/erin/exercise1.py: a named pipe, not a file; submit the file itself"
    assert messages["frank"] == ("the grader failed on this submission (RecursionError: maximum recursion depth "
                                 "exceeded): graded as a crash; tell your instructor")
    assert messages["grace"] == f"{where}/grace/exercise1.py: too large (2.0 GiB; at most 1.0 MiB)"
    assert messages["heidi"] == (f"{where}/heidi/exercise1.py: not UTF-8 text (byte 0xff at offset 5); "
                                 "save it as UTF-8")
    assert messages["ivan"] == f"{where}/ivan/exercise1.py: a symbolic link; submit the file itself"
    assert messages["mallory"] == ("the grader failed on this submission (the grading process died on it "
                                   "(out of memory?)): graded as a crash; tell your instructor")
    assert "\\x1b[31mred" in messages["carol"] and not RAW_CONTROL.search(messages["carol"].replace("\n", ""))


def _children() -> set[int]:
    """This process's descendants still alive, after a moment for the dying to go."""
    time.sleep(1.0)
    from autograder.classroom.batch import _descendants

    return set(_descendants(os.getpid()))


def test_a_terminal_that_is_not_utf8_still_gets_the_report(tmp_path):
    folder = _folder(tmp_path / "sub", {"exercise1.py": HOSTILE_TEXT})
    done = run_grade("exercise1", "--submission", folder, env={"PYTHONIOENCODING": "ascii"})
    assert done.returncode == 1 and done.stderr == "", done.stderr[-2000:]
    assert "exercise1 \\u2014 Output size: 4 / 10" in done.stdout and "got: 'str \\ud800\\x1b[1m'" in done.stdout
