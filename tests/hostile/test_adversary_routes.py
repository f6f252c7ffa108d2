"""Adversary: hidden cases. A student with the student copy has the case generators; with the seed
a route grades with, they can tabulate every answer. With a secret salt in the grader's environment
(the Gradescope route; kit sets CONV_COURSE_SALT), the seed must be secret and bound to the
submission: a table built for the public seed, or for the seed a first submission's report showed,
must not score.
"""
from __future__ import annotations

import importlib.util
import inspect
import re

import numpy as np
import pytest

from tests.hostile.adversary.kit import HERE, ROOT, Run, assert_loses, fixture



def _key_module():
    spec = importlib.util.spec_from_file_location("adversary_lut_key", HERE / "lut_key.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def table_for(seed: int) -> dict:
    """Every case of exercise3 at `seed`, as a student builds it from the student copy."""
    from autograder.cases import registry
    from autograder.course import load_course
    from autograder.judging.grading import expected_of, plan

    lut_key = _key_module().lut_key
    course = load_course(ROOT / "course.yml")
    spec = registry.spec("exercise3").for_exercise(course.exercise("exercise3"))
    signature = inspect.signature(lambda x, weight, bias=None, stride=1, padding=0, dilation=1: None)
    table = {}
    for cases in plan(course, "exercise3", seed).values():
        for case in cases:
            if case.call.function != "conv1d":
                continue
            bound = signature.bind(*case.call.args, **case.call.kwargs)
            bound.apply_defaults()
            expected = expected_of(spec, case)
            value = expected.tolist() if isinstance(expected, np.ndarray) else "raise"
            table[lut_key(tuple(bound.arguments.values()), {})] = value
    return table


def lut_source(seed: int | None) -> str:
    table = table_for(seed) if seed is not None else {}
    return "\n\n".join([fixture("lut_key.py"), f"TABLE = {table!r}", fixture("lut_conv1d.py")])


def stub_with(tail: str) -> str:
    return (ROOT / "exercises" / "exercise3.py").read_text() + "\n\n" + tail


# graded in-process in the worker's warm sandbox (kit.Run.grade_in): the seed comes from the same
# command code and the salt in the environment, as under `python -m autograder`


def test_adversary_lut_for_the_public_seed_scores_nothing(tmp_path, warm_sandboxes):
    from autograder.course import load_course

    seed = load_course(ROOT / "course.yml").seed
    run = Run(tmp_path)
    run.write("exercise3.py", stub_with(lut_source(seed)))
    graded = run.grade_in(warm_sandboxes("bwrap"), "exercise3", "--submission", run.sub, "--format", "json")
    assert_loses(graded, "exercise3", "channel-sum")


def test_adversary_lut_for_a_replayed_seed_in_a_sibling_file(tmp_path, warm_sandboxes):
    """The graded file stays byte-for-byte the same; the table lives in exercise4.py, filled for the
    seed the first report showed. A seed bound to the graded file alone would be replayed."""
    run = Run(tmp_path)
    run.write("exercise3.py", stub_with("from exercise4 import TABLE, lut_key, conv1d  # noqa"))
    run.write("exercise4.py", lut_source(None))
    first = run.grade_in(warm_sandboxes("bwrap"), "exercise3", "--submission", run.sub, "--format", "json")
    seed = first.report.get("seed") if first.report else None
    if not isinstance(seed, int):
        match = re.search(r"--seed (\d+)", first.report.get("reproduce", "") if first.report else "")
        seed = int(match.group(1)) if match else None
    if seed is None:
        return  # the report shows no seed to replay: nothing to tabulate
    run.write("exercise4.py", lut_source(seed))
    second = run.grade_in(warm_sandboxes("bwrap"), "exercise3", "--submission", run.sub, "--format", "json")
    assert_loses(second, "exercise3", "channel-sum")
