"""forbidden.py (the static policy) and sandbox/guard.py (the run-time guard), each on its own.

The static policy reads a graded file's source: each rule is an attack it must stop, with file,
line and reason; honest code (and anything under `if __name__ == "__main__":`) must pass.
The guard is tried in a fresh interpreter per exercise (it patches numpy and pushes a dispatch
mode, so never in pytest's own process), with every route to a forbidden op, including the
private ones the static policy already refuses: each layer holds on its own.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from autograder.course import load_course
from autograder.judging.forbidden import check, check_file

ROOT = Path(__file__).resolve().parent.parent


def why(source: str) -> str | None:
    finding, _ = check_file(textwrap.dedent(source), filename="ex.py")
    return finding.message() if finding else None


# -- the static policy


@pytest.mark.parametrize("source, expected", [
    ("import torch\nx = torch._C._VariableFunctionsClass\n", "ex.py:2: uses ._C, a private"),
    ("import torch\nop = torch._C._jit_get_operation\n", "ex.py:2: uses ._C, a private"),
    ("import torch\nf = getattr(torch.ops, 'aten')\n", "ex.py:2: uses getattr(), which is not allowed in a graded "
                                                        "file: write the attribute directly"),
    ("from torch import _C\n", "ex.py:1: imports torch._C, which is private (_C): use the public API"),
    ("import gc\n", "ex.py:1: imports gc: a graded file may import only torch, numpy, math"),
    ("import subprocess\n", "ex.py:1: imports subprocess: a graded file may import only"),
    ("import os, sys\n", "ex.py:1: imports os: a graded file may import only"),
    ("import ctypes\n", "ex.py:1: imports ctypes"),
    ("import importlib\n", "ex.py:1: imports importlib"),
    ("import builtins\n", "ex.py:1: imports builtins"),
    ("import inspect\n", "ex.py:1: imports inspect"),
    ("import guard\n", "ex.py:1: imports guard"),  # the guard's own module in the student's process
    ("import child\n", "ex.py:1: imports child"),
    ("import scipy.signal\n", "ex.py:1: imports scipy"),
    ("from . import helper\n", "ex.py:1: a relative import"),
    ("from torch import *\n", "ex.py:1: from torch import *: import the names you use"),
    ("import torch.utils._python_dispatch\n", "ex.py:1: imports torch.utils._python_dispatch, which is private"),
    ("import torch.library\n", "ex.py:1: uses torch.library, which changes torch's operators"),
    ("import torch\ntorch.library.Library('aten', 'IMPL')\n", "ex.py:2: uses torch.library, which changes"),
    ("import torch\nf = torch.jit.script\n", "ex.py:2: uses torch.jit, which can load or run code"),
    ("import torch\nf = torch.compile\n", "ex.py:2: uses torch.compile, which can load or run code"),
    ("import torch\nm = torch.overrides.TorchFunctionMode\n", "ex.py:2: uses torch.overrides"),
    ("import torch\nx = torch.load('w.pt', weights_only=False)\n", "ex.py:2: uses torch.load"),
    ("import torch.nn.functional as F\nx = F.torch.load\n", "ex.py:2: uses torch.load"),  # a re-export
    ("import torch\nx = torch.utils.cpp_extension.load_inline\n", "ex.py:2: uses torch.utils"),
    ("import torch\ntorch.ops.load_library('x.so')\n", "ex.py:2: uses .load_library, which is not allowed"),
    ("import torch\ntorch.ops.import_module('os')\n", "ex.py:2: uses .import_module, which is not allowed"),
    ("import torch\nk = torch.DispatchKeySet\n", "ex.py:2: uses .DispatchKeySet, which is not allowed"),
    ("import torch\ntorch.ops.aten.convolution.default.redispatch\n", "ex.py:2: uses .redispatch"),
    ("import numpy as np\nnp.ctypeslib.as_array\n", "ex.py:2: uses .ctypeslib, which is not allowed"),
    ("import numpy as np\nx = np.zeros(3)\np = x.ctypes.data\n", "ex.py:3: uses .ctypes, which is not allowed"),
    ("import numpy as np\nnp.core.multiarray.correlate2\n", "ex.py:2: uses numpy.core, which is numpy's private"),
    ("import numpy as np\nnp.load('a.npy', allow_pickle=True)\n", "ex.py:2: uses numpy.load"),
    ("import numpy as np\nv = np.ndarray((3, 2), buffer=np.zeros(4), strides=(8, 8))\n",
     "ex.py:2: uses numpy.ndarray other than in isinstance()"),
    ("import numpy as np\nx = np.zeros(4)\nx.strides = (0,)\n", "ex.py:3: sets .strides"),
    ("import torch\nx = torch.zeros(1).__class__\n", "ex.py:2: uses .__class__, which reaches into Python's"),
    ("s = ().__class__.__base__.__subclasses__()\n", "ex.py:1: uses .__"),
    ("def f():\n    pass\ng = f.__globals__\n", "ex.py:3: uses .__globals__"),
    ("class A:\n    def m(self):\n        return self._C\n", "ex.py:3: uses ._C, a private attribute"),
    ("b = __builtins__\n", "ex.py:1: uses __builtins__, which is not allowed"),
    ("x = eval('1')\n", "ex.py:1: uses eval(), which is not allowed in a graded file: write the code itself"),
    ("exec('x = 1')\n", "ex.py:1: uses exec()"),
    ("c = compile('1', 'f', 'eval')\n", "ex.py:1: uses compile()"),
    ("m = __import__('os')\n", "ex.py:1: uses __import__()"),
    ("f = open('/etc/passwd')\n", "ex.py:1: uses open()"),
    ("g = vars()\n", "ex.py:1: uses vars()"),
    ("g = globals()\n", "ex.py:1: uses globals()"),
    ("import torch\ntorch.nn.functional.conv1d = len\n", "ex.py:2: changes torch.nn.functional.conv1d: a graded file "
                                                         "may not change a library's modules or classes"),
    ("import torch\nT = torch.Tensor\nT.unfold = len\n", "ex.py:3: changes torch.Tensor.unfold"),
    ("import torch.nn.functional as F\ndel F.conv1d\n", "ex.py:2: changes torch.nn.functional.conv1d"),
    ("def g():\n    yield 1\nf = g().gi_frame.f_back\n", "ex.py:3: uses .gi_frame, which is not allowed"),
    ("import torch\nclass T(torch.Tensor):\n    def __torch_dispatch__(self):\n        pass\n",
     "ex.py:3: defines __torch_dispatch__, which hooks into Python's or torch's machinery"),
    ("import torch\nX = type('X', (torch.Tensor,), {})\n", "ex.py:2: calls type() with three arguments"),
    ("def f(x: 'torch._C'):\n    return x\n", "ex.py:1: a string annotation is evaluated by typing"),
    ("import typing\nh = typing.get_type_hints\n", "ex.py:2: uses .get_type_hints, which is not allowed"),
    ("def f(o):\n    match o:\n        case object(__class__=c):\n            return c\n",
     "ex.py:3: matches on .__class__, a private attribute"),
])
def test_routes_that_could_undo_the_guard_are_refused(source, expected):
    assert (why(source) or "").startswith(expected), why(source)


def test_honest_code_passes():
    assert why("""
        from __future__ import annotations
        import math
        import itertools
        from functools import reduce
        from typing import Optional, Tuple
        from collections import namedtuple
        import numpy as np
        import torch
        import torch.nn.functional as F
        from torch.func import vmap

        Pair = namedtuple("Pair", "h w")


        class Conv:
            def __init__(self, w):
                super().__init__()
                self.w = w

            def __call__(self, x: torch.Tensor) -> torch.Tensor:
                return torch.einsum("k,ik->i", self.w, x)


        def conv1d_single(x: torch.Tensor, w, bias: float = 0.0, stride: int = 1) -> Optional[torch.Tensor]:
            if not isinstance(x, torch.Tensor):
                raise ValueError(f"got {type(x).__name__}")
            rows = torch.stack([x[i:i + len(w)] for i in range(0, len(x) - len(w) + 1, stride)])
            out = rows @ w + bias
            arr = np.asarray(out.tolist())
            return torch.from_numpy(arr).to(x.dtype) + 0 * F.relu(out) + math.floor(0.5)

        experiment = F.conv1d(torch.ones(1, 1, 4), torch.ones(1, 1, 2))  # module level: not graded
        """) is None


def test_the_main_block_is_not_read():
    assert why("""
        import torch
        def f(x):
            return x
        if __name__ == "__main__":
            import os, gc
            print(torch._C, getattr(os, "environ"), eval("1"))
        else:
            y = 1
        """) is None
    assert why("""
        import torch
        if __name__ == "__main__":
            pass
        else:
            y = torch._C
        """) == "ex.py:6: uses ._C, a private attribute: use the public API (and name your own attributes " \
                "without a leading _)"


def test_any_depth_is_a_finding_not_a_traceback():
    deep = "x = 1" + " + 1" * 100_000 + "\n"
    assert why(deep) == ("ex.py:1: the code nests too deeply for the grader to read (RecursionError): split long "
                         "expressions or attribute chains into smaller steps")
    chain = "import torch\nx = torch" + ".nn" * 1500 + "\n"  # parses; the reader must not recurse
    assert why(chain) is None
    assert why("import torch\nx = torch" + ".nn" * 1500 + "._C\n").startswith("ex.py:2: uses ._C")


def test_imported_student_files_are_checked_too_and_others_are_not():
    sources = {"exercise3": "import exercise2\ndef conv1d(x):\n    return exercise2.conv1d_single(x)\n",
               "exercise2": "import torch\n\ndef conv1d_single(x):\n    return torch._C\n",
               "exercise1": "import os\n"}  # not imported by exercise3: not its business
    assert check(sources, "exercise3").message() == ("exercise2.py:4: uses ._C, a private attribute: use the public "
                                                     "API (and name your own attributes without a leading _)")
    assert check({"exercise3": "import torch\n", "exercise1": "import os\n"}, "exercise3") is None
    assert check({"exercise3": "def f(:\n"}, "exercise3") is None  # a syntax error is the import's to report


# -- course.yml's groups


def test_course_groups_become_the_rules_the_student_process_gets(tmp_path):
    course = load_course(ROOT / "course.yml")
    rules = course.forbidden_rules("exercise2")
    assert rules["exercise"] == "exercise2" and rules["autograd"] is False
    assert ["*conv*", "F.conv1d, F.conv2d, torch.nn.Conv1d, F.unfold or an equivalent"] in rules["ops"]
    assert ["numpy.convolve", ""] in rules["names"]
    assert course.forbidden_rules("exercise4") is None and course.forbidden_rules("exercise1") is None
    assert course.forbidden_rules("exercise9")["autograd"] is True
    assert not any(p.startswith(("unfold", "as_strided")) for p, _ in course.forbidden_rules("exercise8")["ops"])

    from autograder.course import CourseError

    shutil.copy(ROOT / "course.yml", tmp_path / "course.yml")
    shutil.copytree(ROOT / "solutions", tmp_path / "solutions", ignore=shutil.ignore_patterns("__pycache__"))
    config = tmp_path / "solutions" / "exercise5" / "exercise.yml"
    text = config.read_text().replace("forbidden: [pooling, convolution, windows]", "forbidden: [pooling, convolutoin, windows]")
    config.write_text(text)
    with pytest.raises(CourseError) as e:
        load_course(tmp_path / "course.yml")
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "convolutoin" in t)
    assert str(e.value) == (f"{config}:{line}: forbidden: unknown group 'convolutoin' (course.yml's top-level "
                            "forbidden: defines convolution, windows, fft, pooling, padding, autograd)")


# -- the run-time guard, alone, in a fresh interpreter

GUARD_SCRIPT = r"""
import json, os, sys
sys.path.insert(0, os.path.join(sys.argv[1], "autograder", "sandbox"))
import numpy, torch
torch.set_num_threads(1)
import guard
guard.install(json.loads(sys.argv[2]))
sys.path.insert(0, os.getcwd())
import routes
out = {}
for name in sorted(n for n in vars(routes) if n.startswith("route_")):
    guard.hits.clear()
    try:
        with guard.armed():
            getattr(routes, name)()
        out[name] = guard.hits[0] if guard.hits else "ok"
    except BaseException as e:
        out[name] = guard.hits[0] if guard.hits else f"raised {type(e).__name__}: {e}"
print(json.dumps(out))
"""


def guarded(exercise: str, routes: str, tmp_path: Path, script: str = GUARD_SCRIPT) -> dict[str, str]:
    """Each route_* function of `routes` run with the exercise's guard armed: its refusal or "ok"."""
    (tmp_path / "routes.py").write_text(textwrap.dedent(routes))
    rules = load_course(ROOT / "course.yml").forbidden_rules(exercise)
    done = subprocess.run([sys.executable, "-c", script, str(ROOT), json.dumps(rules)], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def line(routes: str, needle: str) -> int:
    return next(i for i, t in enumerate(textwrap.dedent(routes).splitlines(), 1) if needle in t)


CONV_ROUTES = """
import numpy as np
import torch
import torch.nn.functional as F
x, w = torch.randn(1, 1, 10), torch.randn(1, 1, 3)
captured = F.conv1d  # bound at import: the dispatcher does not care
def route_functional(): F.conv1d(x, w)
def route_captured(): captured(x, w)
def route_module(): torch.nn.Conv1d(1, 1, 3)(x)
def route_variable_functions_class(): torch._C._VariableFunctionsClass.conv1d(x, w)
def route_vf(): torch._VF.conv1d(x, w)
def route_ops(): getattr(torch.ops, "aten").convolution(x, w, None, [1], [0], [1], False, [0], 1)
def route_jit_operation(): torch._C._jit_get_operation("aten::conv1d")[0](x, w)
def route_private_convolution(): torch.ops.aten._convolution(x, w, None, [1], [0], [1], False, [0], 1, False, False, False, False)
def route_conv_tbc(): torch.conv_tbc(x.permute(2, 0, 1), w.permute(2, 1, 0), torch.zeros(1))
def route_slow_conv_dilated(): torch._C._nn.slow_conv_dilated2d(x.unsqueeze(2), w.unsqueeze(2), [1, 3], None, [1, 1], [0, 0], [1, 1])
def route_thnn(): torch._C._nn.thnn_conv2d(x.unsqueeze(2), w.unsqueeze(2), [1, 3])
def route_grad_weight(): torch.nn.grad.conv2d_weight(x.unsqueeze(2), (1, 1, 1, 3), torch.randn(1, 1, 1, 8))
def route_tensorbase_unfold(): torch._C.TensorBase.unfold(x, 2, 3, 1)
def route_unfold(): x.unfold(2, 3, 1)
def route_as_strided(): torch.as_strided(x, (8, 3), (1, 1))
def route_set(): torch.empty(0).set_(x.untyped_storage(), 0, (8, 3), (1, 1))
def route_im2col(): F.unfold(x.unsqueeze(2), (1, 3))
def route_fft(): torch.fft.irfft(torch.fft.rfft(x) * torch.fft.rfft(w, n=10), n=10)
def route_vmap(): torch.func.vmap(lambda a: F.conv1d(a, w))(x.unsqueeze(0))
def route_functionalize(): torch.func.functionalize(lambda a: a.unfold(0, 2, 1).clone())(torch.randn(5))
def route_inference_mode():
    with torch.inference_mode():
        F.conv1d(x, w)
def route_quantized():
    from torch.ao.nn.quantized import functional as qF
    qx = torch.quantize_per_tensor(x.unsqueeze(2), 0.1, 0, torch.quint8)
    qw = torch.quantize_per_tensor(w.unsqueeze(2), 0.1, 0, torch.qint8)
    qF.conv2d(qx, qw, torch.zeros(1), scale=0.1, zero_point=0)
def route_numpy_convolve(): np.convolve(x.numpy().ravel(), w.numpy().ravel())
def route_numpy_windows(): np.lib.stride_tricks.sliding_window_view(x.numpy().ravel(), 3)
def route_numpy_fft(): np.fft.rfft(x.numpy().ravel())
def route_caught():
    try:
        F.conv1d(x, w)
    except Exception:
        pass
def route_honest():
    xp = torch.zeros(12); xp[1:11] = x.view(-1)
    rows = torch.stack([xp[i:i + 3] for i in range(10)])
    out = torch.einsum("ik,k->i", rows, w.view(-1)) + rows @ w.view(-1) + torch.cat([xp, xp]).sum()
    out = out + xp.flip(0)[:10] + xp.view(3, 4).permute(1, 0).reshape(-1)[:10] + x[0, 0, [1, 2]].sum()
    torch.func.vmap(lambda r: r.sum())(rows)
    print(out[:2], rows.T.shape, np.asarray(out).sum(), torch.maximum(out, out).max())
"""


def test_the_dispatcher_guard_refuses_every_convolution_route(tmp_path):
    got = guarded("exercise2", CONV_ROUTES, tmp_path)
    assert got.pop("route_honest") == "ok"
    refused_by = {name: msg for name, msg in got.items()}
    for name, msg in refused_by.items():
        fn = name.removeprefix("route_")
        assert msg.startswith(f"routes.py:"), (name, msg)
        assert msg.endswith("is not allowed in exercise2"), (name, msg)
    assert got["route_functional"] == (f"routes.py:{line(CONV_ROUTES, 'def route_functional')}: aten.conv1d "
                                       "(reached through F.conv1d, F.conv2d, torch.nn.Conv1d, F.unfold or an "
                                       "equivalent) is not allowed in exercise2")
    # the op the student's call names (a CompositeImplicit op such as conv1d is caught before it decomposes)
    expected_ops = {"functional": "aten.conv1d", "captured": "aten.conv1d", "module": "aten.conv1d",
                    "variable_functions_class": "aten.conv1d", "vf": "aten.conv1d",
                    "ops": "aten.convolution", "jit_operation": "aten.conv1d", "private_convolution": "aten._convolution",
                    "conv_tbc": "aten.conv_tbc", "slow_conv_dilated": "aten.slow_conv_dilated2d",
                    "thnn": "aten.thnn_conv2d", "grad_weight": "aten.convolution_backward",
                    "tensorbase_unfold": "aten.unfold", "unfold": "aten.unfold", "as_strided": "aten.as_strided",
                    "set": "aten.set_", "im2col": "aten.im2col", "fft": "aten.fft_rfft", "vmap": "aten.convolution",
                    "functionalize": "aten.unfold", "inference_mode": "torch.inference_mode",
                    "quantized": "quantized.conv2d_prepack", "numpy_convolve": "numpy.convolve",
                    "numpy_windows": "numpy.lib.stride_tricks.sliding_window_view", "numpy_fft": "numpy.fft.rfft",
                    "caught": "aten.conv1d"}
    assert {n.removeprefix("route_") for n in got} == set(expected_ops)
    for name, op in expected_ops.items():
        assert f": {op} " in got[f"route_{name}"] or f": {op}." in got[f"route_{name}"], (name, got[f"route_{name}"])


POOL_ROUTES = """
import torch
import torch.nn.functional as F
x = torch.randn(1, 2, 8)
def route_max_pool1d(): F.max_pool1d(x, 2)
def route_max_pool3d(): F.max_pool3d(x.unsqueeze(0), (1, 1, 2))
def route_nn_max_pool2d(): torch._C._nn.max_pool2d_with_indices(x.unsqueeze(0), (1, 2))
def route_module(): torch.nn.MaxPool1d(2)(x)
def route_adaptive(): F.adaptive_max_pool1d(x, 4)
def route_lp_pool(): F.lp_pool1d(x, 50.0, 2)
def route_windows_max(): x.unfold(2, 2, 2).amax(-1)
def route_honest(): torch.maximum(x[..., 0::2], x[..., 1::2])
"""


def test_the_dispatcher_guard_refuses_every_pooling_route(tmp_path):
    got = guarded("exercise5", POOL_ROUTES, tmp_path)
    assert got.pop("route_honest") == "ok"
    assert got["route_max_pool3d"] == (f"routes.py:{line(POOL_ROUTES, 'def route_max_pool3d')}: "
                                       "aten.max_pool3d (reached through F.max_pool1d, F.max_pool2d, "
                                       "torch.nn.MaxPool1d or an equivalent) is not allowed in exercise5")
    assert all(" is not allowed in exercise5" in m for m in got.values()), got
    assert ": aten.unfold " in got["route_windows_max"] and ": aten.avg_pool" in got["route_lp_pool"]


AUTOGRAD_ROUTES = """
import torch
import torch.nn.functional as F
from torch.autograd import forward_ad
x, w = torch.randn(1, 1, 6), torch.randn(1, 1, 3)
xa = torch.randn(1, 1, 6, requires_grad=True)
y_at_import = (xa * 2).sum()  # a graph built at import, unguarded
conv_at_import = F.conv1d(xa, w)
def route_autograd_grad():
    xg = x.clone().requires_grad_()
    torch.autograd.grad((xg * w.sum()).sum(), xg)
def route_backward():
    wg = torch.zeros(3, requires_grad=True)
    (wg * 2).sum().backward()
def route_graph_from_import(): torch.autograd.grad(y_at_import, xa, retain_graph=True)
def route_engine(): torch.autograd.graph._engine_run_backward((y_at_import,), (torch.tensor(1.0),), True, False, (xa,), False, False)
def route_grad_fn_walk(): conv_at_import.grad_fn(torch.ones(1, 1, 4))
def route_convolution_backward(): torch.ops.aten.convolution_backward(torch.ones(1, 1, 4), x, w, None, [1], [0], [1], False, [0], 1, [True, True, False])
def route_grad_input(): torch.nn.grad.conv1d_input(x.shape, w, torch.ones(1, 1, 4))
def route_func_grad(): torch.func.grad(lambda a: (a * 2).sum())(torch.randn(3))
def route_func_vjp(): torch.func.vjp(lambda a: a * 2, torch.randn(3))
def route_func_jacrev(): torch.func.jacrev(lambda a: a * 2)(torch.randn(3))
def route_func_jacfwd(): torch.func.jacfwd(lambda a: (a * 2))(torch.randn(3))
def route_func_jvp(): torch.func.jvp(lambda a: a * 2, (torch.randn(3),), (torch.ones(3),))
def route_forward_ad():
    with forward_ad.dual_level():
        forward_ad.make_dual(torch.randn(3), torch.ones(3)) * 2
def route_honest():
    with torch.no_grad():
        (xa * 2).sum()
    torch.func.vmap(lambda a: a * 2)(torch.randn(2, 3))
    torch.einsum("nci,oci->no", x, x) + x.new_zeros(1, 1)
"""


def test_the_autograd_guard_refuses_graphs_backward_and_transforms(tmp_path):
    got = guarded("exercise9", AUTOGRAD_ROUTES, tmp_path)
    assert got.pop("route_honest") == "ok"
    assert set(got) == {"route_autograd_grad", "route_backward", "route_graph_from_import", "route_engine",
                        "route_grad_fn_walk", "route_convolution_backward", "route_grad_input", "route_func_grad",
                        "route_func_vjp", "route_func_jacrev", "route_func_jacfwd", "route_func_jvp",
                        "route_forward_ad"}
    assert all(m.startswith("routes.py:") and m.endswith(" is not allowed in exercise9") for m in got.values()), got
    assert "building an autograd graph (aten.clone on a tensor that requires grad)" in got["route_autograd_grad"] \
        or "building an autograd graph (aten.mul" in got["route_autograd_grad"]
    # backward of a graph built at import: refused at its first op, or inside the engine
    assert "building an autograd graph (aten.ones_like" in got["route_graph_from_import"]
    assert "the autograd engine (backward, torch.autograd.grad) (reached through a graph built earlier)" \
        in got["route_engine"]
    assert "aten.convolution_backward" in got["route_grad_fn_walk"]
    for name in ("grad", "vjp", "jacrev", "jacfwd", "jvp"):
        assert "torch.func's gradient transforms" in got[f"route_func_{name}"], got[f"route_func_{name}"]
    assert "forward-mode autograd" in got["route_forward_ad"]


def test_what_an_exercise_allows_stays_allowed(tmp_path):
    routes = """\
    import torch
    import torch.nn.functional as F
    x, w = torch.randn(1, 1, 4, 4), torch.randn(1, 1, 2, 2)
    def route_unfold(): x.unfold(2, 2, 1).unfold(3, 2, 1)
    def route_as_strided(): x.as_strided((1, 1, 3, 3, 2, 2), (16, 16, 4, 1, 4, 1))
    def route_conv2d(): F.conv2d(x, w)
    """
    assert guarded("exercise8", routes, tmp_path) == {
        "route_unfold": "ok", "route_as_strided": "ok",
        "route_conv2d": f"routes.py:6: aten.conv2d (reached through F.conv1d, F.conv2d, torch.nn.Conv1d, F.unfold "
                        "or an equivalent) is not allowed in exercise8"}


def test_a_notebook_is_read_cell_by_cell():
    from autograder.judging.notebook import module_from_cells

    cells = [("cell 1", "import torch.nn.functional as F\n"), ("cell 2", "x = 1\n"),
             ("cell 3", "def f(x):\n    F.conv1d = x\n")]  # the alias comes from another cell
    module = module_from_cells(cells, keep_syntax_errors=True)
    assert check({"ex": module}, "ex").message() == ("cell 3:2: changes torch.nn.functional.conv1d: a graded file may "
                                                    "not change a library's modules or classes")
    assert check({"ex": module_from_cells(cells[:2], keep_syntax_errors=True)}, "ex") is None
    # the grader's prelude is trusted only as it is: code hidden after it is read as a plain file
    assert check({"ex": module + "import os\n"}, "ex").message().startswith("ex.py:2: uses exec()")
    # its runner leaves nothing in the module: a cell can name no _nb_ helper (and may not try)
    space = {"__name__": "ex"}
    exec(compile(module_from_cells(cells[:2], keep_syntax_errors=True), "ex", "exec"), space)
    assert sorted(k for k in space if not k.startswith("__")) == ["F", "x"]
    spy = module_from_cells([("cell 1", "s = _nb_sys\n")], keep_syntax_errors=True)
    assert check({"ex": spy}, "ex").message() == ("cell 1:1: uses _nb_sys, a name of the grader's notebook runner: "
                                                 "not allowed in a graded file")


# -- names that lead out of the allowed modules (autograder/judging/unreachable.py)

SYS = ("a name that reaches the sys module (torch.sys), outside what a graded file may use (if it is your own "
       "attribute, name it differently)")


@pytest.mark.parametrize("source, expected", [
    ('import torch\nf = torch.sys.modules["builtins"].exec\n', f"ex.py:2: uses .sys, {SYS}"),
    ("import typing\nm = typing.sys.modules\n", f"ex.py:2: uses .sys, {SYS}"),
    ("import torch\nm = [torch][0].sys\n", f"ex.py:2: uses .sys, {SYS}"),  # the object is unknown: the name is not
    ('import torch\nop = torch.functional.operator.attrgetter("x")\n', "ex.py:2: uses .operator, a name that reaches "
                                                                       "the operator module"),
    ("import torch\nx = torch.autograd.profiler_util.attrgetter\n", "ex.py:2: uses .attrgetter, a name that reaches "
                                                                    "operator.attrgetter"),
    ("import torch\nt = torch.threading.Thread\n", "ex.py:2: uses .threading, a name that reaches the threading module"),
    ("import torch\no = torch.os\n", "ex.py:2: uses .os, a name that reaches the os module"),
    ("import torch\ng = torch.cuda.graphs.gc\n", "ex.py:2: uses .gc, a name that reaches the gc module"),
    ("from torch.functional import operator\n", "ex.py:1: imports torch.functional.operator: operator reaches the "
                                                "operator module"),
    ("from typing import sys\n", "ex.py:1: imports typing.sys: sys reaches the sys module"),
])
def test_names_that_lead_out_of_the_allowed_modules_are_refused(source, expected):
    assert (why(source) or "").startswith(expected), why(source)


@pytest.mark.filterwarnings("ignore::FutureWarning")  # deprecated torch aliases warn when touched
def test_nothing_dangerous_is_reachable_through_the_names_left():
    """Walk every public name the policy leaves, from every allowed module, through modules and classes:
    no dangerous module (sys, os, threading, builtins...) and no code-running callable is ever reached."""
    import types

    from autograder.judging.forbidden import ALLOWED_IMPORTS
    from autograder.judging.unreachable import _HARD, DANGEROUS_MODULES, refused_names

    refused = refused_names(ALLOWED_IMPORTS, cached=False)  # the walk itself, not a stored copy
    todo = [m for n, m in list(sys.modules.items()) if m is not None and n.split(".")[0] in ALLOWED_IMPORTS]
    seen, reached = set(), []
    while todo:
        owner = todo.pop()
        if id(owner) in seen:
            continue
        seen.add(id(owner))
        try:
            items = list(vars(owner).items())
        except TypeError:
            continue
        for name, value in items:
            if name.startswith("_") or name in refused:
                continue
            if isinstance(value, types.ModuleType):
                if value.__name__.split(".")[0] in DANGEROUS_MODULES:
                    reached.append(f"{getattr(owner, '__name__', owner)}.{name}")
                todo.append(value)
            elif isinstance(value, type):
                todo.append(value)
            elif callable(value) and getattr(value, "__name__", None) in _HARD and \
                    str(getattr(value, "__module__", "")).split(".")[0] in DANGEROUS_MODULES:
                reached.append(f"{getattr(owner, '__name__', owner)}.{name}")
    assert not reached, reached[:20]


@pytest.mark.parametrize("source", [
    '__name__ = "__main__"\n',
    "from exercise4 import MAIN as __name__\n",
    "import exercise4 as __name__\n",
    'for __name__ in ["__main__"]:\n    pass\n',
    'if (__name__ := "__main__"):\n    pass\n',
    "def f():\n    global __name__\n",
    "del __name__\n",
    "def f(__name__):\n    pass\n",
    "f = lambda __name__: 0\n",
    "import torch\nwith torch.no_grad() as __name__:\n    pass\n",
    "try:\n    pass\nexcept ValueError as __name__:\n    pass\n",
    "match 1:\n    case __name__:\n        pass\n",
    "x = [1 for __name__ in range(2)]\n",
    'if __name__ == "__main__":\n    __name__ = "x"\n',  # inside the block the policy skips: still read
])
def test_any_binding_of_the_module_name_is_refused(source):
    finding, _ = check_file(source, filename="ex.py", siblings={"exercise4"})
    assert finding is not None and finding.why.startswith("binds __name__"), finding


@pytest.mark.parametrize("source, expected", [
    ("import numpy as np\na = np.zeros(3)\nb = type(a)((2,), a.dtype, a, 0, (8,))\n",
     "ex.py:3: uses type(x) other than as type(x).__name__ or in a comparison"),
    ("import numpy as np\na = np.zeros(3)\nmake = type(a)\n", "ex.py:3: uses type(x) other than"),
    ("import numpy as np\nmake = [np.ndarray][0]\n", "ex.py:2: uses numpy.ndarray other than in isinstance() or an "
                                                    "annotation"),
    ("from numpy import ndarray\nmake = ndarray\n", "ex.py:2: uses numpy.ndarray other than"),
    ("import numpy as np\nr = np.recarray((2,), dtype=float)\n", "ex.py:2: uses numpy.recarray, which builds arrays "
                                                                 "over other memory"),
    ("import numpy as np\nr = np.rec.array([1.0])\n", "ex.py:2: uses numpy.rec, which builds"),
    ("import numpy as np\nc = np.char.chararray((2,))\n", "ex.py:2: uses numpy.char.chararray, which builds"),
    ("import numpy as np\nm = np.memmap\n", "ex.py:2: uses numpy.memmap, which builds"),
    ("import numpy as np\nr = np.lib.stride_tricks.as_strided\n", "ex.py:2: uses numpy.lib.stride_tricks"),
    ("from numpy.lib.stride_tricks import sliding_window_view\n", "ex.py:1: uses numpy.lib.stride_tricks, which"),
    ("import numpy as np\nb = np.zeros(3).view(strides=(8,))\n", "ex.py:2: passes strides= (an array over memory"),
    ('x = _nb_cell("a", "b")\n', "ex.py:1: uses _nb_cell, a name of the grader's notebook runner"),
    ("x = _nb_sys.modules\n", "ex.py:1: uses _nb_sys, a name of the grader's notebook runner"),
])
def test_window_constructors_and_the_notebook_runner_are_refused(source, expected):
    assert (why(source) or "").startswith(expected), why(source)


HONEST_STYLES = [
    # loops, list and dict methods, f-strings, comprehensions
    """
    import torch
    def conv1d_single(x, w, stride=1):
        out, cache = [], {}
        for i in range(0, len(x) - len(w) + 1, stride):
            total = 0.0
            for k in range(len(w)):
                total += float(x[i + k]) * float(w[k])
            out.append(total)
            cache.setdefault(i, []).append(total)
        keys = sorted(cache.keys())
        names = ", ".join(f"{k}:{v[0]:.2f}" for k, v in cache.items())
        copied = out.copy(); copied.reverse(); copied.sort(); copied.pop(); copied.insert(0, 1.0)
        print(names.upper().strip().split(","), keys.index(0) if keys else -1, {k: v for k, v in cache.items()})
        return torch.tensor(out, dtype=x.dtype)
    """,
    # numpy, with ndarray in isinstance and annotations, type(x) in messages and comparisons
    """
    import numpy as np
    from numpy import ndarray
    def pad(a: np.ndarray, p: int) -> ndarray:
        if not isinstance(a, (np.ndarray, list)):
            raise TypeError(f"expected an array, got {type(a)} ({type(a).__name__})")
        if type(a) is list or type(a) == tuple:
            a = np.asarray(a)
        out = np.zeros(a.shape[0] + 2 * p, dtype=a.dtype)
        out[p:p + a.shape[0]] = a.copy()
        s = a.strides[0]  # reading strides is fine
        return np.copy(out) + np.dot(out, out) * 0 + np.einsum("i,i->", out, out) * 0 + s * 0
    """,
    # vectorised torch, nn.Module, typing and the allowed stdlib
    """
    from __future__ import annotations
    import collections, functools, itertools, math, random
    from typing import Optional, cast
    import torch
    from torch import nn
    class Layer(nn.Module):
        def __init__(self, w: torch.Tensor):
            super().__init__()
            self.weight = nn.Parameter(w.clone())
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            windows = torch.stack([x[..., i:i + self.weight.shape[-1]] for i in range(x.shape[-1] - self.weight.shape[-1] + 1)], -2)
            return torch.einsum("...ik,k->...i", windows, self.weight).mul(1).abs().max(dim=-1).values
    def total(xs: Optional[list] = None) -> float:
        xs = cast(list, xs or [1, 2])
        counts = collections.Counter(xs); dd = collections.defaultdict(list); dd[0].append(1)
        rng = random.Random(0)
        return functools.reduce(lambda a, b: a + b, xs) + math.floor(0.5) + len(list(itertools.product(xs, xs))) \\
            + rng.random() * 0 + sum(counts.values()) + torch.zeros(3).numpy().sum().item()
    """,
]


@pytest.mark.parametrize("source", HONEST_STYLES)
def test_honest_styles_pass(source):
    assert why(source) is None


def test_the_course_solutions_and_stubs_pass():
    for folder in ("solutions", "exercises"):
        sources = {p.stem: p.read_text(encoding="utf-8") for p in (ROOT / folder).glob("exercise*.py")}
        sources |= {p.stem: p.read_text(encoding="utf-8") for p in (ROOT / folder).glob("*/exercise*.py")}
        for name in sources:
            assert check(sources, name) is None, (folder, name, check(sources, name))


# -- threads and import time

IMPORT_SCRIPT = r"""
import json, os, sys
sys.path.insert(0, os.path.join(sys.argv[1], "autograder", "sandbox"))
import numpy, torch
torch.set_num_threads(1)
import guard
guard.install(json.loads(sys.argv[2]))
sys.path.insert(0, os.getcwd())
try:
    with guard.importing():
        import routes
    out = {"import": "ok"}
except BaseException as e:
    out = {"import": guard.hits[0] if guard.hits else f"raised {type(e).__name__}: {e}"}
else:
    for name in sorted(n for n in vars(routes) if n.startswith("route_")):
        guard.hits.clear()
        try:
            with guard.armed():
                getattr(routes, name)()
            out[name] = guard.hits[0] if guard.hits else "ok"
        except BaseException as e:
            out[name] = guard.hits[0] if guard.hits else f"raised {type(e).__name__}: {e}"
print(json.dumps(out))
"""


def imported(exercise: str, routes: str, tmp_path: Path) -> dict[str, str]:
    """As guarded(), with `routes` imported under the import-time guard first."""
    return guarded(exercise, routes, tmp_path, IMPORT_SCRIPT)


def test_windows_made_at_import_are_refused_convolutions_at_import_are_not(tmp_path):
    routes = """\
    import torch
    import torch.nn.functional as F
    print(F.conv1d(torch.ones(1, 1, 4), torch.ones(1, 1, 2)))  # a self-check at import: allowed
    BUFFER = torch.zeros(64)
    VIEW = torch.as_strided(BUFFER, (60, 5), (1, 1))
    """
    assert imported("exercise3", routes, tmp_path) == {
        "import": "routes.py:5: aten.as_strided at import time (reached through Tensor.unfold, torch.as_strided or an "
                  "equivalent) is not allowed in exercise3"}
    numpy_routes = """\
    import numpy as np
    VIEW = np.lib.stride_tricks.sliding_window_view(np.zeros(10), 3)
    """
    assert imported("exercise3", numpy_routes, tmp_path) == {
        "import": "routes.py:2: numpy.lib.stride_tricks.sliding_window_view is not allowed in exercise3"}
    unfold_routes = "import torch\nVIEW = torch.zeros(10).unfold(0, 3, 1)\ndef route_ok(): return VIEW.sum()\n"
    assert imported("exercise8", unfold_routes, tmp_path) == {"import": "ok", "route_ok": "ok"}  # ex8 allows windows


def test_no_thread_can_be_started_beside_the_guard(tmp_path):
    """The dispatch mode is thread-local: a thread would run F.conv1d unguarded, so none may start,
    graded call or import time alike (a thread started at import could serve the graded call)."""
    routes = """\
    import threading
    import torch
    import torch.nn.functional as F
    x, w = torch.randn(1, 1, 10), torch.randn(1, 1, 3)
    def route_thread():
        box = []
        worker = threading.Thread(target=lambda: box.append(F.conv1d(x, w)))
        worker.start()
        worker.join()
        return box[0]
    """
    assert imported("exercise3", routes, tmp_path) == {
        "import": "ok", "route_thread": "routes.py:8: starting a thread (reached through threading) is not allowed "
                                        "in exercise3"}
    at_import = "import threading\nthreading.Thread(target=print).start()\n"
    assert imported("exercise3", at_import, tmp_path) == {
        "import": "routes.py:2: starting a thread (reached through threading) is not allowed in exercise3"}


def test_the_guard_holds_on_every_thread_and_judges_windows_by_their_strides(tmp_path):
    """The kernels sit in torch's dispatcher, not in a thread's state: a thread that exists anyway (started
    before the guard, as none can be after) is refused too. Views made inside honest ops (slicing, repeat,
    diagonal) pass; as_strided from Python is refused; inference mode is refused."""
    script = r"""
import json, os, queue, sys, threading
sys.path[:0] = [sys.argv[1], os.path.join(sys.argv[1], "autograder", "sandbox")]
import torch
import torch.nn.functional as F
jobs, done = queue.Queue(), queue.Queue()
def serve():
    job = jobs.get()
    try:
        done.put(str(job()))
    except Exception as e:
        done.put(str(e))
worker = threading.Thread(target=serve, daemon=True)
worker.start()  # before the guard: install() refuses new threads
import guard
from autograder.course import load_course
guard.install(load_course(os.path.join(sys.argv[1], "course.yml")).forbidden_rules("exercise3"))
x, w = torch.randn(1, 1, 10), torch.randn(1, 1, 3)
def armed(f):
    guard.hits.clear()
    try:
        with guard.armed():
            return str(f())[:0] or "ok"
    except Exception:
        return guard.hits[0]
out = {}
with guard.armed():
    jobs.put(lambda: F.conv1d(x, w))
    out["thread"] = done.get(timeout=60)
worker.join()
out["honest"] = armed(lambda: (x[..., 1:9:2] + x.repeat(1, 1, 2)[..., :4].sum() + torch.randn(3, 3).diagonal().sum(),
                               x.reshape(2, 5).T.contiguous()))
out["window"] = armed(lambda: x.as_strided((8, 3), (1, 1)))
out["inference"] = armed(lambda: torch.inference_mode().__enter__())
print(json.dumps(out))
"""
    done = subprocess.run([sys.executable, "-c", script, str(ROOT)], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    got = json.loads(done.stdout.strip().splitlines()[-1])
    assert got["thread"].endswith("aten.conv1d (reached through F.conv1d, F.conv2d, torch.nn.Conv1d, F.unfold or an "
                                  "equivalent) is not allowed in exercise3"), got
    assert got["honest"] == "ok", got
    assert got["window"].startswith("<string>:33: aten.as_strided (reached through Tensor.unfold"), got
    assert got["inference"] == "<string>:34: torch.inference_mode is not allowed in exercise3", got
