"""The lessons of exercises 4-9 (solutions/<name>/lesson.md, pictures.py, the reference docstrings) say
only what torch says: every code block runs, every prediction's stated answer is torch's, every number
of the prose is computed here, every picture renders, and every student stub fails cleanly."""
from __future__ import annotations

import ast
import contextlib
import doctest
import importlib.util
import io
import re

import pytest
import torch
import torch.nn.functional as F
from matplotlib.figure import Figure
from torch import nn

from autograder.course import load_course
from autograder.authoring.release import stub_sources
from tests.conftest import ROOT

EXERCISES = [f"exercise{n}" for n in range(4, 10)]
BLOCK = re.compile(r"```python\n(.*?)```\n(?:<!-- answer: (.*?) -->\n)?", re.S)


def lesson(name: str) -> str:
    return (ROOT / "solutions" / name / "lesson.md").read_text(encoding="utf-8")


def blocks(name: str) -> list[tuple[str, str | None]]:
    """(code, stated answer or None) for each ```python block, in order."""
    return [(m.group(1), m.group(2)) for m in BLOCK.finditer(lesson(name))]


def same(a, b) -> bool:
    """Exact structure, numbers equal to 1e-6: a stated answer must be torch's, not close to it."""
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(a - b) <= 1e-6
    return False


def run_lesson(name: str, *, answered: bool = True) -> tuple[list, str]:
    """Run the lesson's blocks in order, as the notebook does; with `answered` each prediction is the
    stated answer. Returns [(prediction, torch's answer)] per reveal() and what the blocks printed."""
    revealed = []
    namespace = {"torch": torch, "nn": nn, "F": F, "reveal": lambda p, a: revealed.append((p, a))}
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        for code, answer in blocks(name):
            exec(compile(code, f"{name}/lesson.md", "exec"), namespace)
            if answer is not None and answered:
                namespace["prediction"] = eval(answer, {"torch": torch, "nn": nn, "F": F})
    return revealed, printed.getvalue()


@pytest.mark.parametrize("name", EXERCISES)
def test_every_stated_answer_is_what_torch_says(name):
    predicts = [(code, answer) for code, answer in blocks(name) if code.startswith("# Predict:")]
    assert len(predicts) >= 1, f"{name}: no predict-then-verify pair"
    assert all(answer for _, answer in predicts), f"{name}: a # Predict: block without <!-- answer: -->"
    for code, _ in predicts:
        assert re.search(r"^prediction = None  # ", code, re.M), code
    revealed, _ = run_lesson(name)
    assert len(revealed) == len(predicts), "each predict block is revealed exactly once"
    for prediction, answer in revealed:
        answer = answer.tolist() if isinstance(answer, torch.Tensor) else answer
        assert same(prediction, answer), f"{name}: stated {prediction!r}, torch says {answer!r}"


def test_exercise4_walkthrough_numbers():
    revealed, _ = run_lesson("exercise4")
    answers = [a for _, a in revealed]
    assert answers[0] == [[-4.0, 0.0, 4.0]] * 3  # the seed's numbers, for the textbook kernel
    assert answers[2] == [[0.0, 3.0], [0.0, 4.0]]  # stride 3, padding 1 on this image (not the seed's [[1, 2], [2, 4]])
    image = torch.zeros(1, 1, 5, 5)
    image[..., 2] = 1
    kx = torch.tensor([[-1.0, 0, 1], [-2, 0, 2], [-1, 0, 1]])
    assert F.conv2d(image, kx[None, None])[0, 0].tolist() == [[4.0, 0.0, -4.0]] * 3  # the course's kx
    assert F.conv2d(image, kx.flip(-1)[None, None])[0, 0].tolist() == [[-4.0, 0.0, 4.0]] * 3  # textbook = kx flipped
    # a true convolution (kernel flipped) with the textbook kernel is cross-correlation with kx
    textbook = kx.flip(-1)
    assert torch.equal(F.conv2d(image, textbook.flip(0, 1)[None, None]), F.conv2d(image, kx[None, None]))
    assert (5 + 2 * 1 - 3) // 3 + 1 == 2 and (5 - 3) // 2 + 1 == 2 and (5 - 3) // 3 + 1 == 1 and 5 - 3 + 1 == 3
    ramp = torch.tensor([[2.0, 3, 4]] * 3)
    gx, gy = F.conv2d(ramp[None, None], kx[None, None]), F.conv2d(ramp[None, None], kx.T[None, None])
    assert (gx.item(), gy.item()) == (8.0, 0.0)
    assert torch.hypot(torch.tensor(3.0), torch.tensor(4.0)).item() == 5.0


def test_exercise5_prose_numbers():
    x = torch.tensor([[[1.0, 5, 2, 0, 3]]])
    assert F.max_pool1d(x, 2).tolist() == [[[5.0, 2.0]]]
    assert F.max_pool1d(x, 2, ceil_mode=True).tolist() == [[[5.0, 2.0, 3.0]]]
    assert F.max_pool1d(x, 2, padding=1).tolist() == [[[1.0, 5.0, 3.0]]]
    assert F.max_pool1d(x, 2, stride=1, dilation=2).tolist() == [[[2.0, 5.0, 3.0]]]
    assert F.max_pool1d(-x, 2, padding=1)[0, 0, 0].item() == -1.0  # -inf padding; zero padding would say 0
    assert F.pad(-x, (1, 1))[0, 0, :6].reshape(3, 2).amax(dim=1)[0].item() == 0.0
    # L = 5, K = 3, s = 3, p = 1: floor 2; ceil would be 3 but the third window starts at L + p = 6
    assert F.max_pool1d(torch.ones(1, 1, 5), 3, 3, 1).shape[-1] == 2
    assert F.max_pool1d(torch.ones(1, 1, 5), 3, 3, 1, ceil_mode=True).shape[-1] == 2
    assert -(-(5 + 2 - 3) // 3) + 1 == 3 and 2 * 3 == 5 + 1
    assert nn.Conv1d(2, 3, 4)(torch.ones(1, 2, 11)).shape[-1] == 11 - 4 + 1


def test_exercise6_prose_numbers():
    x = torch.tensor([[1.0, 2, 3]])
    table = {"constant": [0, 0, 1, 2, 3, 0, 0], "reflect": [3, 2, 1, 2, 3, 2, 1],
             "replicate": [1, 1, 1, 2, 3, 3, 3], "circular": [2, 3, 1, 2, 3, 1, 2]}
    for mode, padded in table.items():
        assert F.pad(x, (2, 2), mode=mode)[0].tolist() == padded, mode
    assert F.pad(x, (1, 1), mode="circular")[0].tolist() == [3.0, 1.0, 2.0, 3.0, 1.0]
    assert F.conv1d(x[None], torch.ones(1, 1, 3), padding=1)[0, 0].tolist() == [3.0, 6.0, 5.0]
    with pytest.raises(RuntimeError):  # reflect padding must be smaller than the length
        F.pad(x, (3, 0), mode="reflect")
    assert F.pad(x, (3, 3), mode="circular").shape[-1] == 9  # circular: at most the length
    with pytest.raises(RuntimeError):
        F.pad(x, (4, 0), mode="circular")


def test_exercise8_prose_numbers_and_backends():
    x = torch.arange(1.0, 10).reshape(1, 1, 3, 3)
    assert F.unfold(x, 2)[0].tolist() == [[1, 2, 4, 5], [2, 3, 5, 6], [4, 5, 7, 8], [5, 6, 8, 9]]
    assert 1 * 1 + 2 * 2 + 3 * 4 + 4 * 5 == 37
    assert x.as_strided((1, 1, 2, 2, 2, 2), (9, 9, 3, 1, 3, 1)).shape == (1, 1, 2, 2, 2, 2)
    _, printed = run_lesson("exercise8")
    lines = dict(line.split(":", 1) for line in printed.splitlines())
    assert "aten::_slow_conv2d_forward" in lines["float64"]  # the grader's dtype: im2col + GEMM
    if torch.backends.mkldnn.is_available():
        assert "aten::mkldnn_convolution" in lines["float32"]  # the speed workload in float32: oneDNN
    # a small float32 call, like the lesson's 3x3 example, still takes the im2col path
    from torch.profiler import profile
    with profile() as prof:
        F.conv2d(x, torch.ones(1, 1, 2, 2))
    assert any(e.name == "aten::_slow_conv2d_forward" for e in prof.events())


def test_exercise9_prose_numbers():
    _, printed = run_lesson("exercise9")
    assert printed.split() == ["(True,", "True)", "(True,", "False)", "(True,", "False)"]
    x = torch.tensor([[[1.0, 2, 3, 4, 5]]], requires_grad=True)
    w = torch.tensor([[[1.0, 10, 100]]])
    out = F.conv1d(x, w, stride=2)
    assert out.tolist() == [[[321.0, 543.0]]]
    g = torch.tensor([[[1.0, 2]]])
    (grad_x,) = torch.autograd.grad(out, x, g)
    assert grad_x.tolist() == [[[1.0, 10.0, 102.0, 20.0, 200.0]]]
    dilated = torch.tensor([[[0.0, 0, 1, 0, 2, 0, 0]]])  # s - 1 = 1 zero between, K - 1 = 2 around
    assert torch.equal(F.conv1d(dilated, w.flip(-1)), grad_x)
    assert torch.equal(F.conv_transpose1d(g, w, stride=2), grad_x)
    # L = 6, K = 3, s = 2: L_out = 2, the transposed length 5, output_padding 1 restores 6
    x6 = torch.randn(1, 1, 6, requires_grad=True)
    out6 = F.conv1d(x6, w, stride=2)
    assert out6.shape[-1] == 2 and F.conv_transpose1d(out6, w, stride=2).shape[-1] == 5
    (grad6,) = torch.autograd.grad(out6, x6, torch.ones_like(out6))
    assert grad6[0, 0, 5].item() == 0.0 and F.conv_transpose1d(out6, w, stride=2, output_padding=1).shape[-1] == 6
    assert F.conv1d(torch.tensor([[[1.0, 2, 3]]]), torch.tensor([[[1.0, 10]]])).tolist() == [[[21.0, 32.0]]]


@pytest.mark.parametrize("name", EXERCISES)
def test_lesson_has_pictures_links_and_order(name):
    text = lesson(name)
    shown = re.findall(rf"!\[[^\]]+\]\(pictures/{name}-(\w+)\.png\)", text)
    assert shown, f"{name}: no picture"
    assert text.index("![") < text.index("```python"), "a picture comes before the first code cell"
    module = pictures(name)
    drawn = sorted(n.removeprefix("picture_") for n in dir(module) if n.startswith("picture_"))
    assert sorted(shown) == drawn, "every picture drawn is shown, and every picture shown is drawn"
    docstring = ast.get_docstring(ast.parse((ROOT / "solutions" / name / f"{name}.py").read_text()))
    for slug in drawn:
        assert f"exercises/pictures/{name}-{slug}.png" in docstring
    for link in ("https://github.com/vdumoulin/conv_arithmetic", "https://pytorch.org/docs/", "https://d2l.ai/"):
        assert link in text, f"{name}: no link to {link}"
    for heading in ("## Why", "## The idea in plain words", "## A worked example in numbers", "## Allowed and forbidden",
                    "## Read next"):
        assert heading in text, f"{name}: no {heading!r}"
    assert re.search(r"^## The formulas?$", text, re.M)


def pictures(name: str):
    spec = importlib.util.spec_from_file_location(f"{name}_pictures", ROOT / "solutions" / name / "pictures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", EXERCISES)
def test_every_picture_renders_small(name):
    module = pictures(name)
    for function in (getattr(module, n) for n in dir(module) if n.startswith("picture_")):
        figure = function()
        assert isinstance(figure, Figure), function.__name__
        width, height = figure.get_size_inches()
        assert width <= 10 and height <= 5, (function.__name__, width, height)
        png = io.BytesIO()
        figure.savefig(png, format="png", dpi=100)
        assert png.getvalue().startswith(b"\x89PNG") and len(png.getvalue()) > 10_000


@pytest.mark.parametrize("name", EXERCISES)
def test_reference_doctests_pass(name):
    path = ROOT / "solutions" / name / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"{name}_reference", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    result = doctest.testmod(module, verbose=False, report=False)
    assert result.attempted >= 1 and result.failed == 0, result


# one valid call per function: the stub must get past its given code and raise NotImplementedError
VALID_CALLS = {
    "exercise4": {"sobel_kernels": (), "sobel_gradients": (torch.ones(4, 4, dtype=torch.float64),),
                  "gradient_magnitude": (torch.ones(2), torch.ones(2)),
                  "detect_edges": (torch.ones(4, 4, dtype=torch.float64), 1.0)},
    "exercise5": {"max_pool1d": (torch.ones(1, 1, 4), 2), "max_pool2d": (torch.ones(1, 1, 4, 4), 2),
                  "pooled_length": (4, 2, 2, 0, 1, False)},
    "exercise6": {"pad1d": (torch.ones(1, 3), 1, 1), "conv1d_padded": (torch.ones(1, 3), torch.ones(1, 1, 2))},
    "exercise7": {"conv2d": (torch.ones(1, 1, 3, 3), torch.ones(1, 1, 2, 2)),
                  "check_conv2d": (torch.ones(1, 1, 3, 3), torch.ones(1, 1, 2, 2), None, 1, 0, 1, 1)},
    "exercise8": {"conv2d_fast": (torch.ones(1, 1, 3, 3), torch.ones(1, 1, 2, 2)),
                  "check_conv2d": (torch.ones(1, 1, 3, 3), torch.ones(1, 1, 2, 2), None, 1, 0, 1, 1)},
    "exercise9": {"conv1d_backward": (torch.ones(1, 1, 2), torch.ones(1, 1, 3), torch.ones(1, 1, 2))},
}


@pytest.mark.parametrize("name", EXERCISES)
def test_student_stub_is_coherent_and_raises_not_implemented(name):
    course = load_course(ROOT / "course.yml")
    text = stub_sources(course)[course.exercises[name].file]
    tree = ast.parse(text)
    for node in ast.walk(tree):  # nothing after the raise: no unreachable tail naming undefined variables
        for body in (getattr(node, f, None) for f in ("body", "orelse", "finalbody")):
            if isinstance(body, list):
                for i, statement in enumerate(body[:-1]):
                    assert not (isinstance(statement, ast.Raise) and "NotImplementedError" in ast.unparse(statement)), \
                        f"{name}, line {body[i + 1].lineno}: code after raise NotImplementedError"
    namespace: dict = {"__name__": f"{name}_stub"}
    exec(compile(text, f"exercises/{name}.py", "exec"), namespace)
    for function, args in VALID_CALLS[name].items():
        with pytest.raises(NotImplementedError, match=f"{name}: {function}"):
            namespace[function](*args)
