"""Verdicts on code written outside the grader's own mutants (issue 12): inputs changed in place
cost their concept with a message that says so; sizes in any reasonable container count."""
from __future__ import annotations

import json
import re

import pytest
from conftest import ROOT, grade_in_process


def _graded(tmp_path, sandbox, name: str, text: str) -> dict:
    """`grade NAME --submission FILE --format json`, in-process in the session's warm sandbox: these
    tests are about the verdict, the same from the command's code in any process."""
    path = tmp_path / f"{name}.py"
    path.write_text(text, encoding="utf-8")
    done = grade_in_process(sandbox, name, "--submission", path, "--format", "json")
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)


def _reference(name: str) -> str:
    return (ROOT / "solutions" / name / f"{name}.py").read_text(encoding="utf-8")


def test_a_transpose_in_place_costs_its_concept_and_says_the_input_changed(tmp_path, warm_sandbox):
    text = _reference("exercise3").replace(
        "out = conv1d(x.permute(0, 2, 1), weight, bias, stride, padding, dilation)",
        "out = conv1d(x.transpose_(1, 2), weight, bias, stride, padding, dilation)")
    assert "transpose_" in text
    report = _graded(tmp_path, warm_sandbox, "exercise3", text)
    lost = {c["name"]: c for c in report["concepts"] if c["score"] < c["max_score"]}
    # `combined` has every option at once, channels-last among them
    assert list(lost) == ["layout", "combined"], {c["name"]: c["score"] for c in report["concepts"]}
    assert lost["layout"]["misconception"] == "input-changed"
    assert "changed its input x in place" in lost["layout"]["message"]


@pytest.mark.parametrize("container", ["np.array([{0}, {1}])", "torch.tensor([{0}, {1}])", "[{0}, {1}]"])
def test_sizes_returned_in_an_integer_array_tensor_or_list_get_full_marks(tmp_path, warm_sandbox, container):
    text = _reference("exercise1")
    pattern = re.compile(r"return \(conv_output_length\(height, (.*?)\),\s*conv_output_length\(width, (.*?)\)\)",
                         re.S)
    match = pattern.search(text)
    assert match, "the reference's conv2d_output_shape return changed: update this test"
    first = f"conv_output_length(height, {match.group(1)})"
    second = f"conv_output_length(width, {match.group(2)})"
    text = text[:match.start()] + "return " + container.format(first, second) + text[match.end():]
    text = "import numpy as np\nimport torch\n" + text
    report = _graded(tmp_path, warm_sandbox, "exercise1", text)
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


# --- learner mistakes (issue 12): each loses points in its concept, and only there, on every seed ------
# (exercise, id, concepts it must cost, (old, new) edits of the reference, each `old` found exactly once)
LEARNER_MISTAKES = [
    ("exercise7", "same-ignores-dilation", {"dilation"}, [
        ("totals = (d[0] * (kh - 1), d[1] * (kw - 1))", "totals = (kh - 1, kw - 1)")]),
    # a kernel that misses by one at stride 2: int(-1 / 2) + 1 == 1, so nothing is raised
    ("exercise1", "validation-by-true-division", {"validation"}, [
        ("    if span > padded:\n"
         "        raise ValueError(f\"kernel spans {span} but the padded input has only {padded} positions\")\n"
         "    return (padded - span) // stride + 1\n",
         "    out = int((padded - span) / stride) + 1\n"
         "    if out < 1:\n"
         "        raise ValueError(\"the kernel does not fit\")\n"
         "    return out\n")]),
    ("exercise1", "no-negative-padding-check", {"validation"}, [
        ("        raise ValueError(f\"padding must be a non-negative int, got {padding!r}\")\n"
         "    span = dilation * (kernel_size - 1) + 1  # the dilated kernel's reach\n",
         "        pass\n"
         "    span = dilation * (kernel_size - 1) + 1  # the dilated kernel's reach\n"),
        ("if not isinstance(padding, int) or padding < 0:\n        pass\n",
         "if not isinstance(padding, int):\n        pass\n")]),
    ("exercise3", "transpose-in-place", {"layout", "combined"}, [
        ("out = conv1d(x.permute(0, 2, 1), weight, bias, stride, padding, dilation)",
         "out = conv1d(x.transpose_(1, 2), weight, bias, stride, padding, dilation)")]),
    # x[..., -0:] is all of x: wrong whenever a pad is zero
    ("exercise6", "circular-negative-slices", {"circular"}, [
        ("before = x[..., length - left:]\n        after = x[..., :right]",
         "before = x[..., -left:]\n        after = x[..., :right]")]),
    ("exercise1", "ceil-mode-ignored", {"ceil-mode"}, [
        ("out = (room + (stride - 1 if ceil_mode else 0)) // stride + 1  # ceil mode: the division rounded up",
         "out = room // stride + 1")]),
    # sqrt(0 + 1e-6) is 1e-3 where the gradient is zero; detect_edges is built on the magnitude (the
    # concept before it), so an edge exactly at the threshold turns up too
    ("exercise4", "magnitude-epsilon", {"magnitude", "threshold"}, [
        ("return torch.sqrt(gx ** 2 + gy ** 2)  # Euclidean length", "return torch.sqrt(gx ** 2 + gy ** 2 + 1e-6)  #")]),
]
# a missing feature costs its own concept (and `combined`, every option at once), never a neighbour's:
# exercise3's layout and exercise5's channels use only the options before them that they need
MISSING_FEATURES = [
    ("exercise3", "padding-ignored", {"padding", "combined"}, [
        ("    x_padded = torch.zeros(N, C_in, L + 2 * padding, dtype=x.dtype)\n",
         "    padding = 0\n    x_padded = torch.zeros(N, C_in, L + 2 * padding, dtype=x.dtype)\n")]),
    ("exercise3", "dilation-ignored", {"dilation", "combined"}, [
        ("    x_padded = torch.zeros(N, C_in, L + 2 * padding, dtype=x.dtype)\n",
         "    dilation = 1\n    span = K\n    x_padded = torch.zeros(N, C_in, L + 2 * padding, dtype=x.dtype)\n")]),
    ("exercise5", "dilation-ignored", {"dilation", "combined"}, [
        ("        start = tap * d\n", "        start = tap\n")]),
]
SEEDS = [20261121, 1, 2, 3]


def _edited(name: str, edits) -> str:
    text = _reference(name)
    for old, new in edits:
        assert text.count(old) == 1, f"{name}: the reference changed, {old!r} is not there exactly once"
        text = text.replace(old, new)
    return text


@pytest.mark.parametrize("exercise, mistake, concepts, edits",
                         [pytest.param(*m, id=f"{m[0]}-{m[1]}") for m in LEARNER_MISTAKES + MISSING_FEATURES])
def test_a_learner_mistake_loses_points_in_its_concept_only_on_every_seed(exercise, mistake, concepts, edits,
                                                                         tmp_path, warm_sandbox):
    from exercise_checks import grade

    path = tmp_path / f"{exercise}.py"
    path.write_text(_edited(exercise, edits), encoding="utf-8")
    lost = {seed: sorted(c.name for c in grade(exercise, path, seed, warm_sandbox).concepts if c.score < c.max_score)
            for seed in SEEDS}
    assert lost == {seed: sorted(concepts) for seed in SEEDS}


def _correct_variants():
    from conftest import course_exercises
    from exercise_checks import correct_submissions

    return [pytest.param(name, file, id=f"{name}-{file}") for name in course_exercises()
            if name != "exercise8" for file in correct_submissions(name)]  # exercise8's are timed (test_exercises)


@pytest.mark.parametrize("exercise, file", _correct_variants())
def test_a_correct_variant_keeps_full_marks_on_many_seeds(exercise, file, warm_sandbox):
    """Loops, numpy, lists or arrays returned, a self-check under __main__: full marks on every seed
    (test_exercises grades them at course.yml's)."""
    from exercise_checks import SOLUTIONS, grade

    for seed in (1, 2, 3, 4, 5):
        report = grade(exercise, SOLUTIONS / exercise / "submissions" / file, seed, warm_sandbox)
        assert report.score == report.max_score, (seed, [(c.name, c.message[:200]) for c in report.concepts if not c.ok])


def test_the_feedback_lists_every_invalid_kind_the_code_accepted_not_one_per_run(tmp_path, warm_sandbox):
    from exercise_checks import grade

    path = tmp_path / "exercise1.py"
    path.write_text(_edited("exercise1", [("    if not isinstance(value, int) or value < 1:\n        raise",
                                           "    if False:\n        raise")]), encoding="utf-8")
    report = grade("exercise1", path, 20261121, warm_sandbox)
    lost = {c.name: c for c in report.concepts if c.score < c.max_score}
    assert list(lost) == ["validation"]
    listed = lost["validation"].message.split("Invalid configurations not refused with ValueError: ")[1]
    # a zero stride or dilation reaches a division or a wrong span, a transpose of length 0 a length
    # of 1 or more; conv's length 0 is still refused by the fit check
    assert listed == "transpose-zero-length, transpose-zero-stride, zero-dilation, zero-stride."
