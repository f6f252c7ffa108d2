"""exercise1 (output size): reference vs oracle, promised triggers, and real grades."""
from __future__ import annotations

from autograder.mutants import mutants_for
from autograder.mutants.base import one_thread
from exercise_checks import exercise_tests, spec, verdict

NAME = "exercise1"

# the shared tests, as this module's own; exercise1's mutants are checked one way only (below)
globals().update(exercise_tests(NAME, exact_triggers=False))


def promised_but_hidden(cases) -> list[str]:
    """Mutants that a space promises (Space.triggers) but that pass one of its cases. exercise1's size
    mistakes also show outside their own spaces (a missing + 1 is wrong everywhere), so only this
    direction is checked here."""
    hidden = []
    with one_thread():
        for c in cases:
            for m in mutants_for(NAME):
                if m.function == c.function and m.id in c.space.triggers and verdict(NAME, c, m.impl).passed:
                    hidden.append(f"{m.id} on {c.concept}/{c.space.name} {dict(c.params)}")
    return hidden


def test_every_promised_trigger_shows_on_every_seed(cases):
    assert not promised_but_hidden(cases[: len(cases) // 4])  # the first 5 seeds


def test_every_promised_trigger_has_a_mutant():
    ids = {(m.function, m.id) for m in mutants_for(NAME)}
    missing = {(s.function, t) for spaces in spec(NAME).concepts.values() for s in spaces for t in s.triggers} - ids
    assert not missing
