"""Feedback that reads well (issue 13, items 2, 4, 5, 6): crashes grouped by exception and place,
Python on screen, a terminal report that fits the terminal, HTML that reads like a report; and the
example's own prints, the reproduce line only where it reproduces, nbgrader feedback that wraps,
no example that never ran after a timeout.

One wrong exercise3 is graded once, for real, and rendered every way: it prints the shape of x on
every call, raises a TypeError for dilation > 1 (reached from two concepts), an IndexError for
padding > 0, and adds the bias twice.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import replace

import numpy as np
import pytest

from autograder.formats import render
from autograder.results import ConceptReport, CourseReport, Example, ExerciseReport
from tests.conftest import ROOT, run_grade

MIXED = '''import torch


def conv1d(x, weight, bias=None, stride=1, padding=0, dilation=1):
    if x.ndim == 2:
        return conv1d(x[None], weight, bias, stride, padding, dilation)[0]
    print("x has shape", tuple(x.shape))
    if dilation > 1:
        raise TypeError("dilation is not supported")
    if padding > 0:
        return [0][padding]
    N, C, L = x.shape
    K = weight.shape[2]
    L_out = (L - K) // stride + 1
    out = torch.zeros(N, weight.shape[0], L_out, dtype=x.dtype)
    for i in range(L_out):
        out[:, :, i] = torch.einsum("nck,ock->no", x[:, :, i * stride:i * stride + K], weight)
    if bias is not None:
        out = out + 2 * bias[None, :, None]
    return out


def conv1d_channels_last(x, weight, bias=None, stride=1, padding=0, dilation=1):
    return conv1d(x.permute(0, 2, 1), weight, bias, stride, padding, dilation).permute(0, 2, 1)
'''
BOX = set("─━│┃┏┓┗┛╇╈┼┡┩╋═ ")


@pytest.fixture(scope="module")
def graded(tmp_path_factory, warm_sandbox):
    from autograder.course import load_course
    from autograder.judging.grading import grade_exercise
    from autograder.judging.submission import load_submission

    path = tmp_path_factory.mktemp("mixed") / "exercise3.py"
    path.write_text(MIXED)
    course = load_course(ROOT / "course.yml")
    ex = grade_exercise(course, "exercise3", load_submission(course, course.exercise("exercise3"), path),
                        seed=20261121, sandbox=warm_sandbox,
                        reproduce=f"grade exercise3 --submission {path} --seed 20261121")
    return CourseReport((ex,), requested="exercise3", reproduce=ex.reproduce)


def _concepts(report):
    return {c.name: c for c in report.exercises[0].concepts}


# --- the example's own output ---------------------------------------------------------------------


def test_the_output_shown_is_the_shown_examples_own(graded):
    checked = 0
    for c in graded.exercises[0].concepts:
        if c.example is None or not c.example.call.startswith("conv1d(") or not c.output:
            continue
        x = np.array(c.example.inputs["x"], dtype=float)
        shape = x.shape if x.ndim == 3 else (1, *x.shape)
        assert c.output.strip().splitlines()[0] == f"x has shape {shape}", c.name
        checked += 1
    assert checked >= 3


def test_after_a_timeout_the_example_is_a_case_that_ran_or_none(course):
    """Cases left unrun after another case's timeout are never shown as the smallest failing case."""
    from autograder.cases import registry
    from autograder.judging.compare import judge
    from autograder.tolerance import Tolerance as Tol
    from autograder.judging.grading import Trial, _concept_report, expected_of, plan
    from autograder.sandbox.runner import Outcome

    spec = registry.spec("exercise1")
    cases = plan(course, "exercise1", 7)["stride"]
    cfg = course.exercise("exercise1").concepts["stride"]

    def trial(case, outcome):
        expected = expected_of(spec, case)
        return Trial(case, expected, outcome, judge(expected, outcome, Tol()))

    skipped = Outcome("timeout", message="not run: an earlier case of conv_output_length ran past the 2 s limit",
                      output="printed by another case\n")
    ran = Outcome("timeout", message="ran past the 2 s limit per case", output="started case 3\n")
    trials = [trial(cases[0], skipped), trial(cases[1], skipped), trial(cases[2], ran)] + \
             [trial(c, skipped) for c in cases[3:]]
    report = _concept_report("stride", cfg, trials, spec, Tol(), run=lambda cs: [])
    assert report.status == "timeout"
    assert report.example is not None and report.example.call == cases[2].describe()
    assert report.output == "started case 3\n"  # that case's own prints
    nothing_ran = _concept_report("stride", cfg, [trial(c, skipped) for c in cases], spec, Tol(), run=lambda cs: [])
    assert nothing_ran.example is None and nothing_ran.shown is None and nothing_ran.status == "timeout"


# --- item 2: crashes grouped -----------------------------------------------------------------------


def test_each_distinct_crash_is_shown_once_and_every_concept_it_hit_points_to_it(graded):
    concepts = _concepts(graded)
    for c in concepts.values():  # no concept shows `crash` without a traceback
        if c.status == "crash":
            assert c.crashes and all('File "' in m for m in c.crashes), c.name
    assert {c.name for c in concepts.values() if c.status == "crash"} >= {"padding", "dilation", "combined"}
    text = render(graded, "text", width=100, color=False)
    assert text.count("raise TypeError(\"dilation is not supported\")") == 1
    assert text.count("return [0][padding]") == 1
    errors = {kind: number for number, kind in re.findall(r"^\[(E\d)\] (\w+Error)", text, re.MULTILINE)}
    assert set(errors) == {"TypeError", "IndexError"}
    sections = _sections(text)
    assert f"Crashed with [{errors['IndexError']}] (traceback above): IndexError" in sections["padding"]
    for name in ("dilation", "combined"):  # one TypeError, reached from two concepts
        assert f"Crashed with [{errors['TypeError']}] (traceback above): TypeError" in sections[name]
        assert "(explained above)" not in sections[name]
    html = render(graded, "html")
    for number in errors.values():
        assert html.count(f'id="exercise3-{number}"') == 1 and f'href="#exercise3-{number}"' in html


def _sections(text: str) -> dict[str, str]:
    """Each failing concept's block of the text report, by concept name."""
    parts = re.split(r"^(\S+): \d+/\d+ cases passed ─*$", text, flags=re.MULTILINE)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts) - 1, 2)}


# --- item 4: Python on screen ----------------------------------------------------------------------


def test_values_are_shown_as_python(graded):
    from autograder.formats.show import json_text, value_text
    from autograder.sandbox.wire import TaggedArray

    assert value_text(4.357388321059432) == "4.357388321059432"  # a threshold exactly as the call had it
    assert value_text(True) == "True" and value_text(None) == "None" and value_text("same") == "'same'"
    assert value_text((2, 3)) == "(2, 3)" and value_text((4,)) == "(4,)" and value_text(2.0) == "2.0"
    assert value_text(np.array([[1.0, -0.5]])) == "tensor([[1., -0.5]]) of shape (1, 2)"
    assert value_text(TaggedArray(np.array([1, 2]), "ndarray")) == "array([1, 2], dtype=int64) of shape (2,)"
    assert value_text(TaggedArray(np.array([True, False]), "tensor")) == "tensor([True, False]) of shape (2,)"
    assert json_text([True, None, "nan", 1.0]) == "[True, None, nan, 1.0]" and json_text("same") == "'same'"
    bias = _concepts(graded)["bias"]
    text = render(graded, "text", width=100, color=False)
    section = _sections(text)["bias"]
    assert re.search(r"x = tensor\(\[\[\[.*\]\]\]\) of shape \(1, \d+, \d+\)", section)
    assert "got: tensor([[[" in section and "[[[" not in section.replace("tensor([[[", "")
    assert json.loads(render(graded, "json"))["concepts"][2]["example"] == {
        "call": bias.example.call, "inputs": bias.example.inputs, "expected": bias.example.expected,
        "got": bias.example.got}  # the JSON keeps its contract: plain values, the same four fields


def test_a_difference_is_said_once():
    from types import SimpleNamespace

    from autograder.judging.compare import difference
    from autograder.tolerance import Tolerance as Tol
    from autograder.judging.diagnose import _unexplained
    from autograder.sandbox.runner import Outcome
    from autograder.sandbox.wire import TaggedArray

    rng = np.random.default_rng(3)
    expected, got = rng.normal(size=(1, 2, 6)), rng.normal(size=(1, 2, 6))
    smallest = SimpleNamespace(expected=expected, outcome=Outcome("returned", value=TaggedArray(got, "tensor")),
                               verdict=SimpleNamespace(message=difference(got, expected, Tol()), misconception=None))
    message = _unexplained(smallest, True, Tol()).message  # a Diagnosis now: message and hint together
    assert message.count("12 of 12 values differ") == 1, message


# --- item 5: the terminal -------------------------------------------------------------------------


@pytest.mark.parametrize("width", [80, 120])
def test_the_text_report_fits_the_width_and_splits_no_word(graded, width):
    text = render(graded, "text", width=width, color=False)
    (command,) = [line for line in text.splitlines() if line.startswith("Reproduce: ")]
    assert command == f"Reproduce: {graded.exercises[0].reproduce}"  # one line, to paste back whole
    assert max(len(line) for line in text.splitlines() if line != command) <= width
    wide = render(graded, "text", width=2000, color=False)

    def words(t):
        return Counter(w for w in t.split() if not set(w) <= BOX)

    assert words(text) == words(wide)  # every word whole: wrapping moved words, never cut one
    assert "Smallest failing case:" in text and "Your code printed, on this case:" in text


class _Terminal:
    def __init__(self):
        self.parts = []

    def write(self, s):
        self.parts.append(s)

    def flush(self):
        pass

    def isatty(self):
        return True


def test_colour_on_a_terminal_and_the_conventions_honoured(graded, monkeypatch):
    colour = re.compile(r"\x1b\[[0-9;]*3[0-7]m")
    for name in ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    assert colour.search(render(graded, "text", stream=_Terminal()))
    import io

    assert "\x1b[" not in render(graded, "text", stream=io.StringIO())  # a pipe or a file: plain
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert colour.search(render(graded, "text", stream=io.StringIO()))
    monkeypatch.setenv("NO_COLOR", "1")
    assert not colour.search(render(graded, "text", stream=_Terminal()))


@pytest.mark.slow  # two `grade` processes
def test_the_command_follows_columns(tmp_path):
    sub = tmp_path / "exercise1.py"
    sub.write_text("def conv_output_length(length, kernel_size, stride=1, padding=0, dilation=1):\n"
                   "    return (length + 2 * padding - dilation * (kernel_size - 1)) // stride\n")
    for columns in (80, 120):
        done = run_grade("exercise1", "--submission", sub, env={"COLUMNS": str(columns)})
        assert done.returncode == 1, done.stderr
        lines = [line for line in done.stdout.splitlines() if not line.startswith("Reproduce: ")]
        assert max(map(len, lines)) <= columns and "\x1b[" not in done.stdout
        assert any(line.startswith("stride: ") and len(line) == columns for line in lines)  # the rule spans it


# --- item 6: HTML -----------------------------------------------------------------------------------


def test_pictures_for_2d_results_1xn_included_and_plots_for_signals():
    from autograder.formats.html import pictures

    edge = pictures([[False, True, True, False]], [[False, True, False, False]])  # a 1×N edge map
    assert edge.count("data:image/png") == 2 and "(1×4)" in edge
    signal = pictures([[[1.0, 4.0, -2.0]]], [[[1.0, 5.0, -2.0]]])  # conv1d: batch 1, one channel
    assert signal.count("data:image/png") == 1 and "expected (3 values) and yours (3)" in signal
    crashed = pictures([[[1.0, 4.0, -2.0]]], "raised TypeError")
    assert crashed.count("data:image/png") == 1 and "yours" not in crashed
    pair = pictures([[[1, 2], [3, 4]], [[1, 2], [3, 5]]], [[[1, 2], [3, 4]], [[0, 2], [3, 5]]])  # (gx, gy)
    assert pair.count("data:image/png") == 4
    assert pictures(3, 4) == "" and pictures([[[7.0]]], [[[8.0]]]) == ""


def test_the_reproduce_line_only_where_it_reproduces():
    concept = ConceptReport("stride", 0.0, 1.0, 0, 4, "failed", None, "wrong",
                            Example("f(x)", {"x": [1.0, 2.0]}, [1.0], [2.0]))
    ex = ExerciseReport("exercise1", "Sizes", 5, 0.0, 1.0, (concept,), "grade exercise1 --submission exercise1.ipynb --seed 5")
    for fmt in ("text", "html"):
        assert "Reproduce:" in render(CourseReport((ex,), requested="exercise1"), fmt)
        kernel = replace(ex, reproducible=False)  # graded from the kernel's cells, not from that file
        assert "Reproduce:" not in render(CourseReport((kernel,), requested="exercise1"), fmt)
    from autograder.jupyter import CheckResult

    assert "Reproduce:" not in repr(CheckResult(CourseReport((replace(ex, reproducible=False),))))


def test_check_in_a_kernel_does_not_name_a_file_it_did_not_grade(monkeypatch):
    from autograder import jupyter

    cells = ["def conv_output_length(length, kernel_size, stride=1, padding=0, dilation=1):\n"
             "    return length - kernel_size\n"]
    monkeypatch.setattr(jupyter, "_kernel_inputs", lambda: cells)
    result = jupyter.check("exercise1", seed=3)
    assert not result.report.exercises[0].reproducible
    assert "Reproduce" not in result.html and "smallest failing case" in result.html


def test_nbgrader_feedback_is_the_html_renderers_and_its_text_wraps():
    from nbformat.v4 import new_code_cell, new_notebook
    from nbgrader.utils import determine_grade

    from autograder.classroom.nbgrader_grade import _fill

    long = "The values differ " + " ".join(f"at index ({i}, {i + 1})" for i in range(40))
    concept = ConceptReport("stride", 0.5, 1.5, 2, 6, "failed", "missing-plus-one", long,
                            Example("conv_output_length(length, kernel_size, stride=2)",
                                    {"length": 5, "kernel_size": 2}, 2, 1), hint="Add one.")
    cell = new_code_cell("score = concept_score(...)", metadata={"nbgrader": {
        "grade": True, "solution": False, "grade_id": "test_stride", "points": 1.5}})
    nb = new_notebook(cells=[cell])
    _fill(nb, {"test_stride": concept}, "not graded")
    display, result = cell.outputs
    assert display.output_type == "display_data" and result.output_type == "execute_result"
    page = display.data["text/html"]
    assert 'class="conv-report"' in page and "text-align:left!important" in page and "missing-plus-one" in page
    plain = display.data["text/plain"].splitlines()
    assert max(map(len, plain)) <= 80 and "at index (39, 40)" in display.data["text/plain"]
    assert determine_grade(cell) == (0.5, 1.5)  # nbgrader still reads the score


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Jupyter's cell styles, made more specific than the report's own rules: only !important beats them
JUPYTER_CSS = ("<style>.jp-RenderedHTMLCommon table td,.jp-RenderedHTMLCommon table th{text-align:right;"
               "vertical-align:middle}.jp-RenderedHTMLCommon div pre{word-break:break-all}</style>")
PROBE = ("<script>window.addEventListener('load',()=>{const td=document.querySelector('.conv-report td');"
         "const pre=document.querySelector('.conv-report pre');document.body.dataset.align="
         "getComputedStyle(td).textAlign;document.body.dataset.wrap=getComputedStyle(pre).wordBreak;"
         "document.body.dataset.width=document.documentElement.scrollWidth;});</script>")


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which(CHROMIUM), reason="no chromium")
@pytest.mark.parametrize("width", [1200, 800])
def test_the_html_report_renders_in_chromium(graded, tmp_path, width):
    """Under Jupyter's own CSS (right-aligned cells, pre breaking anywhere), the report is left-aligned,
    wraps at spaces, fits the window and shows what matters."""
    page = tmp_path / "report.html"
    page.write_text(f'<!doctype html><meta charset="utf-8">{JUPYTER_CSS}<body><div class="jp-RenderedHTMLCommon">'
                    f"{render(graded, 'html')}</div>{PROBE}</body>", encoding="utf-8")
    shot = tmp_path / f"report-{width}.png"
    args = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", f"--window-size={width},2000"]
    done = subprocess.run([*args, f"--screenshot={shot}", page.as_uri()], capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr[-500:]
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and int.from_bytes(png[16:20], "big") == width and len(png) > 20_000
    dom = subprocess.run([*args, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120).stdout
    assert 'data-align="left"' in dom and 'data-wrap="normal"' in dom
    assert int(re.search(r'data-width="(\d+)"', dom).group(1)) <= width  # no sideways scrolling
    for key in ("[E1]", "[E2]", "TypeError: dilation is not supported", "smallest failing case",
                "tensor([[[", "printed on this case", "x has shape"):
        assert key in dom, key


SOBEL_GY_SHIFTED = '''import torch
import torch.nn.functional as F


def sobel_kernels():
    kx = torch.tensor([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]], dtype=torch.float64)
    return kx, kx.T.contiguous()


def sobel_gradients(image):
    if image.ndim != 2 or image.shape[0] < 3 or image.shape[1] < 3:
        raise ValueError("image must be (height, width), at least 3x3")
    kx, ky = sobel_kernels()
    x = image.to(torch.float64)[None, None]
    return F.conv2d(x, kx[None, None])[0, 0], F.conv2d(x, ky[None, None])[0, 0] + 0.5


def gradient_magnitude(gx, gy):
    return torch.sqrt(gx ** 2 + gy ** 2)


def detect_edges(image, threshold):
    gx, gy = sobel_gradients(image)
    return gradient_magnitude(gx, gy) > threshold
'''


def test_results_are_named_not_numbered(tmp_path):
    """A pair (gx, gy) is shown and discussed by its names, as the exercise's docstring gives them."""
    sub = tmp_path / "exercise4.py"
    sub.write_text(SOBEL_GY_SHIFTED)
    done = run_grade("exercise4", "--submission", sub, env={"COLUMNS": "100"})
    assert done.returncode == 1, done.stderr
    assert "item 0" not in done.stdout and "item 1" not in done.stdout
    assert re.search(r"^\s+expected: gx = tensor\(\[\[.*\]\]\) of shape \(\d+, \d+\)$", done.stdout, re.MULTILINE)
    assert re.search(r"^\s+gy = tensor\(", done.stdout, re.MULTILINE)
    assert re.search(r"^gy: \d+ of \d+ values differ", done.stdout, re.MULTILINE), done.stdout
    sections = _sections(done.stdout)
    unnamed = [name for name, c in sections.items() if "Looks like" not in c]
    assert len(unnamed) >= 2  # each unexplained concept says what differs, not only the first one
    for name in unnamed:
        assert "None of the mistakes the grader knows" in sections[name], name
