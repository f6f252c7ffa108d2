"""Drawing a seed's cases faster must draw the same cases: triggers.until_shown against the plain loop it
replaced (the oracle and every mutant on each draw, each mutant with its refuses_like check, every pair
judged by differs_or_raised), case by case: space, parameters and every argument."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from autograder.cases import triggers
from autograder.cases.triggers import ATTEMPTS, _Raised, _Sameness, differs_or_raised, until_shown
from autograder.content import definition
from autograder.pipeline import one_thread

from conftest import the_course


def plain_until_shown(draw, oracle, impls, what):
    """The loop as it was before it was made faster: the specification the fast one must meet."""
    never = set(impls)
    for _ in range(ATTEMPTS):
        args = draw()
        results = {"oracle": oracle(**args), **{i: triggers._result(impl, args) for i, impl in impls.items()}}
        hidden = {i for i in impls if not differs_or_raised(results["oracle"], results[i])}
        never &= hidden
        if not hidden and all(differs_or_raised(results[a], results[b]) for a in impls for b in impls if a < b):
            return args
    raise AssertionError(f"{what}: no draw in {ATTEMPTS} shows every promised misconception, each its own way "
                         f"(never shown: {', '.join(sorted(never)) or 'none alone'})")


def _plan(course, name: str, seed: int) -> dict:
    spec = definition(course, name).spec
    with one_thread():
        return {concept: spec.cases(concept, seed=seed, count=cfg.cases)
                for concept, cfg in course.exercise(name).concepts.items()}


def _same_value(a, b) -> bool:
    if isinstance(a, torch.Tensor) or isinstance(b, torch.Tensor):
        return (type(a) is type(b) and a.dtype == b.dtype and a.shape == b.shape
                and bool(torch.equal(a, b)))
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return type(a) is type(b) and a.dtype == b.dtype and np.array_equal(a, b, equal_nan=True)
    if isinstance(a, (tuple, list)):
        return type(a) is type(b) and len(a) == len(b) and all(map(_same_value, a, b))
    return type(a) is type(b) and a == b


COURSE = the_course()
SEEDS = {name: (1, 2, 3) for name in COURSE.exercises}
SEEDS["exercise8"] = (1,)  # its speed cases cost seconds to draw


@pytest.mark.parametrize("name,seed", [(n, s) for n, seeds in SEEDS.items() for s in seeds])
def test_every_exercise_draws_the_same_cases_as_the_plain_loop(monkeypatch, name, seed):
    fast = _plan(COURSE, name, seed)
    monkeypatch.setattr(triggers, "_until_shown", plain_until_shown)
    plain = _plan(COURSE, name, seed)
    assert list(fast) == list(plain)
    for concept in plain:
        assert len(fast[concept]) == len(plain[concept])
        for f, p in zip(fast[concept], plain[concept]):
            assert (f.space.name, dict(f.params)) == (p.space.name, dict(p.params)), concept
            assert list(f.arguments) == list(p.arguments)
            for key in p.arguments:
                assert _same_value(f.arguments[key], p.arguments[key]), (concept, p.space.name, key)


def test_a_space_that_never_shows_fails_with_the_same_message():
    """A promise no draw keeps: the same AssertionError, naming the mutant never shown."""
    def oracle(x):
        return x * 2

    impls = {"same-as-oracle": lambda x: x + x, "shows": lambda x: x * 3}
    messages = []
    for loop in (triggers._until_shown, plain_until_shown):
        with pytest.raises(AssertionError) as e:
            loop(lambda: {"x": torch.ones(3)}, oracle, impls, "nowhere")
        messages.append(str(e.value))
    assert messages[0] == messages[1] and "never shown: same-as-oracle" in messages[0]
    with pytest.raises(AssertionError, match="none alone"):  # each shows, but two the same way
        until_shown(lambda: {"x": torch.ones(3)}, oracle, {"a": lambda x: x * 3, "b": lambda x: x * 3}, what="twins")


def test_sameness_agrees_with_differs_or_raised_on_every_pair():
    """Values of many kinds in one draw (arrays of two shapes, NaN, infinities, near misses within and past
    the tolerance, bools, tuples, raises, 0-d): every pair, both ways, as differs_or_raised says."""
    rng = np.random.default_rng(0)
    special = np.array([0.0, -0.0, 1.0, np.inf, -np.inf, np.nan, 1e300, -1e300, 1e-4, 2e-4, 1.0001, 0.9999])
    for _ in range(300):
        base = rng.choice(special, 4) if rng.random() < .5 else rng.integers(-4, 5, 4).astype(float)
        values = {
            "oracle": base.copy(),
            "equal": torch.from_numpy(base.copy()),
            "near": base * (1 + rng.normal(size=4) * 1e-5),
            "far": base + rng.integers(-1, 2, 4),
            "special": rng.choice(special, 4),
            "reshaped": base.reshape(2, 2),
            "bools": base > 0,
            "zero-d": np.float64(base[0]),
            "tuple": (1, 2),
            "other-tuple": (1, 2.00001),
            # close to zero's within the tolerance of the larger (differs(a, b) judges by |b|): one way only
            "zeros": np.zeros(4),
            "tiny": np.full(4, 1.00005e-4),
            "raised": _Raised(ValueError("x")),
            "raised-too": _Raised(ValueError("y")),
            "raised-other": _Raised(TypeError("z")),
        }
        with np.errstate(all="ignore"):
            same = _Sameness(values)
            for a in values:
                for b in values:
                    assert same(a, b) == (not differs_or_raised(values[a], values[b])), (a, b, values[a], values[b])


def test_a_mutant_that_does_not_validate_like_the_oracle_keeps_its_own_check():
    """The refuses_like check is skipped only where it is the oracle's own: a mutant checked by another
    oracle (or by none) still runs whole."""
    from autograder.mutants.base import formula, refuses_like

    def oracle(x):
        return x

    def other(x):
        return x

    def impl(x):
        return x + 1

    assert formula(refuses_like(oracle)(impl), oracle) is impl
    checked_by_other = refuses_like(other)(impl)
    assert formula(checked_by_other, oracle) is checked_by_other
    assert formula(impl, oracle) is impl


@pytest.fixture()
def fresh_plans(monkeypatch):
    """No plan, expected value or oracle time kept from an earlier draw of the same seed."""
    from autograder.judging import grading

    def clear():
        monkeypatch.setattr(grading, "_PLANS", {})
        monkeypatch.setattr(grading, "_ORACLE_TIME", {})
    return clear


def test_reports_are_the_same_with_the_plain_drawing(monkeypatch, fresh_plans, warm_sandbox):
    """The reference, a wrong submission and one that crashes at import, each graded at three seeds with
    the fast drawing and with the plain one: the same report, score, concepts, examples and messages."""
    from autograder.judging.grading import grade_exercise
    from autograder.pipeline import Submission
    from autograder.results import exercise_dict

    from conftest import reference_path
    from wrong_submissions import wrong_submission_text

    name = "exercise3"
    reference = reference_path(name).read_text(encoding="utf-8")
    sources = {"reference": reference, "bias-per-channel": wrong_submission_text(name, "bias-per-channel"),
               "crash": "raise RuntimeError('at import')\n" + reference}

    def reports():
        fresh_plans()
        return {(kind, seed): exercise_dict(grade_exercise(COURSE, name, Submission(name, {name: text}), seed=seed,
                                                           sandbox=warm_sandbox, reproduce=""))
                for kind, text in sources.items() for seed in (11, 2026, 987654321)}

    fast = reports()
    monkeypatch.setattr(triggers, "_until_shown", plain_until_shown)
    plain = reports()
    assert fast == plain
    assert {k: r["score"] for k, r in fast.items() if k[0] == "reference"} == {
        ("reference", s): 10.0 for s in (11, 2026, 987654321)}
    assert all(r["score"] < 10 for k, r in fast.items() if k[0] != "reference")
