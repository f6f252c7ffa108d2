"""autograder.judging.notebook: a notebook's code as a module, the same way from a file and from a kernel's history."""
from __future__ import annotations

import itertools
import json
import subprocess
import sys

import pytest

from autograder.judging.notebook import NotebookError, history_source, module_from_cells, notebook_source
from tests.conftest import ROOT, grade_in_process, run_grade


def _run_module(text: str) -> tuple[dict, str]:
    """Import the generated module in a fresh interpreter; its globals' names and what it printed."""
    code = ("import json, sys\nns = {'__name__': 'exercise1'}\n"
            "exec(compile(sys.stdin.read(), 'exercise1.py', 'exec'), ns)\n"
            "print('@@' + json.dumps({k: repr(v) for k, v in ns.items() if not k.startswith('_')}))")
    done = subprocess.run([sys.executable, "-c", code], input=text, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    printed, _, names = done.stdout.rpartition("@@")
    return json.loads(names), printed


def _notebook(tmp_path, cells: list[dict], name="exercise1.ipynb"):
    nb = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / name
    path.write_text(json.dumps(nb))
    return path


_ids = itertools.count()


def _code(source: str, **nbgrader) -> dict:
    meta = {"nbgrader": nbgrader} if nbgrader else {}
    return {"cell_type": "code", "id": f"test-{next(_ids)}", "source": source, "metadata": meta, "outputs": [],
            "execution_count": None}


def test_magics_shell_and_experiments_are_left_out_definitions_kept(tmp_path):
    path = _notebook(tmp_path, [
        {"cell_type": "markdown", "source": "# title", "metadata": {}},
        _code("%matplotlib inline\nimport math\nfiles = !ls\nK = 3\n\ndef f(a):\n    !echo hi\n    return a + K\n"),
        _code("%%bash\necho not python\n"),
        _code('from autograder import check\ncheck("exercise1")\nf(2)\nfor i in range(10**12):\n    pass\n'),
        _code("# Try it (not part of your submission): a demo\nDEMO = f(1)\n"),
        _code("HIDDEN = 1\n", grade=True, solution=False, grade_id="t", points=1),
        _code("math.sqrt?\n"),
    ])
    names, printed = _run_module(notebook_source(path))
    assert {"math", "K", "f", "check"} <= set(names)
    assert "DEMO" not in names and "HIDDEN" not in names  # demo cell and nbgrader test cell
    assert "files" not in names and "i" not in names  # shell output and the loop never ran
    assert printed == ""


def test_a_cell_that_raises_stops_there_and_the_next_cell_runs_with_its_line_named():
    text = module_from_cells([("cell 2", "A = 1\nB = 1 / 0\nC = 3\n"), ("cell 3", "D = A + 1\n")],
                             keep_syntax_errors=True)
    names, printed = _run_module(text)
    assert names["A"] == "1" and names["D"] == "2" and "C" not in names
    assert 'File "cell 2", line 2' in printed and "ZeroDivisionError" in printed and "B = 1 / 0" in printed


def test_history_drops_inputs_that_never_parsed_and_later_definitions_win():
    history = ["", "def f():\n    return 1\n", "def f(:\n", "def f():\n    return 2\n", "f()\n"]
    names, _ = _run_module(history_source(history))
    assert "f" in names
    code = history_source(history) + "\nprint('@@' + str(f()))\n"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip().endswith("@@2")


def test_a_syntax_error_in_a_saved_notebook_is_reported_with_its_cell(tmp_path):
    path = _notebook(tmp_path, [_code("def ok():\n    return 1\n"), _code("def conv_output_length(:\n    pass\n")])
    done = subprocess.run([sys.executable, "-c", notebook_source(path)], capture_output=True, text=True)
    assert done.returncode != 0 and 'File "cell 2", line 1' in done.stderr and "SyntaxError" in done.stderr


def test_not_a_notebook_is_a_one_line_error(tmp_path):
    bad = tmp_path / "exercise1.ipynb"
    bad.write_text("{not json")
    with pytest.raises(NotebookError, match="not a Jupyter notebook"):
        notebook_source(bad)


def _solved_student_notebook(tmp_path, replace: dict[str, str] | None = None, exercise: str = "exercise1",
                             experiment: str = "print(conv_output_length(5, 3))\nx = 1\n"):
    """exercises/<exercise>.ipynb with each function's cell replaced by the solution's code, and a last cell
    with an experiment the student left (bench/check_warm.py uses it too)."""
    from autograder.course import load_course
    from autograder.authoring.notebooks_build import exercise_cells

    course = load_course(ROOT / "course.yml")
    reference = (ROOT / "solutions" / exercise / f"{exercise}.py").read_text()
    solved = {c.grade_id: c.source for c in exercise_cells(course, exercise, reference, flavor="nbgrader")
              if c.role == "solution"}
    solved.update(replace or {})
    nb = json.loads((ROOT / "exercises" / f"{exercise}.ipynb").read_text())
    for cell in nb["cells"]:
        src = "".join(cell["source"])
        for fn, code in solved.items():
            if cell["cell_type"] == "code" and src.startswith(f"def {fn}("):
                cell["source"] = code
    nb["cells"].append(_code(experiment))
    path = tmp_path / f"{exercise}.ipynb"
    path.write_text(json.dumps(nb))
    return path


@pytest.mark.slow  # runs the `grade` command in a new process (torch imported there)
def test_grade_grades_a_notebook_submission_like_the_py_file(tmp_path, warm_sandbox):
    path = _solved_student_notebook(tmp_path)
    done = run_grade("exercise1", "--submission", path, "--format", "json")
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["score"] == 10
    buggy = _solved_student_notebook(tmp_path, {"same_padding": (
        "def same_padding(kernel_size, dilation=1):\n    total = dilation * (kernel_size - 1)\n"
        "    return (total - total // 2, total // 2)\n")})
    done = grade_in_process(warm_sandbox, "exercise1", "--submission", buggy, "--format", "json")  # the command's code
    concepts = {c["name"]: c for c in json.loads(done.stdout)["concepts"]}
    assert done.returncode == 1
    assert concepts["same-padding"]["score"] < concepts["same-padding"]["max_score"]
    assert concepts["kernel"]["status"] == "passed"
