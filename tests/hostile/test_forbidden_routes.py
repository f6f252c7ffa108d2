"""Every known route to a forbidden call, graded through the real pipeline (sandbox, guard, static
policy), must cost the concepts it touches: status `forbidden`, points lost, a message with the
student's file:line. Correct submissions written in every reasonable style keep full marks.

Each attack is the reference solution with one graded function replaced (so the other functions
stay right and the loss shows exactly where the route is used). Cases are cut to two per concept
so the corpus runs in a minute; the correct submissions that matter most get the full course.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from autograder.judging.grading import grade_exercise
from autograder.sandbox.runner import Sandbox, Submission


ROOT = Path(__file__).resolve().parents[2]
CONV = "(reached through F.conv1d, F.conv2d, torch.nn.Conv1d, F.unfold or an equivalent) is not allowed in exercise2"
WINDOWS = "(reached through Tensor.unfold, torch.as_strided or an equivalent) is not allowed in exercise2"
PRIVATE = "a private attribute: use the public API (and name your own attributes without a leading _)"


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox(time_import=20.0) as box:
        yield box


def small(course, name: str, cases: int = 2):
    ex = course.exercise(name)
    concepts = {k: c.model_copy(update={"cases": min(cases, c.cases)}) for k, c in ex.concepts.items()}
    ex = ex.model_copy(update={"concepts": concepts})
    return course.model_copy(update={"exercises": {**course.exercises, name: ex}})


class Recorder:
    """The sandbox, remembering the outcomes of the first run (all cases, before shrinking)."""

    def __init__(self, sandbox):
        self.sandbox, self.first = sandbox, None

    def run(self, submission, calls, **kwargs):
        outcomes = self.sandbox.run(submission, calls, **kwargs)
        if self.first is None:
            self.first = list(zip(calls, outcomes))
        return outcomes


def grade(course, sandbox, name: str, text: str, **siblings):
    recorder = Recorder(sandbox)
    report = grade_exercise(course, name, Submission(name, {name: text, **siblings}), seed=3, sandbox=recorder,
                            reproduce="")
    return report, recorder.first


def attack(name: str, override: str) -> str:
    """The reference solution, then `override` (module-level code and a replaced function)."""
    return (ROOT / "solutions" / name / f"{name}.py").read_text() + "\n\n" + override.strip("\n") + "\n"


def line_of(text: str, needle: str) -> int:
    return next(i for i, t in enumerate(text.splitlines(), 1) if needle in t and not t.lstrip().startswith("#"))


def assert_refused(report, first, function: str, message: str, concepts: set[str]) -> None:
    """Every case of `function` that reaches the route is forbidden with `message` (an invalid
    configuration may raise before it); `concepts` are forbidden and lose points."""
    mine = [o for c, o in first if c.function == function]
    assert any(o.status == "forbidden" for o in mine)
    for outcome in mine:
        assert outcome.status == "raised" or (outcome.status, outcome.message) == ("forbidden", message), outcome
    by_name = {c.name: c for c in report.concepts}
    for name in concepts:
        assert by_name[name].status == "forbidden" and by_name[name].score < by_name[name].max_score, by_name[name]
        assert by_name[name].misconception == "forbidden-call"
    assert report.score < report.max_score


# -- exercise2: the convolution itself

CONV1D = "def conv1d_single(x, w, bias=0.0, stride=1, padding=0, dilation=1):\n"
PAD = "    xp = torch.cat([x.new_zeros(padding), x, x.new_zeros(padding)])\n" \
      "    n = (len(xp) - dilation * (len(w) - 1) - 1) // stride + 1\n"

RUNTIME_ROUTES = {  # public routes: the dispatcher guard refuses them while the function runs
    "functional": ("import torch.nn.functional as F\n" + CONV1D +
                   "    return F.conv1d(x.view(1, 1, -1), w.view(1, 1, -1), stride=stride, padding=padding, "
                   "dilation=dilation).view(-1) + bias\n", "F.conv1d(", "aten.conv1d " + CONV),
    "module": (CONV1D + "    m = torch.nn.Conv1d(1, 1, len(w), stride=stride, padding=padding, dilation=dilation, "
               "bias=False)\n    with torch.no_grad():\n        m.weight.copy_(w.view(1, 1, -1))\n"
               "        return m(x.view(1, 1, -1)).view(-1) + bias\n", "return m(", "aten.conv1d " + CONV),
    "aten": (CONV1D + "    return torch.ops.aten.convolution(x.view(1, 1, -1), w.view(1, 1, -1), None, [stride], "
             "[padding], [dilation], False, [0], 1).view(-1) + bias\n", "torch.ops.aten.convolution(",
             "aten.convolution " + CONV),
    "conv_tbc": (CONV1D + PAD + "    return torch.conv_tbc(xp.view(-1, 1, 1), w.view(-1, 1, 1), torch.zeros(1))"
                 ".view(-1)[::stride] + bias\n", "torch.conv_tbc(", "aten.conv_tbc " + CONV),
    "grad_weight": (CONV1D + PAD + "    return torch.nn.grad.conv1d_weight(xp.view(1, 1, -1), (1, 1, n), "
                    "w.view(1, 1, -1)).view(-1) + bias\n", "conv1d_weight(", "aten.convolution_backward " + CONV),
    "vmap": ("import torch.nn.functional as F\n" + CONV1D +
             "    f = torch.func.vmap(lambda a: F.conv1d(a, w.view(1, 1, -1), stride=stride, padding=padding, "
             "dilation=dilation))\n    return f(x.view(1, 1, 1, -1)).view(-1) + bias\n", "lambda a: F.conv1d",
             "aten.convolution " + CONV),
    "unfold": (CONV1D + PAD + "    return xp.unfold(0, dilation * (len(w) - 1) + 1, stride)[:, ::dilation] @ w + bias\n",
               "xp.unfold(", "aten.unfold " + WINDOWS),
    "as_strided": (CONV1D + PAD + "    return torch.as_strided(xp, (n, len(w)), (stride, dilation)) @ w + bias\n",
                   "torch.as_strided(", "aten.as_strided " + WINDOWS),
    "set_": (CONV1D + PAD + "    v = torch.empty(0, dtype=x.dtype).set_(xp.untyped_storage(), 0, (n, len(w)), "
             "(stride, dilation))\n    return v @ w + bias\n", ".set_(", "aten.set_ " + WINDOWS),
    "fft": (CONV1D + PAD + "    f = torch.fft.irfft(torch.fft.rfft(xp) * torch.fft.rfft(w.flip(0), n=len(xp)), "
            "n=len(xp))\n    return f[len(w) - 1::stride][:n] + bias\n", "torch.fft.irfft(",
            "aten.fft_rfft (reached through torch.fft, torch.stft or an equivalent) is not allowed in exercise2"),
    "numpy": ("import numpy as np\n" + CONV1D + PAD +
              "    return torch.from_numpy(np.correlate(xp.numpy(), w.numpy(), 'valid')[::stride].copy()) + bias\n",
              "np.correlate(", "numpy.correlate is not allowed in exercise2"),
    "caught": ("import torch.nn.functional as F\n" + CONV1D +
               "    try:\n        return F.conv1d(x.view(1, 1, -1), w.view(1, 1, -1)).view(-1) + bias\n"
               "    except Exception:\n        return torch.zeros(1)\n", "F.conv1d(", "aten.conv1d " + CONV),
}


@pytest.mark.parametrize("route", sorted(RUNTIME_ROUTES))
def test_public_routes_are_refused_while_the_function_runs(course, sandbox, route):
    override, needle, what = RUNTIME_ROUTES[route]
    text = attack("exercise2", override)
    report, first = grade(small(course, "exercise2"), sandbox, "exercise2", text)
    assert_refused(report, first, "conv1d_single", f"exercise2.py:{line_of(text, needle)}: {what}",
                   {"dot-product", "bias", "stride", "padding", "dilation"})
    assert all(c.score == 0 for c in report.concepts if c.name in ("dot-product", "bias", "stride", "dilation"))
    two_d = next(c for c in report.concepts if c.name == "2d")
    assert two_d.status == "passed" and two_d.score == two_d.max_score  # conv2d_single is not touched


STATIC_ROUTES = {  # routes through private names, modules or builtins: the file is refused before it runs
    "numpy_windows": ("import numpy as np\n" + CONV1D + PAD +
                      "    v = np.lib.stride_tricks.sliding_window_view(xp.numpy(), len(w))[::stride]\n"
                      "    return torch.from_numpy(v @ w.numpy()) + bias\n", "sliding_window_view(",
                      "uses numpy.lib.stride_tricks, which builds arrays over other memory with any strides (a "
                      "window view): use np.array, np.zeros, slicing or stacking"),
    "variable_functions_class": (CONV1D + "    return torch._C._VariableFunctionsClass.conv1d(x.view(1, 1, -1), "
                                 "w.view(1, 1, -1)).view(-1) + bias\n", "_VariableFunctionsClass",
                                 "uses ._C, " + PRIVATE),
    "jit_operation": (CONV1D + "    op = torch._C._jit_get_operation('aten::conv1d')[0]\n"
                      "    return op(x.view(1, 1, -1), w.view(1, 1, -1)).view(-1) + bias\n", "_jit_get_operation",
                      "uses ._C, " + PRIVATE),
    "ops_getattr": (CONV1D + "    aten = getattr(torch.ops, 'at' + 'en')\n"
                    "    return aten.conv1d(x.view(1, 1, -1), w.view(1, 1, -1)).view(-1) + bias\n", "getattr(",
                    "uses getattr(), which is not allowed in a graded file: write the attribute directly "
                    "(F.relu, not getattr(F, 'relu'))"),
    "private_convolution": (CONV1D + "    return torch.ops.aten._convolution(x.view(1, 1, -1), w.view(1, 1, -1), "
                            "None, [1], [0], [1], False, [0], 1, False, False, False, False).view(-1)\n",
                            "_convolution", "uses ._convolution, " + PRIVATE),
    "slow_conv_dilated": (CONV1D + "    return torch._C._nn.slow_conv_dilated2d(x.view(1, 1, 1, -1), "
                          "w.view(1, 1, 1, -1), [1, len(w)], None, [1, 1], [0, 0], [1, 1]).view(-1)\n",
                          "slow_conv_dilated2d", "uses ._C, " + PRIVATE),
    "thnn": (CONV1D + "    return torch._C._nn.thnn_conv2d(x.view(1, 1, 1, -1), w.view(1, 1, 1, -1), [1, len(w)])"
             ".view(-1)\n", "thnn_conv2d", "uses ._C, " + PRIVATE),
    "tensorbase_unfold": (CONV1D + "    return torch._C.TensorBase.unfold(x, 0, len(w), stride) @ w + bias\n",
                          "TensorBase", "uses ._C, " + PRIVATE),
    "gc": ("import gc\n" + CONV1D + "    return [o for o in gc.get_objects() if callable(o)][0](x, w)\n",
           "import gc", "imports gc: a graded file may import only torch, numpy, math, cmath, itertools, functools, "
                        "typing, collections, numbers, random and your own exercise files"),
    "fresh_python": ("import subprocess\nimport sys\n" + CONV1D +
                     "    out = subprocess.run([sys.executable, '-I', '-c', 'print(1)'], capture_output=True)\n"
                     "    return torch.tensor(float(out.stdout))\n", "import subprocess",
                     "imports subprocess: a graded file may import only torch, numpy, math, cmath, itertools, "
                     "functools, typing, collections, numbers, random and your own exercise files"),
    "guard_original": ("import guard\n" + CONV1D + "    return guard.hits\n", "import guard",
                       "imports guard: a graded file may import only torch, numpy, math, cmath, itertools, "
                       "functools, typing, collections, numbers, random and your own exercise files"),
    "unpatch": ("import torch.nn.functional as F\nF.conv1d = torch.conv1d\n" + CONV1D +
                "    return F.conv1d(x.view(1, 1, -1), w.view(1, 1, -1)).view(-1)\n", "F.conv1d = ",
                "changes torch.nn.functional.conv1d: a graded file may not change a library's modules or classes"),
    "dispatch_mode": ("from torch.utils._python_dispatch import _disable_current_modes\n" + CONV1D +
                      "    with _disable_current_modes():\n"
                      "        return torch.conv1d(x.view(1, 1, -1), w.view(1, 1, -1)).view(-1)\n",
                      "_python_dispatch", "imports torch.utils._python_dispatch, which is private "
                                          "(_python_dispatch): use the public API"),
}


@pytest.mark.parametrize("route", sorted(STATIC_ROUTES))
def test_routes_that_could_undo_the_guard_refuse_the_whole_file(course, sandbox, route):
    override, needle, why = STATIC_ROUTES[route]
    text = attack("exercise2", override)
    report, first = grade(small(course, "exercise2"), sandbox, "exercise2", text)
    message = f"exercise2.py:{line_of(text, needle)}: {why}"
    assert {(o.status, o.message) for _, o in first} == {("forbidden", message)}
    assert report.score == 0 and {c.status for c in report.concepts} == {"forbidden"}


def test_a_route_in_an_imported_file_is_found_there(course, sandbox):
    helper = "import torch\n\ndef conv(x, w):\n    return torch._C._VariableFunctions.conv1d(x, w)\n"
    text = attack("exercise2", "import exercise1\n" + CONV1D + "    return exercise1.conv(x, w)\n")
    report, first = grade(small(course, "exercise2"), sandbox, "exercise2", text, exercise1=helper)
    assert {o.message for _, o in first} == {f"exercise1.py:4: uses ._C, {PRIVATE}"}
    assert report.score == 0


# -- exercise5: pooling

POOL = "def max_pool1d(x, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):\n"
POOL_VIA = "(reached through F.max_pool1d, F.max_pool2d, torch.nn.MaxPool1d or an equivalent) is not allowed in exercise5"


@pytest.mark.parametrize("override, needle, why", [
    ("import torch.nn.functional as F\n" + POOL + "    return F.max_pool1d(x, kernel_size, stride, padding, dilation, "
     "ceil_mode)\n", "F.max_pool1d(", "aten.max_pool1d " + POOL_VIA),
    ("import torch.nn.functional as F\n" + POOL + "    y = F.max_pool3d(x.unsqueeze(-2).unsqueeze(-2), (1, 1, kernel_size), "
     "(1, 1, stride or kernel_size), (0, 0, padding), (1, 1, dilation), ceil_mode)\n    return y.squeeze(-2).squeeze(-2)\n",
     "F.max_pool3d(", "aten.max_pool3d " + POOL_VIA),
    (POOL + "    return torch._C._nn.max_pool2d_with_indices(x.unsqueeze(-2), (1, kernel_size))[0].squeeze(-2)\n",
     "torch._C._nn", f"uses ._C, {PRIVATE}"),
])
def test_pooling_routes_are_refused(course, sandbox, override, needle, why):
    text = attack("exercise5", override)
    report, first = grade(small(course, "exercise5"), sandbox, "exercise5", text)
    assert_refused(report, first, "max_pool1d", f"exercise5.py:{line_of(text, needle)}: {why}",
                   {"window-max", "stride", "dilation", "ceil-mode"})


# -- exercise9: autograd

BACKWARD = "def conv1d_backward(grad_output, x, weight, stride=1, padding=0, dilation=1):\n"
AUTOGRAD_VIA = "(reached through torch.autograd, Tensor.backward, torch.func.grad or an equivalent) is not allowed in exercise9"
GRAPH = "(reached through requires_grad=True) is not allowed in exercise9"
TRANSFORMS = "torch.func's gradient transforms (grad, vjp, jvp, jacrev, jacfwd, hessian) is not allowed in exercise9"
FORWARD = ("import torch.nn.functional as F\n\ndef forward(x, weight, stride, padding, dilation):\n"
           "    return F.conv1d(x, weight, None, stride, padding, dilation)\n\n")


@pytest.mark.parametrize("override, needle, why", [
    (FORWARD + BACKWARD + "    xg, wg = x.detach().requires_grad_(), weight.detach().requires_grad_()\n"
     "    gx, gw = torch.autograd.grad(forward(xg, wg, stride, padding, dilation), (xg, wg), grad_output)\n"
     "    return gx, gw, grad_output.sum(dim=(0, 2))\n", "return F.conv1d(",
     tuple(f"building an autograd graph (aten.{op} on a tensor that requires grad) " + GRAPH
           for op in ("convolution", "constant_pad_nd")) + ("aten.conv1d (reached through F.conv1d, F.conv2d, "
                                                            "torch.nn.Conv1d, F.unfold or an equivalent) is not "
                                                            "allowed in exercise9",)),
    (BACKWARD + "    gx, gw, gb = torch.ops.aten.convolution_backward(grad_output, x, weight, [weight.shape[0]], "
     "[stride], [padding], [dilation], False, [0], 1, [True, True, True])\n    return gx, gw, gb\n",
     "convolution_backward(", "aten.convolution_backward (reached through F.conv1d, F.conv2d, torch.nn.Conv1d, "
                              "F.unfold or an equivalent) is not allowed in exercise9"),
    (FORWARD + BACKWARD + "    f = lambda a, b: (forward(a, b, stride, padding, dilation) * grad_output).sum()\n"
     "    gx, gw = torch.func.grad(f, argnums=(0, 1))(x, weight)\n    return gx, gw, grad_output.sum(dim=(0, 2))\n",
     "torch.func.grad(", TRANSFORMS),
    (FORWARD + BACKWARD + "    f = lambda a: forward(a, weight, stride, padding, dilation)\n"
     "    j = torch.func.jacfwd(f)(x)\n    return (j * grad_output[..., None, None, None]).sum(dim=(0, 1, 2)), "
     "weight, grad_output.sum(dim=(0, 2))\n", "torch.func.jacfwd(", TRANSFORMS),
    (FORWARD + "X0 = torch.zeros(1, 1, 6, requires_grad=True)\nY0 = forward(X0, torch.ones(1, 1, 3), 1, 0, 1)\n"
     + BACKWARD + "    gx, gw = Y0.grad_fn(grad_output)[:2]\n    return gx, gw, grad_output.sum(dim=(0, 2))\n",
     "Y0.grad_fn(", "building an autograd graph (aten.convolution_backward on a tensor that requires grad) " + GRAPH),
    (FORWARD + "X0 = torch.zeros(1, 1, 6, requires_grad=True)\nY0 = (X0 * 2).sum()\n" + BACKWARD +
     "    torch.autograd.graph._engine_run_backward((Y0,), (None,), True, False, (X0,), False, False)\n"
     "    return x, weight, grad_output.sum(dim=(0, 2))\n", "_engine_run_backward",
     f"uses ._engine_run_backward, {PRIVATE}"),
])
def test_autograd_routes_are_refused(course, sandbox, override, needle, why):
    text = attack("exercise9", override)
    report, first = grade(small(course, "exercise9"), sandbox, "exercise9", text)
    whys = (why,) if isinstance(why, str) else why
    seen = {o.message for _, o in first if o.status == "forbidden"}
    assert seen and seen <= {f"exercise9.py:{line_of(text, needle)}: {w}" for w in whys}, seen
    assert {o.status for _, o in first} <= {"forbidden", "raised"}
    assert report.score == 0 and {c.status for c in report.concepts} == {"forbidden"}


# -- and correct code, in any style, keeps every point

SELF_CHECK = """
if __name__ == "__main__":
    import torch.nn.functional as F
    x = torch.randn(10)
    w = torch.randn(3)
    assert torch.allclose(conv1d_single(x, w), F.conv1d(x[None, None], w[None, None])[0, 0], atol=1e-6)
    print(getattr(F, "conv1d"), torch._C)
"""
EXPERIMENT = """
import torch.nn.functional as F

x = torch.randn(10)
w = torch.randn(3)
expected = F.conv1d(x[None, None], w[None, None])[0, 0]  # an experiment at import: not graded
"""
VECTORISED = '''
def conv1d_single(x, w, bias=0.0, stride=1, padding=0, dilation=1):
    (L,), (K,) = x.shape, w.shape
    if K < 1 or L < 1 or stride < 1 or dilation < 1 or padding < 0:
        raise ValueError("bad configuration")
    xp = torch.cat([x.new_zeros(padding), x, x.new_zeros(padding)])
    span = dilation * (K - 1) + 1
    if span > len(xp):
        raise ValueError("the kernel does not fit")
    starts = torch.arange(0, len(xp) - span + 1, stride)
    rows = torch.stack([xp[starts + k * dilation] for k in range(K)], dim=1)  # (L_out, K) by indexing
    return torch.einsum("ik,k->i", rows, w) + bias + 0 * (rows @ w)


def conv2d_single(image, kernel, bias=0.0, stride=1, padding=0):
    (sh, sw) = stride if isinstance(stride, (tuple, list)) else (stride, stride)
    (ph, pw) = padding if isinstance(padding, (tuple, list)) else (padding, padding)
    H, W = image.shape
    KH, KW = kernel.shape
    if min(H, W, KH, KW, sh, sw) < 1 or min(ph, pw) < 0 or KH > H + 2 * ph or KW > W + 2 * pw:
        raise ValueError("bad configuration")
    padded = image.new_zeros(H + 2 * ph, W + 2 * pw)
    padded[ph:ph + H, pw:pw + W] = image
    h_out, w_out = (H + 2 * ph - KH) // sh + 1, (W + 2 * pw - KW) // sw + 1
    taps = [padded[a:a + (h_out - 1) * sh + 1:sh, b:b + (w_out - 1) * sw + 1:sw] * kernel[a, b]
            for a in range(KH) for b in range(KW)]
    return torch.func.vmap(lambda t: t.sum(0))(torch.stack(taps).permute(1, 0, 2)).reshape(h_out, w_out) + bias
'''
NUMPY = '''
import numpy as np


def conv1d_single(x, w, bias=0.0, stride=1, padding=0, dilation=1):
    xs, ws = x.numpy(), w.numpy()
    if len(ws) < 1 or len(xs) < 1 or stride < 1 or dilation < 1 or padding < 0:
        raise ValueError("bad configuration")
    xp = np.concatenate([np.zeros(padding, xs.dtype), xs, np.zeros(padding, xs.dtype)])
    span = dilation * (len(ws) - 1) + 1
    if span > len(xp):
        raise ValueError("the kernel does not fit")
    idx = np.arange(0, len(xp) - span + 1, stride)[:, None] + dilation * np.arange(len(ws))[None, :]
    return torch.from_numpy(xp[idx] @ ws + np.asarray(bias, xs.dtype))
'''


@pytest.mark.parametrize("style, extra, full", [
    ("self-check under __main__", SELF_CHECK, True),
    ("experiment at module level", EXPERIMENT, True),
    ("vectorised torch and vmap", VECTORISED, False),
    ("numpy", NUMPY, False),
])
def test_correct_exercise2_keeps_full_marks(course, sandbox, style, extra, full):
    text = (ROOT / "solutions" / "exercise2" / "exercise2.py").read_text() + "\n" + extra
    report, _ = grade(course if full else small(course, "exercise2", 4), sandbox, "exercise2", text)
    assert report.score == report.max_score, [(c.name, c.status, c.message[:300]) for c in report.concepts]


def test_correct_lists_keep_full_marks(course, sandbox):
    text = (ROOT / "solutions" / "exercise2" / "submissions" / "correct-lists.py").read_text()
    report, _ = grade(small(course, "exercise2", 4), sandbox, "exercise2", text)
    assert report.score == report.max_score, [(c.name, c.status, c.message[:300]) for c in report.concepts]


UNFOLD = '''
def conv2d_fast(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    x, unbatched, (sh, sw), (dh, dw), pads = check_conv2d(x, weight, bias, stride, padding, dilation, groups)
    n, c_in, h, w = x.shape
    c_out, c_group, kh, kw = weight.shape
    (top, bottom), (left, right) = pads
    padded = x.new_zeros(n, c_in, h + top + bottom, w + left + right)
    padded[..., top:top + h, left:left + w] = x
    # Tensor.unfold per axis: (n, c, out_h, out_w, span_h, span_w), then the dilated taps
    win = padded.unfold(2, dh * (kh - 1) + 1, sh).unfold(3, dw * (kw - 1) + 1, sw)[..., ::dh, ::dw]
    out_h, out_w = win.shape[2], win.shape[3]
    win = win.reshape(n, groups, c_group, out_h, out_w, kh, kw)
    filters = weight.reshape(groups, c_out // groups, c_group, kh, kw)
    out = torch.einsum("ngcijab,gocab->ngoij", win, filters).reshape(n, c_out, out_h, out_w)
    if bias is not None:
        out = out + bias.view(1, c_out, 1, 1)
    return out.squeeze(0) if unbatched else out
'''


@pytest.mark.parametrize("name, extra", [
    ("exercise4", ""),  # the reference uses F.conv2d, allowed there
    ("exercise8", ""),  # the reference uses as_strided and matmul
    ("exercise8", UNFOLD),
])
def test_what_an_exercise_allows_keeps_full_marks(course, sandbox, name, extra):
    text = (ROOT / "solutions" / name / f"{name}.py").read_text() + "\n" + extra
    ex = course.exercise(name)
    concepts = {k: c.model_copy(update={"cases": min(3, c.cases)}) for k, c in ex.concepts.items() if k != "speed"}
    ex = ex.model_copy(update={"concepts": concepts, "points": sum(c.points for c in concepts.values())})
    cut = course.model_copy(update={"exercises": {**course.exercises, name: ex}})
    report, _ = grade(cut, sandbox, name, text)
    assert report.score == report.max_score, [(c.name, c.status, c.message[:300]) for c in report.concepts]
