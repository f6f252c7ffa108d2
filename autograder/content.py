"""An exercise's folder, reached through one frozen ExerciseDefinition (docs/authoring.md).

solutions/<name>/ holds the whole exercise: exercise.yml (its config; course.py reads it), the
reference <file> with BEGIN/END SOLUTION markers, cases.py (SPEC: the concepts' spaces and torch
oracles), mutants.py (MUTANTS: misconceptions as wrong implementations) and submissions.yml (wrong
submissions, for the tests). Content shared by several exercises is a folder of the same shape
(solutions/shared/), imported relatively (`from ..shared.cases import ...`).

The Python files are imported on first use only, as a package of their own per course root, so that
loading course.yml imports neither torch nor the content (`grade release` stays fast), and two
copies of a course in one process never share a module. The imports go one way: mutants.py imports
cases.py's oracles; cases.py reaches the mutants only through the engine (mutants_for), at draw time.
"""
from __future__ import annotations

import hashlib
import importlib
import importlib.util
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from autograder.course import Course, CourseError, Exercise, line_in

if TYPE_CHECKING:
    from autograder.cases.spec import ExerciseSpec
    from autograder.mutants.base import Mutant

CONFIG = "exercise.yml"
CASES = "cases"  # cases.py
MUTANTS = "mutants"  # mutants.py
SUBMISSIONS = "submissions.yml"
PROBES = "probes"  # probes.py: inputs for classifying generated mutants (grade audit --generated)
# what the student's own `grade` needs of a folder (release.py): its config and its cases; never the
# reference, the mutants (near-copies of it) or the wrong submissions (edits of it)
STUDENT_NEEDS = (CONFIG, f"{CASES}.py")
# what the instructor's grader needs elsewhere (the Gradescope zip): the mutants too, to name mistakes
GRADER_NEEDS = (*STUDENT_NEEDS, f"{MUTANTS}.py")


@dataclass(frozen=True)
class ExerciseDefinition:
    """One exercise as the engine sees it. Building one reads nothing; `spec` and `mutants` import
    the folder's cases.py and mutants.py on first use."""

    name: str
    config: Exercise
    folder: Path
    package: str  # the import name of the course's solutions/ (see _package)

    @property
    def solution_path(self) -> Path:
        return self.folder / self.config.file

    @property
    def submissions_path(self) -> Path:
        return self.folder / SUBMISSIONS

    @property
    def spec(self) -> "ExerciseSpec":
        """cases.py's SPEC as this exercise's config configures it (exercise8's speed case)."""
        key = (self.package, self.name, self.config.model_dump_json())
        if key not in _SPECS:
            spec = _module(self, CASES).SPEC.for_exercise(self.config)
            _check_concepts(self, spec)
            _SPECS[key] = spec
        _LOADED[self.name] = self
        return _SPECS[key]

    @property
    def cases(self):
        """The folder's cases.py as a module (what its SPEC is built from, e.g. exercise8's speed_credit)."""
        return _module(self, CASES)

    @property
    def probes(self):
        """The folder's probes.py (DRAWS), for mutation testing; a CourseError where there is none."""
        return _module(self, PROBES)

    @property
    def mutants(self) -> "tuple[Mutant, ...]":
        """mutants.py's MUTANTS; none where the folder has no mutants.py (the student copy)."""
        key = (self.package, self.name)
        if key not in _MUTANTS:
            has = (self.folder / f"{MUTANTS}.py").is_file()
            _MUTANTS[key] = tuple(_module(self, MUTANTS).MUTANTS) if has else ()
        _LOADED[self.name] = self
        return _MUTANTS[key]


    @property
    def lookalikes(self) -> "tuple[Mutant, ...]":
        """mutants.py's LOOKALIKES (other ways of writing a mistake, for the feedback only); none by default."""
        key = (self.package, self.name, "lookalikes")
        if key not in _MUTANTS:
            has = (self.folder / f"{MUTANTS}.py").is_file()
            _MUTANTS[key] = tuple(getattr(_module(self, MUTANTS), "LOOKALIKES", ())) if has else ()
        return _MUTANTS[key]


_SPECS: dict[tuple, "ExerciseSpec"] = {}
_MUTANTS: dict[tuple, tuple] = {}
# name -> the definition this process last loaded under that name: what code that holds no course
# (diagnose, shrink, a space's triggers) reaches an exercise by
_LOADED: dict[str, ExerciseDefinition] = {}


def definition(course: Course, name: str) -> ExerciseDefinition:
    """The exercise `name` of `course` (CourseError if the course has no such exercise)."""
    config = course.exercise(name)
    return ExerciseDefinition(name, config, course.folder(name), _package(course.solutions_dir))


def definitions(course: Course) -> dict[str, ExerciseDefinition]:
    """Every exercise of the course, in course.yml's order."""
    return {name: definition(course, name) for name in course.exercises}


def check(course: Course, names) -> None:
    """Import the exercises' cases before grading them: an error in a folder is the course's (a
    CourseError, exit 2), not a crash charged to each student's grade."""
    for name in names:
        definition(course, name).spec


def loaded(name: str) -> ExerciseDefinition:
    """The exercise by name alone: the one this process loaded last, else the default course's
    (course.find_root). KeyError if neither has it."""
    if name not in _LOADED:
        course = _default_course()
        if name not in course.exercises:
            raise KeyError(name)
        _LOADED[name] = definition(course, name)
    return _LOADED[name]


def known_exercises():
    """The names `loaded` finds, lazily: those this process loaded first, then the default course's."""
    seen = list(_LOADED)
    yield from seen
    yield from (name for name in _default_course().exercises if name not in seen)


def mutants_for(name: str) -> "tuple[Mutant, ...]":
    try:
        return loaded(name).mutants
    except KeyError:
        return ()


def lookalikes_for(name: str) -> "tuple[Mutant, ...]":
    try:
        return loaded(name).lookalikes
    except KeyError:
        return ()


def _default_course() -> Course:
    from autograder.course import load_course

    return load_course()


def _package(solutions: Path) -> str:
    """A package named after the folder's path, whose modules are the folder's files."""
    folder = solutions.resolve()
    name = "_course_" + hashlib.sha256(str(folder).encode()).hexdigest()[:12]
    if name not in sys.modules:
        spec = importlib.util.spec_from_loader(name, loader=None, is_package=True)
        module = importlib.util.module_from_spec(spec)
        module.__path__ = [str(folder)]
        sys.modules[name] = module
    return name


def _module(ex: ExerciseDefinition, kind: str):
    path = ex.folder / f"{kind}.py"
    if not path.is_file():
        why = ("it cannot be mutation-tested (docs/mutation.md)" if kind == PROBES
               else "every exercise folder has one (docs/authoring.md)")
        raise CourseError(f"{path}: missing: {why}")
    module = importlib.import_module(f"{ex.package}.{ex.name}.{kind}")
    wanted = {CASES: "SPEC", MUTANTS: "MUTANTS", PROBES: "DRAWS"}[kind]
    if not hasattr(module, wanted):
        raise CourseError(f"{path}: defines no {wanted} (docs/authoring.md)")
    return module


def _check_concepts(ex: ExerciseDefinition, spec: "ExerciseSpec") -> None:
    config_file = ex.folder / CONFIG
    for concept in ex.config.concepts:
        if concept not in spec.concepts:
            line = line_in(config_file, ("concepts", concept))
            known = ", ".join(spec.concepts)
            raise CourseError(f"{config_file}:{line}: concepts.{concept}: unknown concept "
                              f"(cases.py knows {known})")
    for function in ex.config.functions:
        if function not in spec.oracles:
            line = line_in(config_file, ("functions",))
            raise CourseError(f"{config_file}:{line}: functions: cases.py has no oracle for {function!r}")
