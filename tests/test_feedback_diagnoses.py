"""One explanation per mistake, with a hint about what went wrong (issue 13, items 1 and 3).

Wrong submissions a learner writes, in several styles per exercise, are graded for real (sandboxed);
each failing concept must carry the exact misconception id (or none, where misconceptions.md has no id
and the explanation says it in words), the explanation of that mistake, and the hint that fits it:
the lookalike's own, else the hint of the concept that is about that misconception, never the hint
of whichever concept the case came from. A name is given only when it explains the example shown.
"""
from __future__ import annotations

import re

import pytest
import yaml

from autograder.formats import render
from autograder.results import CourseReport, exercise_dict
from tests.conftest import ROOT



def hint(exercise: str, concept: str) -> str:
    """A concept's hint as exercise.yml words it."""
    config = yaml.safe_load((ROOT / "solutions" / exercise / "exercise.yml").read_text())
    return config["concepts"][concept]["hint"]


def lookalike(exercise: str, key: str):
    from autograder.content import lookalikes_for

    return next(m for m in lookalikes_for(exercise) if m.id == key)


def edited(exercise: str, *edits: tuple[str, str]) -> str:
    """The reference with each `old` (found exactly once) replaced: a student's near miss."""
    text = (ROOT / "solutions" / exercise / f"{exercise}.py").read_text()
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


@pytest.fixture(scope="module")
def grade(warm_sandbox, course, tmp_path_factory):
    from autograder.judging.grading import grade_exercise
    from autograder.judging.submission import load_submission

    done = {}

    def graded(exercise: str, source: str):
        if (exercise, source) not in done:
            path = tmp_path_factory.mktemp(exercise) / f"{exercise}.py"
            path.write_text(source)
            sub = load_submission(course, course.exercise(exercise), path)
            done[exercise, source] = grade_exercise(course, exercise, sub, seed=20261129, sandbox=warm_sandbox,
                                                    reproduce=f"grade {exercise}")
        return done[exercise, source]
    return graded


def failing(report) -> dict:
    return {c.name: c for c in report.concepts if not c.ok}


# --- exercise2: a negative index wraps around; a pair read the other way round ---------------------------

EX2_LOOP_WRAP = edited("exercise2", (
    "out[i] = bias + sum(w[k] * x_padded[start + k * dilation] for k in range(K))",
    "out[i] = bias + sum(w[k] * x[start + k * dilation - padding] for k in range(K)\n"
    "                            if start + k * dilation - padding < L)"))
EX2_LIST_WRAP = edited("exercise2", (
    "x_padded = torch.zeros(L + 2 * padding, dtype=x.dtype)\n    x_padded[padding:padding + L] = x  # zeros on both sides",
    "x_padded = torch.stack([x[j - padding] if j - padding < L else torch.zeros((), dtype=x.dtype)\n"
    "                            for j in range(L + 2 * padding)])"))
EX2_STRIDE_PAIR = edited("exercise2", ("def conv2d_single(image, kernel, bias=0.0, stride=1, padding=0):\n",
                                       "def conv2d_single(image, kernel, bias=0.0, stride=1, padding=0):\n"
                                       "    if isinstance(stride, tuple):\n"
                                       "        stride = (stride[1], stride[0])\n"))


@pytest.mark.parametrize("source", [EX2_LOOP_WRAP, EX2_LIST_WRAP], ids=["loop", "list"])
def test_a_negative_index_that_wraps_around_is_named_with_its_own_hint(grade, source):
    report = grade("exercise2", source)
    bad = failing(report)
    assert set(bad) == {"padding"}
    c = bad["padding"]
    wraps = lookalike("exercise2", "padding-wraps-around")
    assert c.misconception is None and c.mistake == "padding-wraps-around"  # misconceptions.md has no id
    assert c.message.startswith(wraps.explanation) and "including the example below" in c.message
    assert c.hint == wraps.hint
    assert "None of the mistakes" not in c.message


def test_one_pair_read_the_other_way_round_is_height_width_swapped(grade):
    c = failing(grade("exercise2", EX2_STRIDE_PAIR))["2d"]
    assert c.misconception == "height-width-swapped"
    assert c.message.startswith("Your code reads the stride pair the other way round.")
    assert c.hint == hint("exercise2", "2d")  # the concept about that mistake


# --- exercise3: the bias broadcast along the length axis ----------------------------------------------

EX3_EINSUM = '''import torch


def conv1d(x, weight, bias=None, stride=1, padding=0, dilation=1):
    if x.ndim == 2:
        return conv1d(x[None], weight, bias, stride, padding, dilation)[0]
    N, C, L = x.shape
    C_out, C_in, K = weight.shape
    if C != C_in or stride < 1 or dilation < 1 or padding < 0:
        raise ValueError("bad arguments")
    if bias is not None and tuple(bias.shape) != (C_out,):
        raise ValueError("bias must be (C_out,)")
    span = dilation * (K - 1) + 1
    if span > L + 2 * padding:
        raise ValueError("the kernel does not fit")
    xp = torch.zeros(N, C, L + 2 * padding, dtype=x.dtype)
    xp[:, :, padding:padding + L] = x
    L_out = (L + 2 * padding - span) // stride + 1
    out = torch.zeros(N, C_out, L_out, dtype=x.dtype)
    for i in range(L_out):
        out[:, :, i] = torch.einsum("nck,ock->no", xp[:, :, i * stride:i * stride + span:dilation], weight)
    if bias is not None:
        out = BIAS
    return out


def conv1d_channels_last(x, weight, bias=None, stride=1, padding=0, dilation=1):
    return conv1d(x.permute(0, 2, 1), weight, bias, stride, padding, dilation).permute(0, 2, 1)
'''
EX3_LOOP_BIAS = edited("exercise3", (
    "            if bias is not None:\n                out[n, o] += bias[o]  # once per output value\n", ""),
    ("    return out\n    ### END SOLUTION\n\n\ndef conv1d_channels_last",
     "    if bias is not None:\n        for n in range(N):\n            out[n] = out[n] + bias\n"
     "    return out\n    ### END SOLUTION\n\n\ndef conv1d_channels_last"))


@pytest.mark.parametrize("source", [EX3_EINSUM.replace("BIAS", "out + bias"), EX3_LOOP_BIAS], ids=["einsum", "loop"])
def test_a_bias_broadcast_along_the_length_axis_is_explained_once(grade, source):
    report = grade("exercise3", source)
    bad = failing(report)
    assert "bias" in bad and set(bad) <= {"bias", "layout", "combined"}  # combined: every option at once
    axis = lookalike("exercise3", "bias-on-length-axis")
    c = bad["bias"]
    assert c.mistake == "bias-on-length-axis" and c.misconception is None
    assert c.message.startswith(axis.explanation) and c.hint == axis.hint
    assert "output size" not in c.message and "L_out = " not in c.message  # not a wrong size formula
    assert exercise_dict(report)["concepts"][2]["hint"] == axis.hint  # the JSON carries the same hint
    text = render(CourseReport((report,), requested="exercise3"), "text", width=80, color=False)
    assert text.count(axis.explanation[:40]) == 1  # explained once, however many concepts it hit
    assert text.count(f"Hint: {axis.hint[:30]}") == 1
    assert max(len(line) for line in text.splitlines() if not line.startswith("Reproduce: ")) <= 80
    html = render(CourseReport((report,), requested="exercise3"), "html")
    assert html.count("<th>hint</th>") == 1
    if set(bad) - {"bias"}:
        assert "Looks like: the mistake explained under bias, above" in text
        assert "the mistake explained under <b>bias</b>, above" in html


def test_a_correct_bias_gets_no_name_and_no_hint_of_a_mistake(grade):
    report = grade("exercise3", EX3_EINSUM.replace("BIAS", "out + bias[None, :, None]"))
    assert report.score == report.max_score
    assert all(c.misconception is None and not c.mistake for c in report.concepts)


# --- exercise5: a naive ceil mode, whatever its padding holds --------------------------------------------

NAIVE = ("if ceil_mode and (out - 1) * stride >= length + padding:", "if False:  # every ceil window kept")
EX5_FMIN = edited("exercise5", NAIVE, ('padded = _pad_with(x, p, right, float("-inf"))',
                                       "padded = _pad_with(x, p, right, torch.finfo(x.dtype).min)"))
EX5_NEG_INF = edited("exercise5", NAIVE)
EX5_LOOP_ZERO = edited("exercise5", NAIVE, (
    '''    padded = _pad_with(x, p, right, float("-inf"))
    out = None
    for tap in range(k):  # tap k of every window: a strided slice
        start = tap * d
        values = padded[..., start:start + (out_len - 1) * s + 1:s]
        out = values if out is None else torch.maximum(out, values)
''', '''    out = x.new_zeros(*x.shape[:-1], out_len)
    for i in range(out_len):
        inside = [i * s + t * d - p for t in range(k) if 0 <= i * s + t * d - p < length]
        if inside:  # a window with no input position keeps its 0
            out[..., i] = x[..., inside].amax(dim=-1)
'''))


@pytest.mark.parametrize("source", [EX5_FMIN, EX5_NEG_INF, EX5_LOOP_ZERO], ids=["float-min", "-inf", "loop-zero"])
def test_a_naive_ceil_mode_is_named_whatever_it_fills_with(grade, source):
    bad = failing(grade("exercise5", source))
    assert set(bad) == {"ceil-mode"}
    c = bad["ceil-mode"]
    assert c.misconception == "ceil-mode-naive"
    assert c.message.startswith("In ceil mode your code keeps a last window that starts in the right padding")
    assert c.hint == hint("exercise5", "ceil-mode")
    assert "output size is computed wrongly" not in c.message


# --- exercise6: 'same' split the wrong way ------------------------------------------------------------

SAME = "left, right = total // 2, total - total // 2  # the odd one on the right"


@pytest.mark.parametrize("new, key", [("left = right = k // 2", "same-half-kernel"),
                                      ("left = right = total // 2", "same-symmetric-floor")])
def test_same_padding_split_evenly_is_explained_in_words(grade, new, key):
    bad = failing(grade("exercise6", edited("exercise6", (SAME, new))))
    assert set(bad) == {"same-padding"}
    c = bad["same-padding"]
    assert c.mistake == key and c.misconception is None
    assert c.message.startswith(lookalike("exercise6", key).explanation)
    assert c.hint == lookalike("exercise6", key).hint
    assert "on 0 of" not in c.message and "differs in another way" not in c.message


def test_same_extra_left_keeps_its_id(grade):
    c = failing(grade("exercise6", edited("exercise6", (SAME, "left, right = total - total // 2, total // 2"))))[
        "same-padding"]
    assert c.misconception == "same-extra-left" and c.hint == hint("exercise6", "same-padding")


# --- exercise7: one pair of (height, width) read the other way round -----------------------------------

@pytest.mark.parametrize("old, new", [
    ("x, unbatched, (sh, sw), (dh, dw), pads =", "x, unbatched, (sw, sh), (dh, dw), pads ="),
    ("pads = ((p[0], p[0]), (p[1], p[1]))", "pads = ((p[1], p[1]), (p[0], p[0]))"),
], ids=["stride", "padding"])
def test_a_height_width_swap_in_one_pair_is_named(grade, old, new):
    bad = failing(grade("exercise7", edited("exercise7", (old, new))))
    assert set(bad) == {"non-square"}
    c = bad["non-square"]
    assert c.misconception == "height-width-swapped"
    assert c.hint == hint("exercise7", "non-square")
    assert "output size is computed wrongly" not in c.message


def test_a_kernel_read_as_kw_kh_is_named_with_its_own_explanation_and_hint(grade):
    """`c_out, c_group, kw, kh = weight.shape`: square kernels pass, non-square ones give an output of
    the wrong shape; the report names the swapped unpacking, not just a wrong shape."""
    source = edited("exercise7", ("    c_out, c_group, kh, kw = weight.shape\n    padded",
                                  "    c_out, c_group, kw, kh = weight.shape\n    padded"))
    report = grade("exercise7", source)
    bad = failing(report)
    assert set(bad) == {"non-square"}
    c = bad["non-square"]
    look = lookalike("exercise7", "kernel-size-read-wh")
    assert c.misconception == "height-width-swapped" and c.message.startswith(look.explanation)
    assert c.mistake == "kernel-size-read-wh" and c.hint == look.hint
    text = render(CourseReport((report,), requested="exercise7"), "text", width=80, color=False)
    assert "Your code reads the kernel's size as (KW, KH)" in text
    assert "c_out, c_group, kw, kh = weight.shape  # should be c_out, c_group, kh, kw" in text


def test_a_sum_over_the_filters_is_named_not_a_channel_order(grade):
    """einsum "goc,ngchw->ngchw": the sum runs over the filters, not the input channels; the report
    says so (with its own hint) wherever the failing cases come from, never "read in the wrong order"."""
    source = edited("exercise7", ('torch.einsum("goc,ngchw->ngohw"', 'torch.einsum("goc,ngchw->ngchw"'))
    report = grade("exercise7", source)
    bad = failing(report)
    assert {"channel-sum", "filters"} <= set(bad)
    look = lookalike("exercise7", "summed-over-filters")
    assert {c.misconception for c in bad.values()} == {"channels-not-summed"}
    assert {c.mistake for c in bad.values()} == {"summed-over-filters"}
    assert all(c.hint == look.hint for c in bad.values())
    text = render(CourseReport((report,), requested="exercise7"), "text", width=80, color=False)
    assert "Your code sums over the filters (out_channels) instead of over the input channels" in " ".join(text.split())
    assert "wrong order" not in text and text.count("Hint: ") == 1


def test_exercise3_a_sum_over_the_filters_is_named(grade):
    """`(weight[:, o] * window[o]).sum()`: filter and channel indices confused, the sum runs over the
    filters. Where there are several filters the report says so; never "read in the wrong order"."""
    source = edited("exercise3", ("out[n, o, i] = (weight[o] * window).sum()  # sum over channels AND taps",
                                  "out[n, o, i] = (weight[:, o] * window[o]).sum()"))
    report = grade("exercise3", source)
    bad = failing(report)
    look = lookalike("exercise3", "summed-over-filters")
    assert bad["filters"].mistake == "summed-over-filters" and bad["filters"].hint == look.hint
    assert {c.misconception for c in bad.values()} == {"channels-not-summed"}
    text = render(CourseReport((report,), requested="exercise3"), "text", width=80, color=False)
    assert "Your code sums over the filters instead of over the input channels" in " ".join(text.split())
    assert "wrong order" not in text


# --- exercise4: one sign mistake, its hint once ---------------------------------------------------------

TEXTBOOK_SOBEL = edited("exercise4", ("kx = torch.tensor([[-1.0, 0.0, 1.0],\n                       [-2.0, 0.0, 2.0],\n"
                                       "                       [-1.0, 0.0, 1.0]]",
                                       "kx = torch.tensor([[1.0, 0.0, -1.0],\n                       [2.0, 0.0, -2.0],\n"
                                       "                       [1.0, 0.0, -1.0]]"))
SOBEL_AXES_SWAPPED = edited("exercise4", ("return kx, ky\n    ### END", "return ky, kx\n    ### END"))


def test_the_sobel_sign_is_explained_once_with_the_kernels_hint(grade):
    """One sign choice costs one concept (orientation judges |gx|, |gy|): its explanation, hint and
    differing line are shown once, under sobel-kernel."""
    report = grade("exercise4", edited("exercise4", ("kx = torch.tensor([[-1", "kx = -torch.tensor([[-1")))
    bad = failing(report)
    assert set(bad) == {"sobel-kernel"} and bad["sobel-kernel"].misconception == "sobel-sign-flipped"
    assert bad["sobel-kernel"].hint == hint("exercise4", "sobel-kernel")  # not "gx changes along ..."
    text = render(CourseReport((report,), requested="exercise4"), "text", width=80, color=False)
    assert text.count("Hint: ") == 1 and text.count("The line that differs") == 1


@pytest.mark.parametrize("seed", [20261129, 7, 123456])
def test_the_textbook_sobel_kernel_loses_points_only_in_sobel_kernel(warm_sandbox, course, tmp_path, seed):
    """The textbook (true-convolution) kx used with conv2d: every gradient has the wrong sign. That is
    one mistake about the kernel, not about which axis gx and gy measure."""
    from autograder.judging.grading import grade_exercise
    from autograder.judging.submission import load_submission

    path = tmp_path / "exercise4.py"
    path.write_text(TEXTBOOK_SOBEL)
    report = grade_exercise(course, "exercise4", load_submission(course, course.exercise("exercise4"), path),
                            seed=seed, sandbox=warm_sandbox, reproduce="grade exercise4")
    bad = failing(report)
    assert set(bad) == {"sobel-kernel"}
    assert bad["sobel-kernel"].misconception == "sobel-sign-flipped"
    assert report.score == report.max_score - 3  # sobel-kernel's 3 points, nothing else


def test_gx_and_gy_exchanged_still_cost_orientation(grade):
    bad = failing(grade("exercise4", SOBEL_AXES_SWAPPED))
    assert set(bad) == {"sobel-kernel", "orientation"}
    assert {c.misconception for c in bad.values()} == {"sobel-axes-swapped"}


# --- a 1-D call's refusal in 1-D terms ------------------------------------------------------------------

def test_torch_refusals_of_1d_calls_drop_the_height_axis():
    """PyTorch runs conv1d as a conv2d of height 1 and says "got [1, 0]"; a 1-D oracle's Invalid says 0."""
    import sys

    from autograder.cases.space import Invalid
    from autograder.cases.torch_oracle import torch_decides

    sys.path.insert(0, str(ROOT))
    from solutions.exercise1 import cases as ex1
    from solutions.exercise2 import cases as ex2

    def refusal(oracle, *args, **kwargs) -> str:
        with pytest.raises(Invalid) as raised:
            oracle(*args, **kwargs)
        return str(raised.value)

    assert refusal(ex1.conv_output_length, 5, 3, dilation=0) == "dilation should be greater than zero, but got 0"
    assert refusal(ex1.conv_transpose_output_length, 0, 3) == "the input length must be at least 1, but got 0"
    assert refusal(ex1.conv_transpose_output_length, 5, 3, stride=2, output_padding=3) == (
        "output_padding must be smaller than either stride or dilation, but got output_padding=3, stride=2, "
        "dilation=1")
    import torch
    x, w0 = torch.zeros(5, dtype=torch.float64), torch.zeros(0, dtype=torch.float64)
    assert refusal(ex2.conv1d_single, x, w0) == "kernel_size should be greater than zero, but got 0"
    # a 2-D call keeps torch's pair: (1, 0) is what the student passed there
    both = torch_decides(lambda: torch.nn.functional.conv2d(torch.zeros(1, 1, 4, 4), torch.zeros(1, 1, 2, 2),
                                                            dilation=(1, 0)))
    assert refusal(both) == "dilation should be greater than zero, but got [1, 0]"


def test_a_missing_dilation_check_is_reported_in_1d_terms(grade):
    source = edited("exercise1", (
        '("length", length), ("kernel_size", kernel_size), ("stride", stride), ("dilation", dilation)):\n'
        '        _positive(name, value)\n    if not isinstance(padding, int) or padding < 0:\n'
        '        raise ValueError(f"padding must be a non-negative int, got {padding!r}")\n'
        '    span = dilation * (kernel_size - 1) + 1  # the dilated',
        '("length", length), ("kernel_size", kernel_size), ("stride", stride)):\n'
        '        _positive(name, value)\n    if not isinstance(padding, int) or padding < 0:\n'
        '        raise ValueError(f"padding must be a non-negative int, got {padding!r}")\n'
        '    span = dilation * (kernel_size - 1) + 1  # the dilated'))
    report = grade("exercise1", source)
    text = " ".join(render(CourseReport((report,), requested="exercise1"), "text", width=80, color=False).split())
    assert "dilation should be greater than zero, but got 0" in text
    assert "[1, 0]" not in text and "kernel_height" not in text


# --- no name that its own evidence refutes ----------------------------------------------------------------

def test_a_mistake_that_explains_few_cases_is_not_named(grade):
    """Left padding that repeats x[0]: window-off-by-one happens to give the shrunk example's values, on
    1 failing case in 5; naming it would point the wrong way."""
    source = edited("exercise2", ("x_padded[padding:padding + L] = x  # zeros on both sides",
                                  "x_padded[padding:padding + L] = x\n    x_padded[:padding] = x[0]"))
    c = failing(grade("exercise2", source))["padding"]
    assert c.misconception is None and not c.mistake
    assert not re.search(r"on [01] of the \d+ failing", c.message)
    assert c.hint == hint("exercise2", "padding")


# --- patterns without a known mistake: the hint follows the pattern ----------------------------------------

EX2_LOOP_SHORT = edited("exercise2", ("    out = torch.empty(L_out, dtype=x.dtype)\n    for i in range(L_out):",
                                      "    out = torch.zeros(L_out, dtype=x.dtype)\n    for i in range(L_out - 1):"))


def test_a_loop_one_short_is_not_sent_to_the_stride_or_the_padding(grade):
    """Before: "Window i starts at i * stride" under stride, "look at the padding" under padding."""
    from autograder.judging.localise import HINTS

    bad = failing(grade("exercise2", EX2_LOOP_SHORT))
    assert {"stride", "padding", "dilation"} <= set(bad)
    for name in ("stride", "padding", "dilation"):
        c = bad[name]
        assert c.misconception is None
        assert "as if never computed" in c.message and "range(L_out), not one fewer" in c.message, name
        assert "look at the padding" not in c.message and "None of the mistakes" not in c.message
        assert c.hint == HINTS["unwritten"], name
    report = grade("exercise2", EX2_LOOP_SHORT)
    text = render(CourseReport((report,), requested="exercise2"), "text", width=80, color=False)
    assert text.count("as if ") == 1 and text.count("Hint: ") == 1  # one loop, explained once
    assert text.count("Looks like: the mistake explained under dot-product, above") == len(bad) - 1


@pytest.mark.parametrize("body, key", [("(kernel_size // 2, kernel_size // 2)", "same-half-kernel"),
                                       ("(total // 2, total // 2)", "same-symmetric-floor")])
def test_same_padding_as_a_pair_is_not_sent_to_the_size_formula(grade, body, key):
    source = edited("exercise1", ("    return (total // 2, total - total // 2)\n", f"    return {body}\n"))
    c = failing(grade("exercise1", source))["same-padding"]
    assert c.mistake == key and c.misconception is None
    assert c.message.startswith(lookalike("exercise1", key).explanation)
    assert "L_out" not in c.message and c.hint == lookalike("exercise1", key).hint


def test_a_crash_gets_no_hint_of_another_mistake_and_validation_no_contradiction(grade):
    """A TypeError under dilation showed the L - K + 1 hint; "Looks like: no-validation" stood beside
    "None of the mistakes the grader knows"."""
    source = edited("exercise2", (
        "    span = dilation * (K - 1) + 1  # positions the dilated kernel covers",
        "    if dilation > 1:\n        raise TypeError('dilation is not supported')\n"
        "    span = dilation * (K - 1) + 1  # positions the dilated kernel covers"))
    source = source.replace("    for name, value in ((\"input length\", L), (\"kernel size\", K), (\"stride\", stride), "
                            "(\"dilation\", dilation)):\n        _positive(name, value)\n", "", 1)
    bad = failing(grade("exercise2", source))
    assert bad["dilation"].status == "crash" and bad["dilation"].hint == ""
    v = bad["validation"]
    assert v.misconception == "no-validation" and "None of the mistakes" not in v.message
    assert v.hint == hint("exercise2", "validation")
