"""What the grader knows of one exercise: its concepts' spaces and its oracles."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

from autograder.cases.space import Case, Invalid, Space, concept_rng


@dataclass(frozen=True)
class ExerciseSpec:
    """`concepts` maps each concept to the spaces its cases are drawn from, trigger spaces first;
    `oracles` maps each function to a torch oracle that takes the call's arguments and returns
    the expected value (int, tuple, float64 or bool ndarray) or raises Invalid."""

    name: str
    concepts: Mapping[str, tuple[Space, ...]]
    oracles: Mapping[str, Callable[..., Any]]
    # optional: the spec as course.yml's entry for the exercise configures it (exercise8 builds its
    # speed space from `speed:`); configure(spec, exercise) -> ExerciseSpec
    configure: Callable[["ExerciseSpec", Any], "ExerciseSpec"] | None = None

    def for_exercise(self, exercise: Any) -> "ExerciseSpec":
        """This spec as `exercise` (course.Exercise) configures it; itself when nothing is configurable."""
        return self.configure(self, exercise) if self.configure else self

    def cases(self, concept: str, *, seed: int, count: int) -> list[Case]:
        """`count` cases of `concept`, every space at least once when count allows, smallest first."""
        spaces = self.concepts[concept]
        rng = concept_rng(seed, self.name, concept)
        drawn = [Case(concept, spaces[i % len(spaces)], spaces[i % len(spaces)].draw(rng)) for i in range(count)]
        return sorted(drawn, key=lambda c: c.size)

    def expected(self, case: Case) -> Any:
        """The oracle's value for the case, or an Invalid instance for an invalid configuration."""
        try:
            return self.oracles[case.function](**case.arguments)
        except Invalid as e:
            return e
