"""Verdicts on code written outside the grader's own mutants (issue 12): inputs changed in place
cost their concept with a message that says so; sizes in any reasonable container count."""
from __future__ import annotations

import json
import re

import pytest
from conftest import ROOT, run_grade


def _graded(tmp_path, name: str, text: str) -> dict:
    path = tmp_path / f"{name}.py"
    path.write_text(text, encoding="utf-8")
    done = run_grade(name, "--submission", path, "--format", "json")
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)


def _reference(name: str) -> str:
    return (ROOT / "solutions" / name / f"{name}.py").read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_transpose_in_place_costs_its_concept_and_says_the_input_changed(tmp_path):
    text = _reference("exercise3").replace(
        "out = conv1d(x.permute(0, 2, 1), weight, bias, stride, padding, dilation)",
        "out = conv1d(x.transpose_(1, 2), weight, bias, stride, padding, dilation)")
    assert "transpose_" in text
    report = _graded(tmp_path, "exercise3", text)
    lost = {c["name"]: c for c in report["concepts"] if c["score"] < c["max_score"]}
    assert list(lost) == ["layout"], {c["name"]: c["score"] for c in report["concepts"]}
    assert lost["layout"]["misconception"] == "input-changed"
    assert "changed its input x in place" in lost["layout"]["message"]


@pytest.mark.slow
@pytest.mark.parametrize("container", ["np.array([{0}, {1}])", "torch.tensor([{0}, {1}])", "[{0}, {1}]"])
def test_sizes_returned_in_an_integer_array_tensor_or_list_get_full_marks(tmp_path, container):
    text = _reference("exercise1")
    pattern = re.compile(r"return \(conv_output_length\(height, (.*?)\),\s*conv_output_length\(width, (.*?)\)\)",
                         re.S)
    match = pattern.search(text)
    assert match, "the reference's conv2d_output_shape return changed: update this test"
    first = f"conv_output_length(height, {match.group(1)})"
    second = f"conv_output_length(width, {match.group(2)})"
    text = text[:match.start()] + "return " + container.format(first, second) + text[match.end():]
    text = "import numpy as np\nimport torch\n" + text
    report = _graded(tmp_path, "exercise1", text)
    assert report["score"] == report["max_score"], [(c["name"], c["message"]) for c in report["concepts"]]


def test_the_exercise1_reference_sizes_pooling_as_torch_does_over_a_whole_grid():
    """Ceil mode keeps a last window that overhangs the end if it starts inside: (L=5, K=3, s=3,
    d=3) gives 1 in F.max_pool1d though the dilated kernel spans 7 (found by grade audit --generated)."""
    import importlib.util
    import itertools

    import torch
    import torch.nn.functional as F

    spec = importlib.util.spec_from_file_location("exercise1_reference", ROOT / "solutions" / "exercise1" / "exercise1.py")
    reference = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(reference)
    wrong = []
    for length, k, s, p, d, ceil in itertools.product(range(1, 9), range(1, 5), range(1, 5), range(3), range(1, 4),
                                                      (False, True)):
        try:
            torch_says = F.max_pool1d(torch.zeros(1, 1, length), k, s, p, d, ceil).shape[-1]
        except RuntimeError:
            torch_says = None
        try:
            ours = reference.pool_output_length(length, k, s, p, d, ceil)
        except ValueError:
            ours = None
        if ours != torch_says:
            wrong.append((length, k, s, p, d, ceil, torch_says, ours))
    assert wrong == []
