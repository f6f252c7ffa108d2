"""Adversary: what the submission folder holds (links, pipes, odd notebooks) and what the student's
text does to the report. The grader reads submissions as regular files only, never following a
link; it renders the student's text safely in every format; a notebook it cannot read is one line
and exit 2 (or a `crash` grade), never a traceback.
"""
from __future__ import annotations

import json
import os
import threading

import pytest

from tests.hostile.adversary.kit import ROOT, Run, assert_clean, assert_loses, fixture



def stub(exercise: str) -> str:
    return (ROOT / "exercises" / f"{exercise}.py").read_text()


@pytest.mark.parametrize("target", ["absolute", "proc_cwd", "relative"])
def test_adversary_exercises_folder_linked_to_solutions(tmp_path, target):
    """The folder layout `SUB/exercises/` where exercises/ is a link to the course's solutions/exercise3/ (its
    files are then regular files: a no-follow check on the last component alone lets them through)."""
    run = Run(tmp_path)
    link = {"absolute": str(ROOT / "solutions" / "exercise3"), "proc_cwd": "/proc/self/cwd/solutions/exercise3",
            "relative": os.path.relpath(ROOT / "solutions" / "exercise3", run.sub)}[target]
    os.symlink(link, run.sub / "exercises")
    graded = run.grade("exercise3", "--submission", run.sub, "--format", "json")
    assert_loses(graded, "exercise3", "channel-sum")


def test_adversary_fifo_named_like_the_exercise(tmp_path):
    """A named pipe called exercise3.py: opening it blocks until someone writes. No hang, one line."""
    run = Run(tmp_path)
    os.mkfifo(run.sub / "exercise3.py")
    graded = run.grade("exercise3", "--submission", run.sub, "--format", "json", timeout=90)
    assert_clean(graded)
    assert graded.returncode == 2, graded.describe()


def test_adversary_fifo_as_a_sibling(tmp_path):
    """The graded file is fine; a sibling exercise's file (read for imports) is a named pipe."""
    run = Run(tmp_path)
    run.write("exercise3.py", stub("exercise3"))
    os.mkfifo(run.sub / "exercise4.py")
    graded = run.grade("exercise3", "--submission", run.sub, "--format", "json", timeout=90)
    assert_clean(graded)
    assert graded.returncode in (1, 2), graded.describe()


def test_adversary_device_link_named_like_the_exercise(tmp_path):
    run = Run(tmp_path)
    os.symlink("/dev/zero", run.sub / "exercise3.py")
    graded = run.grade("exercise3", "--submission", run.sub, "--format", "json", timeout=90)
    assert_clean(graded)
    assert graded.returncode == 2, graded.describe()


def notebook(cells, **extra) -> str:
    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells}
    nb.update(extra)
    return json.dumps(nb)


def code(source) -> dict:
    return {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": source}


NOTEBOOKS = {
    "top_level_list": lambda: json.dumps([code("x = 1")]),
    "cells_not_a_list": lambda: notebook({"0": code("x = 1")}),
    "source_of_numbers": lambda: notebook([code([1, None, 2.5])]),
    "cell_without_type": lambda: notebook([{"source": "x = 1"}]),
    "metadata_5000_deep": lambda: (notebook([code("x = 1")])[:-1] + ', "extra": ' + '{"a": ' * 5000 + "{}"
                                   + "}" * 5000 + "}"),
    "cells_5000_deep": lambda: '{"nbformat": 4, "cells": ' + "[" * 5000 + "]" * 5000 + "}",
    "nbformat_3_worksheets": lambda: json.dumps({"nbformat": 3, "worksheets": [{"cells": [
        {"cell_type": "code", "input": "import torch\n"}]}]}),
    "not_utf8": lambda: b'{"nbformat": 4, "cells": [], "x": "\xff\xfe"}'.decode("latin-1"),
    "shell_magics": lambda: notebook([code("!env\n%env\n%%bash\ncat /proc/1/environ\n"),
                                      code(stub("exercise3").replace('raise NotImplementedError("exercise3: conv1d")',
                                                                     "return get_ipython().getoutput('env')"))]),
}


@pytest.mark.parametrize("name", list(NOTEBOOKS))
def test_adversary_odd_notebooks(tmp_path, warm_sandboxes, name):
    """Graded in-process (kit.Run.grade_in: the command's own code, in a warm sandbox): the subject is
    how the notebook is read and graded; the files above keep the command's own process."""
    run = Run(tmp_path)
    text = NOTEBOOKS[name]()
    path = run.sub / "exercise3.ipynb"
    if name == "not_utf8":
        path.write_bytes(text.encode("latin-1"))
    else:
        path.write_text(text, encoding="utf-8")
    graded = run.grade_in(warm_sandboxes("bwrap"), "exercise3", "--submission", path, "--format", "json")
    assert_clean(graded)
    assert graded.returncode in (1, 2), graded.describe()


@pytest.mark.parametrize("fmt", ["text", "junit", "gradescope", "github", "json"])
def test_adversary_student_text_is_rendered_safely(tmp_path, warm_sandboxes, fmt):
    """In-process too: the report is rendered and written by the command's own code (cli.main)."""
    run = Run(tmp_path)
    run.write("exercise1.py", (ROOT / "solutions" / "exercise1" / "exercise1.py").read_text() + "\n\n" + fixture("render_escapes.py"))
    out = tmp_path / f"report.{fmt}"
    graded = run.grade_in(warm_sandboxes("bwrap"), "exercise1", "--submission", run.sub, "--format", fmt,
                          "--output", out)
    assert_clean(graded)
    assert graded.returncode == 1, graded.describe()
    raw = out.read_bytes()
    raw.decode("utf-8")  # strict: no lone surrogate was written
    assert b"\x1b" not in raw and b"\x07" not in raw and b"\x00" not in raw
    if fmt == "text":
        assert b"\r" not in raw
    if fmt == "junit":
        import xml.etree.ElementTree as ET

        ET.fromstring(raw)  # still well-formed XML
    if fmt == "github":
        lines = raw.decode().splitlines()
        assert [line for line in lines if line.startswith("result=")] == [lines[-1]]
        assert not [line for line in lines if line.startswith("::notice::fake")]
