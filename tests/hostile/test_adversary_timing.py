"""Adversary: exercise8's speed points for code that is about 20x slower than F.conv2d.

Each attack is the reference of exercise8 made slow on purpose (ex8_slow_core.py: the reference's
work done 40 times on the speed workload), plus a trick that makes it look fast to a timer inside
the student's process. Honestly timed, it earns no speed points; once issue 11 is done, the trick
must not change that: the `speed` concept stays below full marks.
"""
from __future__ import annotations

import pytest

from tests.hostile.adversary.kit import ROOT, Run, assert_loses, fixture

# the timing tests, one after another on one worker: they measure CPU time
pytestmark = pytest.mark.xdist_group("timing")


def grade(tmp_path, warm, attack: str, mode: str = "bwrap"):
    """`grade exercise8 --submission FOLDER --format json` in this process (kit.Run.grade_in), in the
    worker's warm sandbox: the tricks act in the student's process, forked for each run as under the
    command, and the run is checked as clean as the command's (no helper process left)."""
    text = "\n\n".join([(ROOT / "solutions" / "exercise8" / "exercise8.py").read_text(), fixture("ex8_slow_core.py"),
                        fixture(attack)])
    run = Run(tmp_path)
    run.write("exercise8.py", text)
    return run.grade_in(warm(mode), "exercise8", "--submission", run.sub, "--format", "json")


@pytest.mark.parametrize("attack", [
    "ex8_repeat_zeros.py",  # right once, then zeros for the same shapes: repeats unchecked or reused
    "ex8_patched_clocks.py",  # every clock of the process ticks 1 us per reading
    "ex8_slow_baseline_mode.py",  # a TorchFunctionMode slows F.conv2d in the student's process
    "ex8_coprocessor.py",  # the work is done by a detached helper process forked at import
    "ex8_library_when_timed.py",  # F.conv2d itself, only on the speed workload
])
def test_adversary_speed_is_not_forged(tmp_path, warm_sandboxes, attack):
    graded = grade(tmp_path, warm_sandboxes, attack)
    assert_loses(graded, "exercise8", "speed")
