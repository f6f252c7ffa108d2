"""The student's Jupyter workflow in a real kernel: run the notebook, `check()` shows the HTML report."""
from __future__ import annotations

import json
import os

import pytest

nbclient = pytest.importorskip("nbclient")
nbformat = pytest.importorskip("nbformat")
pytest.importorskip("ipykernel")

from tests.conftest import ROOT  # noqa: E402
from tests.test_notebook import _code, _solved_student_notebook  # noqa: E402

pytestmark = pytest.mark.slow


def _execute(path):
    nb = nbformat.read(str(path), as_version=4)
    client = nbclient.NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                                     resources={"metadata": {"path": str(path.parent)}})
    # the kernel imports this tree's autograder (the venv's own may be another checkout's)
    client.execute(env={**os.environ, "PYTHONPATH": str(ROOT)})
    return nb


def _check_html(nb) -> str:
    cell = next(c for c in nb.cells if c.cell_type == "code" and 'check("' in c.source)
    results = [o for o in cell.outputs if o.output_type == "execute_result"]
    assert results and not [o for o in cell.outputs if o.output_type == "error"], cell.outputs
    assert len(cell.outputs) == 1  # one report, nothing else printed or displayed
    return results[0].data["text/html"]


def test_check_grades_what_the_kernel_ran_and_shows_html(tmp_path):
    path = _solved_student_notebook(tmp_path)
    nb = json.loads(path.read_text())
    check = nb["cells"].pop(-2)  # the check cell goes last, after the student's later cells
    nb["cells"] += [_code("def broken(:\n"), _code("exercise_note = 'kept'\n"), check]
    path.write_text(json.dumps(nb))
    html = _check_html(_execute(path))
    assert "exercise1 — Output size: 10 / 10" in html and "<table" in html


def test_check_shows_the_failing_case_and_hint(tmp_path):
    bug = ("def pool_output_length(length, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):\n"
           "    return conv_output_length(length, kernel_size, stride or 1, padding, dilation)\n")
    html = _check_html(_execute(_solved_student_notebook(tmp_path, {"pool_output_length": bug})))
    assert "pooling: " in html and "pool_output_length(" in html
    assert "stride defaults to kernel_size" in html


# torch stands in for the student's functions: what is tested is that the demo runs and plots
STAND_INS = {
    "exercise3": """
import torch
import torch.nn.functional as F

def conv1d(x, weight, bias=None, stride=1, padding=0, dilation=1):
    batched = x.dim() == 3
    out = F.conv1d(x if batched else x[None], weight, bias, stride, padding, dilation)
    return out if batched else out[0]
""",
    "exercise4": """
import torch
import torch.nn.functional as F

def sobel_gradients(image):
    kx = torch.tensor([[-1.0, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=torch.float64)
    both = torch.stack([kx, kx.T])[:, None]
    g = F.conv2d(image[None, None].double(), both)[0]
    return g[0], g[1]

def gradient_magnitude(gx, gy):
    return torch.sqrt(gx ** 2 + gy ** 2)

def detect_edges(image, threshold):
    return gradient_magnitude(*sobel_gradients(image)) > threshold
""",
}


def test_demo_cells_plot(tmp_path):
    from autograder.course import load_course
    from autograder.authoring.notebooks_build import demo

    course = load_course(ROOT / "course.yml")
    cells = [_code(code) for name in STAND_INS for code in (STAND_INS[name], demo(course, name)[1])]
    path = tmp_path / "demos.ipynb"  # one kernel for both demos
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    executed = _execute(path).cells
    for demo in (executed[1], executed[3]):
        assert not [o for o in demo.outputs if o.output_type == "error"], demo.outputs
        assert [o for o in demo.outputs if "image/png" in o.get("data", {})]  # the plot
