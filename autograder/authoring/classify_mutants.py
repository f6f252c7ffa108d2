"""Equivalent or a real bug: each generated mutant against the torch oracle on the probe inputs.

A mutant is `equivalent` when, on every probe (autograder/probes: a broad input set of the
exercise, invalid configurations included), it gives what the oracle gives as the grader judges
it (compare.judge: same kind, shape and values within tolerance; ValueError where torch refuses)
and leaves its input tensors as they were; otherwise it is a `bug`, with the first probe that
tells it apart (probes go smallest first, so it is the smallest one).

Mutants are our own code, but a mutant can loop forever or eat memory: they run in a worker
process (`python -m autograder.authoring.classify_mutants`), each call under an alarm, the worker under a
memory limit and a wall-clock limit per mutant; a worker that overruns is killed and replaced.
Probes where the reference itself disagrees with torch are dropped, and counted.
"""
from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Any, Sequence

from autograder.authoring.mutate import Mutant

CALL_SECONDS = 2.0  # one call of a mutant on one (small) probe
MUTANT_SECONDS = 120.0  # every probe of one mutant
START_SECONDS = 300.0  # the worker's start: torch, the probes and the reference's own run (a busy machine is slow)


@dataclass(frozen=True)
class Label:
    mutant: Mutant
    label: str  # "equivalent" or "bug"
    probe: int | None = None  # index of the smallest probe that tells it apart
    call: str = ""  # that probe as a call
    message: str = ""  # what the mutant did there (the grader's verdict message)


@dataclass(frozen=True)
class Probes:
    """The probe set of an exercise, and what classifying against it found about the reference."""

    exercise: str
    items: list[tuple[str, dict[str, Any]]]
    dropped: tuple[int, ...] = ()  # probes where the reference disagrees with torch


def describe(function: str, arguments: dict[str, Any]) -> str:
    """A probe as a call a person can read: small tensors in full, larger ones by shape."""
    parts = []
    for name, value in arguments.items():
        if hasattr(value, "shape"):
            if value.numel() <= 12:
                shown = f"tensor({value.tolist()})"
            else:
                shown = f"<tensor of shape {tuple(value.shape)}>"
        else:
            shown = repr(value)
        parts.append(f"{name}={shown}")
    return f"{function}({', '.join(parts)})"


def classify(course, name: str, mutants: Sequence[Mutant], reference_text: str, *, count: int, seed: int = 0,
             progress=None) -> tuple[list[Label], Probes]:
    """Label every mutant; one worker process, restarted after a mutant that overran."""
    from autograder.content import definition
    from autograder.probes import probes

    items = probes(definition(course, name), count=count, seed=seed)
    tol = course.tolerance_for(name)
    config = {"course": str(course.root / "course.yml"), "exercise": name, "module": course.exercise(name).module, "rtol": tol.rtol, "atol": tol.atol,
              "count": count, "seed": seed, "reference": reference_text}
    worker: _Worker | None = None
    labels: list[Label] = []
    dropped: tuple[int, ...] = ()
    try:
        for m in mutants:
            if worker is None:
                worker = _Worker(config)
                dropped = tuple(worker.ready["dropped"])
            answer = worker.ask(m.source)
            if answer is None:
                worker.kill()
                worker = None
                labels.append(Label(m, "bug", None, "", f"ran past {MUTANT_SECONDS:g} s on the probes"))
            elif answer["label"] == "equivalent":
                labels.append(Label(m, "equivalent"))
            else:
                k = answer["probe"]
                labels.append(Label(m, "bug", k, describe(*items[k]), answer["message"]))
            if progress:
                progress(labels[-1])
    finally:
        if worker is not None:
            worker.kill()
    return labels, Probes(name, items, dropped)


class _Worker:
    def __init__(self, config: dict):
        env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
        root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        self.proc = subprocess.Popen([sys.executable, "-m", "autograder.authoring.classify_mutants"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, env=env, start_new_session=True)
        self._send(config)
        ready = self._read(START_SECONDS)
        if ready is None or "dropped" not in ready:
            self.kill()
            raise RuntimeError(f"the mutant classifier's worker did not start ({ready})")
        self.ready = ready

    def _send(self, message: dict) -> None:
        self.proc.stdin.write(json.dumps(message).encode() + b"\n")
        self.proc.stdin.flush()

    def _read(self, seconds: float) -> dict | None:
        deadline = time.monotonic() + seconds
        line = b""
        fd = self.proc.stdout.fileno()
        while not line.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                return None
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                return None
            line += chunk
        return json.loads(line)

    def ask(self, source: str) -> dict | None:
        self._send({"source": source})
        return self._read(MUTANT_SECONDS)

    def kill(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()
        for f in (self.proc.stdin, self.proc.stdout):
            f.close()


# --- the worker --------------------------------------------------------------------------------


class _Alarm(BaseException):
    """A call ran past CALL_SECONDS (a BaseException: a mutant's `except Exception` cannot eat it)."""


def _on_alarm(signum, frame):
    raise _Alarm()


def _load(source: str, module: str):
    import types

    mod = types.ModuleType(module)
    mod.__file__ = f"{module}.py"
    exec(compile(source, f"{module}.py", "exec"), mod.__dict__)
    return mod


def _run_one(mod, function: str, arguments: dict[str, Any]):
    """What one call did, as the grader would see it: an Outcome, and the inputs it changed."""
    from autograder.sandbox import wire
    from autograder.sandbox.runner import Outcome

    given = {k: v.clone() if hasattr(v, "clone") else v for k, v in arguments.items()}
    signal.setitimer(signal.ITIMER_REAL, CALL_SECONDS)
    try:
        value = getattr(mod, function)(**given)
        outcome = Outcome("returned", value=wire.decode(wire.encode(value)))
    except _Alarm:
        outcome = Outcome("timeout", message=f"ran past {CALL_SECONDS:g} s")
    except NotImplementedError as e:
        outcome = Outcome("not-implemented", message=str(e))
    except Exception as e:
        outcome = Outcome("raised", error=type(e).__name__, message=f"{type(e).__name__}: {str(e)[:200]}")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    changed = [k for k, v in arguments.items() if hasattr(v, "shape") and not (
        tuple(given[k].shape) == tuple(v.shape) and bool((given[k] == v).all()))]
    return outcome, changed


def _first_difference(source: str, module: str, items, expected, tol, skip=frozenset()) -> tuple[int, str] | None:
    from autograder.judging.compare import judge

    try:
        mod = _load(source, module)
    except Exception as e:
        return (min(set(range(len(items))) - set(skip), default=0), f"import failed: {type(e).__name__}: {e}")
    for k, (function, arguments) in enumerate(items):
        if k in skip:
            continue
        outcome, changed = _run_one(mod, function, arguments)
        if changed:
            return k, f"changed its input {', '.join(changed)}"
        verdict = judge(expected[k], outcome, tol)
        if not verdict.passed:
            return k, f"{verdict.status}: {verdict.message}".strip()[:300]
    return None


def _worker() -> None:
    import resource

    import torch

    from autograder.content import definition
    from autograder.course import load_course
    from autograder.tolerance import Tolerance
    from autograder.probes import probes

    torch.set_num_threads(1)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
    except (ValueError, OSError):
        pass
    signal.signal(signal.SIGALRM, _on_alarm)
    out = os.fdopen(os.dup(1), "w")  # answers only: whatever a mutant prints goes to standard error
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    config = json.loads(sys.stdin.readline())
    exercise = definition(load_course(config["course"]), config["exercise"])
    spec = exercise.spec
    items = probes(exercise, count=config["count"], seed=config["seed"])
    expected = [spec.expected(_Probe(f, a)) for f, a in items]
    tol = Tolerance(rtol=config["rtol"], atol=config["atol"])
    module = config["module"]
    # probes where the reference itself does not give torch's answer say nothing about a mutant
    dropped: list[int] = []
    while True:
        found = _first_difference(config["reference"], module, items, expected, tol, frozenset(dropped))
        if found is None:
            break
        dropped.append(found[0])
    out.write(json.dumps({"dropped": dropped}) + "\n")
    out.flush()
    for line in sys.stdin:
        source = json.loads(line)["source"]
        found = _first_difference(source, module, items, expected, tol, frozenset(dropped))
        answer = {"label": "equivalent"} if found is None else {"label": "bug", "probe": found[0],
                                                                 "message": found[1]}
        out.write(json.dumps(answer) + "\n")
        out.flush()


@dataclass(frozen=True)
class _Probe:
    """What ExerciseSpec.expected needs of a case."""

    function: str
    arguments: dict


if __name__ == "__main__":
    _worker()
