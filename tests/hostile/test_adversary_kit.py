"""The adversary's harness itself: grading in-process in a warm sandbox (kit.Run.grade_in) must see
what the command's harness (kit.Run.grade) sees. The grader lets no student process outlive a run
(its seccomp filter and pid namespace), so a stray process is made here, as one would look."""
from __future__ import annotations

import os
import subprocess

import pytest

from tests.hostile.adversary.kit import MODES



@pytest.mark.parametrize("mode", MODES)
def test_a_process_naming_the_warm_sandbox_that_outlives_a_run_is_found(warm_sandboxes, mode):
    warm = warm_sandboxes(mode)
    warm.before_run()
    assert warm.left_behind() == []
    stray = subprocess.Popen(["sleep", "60"], env={"PATH": os.environ["PATH"], "TMPDIR": warm.tmpdir},
                             start_new_session=True)
    try:
        assert warm.left_behind() == [stray.pid]
    finally:
        stray.kill()
        stray.wait()
    assert warm.left_behind() == []


def test_a_warm_sandbox_whose_zygote_died_starts_again_in_its_own_mode(warm_sandboxes):
    """Killed by a run, the zygote is started again for the next as it was first: unconfined, its box
    under the warm sandbox's TMPDIR (not in whatever environment the next test has)."""
    warm = warm_sandboxes("nobwrap")
    warm.before_run()
    old = warm.sandbox._zygote
    old.proc.kill()
    old.proc.wait()
    warm.before_run()
    new = warm.sandbox._zygote
    assert new is not old and new.alive() and new.bwrap is None
    assert new.box is not None and new.box.startswith(warm.tmpdir + "/")
    assert warm.left_behind() == []
