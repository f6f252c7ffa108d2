"""`grade audit --generated`: do the cases catch every real bug a small edit of a reference makes?

For each exercise: generate the first-order mutants of the reference (autograder/authoring/mutate.py),
optionally a fixed sample of them; label each `equivalent` or `bug` against the torch oracle on
the probe inputs (autograder/authoring/classify_mutants.py, independent of the grader's cases); then grade
every bug as a student's submission, through the sandbox (one warm sandbox for all of them), at
the course seed or the seeds given. A bug that gets full marks is a survivor: the report shows it
with the smallest probe that tells it apart from the reference.
"""
from __future__ import annotations

import json
import textwrap
import time
from dataclasses import dataclass, field
from typing import Sequence

from autograder.authoring.classify_mutants import Label, classify
from autograder.authoring.mutate import Mutant, generate, reference

DEFAULT_PROBES = 600


@dataclass(frozen=True)
class Graded:
    label: Label
    scores: tuple[float, ...]  # one per seed
    max_score: float

    @property
    def survived_on(self) -> tuple[int, ...]:
        """Indices of the seeds on which the bug got full marks."""
        return tuple(i for i, s in enumerate(self.scores) if s >= self.max_score)


@dataclass(frozen=True)
class ExerciseAudit:
    exercise: str
    generated: int
    sampled: int
    labels: tuple[Label, ...]
    graded: tuple[Graded, ...]
    reference_scores: tuple[float, ...]
    max_score: float
    probes: int
    dropped: tuple[str, ...]  # probes where the reference disagrees with torch, as calls
    classify_seconds: float
    grade_seconds: float

    @property
    def equivalent(self) -> list[Label]:
        return [lab for lab in self.labels if lab.label == "equivalent"]

    @property
    def bugs(self) -> list[Label]:
        return [lab for lab in self.labels if lab.label == "bug"]

    @property
    def survivors(self) -> list[Graded]:
        return [g for g in self.graded if g.survived_on]

    @property
    def reference_ok(self) -> bool:
        return all(s >= self.max_score for s in self.reference_scores)


@dataclass(frozen=True)
class GeneratedAudit:
    seeds: tuple[int, ...]
    probes: int
    sample: int | None
    exercises: tuple[ExerciseAudit, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return all(not e.survivors and e.reference_ok for e in self.exercises)


def sample_of(mutants: Sequence[Mutant], n: int | None) -> list[Mutant]:
    """`n` mutants spread evenly over the file (all of them when n is None or larger)."""
    if n is None or n >= len(mutants):
        return list(mutants)
    return [mutants[(i * len(mutants)) // n] for i in range(n)]


def audit_generated(course, names: Sequence[str], *, seeds: Sequence[int], sample: int | None = None,
                    probes: int = DEFAULT_PROBES, log=None) -> GeneratedAudit:
    from autograder.content import definition
    from autograder.sandbox.runner import Sandbox

    for name in names:  # an exercise without probes: one line before anything runs
        definition(course, name).probes
    done = []
    with Sandbox() as sandbox:
        for name in names:
            done.append(_audit_exercise(course, name, seeds, sample, probes, sandbox, log))
    return GeneratedAudit(tuple(seeds), probes, sample, tuple(done))


def _audit_exercise(course, name, seeds, sample, probes, sandbox, log) -> ExerciseAudit:
    from autograder.judging.grading import grade_exercise
    from autograder.sandbox.runner import Submission

    ex = course.exercise(name)
    _, text = reference(course, name)
    mutants = generate(text, name)
    chosen = sample_of(mutants, sample)
    started = time.perf_counter()
    labels, probe_set = classify(course, name, chosen, text, count=probes)
    classified = time.perf_counter()

    def grade(source: str, origin: str) -> tuple[float, ...]:
        submission = Submission(module=ex.module, sources={ex.module: source}, origin=origin)
        return tuple(grade_exercise(course, name, submission, seed=s, sandbox=sandbox,
                                    reproduce=f"grade audit --generated {name} --seed {s}").score for s in seeds)

    reference_scores = grade(text, "reference")
    graded = []
    for lab in labels:
        if lab.label == "bug":
            graded.append(Graded(lab, grade(lab.mutant.source, f"mutant {lab.mutant.id}"), ex.points))
    finished = time.perf_counter()
    result = ExerciseAudit(
        exercise=name, generated=len(mutants), sampled=len(chosen), labels=tuple(labels), graded=tuple(graded),
        reference_scores=reference_scores, max_score=ex.points, probes=len(probe_set.items),
        dropped=tuple(_call_of(probe_set.items[k]) for k in probe_set.dropped),
        classify_seconds=classified - started, grade_seconds=finished - classified)
    if log:
        log(f"{name}: {result.sampled} mutants, {len(result.equivalent)} equivalent, {len(result.bugs)} bugs, "
            f"{len(result.survivors)} survivors ({result.classify_seconds:.0f} s + {result.grade_seconds:.0f} s)")
    return result


def _call_of(item) -> str:
    from autograder.authoring.classify_mutants import describe

    return describe(*item)


# --- reports -----------------------------------------------------------------------------------


def render_text(audit: GeneratedAudit, *, width: int = 80) -> str:
    seeds = ", ".join(map(str, audit.seeds))
    what = f"a sample of {audit.sample} mutants per exercise" if audit.sample else "every mutant"
    lines = textwrap.wrap(f"Generated mutants of the references ({what}), graded at seed{'s' if len(audit.seeds) > 1 else ''} {seeds}; "
                          f"equivalent ones (same as torch on {audit.probes} probe inputs per exercise) are left "
                          "out, and listed by --format json.", width) + [""]
    head = f"{'exercise':<11}{'mutants':>8}{'sampled':>8}{'equiv':>7}{'bugs':>6}{'caught':>8}{'survive':>8}{'seconds':>9}"
    lines += [head, "-" * len(head)]
    totals = [0] * 6
    for e in audit.exercises:
        row = [e.generated, e.sampled, len(e.equivalent), len(e.bugs), len(e.bugs) - len(e.survivors),
               len(e.survivors)]
        totals = [t + r for t, r in zip(totals, row)]
        seconds = e.classify_seconds + e.grade_seconds
        lines.append(f"{e.exercise:<11}{row[0]:>8}{row[1]:>8}{row[2]:>7}{row[3]:>6}{row[4]:>8}{row[5]:>8}"
                     f"{seconds:>9.1f}")
    if len(audit.exercises) > 1:
        lines.append(f"{'total':<11}{totals[0]:>8}{totals[1]:>8}{totals[2]:>7}{totals[3]:>6}{totals[4]:>8}"
                     f"{totals[5]:>8}")
    bugs, survivors = totals[3], totals[5]
    score = 100 * (bugs - survivors) / bugs if bugs else 100.0
    lines += ["", f"{bugs - survivors} of {bugs} real bugs lose points (mutation score {score:.0f}%)."]
    wrap = textwrap.TextWrapper(width=width, initial_indent="  ", subsequent_indent="    ",
                                break_long_words=True, break_on_hyphens=False)
    detail = textwrap.TextWrapper(width=width, initial_indent="    ", subsequent_indent="      ",
                                  break_long_words=True, break_on_hyphens=False)
    for e in audit.exercises:
        if not e.reference_ok:
            lines += [""] + textwrap.wrap(f"{e.exercise}: the reference itself lost points "
                                          f"({', '.join(f'{s:g}' for s in e.reference_scores)} of {e.max_score:g})",
                                          width)
        if e.dropped:
            lines += [""] + textwrap.wrap(f"{e.exercise}: the reference disagrees with torch on {len(e.dropped)} "
                                          "probe(s), left out; the first:", width)
            lines += wrap.wrap(e.dropped[0])
        if e.survivors:
            lines += ["", f"{e.exercise}: survivors (full marks)"]
        for g in e.survivors:
            m, lab = g.label.mutant, g.label
            on = ", ".join(str(audit.seeds[i]) for i in g.survived_on)
            lines += wrap.wrap(f"{m.id} ({m.function}) {m.description}")
            lines += detail.wrap(f"full marks at seed {on}")
            lines += detail.wrap(f"tells apart: {lab.call}")
            lines += detail.wrap(f"it gives: {lab.message}")
    return "\n".join(lines) + "\n"


def render_json(audit: GeneratedAudit) -> str:
    def label(lab: Label) -> dict:
        m = lab.mutant
        return {"id": m.id, "function": m.function, "line": m.line, "operator": m.operator,
                "description": m.description}

    exercises = []
    for e in audit.exercises:
        exercises.append({
            "exercise": e.exercise, "generated": e.generated, "sampled": e.sampled,
            "equivalent": [label(lab) for lab in e.equivalent],
            "bugs": len(e.bugs), "caught": len(e.bugs) - len(e.survivors),
            "survivors": [{**label(g.label), "seeds": [audit.seeds[i] for i in g.survived_on],
                           "input": g.label.call, "gives": g.label.message} for g in e.survivors],
            "graded": [{**label(g.label), "scores": list(g.scores), "input": g.label.call} for g in e.graded],
            "max_score": e.max_score, "reference_scores": list(e.reference_scores),
            "probes": e.probes, "probes_dropped": list(e.dropped),
            "seconds": {"classify": round(e.classify_seconds, 2), "grade": round(e.grade_seconds, 2)},
        })
    bugs = sum(len(e.bugs) for e in audit.exercises)
    survivors = sum(len(e.survivors) for e in audit.exercises)
    return json.dumps({"seeds": list(audit.seeds), "probes": audit.probes, "sample": audit.sample,
                       "bugs": bugs, "survivors": survivors, "ok": audit.ok, "exercises": exercises}, indent=2) + "\n"
