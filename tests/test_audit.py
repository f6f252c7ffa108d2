"""grade audit: every mutant, graded as a submission over several seeds, loses points and is named
as itself. Exercises join automatically when they have cases, mutants and an entry in course.yml."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from autograder.authoring.audit import MutantSandbox, audit, audit_mutant, exercises_with_mutants, render_table
from autograder.cases import registry
from autograder.cases.space import Call
from autograder.cli import main
from autograder.course import load_course
from autograder.mutants import mutants_for
from autograder.mutants.base import Mutant, as_student, call_in_process
from autograder.sandbox.runner import Submission
from autograder.sandbox.wire import TaggedArray

from conftest import ROOT

AUDITED = exercises_with_mutants(load_course(ROOT / "course.yml"))
SEEDS = 5


@pytest.mark.slow
@pytest.mark.parametrize("name", AUDITED)
def test_every_mutant_is_caught_and_named_on_every_seed(course, name):
    rows = audit(course, [name], [course.seed + i for i in range(SEEDS)])
    wrong = [f"{r.mutant.id}@{r.mutant.function}: caught {r.caught}/{SEEDS}, named "
             f"{sorted({str(n) for s in r.results for n in s.named})}" for r in rows if not r.ok]
    assert not wrong, "\n".join(wrong)
    assert {r.mutant.id for r in rows} == {m.id for m in mutants_for(name)}


@pytest.mark.parametrize("name", AUDITED)
def test_the_reference_through_the_stand_in_sandbox_gets_full_marks(course, name):
    """The stand-in returns what a correct student's process would: so a mutant loses points only for its mistake."""
    function = next(iter(registry.spec(name).oracles))
    right = Mutant("reference", function, as_student(registry.spec(name).oracles[function]), "")
    row = audit_mutant(course, name, right, [course.seed])
    report = row.results[0].report
    assert report.score == report.max_score, [(c.name, c.message) for c in report.concepts if not c.ok]
    assert row.caught == 0 and not row.ok  # and a mutant that loses nothing is a failing line


def test_a_mutant_named_as_another_is_a_failing_line(course):
    plus_one = next(m for m in mutants_for("exercise1") if m.id == "missing-plus-one")
    mislabelled = Mutant("padding-once", plus_one.function, plus_one.impl, plus_one.explanation)
    row = audit_mutant(course, "exercise1", mislabelled, [course.seed])
    assert row.caught == 1 and row.named_right == 0 and not row.ok
    table = render_table([row])
    assert "WRONG" in table and "missing-plus-one" in table and "0 of 1 mutants" in table


def test_results_cross_the_wire_like_a_students():
    out = call_in_process(lambda x: x * 2, Call("f", (torch.arange(3.0, dtype=torch.float64),)))
    assert isinstance(out.value, TaggedArray) and out.value.src == "tensor"
    np.testing.assert_array_equal(out.value.array, [0.0, 2.0, 4.0])
    assert call_in_process(lambda: 2.5, Call("f")).value == 2.5
    assert call_in_process(lambda: object(), Call("f")).value.startswith("builtins.object")  # Unsupported
    raised = call_in_process(lambda: int("x"), Call("f"))
    assert raised.status == "raised" and raised.error == "ValueError"


def test_the_stand_in_never_lets_a_mutant_touch_the_grader_arguments():
    spec = registry.spec("exercise1")
    case = spec.cases("kernel", seed=0, count=1)[0]
    seen = []
    sandbox = MutantSandbox(spec, Mutant("x", case.function, lambda *a, **k: seen.append(a) or 1, ""))
    sandbox.run(Submission("exercise1", {}), [case.call])
    assert seen and seen[0] == case.call.args and sandbox.runs == 1


def test_cli_audit_one_exercise(capsys):
    assert main(["audit", "--seeds", "1", "--exercise", "exercise1"]) == 0
    out = capsys.readouterr().out
    assert "mutation score 100%" in out
    for m in mutants_for("exercise1"):
        assert m.id in out


def test_cli_audit_bad_input_is_one_line(capsys):
    assert main(["audit", "--seeds", "0"]) == 2
    assert main(["audit", "--exercise", "exercise99"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and "--seeds" in err[0] and "exercise99" in err[1]
