"""course.yml and the exercise.yml of each exercise it lists: loaded once into a frozen, validated Course.

course.yml lists the exercises by name; each is the folder solutions/<name>/, whose exercise.yml is
its entry (autograder/content.py reaches the rest of the folder). Loading reads YAML only: no torch,
no content. Every error is a CourseError with one line naming the file, the key and its line.
"""
from __future__ import annotations

import ast
import os
import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from autograder.tolerance import Tolerance

COURSE_FILE = "course.yml"
EXERCISE_FILE = "exercise.yml"  # in solutions/<name>/
# libyaml's parser where PyYAML has it: several times faster, the same nodes and error marks
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")  # a folder name that is also a Python module name


class CourseError(Exception):
    """A problem with course.yml or the course layout; str() is one line."""


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# Gradescope's words for who sees a result, and when (its autograder spec's `visibility`)
Visibility = Literal["visible", "hidden", "after_due_date", "after_published"]


class Concept(_Frozen):
    points: float = Field(gt=0)
    cases: int = Field(8, ge=1, le=200)
    hint: str = ""
    weight: Literal["cases"] = "cases"
    visibility: Visibility | None = None  # Gradescope: this concept's test; None: course.yml's gradescope.tests


class Gradescope(_Frozen):
    """course.yml's `gradescope:`: who sees the results there, and when (docs/gradescope.md)."""

    visibility: Visibility = "visible"  # the results as a whole (the top-level output)
    tests: Visibility = "visible"  # every concept's test, unless its exercise.yml entry says otherwise


class Speed(_Frozen):
    """exercise8: full points at or under `full_at` times F.conv2d, none at `zero_at`."""

    full_at: float = Field(3.0, gt=0)
    zero_at: float = Field(30.0, gt=0)
    repeats: int = Field(5, ge=1, le=50)
    workload: tuple[int, ...] = (16, 3, 64, 64, 32, 3, 3)

    @model_validator(mode="after")
    def _ordered(self) -> "Speed":
        if self.zero_at <= self.full_at:
            raise ValueError("zero_at must be above full_at")
        return self


class Limits(_Frozen):
    time_per_case: float = Field(2.0, gt=0)
    time_per_exercise: float = Field(60.0, gt=0)
    memory_mb: int = Field(4096, ge=512)


class ForbiddenGroup(_Frozen):
    """A named set of forbidden calls (course.yml's top-level `forbidden:`), refused while a graded
    function runs: torch ops by name pattern at the dispatcher, other libraries' functions by
    dotted name, and (autograd: true) any autograd graph, backward or gradient transform."""

    via: str = Field(min_length=1)  # how a student reaches these, named in the refusal
    ops: tuple[str, ...] = ()  # aten op name patterns (fnmatch), e.g. "*conv*", "as_strided*"
    names: tuple[str, ...] = ()  # dotted names of non-torch functions, e.g. numpy.convolve, numpy.fft.*
    autograd: bool = False
    at_import: bool = False  # refused at import time too (windows made at import, sliced later)


class Exercise(_Frozen):
    name: str = ""
    title: str
    file: str
    points: float = Field(gt=0)
    functions: tuple[str, ...]
    concepts: dict[str, Concept]
    forbidden: tuple[str, ...] = ()  # names of the course's forbidden groups
    tolerance: Tolerance | None = None
    limits: Limits | None = None
    speed: Speed | None = None

    @field_validator("file")
    @classmethod
    def _python_file(cls, v: str) -> str:
        if not v.endswith(".py") or "/" in v or "\\" in v:
            raise ValueError("must be a file name ending in .py, e.g. exercise3.py")
        return v

    @model_validator(mode="after")
    def _points_add_up(self) -> "Exercise":
        total = sum(c.points for c in self.concepts.values())
        if abs(total - self.points) > 1e-9:
            raise ValueError(f"concept points add up to {total:g}, not the exercise's {self.points:g}")
        return self

    @property
    def module(self) -> str:
        return self.file[:-3]


class Course(_Frozen):
    title: str
    seed: int = Field(ge=0)
    tolerance: Tolerance = Tolerance()
    limits: Limits = Limits()
    forbidden: dict[str, ForbiddenGroup] = {}
    gradescope: Gradescope = Gradescope()
    exercises: dict[str, Exercise]
    root: Path = Path(".")

    def forbidden_rules(self, name: str) -> dict | None:
        """The exercise's forbidden groups as the plain data the student's process is given
        (see sandbox/guard.py); None when it forbids nothing (then no static policy applies)."""
        ex = self.exercises[name]
        if not ex.forbidden:
            return None
        groups = [self.forbidden[g] for g in ex.forbidden]
        return {"exercise": name,
                "ops": [[pattern, g.via] for g in groups for pattern in g.ops],
                "names": [[dotted, ""] for g in groups for dotted in g.names],
                "autograd": any(g.autograd for g in groups),
                "import_ops": [[pattern, g.via] for g in groups if g.at_import for pattern in g.ops],
                "import_names": [dotted for g in groups if g.at_import for dotted in g.names]}

    def exercise(self, name: str) -> Exercise:
        try:
            return self.exercises[name]
        except KeyError:
            known = ", ".join(self.exercises)
            raise CourseError(f"unknown exercise {name!r} (the course has {known})") from None

    def visibility_for(self, name: str, concept: str) -> str:
        """Gradescope's visibility of one concept's test."""
        c = self.exercises[name].concepts.get(concept)
        return (c.visibility if c is not None else None) or self.gradescope.tests

    def tolerance_for(self, name: str) -> Tolerance:
        return self.exercises[name].tolerance or self.tolerance

    def limits_for(self, name: str) -> Limits:
        return self.exercises[name].limits or self.limits

    @property
    def solutions_dir(self) -> Path:
        return self.root / "solutions"

    def folder(self, name: str) -> Path:
        """solutions/<name>/: everything of the exercise (docs/authoring.md)."""
        return self.solutions_dir / name

    def solution_path(self, name: str) -> Path:
        """The reference, with its BEGIN/END SOLUTION markers."""
        return self.folder(name) / self.exercise(name).file

    @property
    def exercises_dir(self) -> Path:
        return self.root / "exercises"


def find_root(start: Path | None = None) -> Path:
    """The course root: $CONV_COURSE_ROOT, else the nearest folder up from `start` with course.yml."""
    env = os.environ.get("CONV_COURSE_ROOT")
    if env:
        return Path(env)
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / COURSE_FILE).is_file():
            return folder
    package_root = Path(__file__).resolve().parent.parent
    if (package_root / COURSE_FILE).is_file():
        return package_root
    raise CourseError(f"no {COURSE_FILE} in {here} or any folder above it (set CONV_COURSE_ROOT)")


def load_course(path: Path | str | None = None) -> Course:
    """Read, validate and freeze course.yml. `path` is the file or its folder."""
    path = Path(path) if path is not None else find_root() / COURSE_FILE
    if path.is_dir():
        path = path / COURSE_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise CourseError(f"{path}: cannot read: {e.strerror or e}") from None
    try:
        node = yaml.compose(text, Loader=_LOADER)
        data = yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        raise CourseError(f"{path}{where}: not valid YAML: {getattr(e, 'problem', e)}") from None
    if not isinstance(data, dict):
        raise CourseError(f"{path}:1: the top level must be a mapping of keys to values")
    files = {}
    if "exercises" in data:
        data["exercises"], files = _exercise_entries(path, node, data["exercises"])
    try:
        course = Course(**data, root=path.parent)
    except ValidationError as e:
        # an unknown key usually explains the rest (a misspelt required key), so it goes first
        err = sorted(e.errors(), key=lambda x: x["type"] != "extra_forbidden")[0]
        loc = tuple(err["loc"])
        where, at = path, node
        if loc[:1] == ("exercises",) and len(loc) > 1 and loc[1] in files:  # in an exercise.yml
            where, at = files[loc[1]]
            loc = loc[2:]
        key = ".".join(str(p) for p in loc) or (f"{where.parent.name}" if where != path else "(top level)")
        line = _line_of(at, loc)
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown key"
        raise CourseError(f"{where}:{line}: {key}: {msg}") from None
    _check_layout(course, path, node)
    return course


def _exercise_entries(path: Path, node: yaml.Node, names) -> tuple[dict, dict]:
    """course.yml's `exercises:` (a list of names) -> (name -> the entry in solutions/<name>/exercise.yml,
    name -> (that file, its YAML node) for error lines)."""
    line = _line_of(node, ("exercises",))
    if not isinstance(names, list):
        raise CourseError(f"{path}:{line}: exercises: must be a list of exercise names, one folder "
                          f"solutions/<name>/ each, its settings in solutions/<name>/{EXERCISE_FILE}")
    entries, files = {}, {}
    for i, name in enumerate(names):
        at = _item_line(node, i) or line
        if isinstance(name, dict) and len(name) == 1:  # an entry written in place, as course.yml once had
            inline = next(iter(name))
            raise CourseError(f"{path}:{at}: exercises: list {inline} by name; its settings go in "
                              f"solutions/{inline}/{EXERCISE_FILE}")
        if not isinstance(name, str) or not NAME.match(name):
            raise CourseError(f"{path}:{at}: exercises: {name!r} is not a folder name (letters, digits, _)")
        if name in entries:
            raise CourseError(f"{path}:{at}: exercises: {name} is listed twice")
        config = path.parent / "solutions" / name / EXERCISE_FILE
        if not config.is_file():
            raise CourseError(f"{path}:{at}: exercises: {name}: no {config.relative_to(path.parent)} "
                              f"(an exercise is a folder: docs/authoring.md)")
        data, ex_node = _read_yaml(config)
        if not isinstance(data, dict):
            raise CourseError(f"{config}:1: the top level must be a mapping of keys to values")
        if "name" in data:
            raise CourseError(f"{config}:{_line_of(ex_node, ('name',))}: name: unknown key "
                              f"(the folder's name is the exercise's)")
        entries[name] = {**data, "name": name}
        files[name] = (config, ex_node)
    return entries, files


def _read_yaml(path: Path):
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise CourseError(f"{path}: cannot read: {e.strerror or e}") from None
    try:
        return yaml.load(text, Loader=_LOADER), yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        raise CourseError(f"{path}{where}: not valid YAML: {getattr(e, 'problem', e)}") from None


def _check_layout(course: Course, path: Path, node: yaml.Node) -> None:
    """What course.yml and the folders say of each other, read without importing any content: the
    forbidden groups exist, the reference defines the functions (cases.py's concepts and oracles
    are checked where they are imported, autograder/content.py)."""
    for name, ex in course.exercises.items():
        config = course.folder(name) / EXERCISE_FILE
        for group in ex.forbidden:
            if group not in course.forbidden:
                known = ", ".join(course.forbidden) or "none"
                raise CourseError(f"{config}:{line_in(config, ('forbidden',))}: forbidden: unknown group "
                                  f"{group!r} (course.yml's top-level forbidden: defines {known})")
        source = _reference_source(course, ex)
        if source is None:
            continue
        defined = _defined_functions(source)
        for fn in ex.functions:
            if fn not in defined:
                raise CourseError(f"{config}:{line_in(config, ('functions',))}: functions: "
                                  f"{source} has no function {fn!r}")


def _reference_source(course: Course, ex: Exercise) -> Path | None:
    """The reference, else (in the student copy) the stub made from it."""
    for folder in (course.folder(ex.name), course.exercises_dir):
        if (folder / ex.file).is_file():
            return folder / ex.file
    return None


def _defined_functions(path: Path) -> set[str]:
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError) as e:
        raise CourseError(f"{path}: cannot parse: {e}") from None
    return {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}


def line_in(path: Path, loc: tuple) -> int:
    """The 1-based line of `loc` in a YAML file (for an error found after loading)."""
    try:
        return _line_of(yaml.compose(path.read_text(encoding="utf-8"), Loader=_LOADER), loc)
    except (OSError, yaml.YAMLError):
        return 1


def _item_line(node: yaml.Node | None, index: int) -> int | None:
    """The line of item `index` of course.yml's `exercises:` list."""
    for key, value in node.value if isinstance(node, yaml.MappingNode) else ():
        if key.value == "exercises" and isinstance(value, yaml.SequenceNode) and index < len(value.value):
            return value.value[index].start_mark.line + 1
    return None


def _line_of(node: yaml.Node | None, loc: tuple) -> int:
    """The 1-based line of the deepest YAML node that `loc` reaches."""
    line = node.start_mark.line + 1 if node is not None else 1
    for part in loc:
        if not isinstance(node, yaml.MappingNode):
            break
        for key, value in node.value:
            if key.value == str(part):
                line = key.start_mark.line + 1
                node = value
                break
        else:
            break
    return line
