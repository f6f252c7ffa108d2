"""check() and the nbgrader test cells' concept_score, outside a kernel; the HTML report."""
from __future__ import annotations

import base64
import re
import subprocess
import sys
import zlib

import pytest

from autograder import jupyter
from autograder.formats.html import render, side_by_side
from autograder.results import ConceptReport, CourseReport, Example, ExerciseReport
from tests.conftest import ROOT
from tests.test_notebook import _solved_student_notebook

BUGGY_POOL = ("def pool_output_length(length, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):\n"
              "    stride = stride or 1\n"
              "    return (length + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1\n")


def test_from_autograder_import_check_does_not_import_torch():
    code = "import sys\nfrom autograder import check\nprint('torch' in sys.modules, callable(check))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.stdout.split() == ["False", "True"], done.stderr


@pytest.fixture(scope="module")
def buggy_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("nb")
    _solved_student_notebook(folder, {"pool_output_length": BUGGY_POOL})
    return folder


def test_concept_scores_are_plain_clamped_floats_and_grade_once(buggy_dir, monkeypatch, capsys):
    monkeypatch.chdir(buggy_dir)
    monkeypatch.setattr(jupyter, "_cache", {})
    calls = []
    real = jupyter._graded

    def counting(*args, **kwargs):
        calls.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(jupyter, "_graded", counting)
    kernel = jupyter.concept_score("exercise1", "kernel", points=1.0)
    pooling = jupyter.concept_score("exercise1", "pooling", points=1.0)
    out = capsys.readouterr()
    assert type(kernel) is float and type(pooling) is float
    assert kernel == 1.0 and 0.0 <= pooling < 1.0
    assert "pooling:" in out.out and "Hint: max_pool1d's stride defaults to kernel_size" in out.out
    assert out.err == ""  # nbgrader scores any stderr output 0
    assert len(jupyter._cache) == 1 and len(calls) == 2  # two cells, one grading
    # a course.yml with more points than the cell had: never above the cell's points
    assert jupyter.concept_score("exercise1", "stride", points=0.5) == 0.5


def test_grading_seed_comes_from_the_environment(monkeypatch, course):
    code, other = {"exercise1": "def f(): pass\n"}, {"exercise1": "def f(): return 1\n"}
    monkeypatch.delenv(jupyter.SEED_ENV, raising=False)
    monkeypatch.delenv(jupyter.SALT_ENV, raising=False)
    monkeypatch.delenv("CONV_COURSE_SALT_FILE", raising=False)
    assert jupyter.grading_seed(course, code) == course.seed  # a student's own check: the public seed
    monkeypatch.setenv(jupyter.SALT_ENV, "s3cret")
    salted = jupyter.grading_seed(course, code)
    assert salted != course.seed and jupyter.grading_seed(course, other) != salted  # bound to the code
    monkeypatch.setenv(jupyter.SALT_ENV, "other")
    assert jupyter.grading_seed(course, code) != salted
    monkeypatch.setenv(jupyter.SEED_ENV, "42")
    assert jupyter.grading_seed(course, code) == 42
    monkeypatch.setenv(jupyter.SEED_ENV, "x")
    with pytest.raises(Exception, match="CONV_COURSE_SEED must be an integer"):
        jupyter.grading_seed(course, code)


def test_check_outside_a_kernel_grades_the_saved_notebook_as_html(buggy_dir, monkeypatch):
    monkeypatch.chdir(buggy_dir)
    monkeypatch.setattr(jupyter, "_cache", {})
    result = jupyter.check("exercise1")
    html = result._repr_html_()
    assert 0 < result.score < result.max_score == 10
    assert "<table" in html and "pooling: " in html and "max_pool1d&#x27;s stride defaults" in html
    assert "pool_output_length(" in html  # the failing example's call
    assert "exercise1 — Output size" in repr(result) and "<" not in repr(result).split("\n")[0]


def _png_size(data_uri: str) -> tuple[int, int]:
    png = base64.b64decode(data_uri.split(",", 1)[1])
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    idat = png.index(b"IDAT")
    length = int.from_bytes(png[idat - 4:idat], "big")
    raw = zlib.decompress(png[idat + 4: idat + 4 + length])
    assert len(raw) == height * (width + 1)  # one filter byte and `width` grey pixels per row
    return width, height


def _report(example: Example) -> CourseReport:
    concept = ConceptReport("threshold", 0.5, 1.0, 1, 2, "failed", "edge-threshold-inclusive", "Edges differ.",
                            example, hint="strictly above")
    ok = ConceptReport("magnitude", 1.0, 1.0, 2, 2, "passed")
    return CourseReport((ExerciseReport("exercise4", "Sobel", 1, 1.5, 2.0, (concept, ok), "grade exercise4"),),
                        requested="exercise4")


def test_html_draws_2d_expected_and_got_side_by_side():
    expected = [[False, True, False], [True, True, True], [False, True, False]]
    got = [[False, False, False], [True, True, True], [False, False, False]]
    html = render(_report(Example("detect_edges(image, 2.0)", {"image": [[0, 1], [2, 3]]}, expected, got)))
    images = re.findall(r'src="(data:image/png;base64,[^"]+)"', html)
    assert len(images) == 2 and _png_size(images[0]) == _png_size(images[1])
    assert "expected" in html and "yours" in html and "edge-threshold-inclusive" in html
    assert "strictly above" in html and "magnitude" in html


def test_html_draws_each_grid_of_a_pair():
    kx = [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]
    ky = [list(r) for r in zip(*kx)]
    html = side_by_side([kx, ky], [ky, kx])
    assert html.count("data:image/png") == 4 and "[1] yours" in html


def test_html_has_no_images_for_non_grids_and_escapes_text():
    assert side_by_side([1, 2, 3], [1, 2, 4]) == ""
    assert side_by_side("ValueError (x)", "raised TypeError") == ""
    html = render(_report(Example("f(<script>)", {}, "ValueError (a < b)", "returned 3")))
    assert "<script>" not in html and "&lt;script&gt;" in html and "data:image/png" not in html
