"""Generated mutants: the generator's edits, the classifier's labels, and `grade audit --generated`
end to end, with a ratchet: the survivors of a fixed sample are exactly the recorded ones."""
from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from autograder.authoring import classify_mutants
from autograder.authoring.classify_mutants import classify
from autograder.authoring.mutate import Mutant, generate, marker_lines, reference

from conftest import ROOT, course_exercises, run_grade

KNOWN_SURVIVORS = ROOT / "tests" / "mutants_known_survivors.txt"
# the CI sample: every exercise, this many mutants each, at the course seed (the ratchet's command)
CI_SAMPLE = 6


def body(code: str, *, params: str = "a, b") -> str:
    """A module with one function whose body (between solution markers) is `code`."""
    inner = textwrap.indent(textwrap.dedent(code).strip("\n"), "    ")
    return (f"import torch\n\n\ndef outside(a):\n    return a + 1\n\n\ndef f({params}):\n    \"\"\"doc 1\"\"\"\n"
            f"    ### BEGIN SOLUTION\n{inner}\n    ### END SOLUTION\n")


def descriptions(code: str, **kw) -> dict[str, str]:
    """description (without its line) -> operator, for every mutant of f."""
    return {m.description.split(": ", 1)[1]: m.operator for m in generate(body(code, **kw), "t")}


# --- the generator -------------------------------------------------------------------------------


@pytest.mark.parametrize("code, params, edit, operator", [
    ("return a // b", "a, b", "a // b -> (a / b)", "op"),
    ("return a + b", "a, b", "a + b -> (a - b)", "op"),
    ("return a < b", "a, b", "a < b -> (a <= b)", "cmp"),
    ("return a >= b", "a, b", "a >= b -> (a > b)", "cmp"),
    ("return a is None", "a, b", "a is None -> (a is not None)", "cmp"),
    ("return a + 3", "a, b", "a + 3 -> a + 4", "const"),
    ("return a + 3", "a, b", "a + 3 -> a + 2", "const"),
    ("return a + b + 1", "a, b", "a + b + 1 -> (a + b)", "term"),
    ("return d * (k - 1) + 1", "d, k", "d * (k - 1) -> (k - 1)", "factor"),
    ("return max(a, b)", "a, b", "max(a, b) -> max(b, a)", "args"),
    ("return (kh, kw)", "kh, kw", "(kh, kw) -> (kw, kh)", "swap"),
    ("return s[1]", "s, b", "s[1] -> s[0]", "index"),
    ("return s[-1]", "s, b", "s[-1] -> s[-2]", "index"),
    ("return sh * a", "a, sh, sw", "sh * a -> sw * a", "var"),
    ("return height - width", "height, width", "height - width -> width - width", "var"),
    ("if a < 0:\n    raise ValueError('negative')\nreturn a", "a, b", "a < 0 -> False", "check"),
    ("if a < 0:\n    raise ValueError('negative')\nreturn a", "a, b", "ValueError('negative') -> RuntimeError('negative')", "raise"),
    ("if b is None:\n    b = a\nreturn b", "a, b", "b is None -> True", "branch"),
    ("return sum(a for _ in range(b))", "a, b", "range(b) -> range(b - 1)", "range"),
    ("return a and b", "a, b", "a and b -> (a or b)", "bool"),
    ("return not a", "a, b", "not a -> a", "not"),
    ("return a.transpose(0, 1)", "a, b", "a.transpose(0, 1) -> a.transpose_(0, 1)", "inplace"),
    ("a = a + b\nreturn a", "a, b", "a = a + b -> a += b", "inplace"),
])
def test_each_operator_makes_its_edit(code, params, edit, operator):
    found = descriptions(code, params=params)
    assert found.get(edit) == operator, sorted(found)


def test_a_checking_helper_bypassed_and_the_ids_are_short_and_stable():
    src = body("v = _positive(a)\nreturn v", params="a, b").replace("import torch", "def _positive(v):\n    return v")
    mutants = generate(src, "exercise0")
    assert any(m.description.endswith("_positive(a) -> a") and m.operator == "check" for m in mutants)
    ids = [m.id for m in mutants]
    assert len(ids) == len(set(ids)) and ids == [m.id for m in generate(src, "exercise0")]
    assert all(i.startswith("exercise0/L") for i in ids)


def test_nothing_outside_the_markers_or_in_messages_and_docstrings_is_edited():
    src = body("if a < 0:\n    raise ValueError(f'a is {a + 1}')\nreturn a * 2")
    mutants = generate(src, "t")
    assert mutants
    assert all(m.function == "f" and "{a + 1}" in m.source and '"""doc 1"""' in m.source for m in mutants)
    for m in mutants:
        assert m.source.split("### BEGIN SOLUTION")[0] == src.split("### BEGIN SOLUTION")[0]
        assert m.source.split("### END SOLUTION")[1] == src.split("### END SOLUTION")[1]


@pytest.mark.parametrize("name", course_exercises())  # every exercise, whatever its name
def test_every_mutant_of_a_reference_compiles_and_edits_only_inside_a_solution_block(course, name):
    _, text = reference(course, name)
    blocks = marker_lines(text)
    mutants = generate(text, name)
    assert len(mutants) >= 30
    for m in mutants:
        compile(m.source, m.id, "exec")
        # the first and last characters that differ lie inside one solution block
        head = next(i for i, (x, y) in enumerate(zip(text, m.source)) if x != y)
        tail = next(i for i, (x, y) in enumerate(zip(reversed(text), reversed(m.source))) if x != y)
        first, last = text[:head].count("\n") + 1, text[:len(text) - tail].count("\n") + 1
        assert any(b < first and last < e for b, e in blocks), (m.id, first, last)
        assert m.description.startswith(f"line {m.line}: ") and len(m.description) < 120


# --- the classifier ------------------------------------------------------------------------------


def _edited(text: str, old: str, new: str, ident: str) -> Mutant:
    assert text.count(old) >= 1
    return Mutant(ident, "exercise1", "conv_output_length", 0, "hand", ident, text.replace(old, new, 1))


def test_an_equivalent_mutant_and_a_real_bug(course):
    _, text = reference(course, "exercise1")
    line = "return (padded - span) // stride + 1"
    same = _edited(text, line, "return (padded - span) // stride + 1 + 0", "plus-zero")
    bug = _edited(text, line, "return (padded - span) // stride + 2", "plus-two")
    slip = _edited(text, "if span > padded:", "if span > padded + 1:", "fits-by-one")
    labels, probes = classify(course, "exercise1", [same, bug, slip], text, count=300)
    assert [lab.label for lab in labels] == ["equivalent", "bug", "bug"]
    assert labels[1].call.startswith("conv_output_length(") and "returned" in labels[1].message
    # the smallest probe that tells it apart: nothing smaller among the probes fails the same way
    assert "invalid configuration" in labels[2].message and labels[2].probe is not None
    assert len(probes.items) == 300


def test_a_mutant_that_changes_its_input_is_a_bug(course):
    _, text = reference(course, "exercise2")
    changer = Mutant("changer", "exercise2", "conv1d_single", 0, "hand", "x changed",
                     text.replace("    return out\n", "    x.add_(1.0)\n    return out\n", 1))
    labels, _ = classify(course, "exercise2", [changer], text, count=40)
    assert labels[0].label == "bug" and labels[0].message == "changed its input x"


def test_a_mutant_that_loops_forever_is_a_bug_and_does_not_stop_the_others(course, monkeypatch):
    _, text = reference(course, "exercise1")
    loops = _edited(text, "    span = dilation * (kernel_size - 1) + 1  # the dilated kernel's reach\n",
                    "    while True:\n        pass\n", "loops")
    # one that even ignores the alarm: the worker is killed at the limit per mutant and replaced
    deaf = _edited(text, '"""Exercise 1', 'import signal\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\n"""Exercise 1',
                   "deaf")
    deaf = Mutant("deaf", "exercise1", "conv_output_length", 0, "hand", "deaf",
                  deaf.source.replace("    span = dilation * (kernel_size - 1) + 1  # the dilated kernel's reach\n",
                                      "    while True:\n        pass\n", 1))
    same = _edited(text, "return (padded - span) // stride + 1", "return (padded - span) // stride + 1 + 0", "same")
    monkeypatch.setattr(classify_mutants, "MUTANT_SECONDS", 8.0)
    labels, _ = classify(course, "exercise1", [loops, deaf, same], text, count=30)
    assert [lab.label for lab in labels] == ["bug", "bug", "equivalent"]
    assert labels[0].message.startswith("timeout") and labels[0].call.startswith("conv_output_length(")
    assert labels[1].message == "ran past 8 s on the probes"


# --- the report ----------------------------------------------------------------------------------


def test_the_text_report_fits_80_columns_and_the_json_report_says_the_same():
    from autograder.authoring.classify_mutants import Label
    from autograder.authoring.generated_audit import ExerciseAudit, GeneratedAudit, Graded, render_json, render_text

    m = Mutant("exercise7/L99-var2", "exercise7", "conv2d", 99, "var", "line 99: " + "very_long_name + " * 6, "")
    caught = Mutant("exercise7/L12-op1", "exercise7", "conv2d", 12, "op", "line 12: a // b -> (a / b)", "")
    same = Mutant("exercise7/L13-op1", "exercise7", "conv2d", 13, "op", "line 13: a + 0 -> a - 0", "")
    survivor = Label(m, "bug", 3, "conv2d(x=tensor([[[[" + "1.0, " * 40 + "]]]]), stride=(1, 2))", "failed: " * 30)
    labels = (survivor, Label(caught, "bug", 0, "conv2d(x=...)", "failed"), Label(same, "equivalent"))
    graded = (Graded(survivor, (10.0, 9.5), 10.0), Graded(labels[1], (2.0, 2.0), 10.0))
    ex = ExerciseAudit("exercise7", 441, 3, labels, graded, (10.0, 10.0), 10.0, 600, ("conv2d(" + "x, " * 40 + ")",),
                       1.0, 2.0)
    audit = GeneratedAudit((20261121, 1), 600, 3, (ex,))
    text = render_text(audit)
    assert max(len(line) for line in text.splitlines()) <= 80, text
    assert "exercise7/L99-var2" in text and "full marks at seed 20261121" in text and "L12-op1" not in text
    assert "1 of 2 real bugs lose points (mutation score 50%)" in text
    assert not audit.ok
    data = json.loads(render_json(audit))
    (e,) = data["exercises"]
    assert data["survivors"] == 1 and data["bugs"] == 2 and data["ok"] is False
    assert [s["id"] for s in e["survivors"]] == ["exercise7/L99-var2"] and e["survivors"][0]["seeds"] == [20261121]
    assert [q["id"] for q in e["equivalent"]] == ["exercise7/L13-op1"] and e["caught"] == 1


# --- end to end ----------------------------------------------------------------------------------


def _known() -> dict[str, str]:
    """The ratchet file: `mutant-id  why it survives`, one a line; # comments."""
    out = {}
    for line in KNOWN_SURVIVORS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            ident, _, why = line.partition(" ")
            assert why.strip(), f"{KNOWN_SURVIVORS.name}: {ident} says no why"
            out[ident] = why.strip()
    return out


@pytest.mark.slow
def test_generated_audit_of_one_exercise_end_to_end():
    done = run_grade("audit", "--generated", "exercise4", "--sample", "10", "--probes", "200", "--format", "json")
    assert done.returncode in (0, 1), done.stderr
    report = json.loads(done.stdout)
    (ex,) = report["exercises"]
    assert ex["exercise"] == "exercise4" and ex["sampled"] == 10 and ex["probes"] == 200
    assert ex["reference_scores"] == [ex["max_score"]]  # the reference itself keeps full marks
    assert len(ex["equivalent"]) + ex["bugs"] == 10 and len(ex["graded"]) == ex["bugs"]
    assert (done.returncode == 1) == bool(ex["survivors"]) == (not report["ok"])
    for g in ex["graded"]:
        assert g["input"].startswith(("sobel_", "gradient_", "detect_"))
        assert (g["scores"][0] == ex["max_score"]) == any(s["id"] == g["id"] for s in ex["survivors"])
    assert "exercise4" in done.stderr and "s +" in done.stderr  # the time taken, per exercise


def test_generated_audit_usage_errors():
    assert run_grade("audit", "exercise1").returncode == 2  # exercise names go with --generated
    bad = run_grade("audit", "--generated", "exercise99")
    assert bad.returncode == 2 and "exercise99" in bad.stderr and "Traceback" not in bad.stderr
    assert run_grade("audit", "--generated", "--sample", "0").returncode == 2


@pytest.mark.slow
@pytest.mark.timeout(1200)  # about 3 minutes on two busy cores: 9 exercises x 6 mutants, graded in the sandbox
def test_the_survivors_of_the_ci_sample_are_exactly_the_known_ones():
    """A new survivor fails here; fixing a case makes its line here fail too, until it is removed."""
    done = run_grade("audit", "--generated", "--sample", str(CI_SAMPLE), "--format", "json", timeout=1200)
    assert done.returncode in (0, 1), done.stderr
    report = json.loads(done.stdout)
    found = {s["id"] for e in report["exercises"] for s in e["survivors"]}
    known = _known()
    new = sorted(found - set(known))
    fixed = sorted(set(known) - found)
    assert not new, "new survivors (full marks for a real bug):\n" + "\n".join(
        f"{s['id']} {s['description']} | {s['input']}" for e in report["exercises"] for s in e["survivors"]
        if s["id"] in new)
    assert not fixed, f"no longer survive: remove from {KNOWN_SURVIVORS.name}: {fixed}"
    assert all(e["reference_scores"] == [e["max_score"]] for e in report["exercises"])
    assert (done.returncode == 1) == bool(found)


def test_the_known_survivors_file_names_generated_mutants(course):
    ids = {m.id for name in course.exercises for m in generate(reference(course, name)[1], name)}
    assert set(_known()) <= ids
    assert Path(KNOWN_SURVIVORS).read_text(encoding="utf-8").endswith("\n")
