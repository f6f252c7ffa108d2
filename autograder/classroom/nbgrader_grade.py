"""nbgrader's autograde, scored outside the student's kernel.

nbgrader's own autograde runs the submitted notebook in a kernel and scores each test cell by
its outputs, so whatever the student's cells do to that kernel (replace
`autograder.jupyter.concept_score`, read files) decides the score. `GradeInSandbox` takes the
place of nbgrader's `Execute` step: no kernel starts. It reads the student's code from the
submitted notebook (autograder.judging.notebook, the rule `grade --submission x.ipynb` uses), grades it
with the engine in the sandbox, on a seed secret and bound to the student and the code
(autograder/seeding.py), and writes each concept cell's outputs: the feedback as text, then
the score as the cell's result. nbgrader's `SaveAutoGrades`, later in the same pipeline, reads
that result into its gradebook (a test cell's `execute_result` is its partial credit), and
`generate_feedback` shows the text. A grade cell the course does not know gets an error
output, so 0 points, never nbgrader's "no output: full marks".
"""
from __future__ import annotations

import atexit
import tempfile
from pathlib import Path

from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

# nbgrader's default autograde pipeline with its `Execute` replaced; the order is checked below
AUTOGRADE_PREPROCESSORS = (
    "autograder.classroom.nbgrader_grade.GradeInSandbox",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
)


def autograde_preprocessors() -> list[str]:
    """The pipeline for `c.Autograde.autograde_preprocessors`: the scores must exist before they are saved."""
    steps = list(AUTOGRADE_PREPROCESSORS)
    grade, save = steps.index("autograder.classroom.nbgrader_grade.GradeInSandbox"), steps.index(
        "nbgrader.preprocessors.SaveAutoGrades")
    if not grade < save or any("Execute" in s for s in steps):
        raise AssertionError("GradeInSandbox must run before SaveAutoGrades, and no kernel may execute the notebook")
    return steps


class GradeInSandbox(NbGraderPreprocessor):
    """Fill each concept test cell with the sandbox's feedback and score (see the module docstring)."""

    course = Unicode("", help="The course's course.yml (or its folder); default: found from here.").tag(config=True)

    def preprocess(self, nb, resources):
        from autograder.course import CourseError, load_course

        info = resources.get("nbgrader", {})
        student, notebook = str(info.get("student", "")), str(info.get("notebook", ""))
        try:
            course = load_course(Path(self.course) if self.course else None)
            ex = course.exercise(notebook)
        except (CourseError, KeyError) as e:
            self.log.error("autograder: %s: cannot grade: %s", notebook, e)
            _fill(nb, {}, f"The autograder could not grade {notebook}: {e}")
            return nb, resources
        try:
            report = grade_notebook(course, ex, nb, student=student,
                                    where=f"submitted/{student}/{info.get('assignment', '')}/{notebook}.ipynb")
        except (ValueError, CourseError) as e:  # an unreadable notebook: 0 with the reason, the class goes on
            self.log.error("autograder: %s/%s: cannot grade: %s", student, notebook, e)
            _fill(nb, {}, f"The autograder could not read this notebook: {e}")
            return nb, resources
        from autograder.authoring.notebooks_build import test_cell_id

        concepts = {test_cell_id(c.name): c for c in report.concepts}
        _fill(nb, concepts, f"Not a test cell of {ex.name} in course.yml: not graded")
        self.log.info("autograder: %s/%s: %g / %g (seed %d)", student, notebook, report.score, report.max_score,
                      report.seed)
        return nb, resources


def grade_notebook(course, ex, nb, *, student: str, where: str):
    """The ExerciseReport of the notebook's code, graded in the sandbox on the student's secret seed."""
    import nbformat

    from autograder.judging.grading import grade_exercise
    from autograder.judging.notebook import notebook_source
    from autograder.pipeline import Submission
    from autograder.seeding import policy

    with tempfile.TemporaryDirectory(prefix="conv-nbgrader-") as tmp:
        path = Path(tmp) / f"{ex.module}.ipynb"
        path.write_text(nbformat.writes(nb), encoding="utf-8")
        sources = {ex.module: notebook_source(path)}
    seed = policy(course.seed, student=student, route="nbgrader").seed_for(sources)
    reproduce = f"grade {ex.name} --submission {where} --seed {seed}"
    limits = course.limits_for(ex.name)
    sandbox = _sandbox()
    sandbox.time_per_case, sandbox.time_total = limits.time_per_case, limits.time_per_exercise
    return grade_exercise(course, ex.name, Submission(ex.module, sources, where), seed=seed, sandbox=sandbox,
                          reproduce=reproduce)


def _fill(nb, concepts: dict, unknown: str) -> None:
    """Replace every test cell's outputs: feedback and score for a known concept, an error otherwise."""
    from nbformat.v4 import new_output

    from autograder.jupyter import concept_text
    from autograder.formats.html import concept_html, style

    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.get("cell_type") != "code" or not meta.get("grade") or meta.get("solution"):
            continue
        found = concepts.get(meta.get("grade_id"))
        if found is None:
            cell.outputs = [new_output("error", ename="NotGraded", evalue=unknown, traceback=[unknown])]
            continue
        points = float(meta.get("points", found.max_score))
        score = min(max(float(found.score), 0.0), points)
        # HTML, as check() shows it (it wraps, where nbgrader's feedback box cuts a long text line),
        # with the plain text for whatever cannot show HTML
        feedback = {"text/html": style() + f'<div class="conv-report">{concept_html(found)}</div>',
                    "text/plain": concept_text(found)}
        cell.outputs = [new_output("display_data", data=feedback),
                        new_output("execute_result", data={"text/plain": repr(score)}, execution_count=None)]


_SANDBOX = None


def _sandbox():
    """One sandbox for the whole autograde run (nbgrader grades notebook after notebook in one process)."""
    global _SANDBOX
    if _SANDBOX is None:
        from autograder.sandbox.runner import Sandbox

        _SANDBOX = Sandbox()
        _SANDBOX.__enter__()
        atexit.register(_SANDBOX.close)
    return _SANDBOX


__all__ = ["GradeInSandbox", "autograde_preprocessors", "grade_notebook"]
