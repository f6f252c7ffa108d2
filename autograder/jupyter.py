"""Grading from inside a notebook: `check("exercise3")`, and `concept_score` in the test cells a student runs.

Both grade the notebook's own code: the kernel's input history turned into a module by
autograder.judging.notebook (definitions only, each cell as the kernel ran it), run through the same
isolated Sandbox as `grade` on the command line. Function objects never cross processes.

nbgrader's rules shape `concept_score`: it writes nothing to stderr (any stderr output scores
the cell 0), it ends with a plain float clamped to [0, points] (a numpy float or a string would
get full credit, a score above the points breaks autograde), and the exercise is graded once
per kernel and cached, so an endless loop costs the sandbox's limits once, not once per cell.
The seed follows autograder/seeding.py, as `grade` does: $CONV_COURSE_SEED (a run to
reproduce), else with a salt in the environment a secret seed from it and the code, else
course.yml's public seed (a student checking their own work). Never from the notebook. Scores
that count come from nbgrader's autograde, which grades outside the kernel (nbgrader_grade.py).
"""
from __future__ import annotations

import contextlib
import hashlib
import io
import os
import time
import warnings
from dataclasses import replace
from pathlib import Path

from autograder.seeding import SALT_ENV  # noqa: F401 (the salt's variable, for callers and tests)

SEED_ENV, CELL_TIMEOUT_ENV = "CONV_COURSE_SEED", "CONV_COURSE_CELL_TIMEOUT"
_MARGIN = 8.0  # seconds a test cell keeps for starting up and printing, within nbgrader's cell timeout
_cache: dict[tuple, object] = {}


class CheckResult:
    """What `check()` returns: Jupyter shows it as the HTML report; `.report` is the data."""

    def __init__(self, report):
        from autograder.formats.html import render

        self.report = report
        self.html = render(report)

    @property
    def score(self) -> float:
        return self.report.score

    @property
    def max_score(self) -> float:
        return self.report.max_score

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:  # plain text: rich would detect Jupyter and display HTML of its own
        lines = []
        for ex in self.report.exercises:
            lines.append(f"{ex.exercise} — {ex.title}: {ex.score:g} / {ex.max_score:g}")
            lines += [concept_text(c) for c in ex.concepts]
            if ex.reproducible:
                lines.append(f"Reproduce: {ex.reproduce}")
        return "\n".join(lines)


def check(exercise: str, *, seed: int | None = None, notebook: str | Path | None = None) -> CheckResult:
    """Grade `exercise` as defined in this notebook (the cells run so far) and show the report.

    Outside a kernel, or with `notebook=`, the saved .ipynb file is graded instead
    (default `<exercise>.ipynb` here, else the course's exercises/ file, like `grade`).
    """
    from autograder.results import CourseReport

    course = _course()
    ex = course.exercise(exercise)
    submission, where = _submission(course, ex, notebook)
    seed = grading_seed(course, submission.sources) if seed is None else seed
    reproduce = f"grade {ex.name} --submission {where} --seed {seed}"
    report = _graded(course, ex.name, submission, seed, reproduce, budget=None)
    if submission.origin == "notebook":  # the kernel's cells as run, not the saved .ipynb the command names
        report = replace(report, reproducible=False)
    return CheckResult(CourseReport((report,), requested=ex.name, reproduce=reproduce))


def concept_score(exercise: str, concept: str, *, points: float) -> float:
    """For an nbgrader test cell: print the concept's feedback, return its score in [0, points]."""
    started = time.monotonic()  # the cell's clock: loading torch and the sandbox count too
    course = _course()
    ex = course.exercise(exercise)
    submission, where = _submission(course, ex, None)
    seed = grading_seed(course, submission.sources)
    budget = float(os.environ.get(CELL_TIMEOUT_ENV, "30")) - _MARGIN - (time.monotonic() - started)
    report = _graded(course, ex.name, submission, seed, f"grade {ex.name} --submission {where} --seed {seed}",
                     budget=budget)
    found = [c for c in report.concepts if c.name == concept]
    if not found:
        print(f"{exercise} has no concept {concept!r} in course.yml: 0 points")
        return 0.0
    print(concept_text(found[0]))
    return float(min(max(float(found[0].score), 0.0), float(points)))


_courses: dict[tuple, object] = {}


def _course():
    """course.yml, read again only when it or an exercise's settings changed: a kernel checks many times."""
    from autograder.course import COURSE_FILE, EXERCISE_FILE, find_root, load_course

    path = find_root() / COURSE_FILE
    try:
        files = [path, *sorted(path.parent.glob(f"solutions/*/{EXERCISE_FILE}"))]
        key = tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in files)
    except OSError:
        return load_course(path)  # its error names the file
    if key not in _courses:
        _courses.clear()
        _courses[key] = load_course(path)
    return _courses[key]


def grading_seed(course, sources) -> int:
    """$CONV_COURSE_SEED, else seeding's policy for a student's own check (the salt's secret seed when
    one is set, else course.yml's seed). Never a warning: nbgrader scores stderr output 0."""
    from autograder.course import CourseError
    from autograder.seeding import policy

    if os.environ.get(SEED_ENV):
        try:
            return int(os.environ[SEED_ENV])
        except ValueError:
            raise CourseError(f"${SEED_ENV} must be an integer, got {os.environ[SEED_ENV]!r}") from None
    return policy(course.seed).seed_for(sources)


def concept_text(c, *, width: int = 80) -> str:
    """Plain-text feedback for one concept (a test cell's text): values as Python, each crash with its
    traceback, lines wrapped at spaces to `width` (nbgrader's feedback box cuts longer lines)."""
    from autograder.judging.crashes import crash
    from autograder.formats.safe_text import safe_report
    from autograder.formats.show import example_texts

    c = safe_report(c)
    lines = [f"{c.name}: {c.score:g} / {c.max_score:g} points, {c.passed}/{c.total} cases passed ({c.status})"]
    if c.misconception and c.misconception != "crash":
        lines.append(f"Looks like: {c.misconception}")
    for message in c.crashes:
        info = crash(message)
        lines += [f"Crashed: {info.headline}", *("    " + ln for ln in info.traceback.splitlines())]
    if c.message and not any(c.message == m or c.message.endswith(m) for m in c.crashes):
        lines += c.message.splitlines()
    if c.example is not None:
        inputs, expected, got = example_texts(c)
        lines.append(f"Smallest failing case: {c.example.call}")
        lines += [f"    {k} = {v}" for k, v in inputs]
        lines += [f"  expected: {expected}", f"  got:      {got}"]
    if c.output and not c.ok:
        lines.append("Your code printed, on this case:")
        lines += ["    " + ln for ln in c.output[:800].splitlines()]
    if c.hint and not c.ok:
        lines.append(f"Hint: {c.hint}")
    return "\n".join(_wrapped(line, width) for line in lines)


def _wrapped(line: str, width: int) -> str:
    import textwrap

    indent = " " * min(len(line) - len(line.lstrip(" ")) + 4, width // 2)
    return "\n".join(textwrap.wrap(line, width, subsequent_indent=indent, break_long_words=True,
                                    break_on_hyphens=False, drop_whitespace=True, replace_whitespace=False)) or line


def _submission(course, ex, notebook):
    """The Submission to grade and where it came from (for the reproduce line)."""
    from autograder.judging.notebook import history_source, notebook_source
    from autograder.pipeline import Submission

    inputs = None if notebook is not None else _kernel_inputs()
    sources = {}
    for other in course.exercises.values():  # sibling .py files beside the notebook, as `grade` does
        path = Path.cwd() / other.file
        if other.module != ex.module and path.is_file():
            sources[other.module] = path.read_text(encoding="utf-8")
    if inputs is not None:
        sources[ex.module] = history_source(inputs)
        return Submission(ex.module, sources, "notebook"), f"{ex.module}.ipynb"
    path = Path(notebook) if notebook is not None else Path.cwd() / f"{ex.module}.ipynb"
    if path.is_file():
        sources[ex.module] = notebook_source(path)
        return Submission(ex.module, sources, str(path)), str(path)
    from autograder.judging.submission import load_submission

    return load_submission(course, ex, None), str(course.exercises_dir / ex.file)


def _kernel_inputs() -> list[str] | None:
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    shell = get_ipython()
    if shell is None or not hasattr(shell, "history_manager"):
        return None
    return list(shell.history_manager.input_hist_raw)


def _graded(course, name, submission, seed, reproduce, *, budget):
    """Grade once per (exercise, seed, code); later calls with the same code reuse the report."""
    key = (name, seed, hashlib.sha256(repr(sorted(submission.sources.items())).encode()).hexdigest())
    if key not in _cache:
        started = time.monotonic()
        from autograder.judging.grading import grade_exercise
        from autograder.sandbox.runner import Sandbox

        limits = course.limits_for(name)
        total = limits.time_per_exercise if budget is None else max(1.0, min(limits.time_per_exercise, budget))
        # nothing may reach stderr: nbgrader scores a test cell with stderr output 0
        with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
            warnings.simplefilter("ignore")
            sandbox = warm_sandbox()
            left = total - (time.monotonic() - started)  # loading torch and the sandbox are in the budget
            _cache[key] = grade_exercise(course, name, submission, seed=seed,
                                         sandbox=_Budgeted(sandbox, max(1.0, left)), reproduce=reproduce)
    return _cache[key]


_warm = None


def warm_sandbox():
    """The kernel's sandbox: started by the first check() and kept, so later checks skip starting
    Python and importing torch. Each run still gets a fresh process forked from it, with the same
    limits as `grade` (passed per run from course.yml); a zygote that died is replaced by
    Sandbox itself on the next run. Closed when the kernel exits."""
    global _warm
    if _warm is None:
        import atexit

        from autograder.sandbox.runner import Sandbox

        _warm = Sandbox()
        _warm.__enter__()
        atexit.register(close_warm_sandbox)
    return _warm


def close_warm_sandbox() -> None:
    """Stop the kernel's sandbox (its processes and folders go); the next check() starts another."""
    global _warm
    if _warm is not None:
        _warm.close()
        _warm = None


class _Budgeted:
    """One deadline across every sandbox run of the exercise (shrinking runs more cases later)."""

    def __init__(self, sandbox, seconds: float):
        self.sandbox, self.deadline = sandbox, time.monotonic() + seconds

    def run(self, submission, calls, **kwargs):
        left = max(0.0, self.deadline - time.monotonic())
        kwargs["time_total"] = min(left, kwargs.get("time_total") or left)  # explicit: overrides limits=
        return self.sandbox.run(submission, calls, **kwargs)

    def __getattr__(self, name):
        return getattr(self.sandbox, name)
