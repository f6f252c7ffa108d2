"""The lessons (solutions/<name>/lesson.md, pictures.py) of every exercise folder that has one.

Every ```python block runs, in order, in one namespace (as the notebook's cells would), with each
prediction left at None and again with the right answer the lesson states (`<!-- answer: ... -->`):
reveal() must then agree with torch. Every picture renders. The builder's own rules (pictures
embedded, answers hidden, code cells out of the submission, Run all never stopped) are checked on
the notebooks it writes.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import re

import pytest

from autograder.course import CourseError
from autograder.authoring.lesson_build import SETUP, lesson_blocks, picture_functions
from autograder.lessons import reveal, shown_errors
from autograder.judging.notebook import SKIP_MARK, notebook_code
from autograder.authoring.notebooks_build import exercise_cells
from autograder.authoring.stubs import solution_text
from tests.conftest import ROOT, the_course

_PREDICTION = re.compile(r"^prediction = None\b.*$", re.MULTILINE)


def _with_lessons() -> list[str]:
    course = the_course()
    return [n for n in course.exercises if (course.folder(n) / "lesson.md").is_file()]


def _with_pictures() -> list[str]:
    course = the_course()
    return [n for n in course.exercises if (course.folder(n) / "pictures.py").is_file()]


def _run_lesson(name: str, *, answered: bool) -> list:
    """Run the lesson's code blocks in one namespace; the list of what each reveal() returned."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    course = the_course()
    results: list = []

    def recording_reveal(prediction, answer):
        results.append(reveal(prediction, answer))
        return results[-1]

    space: dict = {"__name__": "__lesson__"}
    exec(compile(SETUP, f"{name} setup", "exec"), space)
    space["reveal"] = recording_reveal
    for block in lesson_blocks(course.folder(name), name):
        if block.kind != "code":
            continue
        source = block.source
        if answered and block.answer is not None:
            assert _PREDICTION.search(source), f"{name}/lesson.md:{block.line}: an answer without `prediction = None`"
            source = _PREDICTION.sub(lambda m: f"prediction = {block.answer}", source, count=1)
        with contextlib.redirect_stdout(io.StringIO()):
            try:
                exec(compile(source, f"{name}/lesson.md:{block.line}", "exec"), space)
            except Exception as e:
                raise AssertionError(f"solutions/{name}/lesson.md:{block.line}: {type(e).__name__}: {e}") from e
    plt.close("all")
    return results


@pytest.mark.parametrize("name", _with_lessons())
def test_lesson_blocks_run_unanswered_and_reveal_asks_for_a_prediction(name):
    results = _run_lesson(name, answered=False)
    assert results and all(r is None for r in results)


@pytest.mark.parametrize("name", _with_lessons())
def test_lesson_answers_agree_with_torch(name):
    course = the_course()
    blocks = lesson_blocks(course.folder(name), name)
    predicts = [b for b in blocks if b.kind == "code" and b.source.startswith("# Predict")]
    assert predicts, f"{name}: a lesson has at least one predict-then-verify pair"
    assert all(b.answer is not None for b in predicts), [b.line for b in predicts if b.answer is None]
    results = _run_lesson(name, answered=True)
    assert results == [True] * len(predicts)


@pytest.mark.parametrize("name", _with_pictures())
def test_every_picture_renders_and_the_exercise_names_it(name):
    from matplotlib.figure import Figure

    course = the_course()
    functions = picture_functions(course.folder(name) / "pictures.py", name)
    lesson = (course.folder(name) / "lesson.md").read_text()
    docstring = course.solution_path(name).read_text().split('"""')[1]
    for slug, function in functions.items():
        figure = function()
        assert isinstance(figure, Figure)
        assert figure.axes, f"{name}: picture_{slug} draws nothing"
        assert f"pictures/{name}-{slug}.png" in lesson, f"{name}: picture_{slug} is not shown in lesson.md"
        assert f"exercises/pictures/{name}-{slug}.png" in docstring, f"{name}.py's docstring does not name it"
        assert (ROOT / "exercises" / "pictures" / f"{name}-{slug}.png").is_file(), "run `grade release`"


@pytest.mark.parametrize("name", _with_lessons())
def test_notebook_shows_the_lesson_before_the_first_function(name):
    course = the_course()
    nb = json.loads((ROOT / "exercises" / f"{name}.ipynb").read_text())
    cells = nb["cells"]
    sources = ["".join(c["source"]) for c in cells]
    first = course.exercise(name).functions[0]
    first_function = next(i for i, s in enumerate(sources) if s.startswith(f"## `{first}("))
    lesson = cells[1:first_function]
    pictures = [c for c in lesson if c.get("attachments")]
    assert pictures, "at least one picture before the first function"
    for cell in pictures:
        for file, data in cell["attachments"].items():
            assert f"(attachment:{file})" in "".join(cell["source"]) and data["image/png"]
    text = json.dumps(lesson)
    assert "<!-- answer" not in text and "](pictures/" not in text  # hidden answers; embedded pictures
    roles = [c.role for c in exercise_cells(course, name, solution_text(course, course.exercise(name)),
                                            flavor="student")]
    code = [c for c, role in zip(cells, roles) if c["cell_type"] == "code" and role == "lesson"]
    assert code and all(c in lesson for c in code) and all(SKIP_MARK in "".join(c["source"]).splitlines()[0] for c in code)
    # the grader reads none of the lesson's code: it is the same module without those cells
    without = {**nb, "cells": [c for c in cells if c not in code]}
    def unnumbered(text):
        return re.sub(r"'cell \d+'", "'cell'", text)

    assert unnumbered(notebook_code(json.dumps(nb), "x")) == unnumbered(notebook_code(json.dumps(without), "x"))


def test_reveal_never_raises_and_says_what_it_compared(capsys):
    import torch

    assert reveal(None, 3) is None
    assert "predict first" in capsys.readouterr().out
    assert reveal((1, 3, 8), torch.Size([1, 3, 8])) is True
    assert "✓" in capsys.readouterr().out
    assert reveal(4, 2) is False and "✗" in capsys.readouterr().out
    assert reveal([5.0, 8.0], torch.tensor([5.0, 8.0])) is True
    assert reveal(torch.zeros(3), torch.zeros(2)) is False  # shapes differ: wrong, not a crash
    assert reveal("eight", 8) is False
    assert reveal(object(), torch.ones(2)) is False  # not comparable at all: a wrong answer
    assert reveal(True, 1) is False  # a bool is not a count

    class Hostile:
        def __eq__(self, other):
            raise RuntimeError("boom")

        def __repr__(self):
            raise RuntimeError("no repr either")

    assert reveal(Hostile(), 3) is False
    assert "could not compare" in capsys.readouterr().out


def test_shown_errors_prints_any_exception_and_lets_interrupts_through(capsys):
    with shown_errors():
        raise NotImplementedError("exercise3: conv1d")
    assert "Not written yet (exercise3: conv1d)" in capsys.readouterr().out
    with shown_errors():
        raise IndexError("too many indices")
    out = capsys.readouterr().out
    assert "Your code raised IndexError: too many indices" in out and "check() below" in out
    with pytest.raises(KeyboardInterrupt), shown_errors():
        raise KeyboardInterrupt


def test_lesson_errors_name_the_file_and_line(tmp_path):
    folder = tmp_path / "exercise1"
    folder.mkdir()
    (folder / "lesson.md").write_text("text\n\n<!-- answer: 3 -->\n")
    with pytest.raises(CourseError, match=r"lesson.md:3: an answer comment must follow"):
        lesson_blocks(folder, "exercise1")
    (folder / "lesson.md").write_text("```python\nx = 1\n")
    with pytest.raises(CourseError, match=r"lesson.md:1: the ```python block is never closed"):
        lesson_blocks(folder, "exercise1")
    (folder / "lesson.md").write_text("![a](pictures/exercise1-nothing.png)\n")
    with pytest.raises(CourseError, match=r"lesson.md:1: pictures/exercise1-nothing.png is not drawn"):
        lesson_blocks(folder, "exercise1")


# --- the notebooks in a real kernel: "Run all" reaches check() whatever the student's code does ----------

def _run_all(nb: dict, tmp_path) -> list:
    """Execute like Jupyter's Run all with allow_errors=False: any cell that raises fails the test."""
    nbclient = pytest.importorskip("nbclient")
    nbformat = pytest.importorskip("nbformat")
    path = tmp_path / "run.ipynb"
    path.write_text(json.dumps(nb))
    notebook = nbformat.read(str(path), as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3", allow_errors=False,
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute(env={**os.environ, "PYTHONPATH": str(ROOT)})  # the kernel imports this tree's autograder
    return notebook.cells


def _with_functions(name: str, bodies: dict[str, str]) -> dict:
    """exercises/<name>.ipynb with the cells of the named functions replaced."""
    nb = json.loads((ROOT / "exercises" / f"{name}.ipynb").read_text())
    for cell in nb["cells"]:
        for fn, code in bodies.items():
            if cell["cell_type"] == "code" and "".join(cell["source"]).startswith(f"def {fn}("):
                cell["source"] = code
    return nb


def _references(name: str) -> dict[str, str]:
    course = the_course()
    cells = exercise_cells(course, name, solution_text(course, course.exercise(name)), flavor="nbgrader")
    return {c.grade_id: c.source for c in cells if c.role == "solution"}


def _check_output(cells) -> str:
    check = next(c for c in cells if c.cell_type == "code" and 'check("' in c.source)
    return "\n".join(o.get("data", {}).get("text/plain", "") + o.get("text", "") for o in check.outputs)


def _outputs(cells) -> str:
    return "\n".join(o.get("text", "") for c in cells if c.cell_type == "code" for o in c.outputs)


@pytest.mark.slow
def test_run_all_with_the_untouched_stubs_reaches_check(tmp_path):
    nb = json.loads((ROOT / "exercises" / "exercise3.ipynb").read_text())
    cells = _run_all(nb, tmp_path)
    assert "predict first" in _outputs(cells)
    assert "Not written yet (exercise3: conv1d)" in _outputs(cells)  # the demo
    assert "0 / 10" in _check_output(cells)


@pytest.mark.slow
def test_run_all_with_code_that_raises_or_returns_wrong_shapes_reaches_check(tmp_path):
    nb = _with_functions("exercise3", {
        "conv1d": "def conv1d(x, weight, bias=None, stride=1, padding=0, dilation=1):\n"
                  "    return x[0, 0, 0, 0]  # an IndexError on a 2-D input\n",
        "conv1d_channels_last": "def conv1d_channels_last(x, weight, bias=None, stride=1, padding=0, dilation=1):\n"
                                "    return x  # the wrong shape\n"})
    cells = _run_all(nb, tmp_path)
    assert "Your code raised IndexError" in _outputs(cells)
    assert "0 / 10" in _check_output(cells)


@pytest.mark.slow
def test_run_all_with_a_cell_that_does_not_even_run_reaches_check(tmp_path):
    """A syntax error in one solution cell and a NameError at definition time in another: Jupyter stops
    Run all at the first error unless the cell is tagged raises-exception; check() must still report."""
    nb = _with_functions("exercise3", {
        "conv1d": "def conv1d(x, weight, bias=None, stride=1, padding=0, dilation=1):\n    return x[0 0]\n",
        "conv1d_channels_last": "def conv1d_channels_last(x, weight, bias=None, stride=1, padding=0, dilation=1) -> Tensr:\n"
                                "    return x\n"})
    cells = _run_all(nb, tmp_path)
    errors = [o["ename"] for c in cells if c.cell_type == "code" for o in c.outputs if o.get("output_type") == "error"]
    assert sorted(errors) == ["NameError", "SyntaxError"]
    assert "0 / 10" in _check_output(cells)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["exercise1", "exercise3"])
def test_run_all_with_the_references_gets_full_marks(name, tmp_path):
    cells = _run_all(_with_functions(name, _references(name)), tmp_path)
    assert "10 / 10" in _check_output(cells)
    assert "✓" not in _outputs(cells) and "predict first" in _outputs(cells)  # predictions are the student's
    if name == "exercise3":
        demo = [c for c in cells if c.cell_type == "code" and c.source.startswith("# Try it") and "conv1d(x" in c.source]
        assert demo and [o for o in demo[0].outputs if "image/png" in o.get("data", {})]  # the plot, not an error


@pytest.mark.parametrize("name, first, second", [
    ("exercise3", "x[0] = [[2, 3, 4],", "[1, 1, 1]],"),
    ("exercise3", "out[n, o, i] = bias[o] + sum_c", "L_out = (L + 2*padding"),
    ("exercise4", "the ramp image [[2, 3, 4],", "[2, 3, 4],"),
])
def test_rendered_html_keeps_matrices_and_formulas_on_their_lines(name, first, second):
    """What the student sees: nbconvert's HTML (its markdown renderer, as Jupyter's) of the notebook."""
    nbconvert = pytest.importorskip("nbconvert")
    nbformat = pytest.importorskip("nbformat")
    import html

    body, _ = nbconvert.HTMLExporter().from_notebook_node(
        nbformat.read(str(ROOT / "exercises" / f"{name}.ipynb"), as_version=4))
    blocks = [html.unescape(re.sub(r"<[^>]+>", "", b)) for b in re.findall(r"<pre[^>]*>(.*?)</pre>", body, re.S)]
    def second_below_first(block: str) -> bool:
        lines = block.splitlines()
        at = next(i for i, line in enumerate(lines) if first in line)
        return any(second in line for line in lines[at + 1:])

    found = [b for b in blocks if first in b]
    assert found, f"{first!r} is not in a preformatted block"
    assert any(second_below_first(b) for b in found), found
    if name in _with_lessons():  # pictures are embedded, not links to files
        assert body.count('src="data:image/png;base64,') >= 1


def test_release_writes_every_picture_and_the_student_copy_keeps_them():
    from autograder.authoring.release import lesson_pictures, student_files

    course = the_course()
    pictures = lesson_pictures(course)
    assert set(pictures) >= {f"{n}-{slug}.png" for n in _with_pictures()
                             for slug in picture_functions(course.folder(n) / "pictures.py", n)}
    files = student_files(course)
    for file, data in pictures.items():
        committed = ROOT / "exercises" / "pictures" / file
        assert committed.read_bytes() == data, f"exercises/pictures/{file} is stale: run `grade release`"
        assert f"exercises/pictures/{file}" in files
    assert not [f for f in files if f.startswith("solutions/") and f.endswith(("lesson.md", "pictures.py"))]


def test_rendered_html_shows_dunder_names_not_bold():
    nbconvert = pytest.importorskip("nbconvert")
    nbformat = pytest.importorskip("nbformat")

    body, _ = nbconvert.HTMLExporter().from_notebook_node(
        nbformat.read(str(ROOT / "exercises" / "exercise2.ipynb"), as_version=4))
    assert re.search(r"__name__\s+is\s+never assigned", body) and "<strong>name</strong>" not in body
