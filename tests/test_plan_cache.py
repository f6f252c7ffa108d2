"""The public seed's cases kept on disk (autograder/judging/plan_cache.py): read back equal to a fresh draw, keyed
on the content they come from, never written for a secret seed, and never believed from a folder or
file anyone but the grader could have written (a forged plan could hand a student easy cases)."""
from __future__ import annotations

import os
import shutil

import numpy as np
import pytest
import torch

from autograder.judging import grading

from autograder.judging import plan_cache
from autograder.content import definition
from autograder.course import load_course
from tests.conftest import ROOT, the_course

EXERCISE = "exercise3"


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("GRADE_CACHE_DIR", str(folder))
    monkeypatch.setattr(grading, "_PLANS", {})  # as a new grader process
    return folder


def _same(a, b) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, torch.Tensor):
        return a.dtype == b.dtype and a.shape == b.shape and bool(torch.equal(a, b))
    if isinstance(a, np.ndarray):
        return a.dtype == b.dtype and a.shape == b.shape and bool(np.array_equal(a, b))
    if isinstance(a, (tuple, list)):
        return len(a) == len(b) and all(map(_same, a, b))
    return a == b


def test_the_public_seed_s_plan_reads_back_equal_to_a_fresh_draw(cache):
    course = the_course()
    drawn = grading.plan(course, EXERCISE, course.seed)
    assert len(list(cache.glob(f"plan-{EXERCISE}-*.json"))) == 1
    grading._PLANS.clear()
    back = grading.plan(course, EXERCISE, course.seed)
    assert back is not drawn and list(back) == list(drawn)
    for concept in drawn:
        for a, b in zip(drawn[concept], back[concept], strict=True):
            assert (a.space, a.params, list(a.arguments)) == (b.space, b.params, list(b.arguments))
            assert all(_same(a.arguments[k], b.arguments[k]) for k in a.arguments), (concept, a.params)
            assert a.describe() == b.describe() and a.size == b.size


def test_a_secret_seed_s_cases_are_written_nowhere(cache):
    course = the_course()
    grading.plan(course, EXERCISE, course.seed + 12345)
    assert not cache.exists() or not list(cache.glob("plan-*"))


@pytest.mark.parametrize("how", ["folder writable by others", "file writable by others", "not a plan"])
def test_a_forged_plan_is_not_believed(cache, how):
    course = the_course()
    spec = definition(course, EXERCISE).spec
    grading.plan(course, EXERCISE, course.seed)
    stored = next(cache.glob(f"plan-{EXERCISE}-*.json"))
    assert plan_cache.load(course, EXERCISE, course.seed, spec) is not None  # the control: ours is read
    if how == "folder writable by others":
        cache.chmod(0o777)
    elif how == "file writable by others":
        stored.chmod(0o666)
    else:
        stored.write_text('{"channel-sum": []}')
    assert plan_cache.load(course, EXERCISE, course.seed, spec) is None


def test_the_key_follows_the_content(tmp_path, cache):
    """Editing a case module or an exercise's settings draws again: a stale plan is never read."""
    for part in ("course.yml", "solutions", "exercises"):
        (shutil.copytree if (ROOT / part).is_dir() else shutil.copy)(ROOT / part, tmp_path / part)
    course = load_course(tmp_path / "course.yml")
    before = plan_cache._file(course, EXERCISE, course.seed)
    with open(tmp_path / "solutions" / EXERCISE / "cases.py", "a") as f:
        f.write("\n# an edit\n")
    assert plan_cache._file(course, EXERCISE, course.seed) != before
    assert plan_cache._file(course, EXERCISE, course.seed + 1) != plan_cache._file(course, EXERCISE, course.seed)


def test_the_folder_keeps_only_the_newest_plans_of_an_exercise(cache):
    """Each edit of the course is a new key: old plans go, so the folder does not grow without end."""
    from autograder.judging import disk_cache

    cache.mkdir(mode=0o700)
    for i in range(7):
        disk_cache.write(f"plan-{EXERCISE}-{i}.json", {"n": i}, family=f"plan-{EXERCISE}-", keep=4)
        os.utime(cache / f"plan-{EXERCISE}-{i}.json", ns=(i * 10**9, i * 10**9))
    disk_cache.write("plan-exercise1-0.json", {}, family="plan-exercise1-", keep=4)
    assert sorted(p.name for p in cache.glob("plan-*")) == ["plan-exercise1-0.json"] + [
        f"plan-{EXERCISE}-{i}.json" for i in (3, 4, 5, 6)]
