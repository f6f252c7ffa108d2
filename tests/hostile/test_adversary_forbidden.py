"""Adversary: routes to a forbidden convolution (or pooling, or autograd) that nobody listed.

Each attack is the reference solution of the exercise with the graded function replaced by one
that gets the library's answer without doing the exercise's work. Graded through `python -m
autograder` with fake secrets in the environment. Once issue 11 is done, the cheated concept must
not get its points (forbidden, crash or failed), and the grader must stay clean (kit.assert_loses).
"""
from __future__ import annotations

import json

import pytest

from tests.hostile.adversary.kit import MODES, ROOT, Run, assert_loses, fixture



def reference(exercise: str) -> str:
    return (ROOT / "solutions" / exercise / f"{exercise}.py").read_text(encoding="utf-8")


def cheat(exercise: str, *parts: str) -> str:
    """The reference, then the attack's definitions (which replace the graded function)."""
    return "\n\n".join([reference(exercise)] + [fixture(p) for p in parts])


def grade(tmp_path, warm, exercise: str, files: dict[str, str], mode: str = "bwrap"):
    """`grade EXERCISE --submission FOLDER --format json` in this process, in the worker's warm sandbox
    of that mode: the attacks meet the guards in the student's process, which is forked from the
    zygote for each run exactly as under the command (test_adversary_ex3_cheat_in_a_sibling_exercise_file
    runs the command itself)."""
    run = Run(tmp_path)
    for name, text in files.items():
        run.write(name, text)
    return run.grade_in(warm(mode), exercise, "--submission", run.sub, "--format", "json")


# exercise3: conv1d's values without a dot product; channel-sum is the concept every route cheats

EX3_ROUTES = {
    "conv_tbc": ("ex3_conv_tbc.py",),  # a public aten convolution nobody lists
    "ndarray_strides": ("ex3_ndarray_strides.py",),  # as_strided by numpy.ndarray's constructor
    "tensor_set_strides": ("ex3_tensor_set_strides.py",),  # as_strided by Tensor.set_
    "torchscript_string": ("ex3_torchscript_string.py",),  # aten::conv1d named inside a string
    "numpy_fft": ("ex3_numpy_fft.py",),  # FFT convolution outside torch
    "scipy_correlate1d": ("ex3_scipy_correlate1d.py",),  # a scipy correlation nobody lists
    "resolver_disarm": ("ex3_resolver_disarm.py", "disarm.py"),  # pkgutil.resolve_name + undo the guards
    "frame_walk_disarm": ("ex3_frame_walk_disarm.py", "disarm.py"),  # gi_frame.f_back.f_globals -> sys
    "main_smuggle": ("ex3_main_smuggle.py",),  # __name__ = "__main__" hides a block from the policy
    # only `import torch` (and numpy): routes through torch's own module attributes
    "torch_sys_attrgetter": ("ex3_torch_sys_attrgetter.py", "disarm.py"),  # torch.sys + torch.functional.operator
    "ndarray_by_type": ("ex3_ndarray_by_type.py",),  # type(an_array)(shape, dtype, buffer, offset, strides)
    "builtins_exec": ("ex3_builtins_exec.py",),  # torch.sys.modules["builtins"].exec of a string
    "ndarray_in_a_list": ("ex3_ndarray_in_a_list.py",),  # [np.ndarray][0](shape, dtype, buffer, offset, strides)
    "typing_sys_exec": ("ex3_typing_sys_exec.py",),  # typing.sys.modules["builtins"].exec (typing is allowed)
    "recarray_strides": ("ex3_recarray_strides.py",),  # numpy.recarray(shape, dtype, buf, offset, strides)
    "import_time_windows": ("ex3_import_time_windows.py",),  # torch.as_strided views made at import, sliced later
    "import_time_windows_numpy": ("ex3_import_time_windows_numpy.py",),  # the same with numpy's as_strided
}


@pytest.mark.parametrize("route", list(EX3_ROUTES))
def test_adversary_ex3_route_loses_the_points(tmp_path, warm_sandboxes, route):
    graded = grade(tmp_path, warm_sandboxes, "exercise3", {"exercise3.py": cheat("exercise3", *EX3_ROUTES[route])})
    assert_loses(graded, "exercise3", "channel-sum")


@pytest.mark.parametrize("attack", ["ex3_thread_conv_tbc.py", "ex3_thread_via_torch.py", "ex3_typing_thread.py"])
@pytest.mark.parametrize("mode", MODES)
def test_adversary_ex3_thread_escapes_thread_local_guards(tmp_path, warm_sandboxes, mode, attack):
    """A guard kept in thread-local state (a dispatch or function mode) is not on the student's thread
    (threading imported, or reached as torch.threading with only `import torch`)."""
    graded = grade(tmp_path, warm_sandboxes, "exercise3", {"exercise3.py": cheat("exercise3", attack)}, mode)
    assert_loses(graded, "exercise3", "channel-sum")


@pytest.mark.parametrize("attack", ["ex3_fresh_interpreter.py", "ex3_fresh_interpreter_torch_os.py"])
@pytest.mark.parametrize("mode", MODES)
def test_adversary_ex3_fresh_interpreter(tmp_path, warm_sandboxes, mode, attack):
    """os.popen reached as pathlib.os or torch.os (never `import os`): a fresh interpreter has no guards."""
    graded = grade(tmp_path, warm_sandboxes, "exercise3", {"exercise3.py": cheat("exercise3", attack)}, mode)
    assert_loses(graded, "exercise3", "channel-sum")


def test_adversary_ex3_main_smuggle_by_import_alias(tmp_path, warm_sandboxes):
    """`from exercise4 import MAIN as __name__` (MAIN = "__main__"): the module is __main__ without an
    assignment to __name__, so an `if __name__ == "__main__":` block the policy never reads runs."""
    files = {"exercise3.py": cheat("exercise3", "ex3_main_smuggle_alias.py"),
             "exercise4.py": reference("exercise4") + "\n\n" + fixture("ex4_main_string.py")}
    graded = grade(tmp_path, warm_sandboxes, "exercise3", files)
    assert_loses(graded, "exercise3", "channel-sum")


def test_adversary_ex3_cheat_in_a_sibling_exercise_file(tmp_path):
    """The graded file is clean; exercise4.py (which forbids nothing) holds the private-API cheat.
    Through `python -m autograder` itself: the command end to end, for this module's attacks."""
    run = Run(tmp_path)
    run.write("exercise3.py", cheat("exercise3", "ex3_sibling_private.py"))
    run.write("exercise4.py", reference("exercise4") + "\n\n" + fixture("ex4_sibling_private.py"))
    graded = run.grade("exercise3", "--submission", run.sub, "--format", "json")
    assert_loses(graded, "exercise3", "channel-sum")


def notebook(*cells: str) -> str:
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": c} for c in cells]})


@pytest.mark.parametrize("attack", ["ex3_notebook_cell_exec.py", "ex3_notebook_prelude_sys.py"])
def test_adversary_ex3_notebook_uses_the_graders_prelude(tmp_path, warm_sandboxes, attack):
    """exercise3.ipynb: the reference in one cell, then a cell that uses the grader's own notebook
    prelude (_nb_cell runs a string; _nb_sys is sys) to run code the policy never reads."""
    from tests.hostile.adversary.kit import Run

    run = Run(tmp_path)
    path = run.write("exercise3.ipynb", notebook(reference("exercise3"), fixture(attack)))
    graded = run.grade_in(warm_sandboxes("bwrap"), "exercise3", "--submission", path, "--format", "json")
    assert_loses(graded, "exercise3", "channel-sum")


# exercise5: max pooling by a library that pools (or filters) for you

@pytest.mark.parametrize("route", ["ex5_max_pool3d.py", "ex5_scipy_maximum_filter.py"])
def test_adversary_ex5_route_loses_the_points(tmp_path, warm_sandboxes, route):
    graded = grade(tmp_path, warm_sandboxes, "exercise5", {"exercise5.py": cheat("exercise5", route)})
    assert_loses(graded, "exercise5", "window-max")


# exercise9: the backward pass by automatic differentiation instead of by hand

@pytest.mark.parametrize("route", ["ex9_forward_ad.py", "ex9_grad_fn_walk.py", "ex9_func_vjp.py",
                                   "ex9_thread_autograd.py"])
def test_adversary_ex9_route_loses_the_points(tmp_path, warm_sandboxes, route):
    graded = grade(tmp_path, warm_sandboxes, "exercise9", {"exercise9.py": cheat("exercise9", route)})
    assert_loses(graded, "exercise9", "grad-input")

