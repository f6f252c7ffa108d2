"""check() keeps one warm sandbox per kernel: later checks reuse it, a dead one is replaced (issue 16)."""
from __future__ import annotations

import os
import signal

from autograder import jupyter
from tests.test_notebook import _solved_student_notebook
from tests.test_notebook_jupyter import BUGGY_POOL


def test_later_checks_reuse_the_warm_sandbox_and_a_dead_one_is_replaced(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(jupyter, "_cache", {})
    _solved_student_notebook(tmp_path)
    first = jupyter.check("exercise1")
    zygote = jupyter.warm_sandbox()._zygote
    assert first.score == first.max_score == 10
    _solved_student_notebook(tmp_path, {"pool_output_length": BUGGY_POOL})  # the student edits and checks again
    second = jupyter.check("exercise1")
    assert 0 < second.score < 10
    assert jupyter.warm_sandbox()._zygote is zygote and zygote.alive()  # no new Python, no new torch import
    os.killpg(zygote.proc.pid, signal.SIGKILL)  # the sandbox dies between checks (OOM killer, a crash)
    zygote.proc.wait(timeout=10)
    _solved_student_notebook(tmp_path)
    jupyter._cache.clear()  # the first code again: graded again, not answered from the cache
    third = jupyter.check("exercise1")
    assert third.score == 10  # graded in a fresh sandbox, transparently
    assert jupyter.warm_sandbox()._zygote is not zygote and jupyter.warm_sandbox()._zygote.alive()
