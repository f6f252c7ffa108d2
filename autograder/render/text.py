"""The student's view in a terminal: a row per concept, then what failed and why."""
from __future__ import annotations

import io
import json
import os

from rich.console import Console
from rich.table import Table
from rich.text import Text

from autograder.pipeline import Status
from autograder.report import ConceptReport, CourseReport, ExerciseReport
from autograder.safe_text import safe_report

STYLE = {Status.PASSED: "green", Status.FAILED: "red", Status.NOT_IMPLEMENTED: "yellow", Status.FORBIDDEN: "magenta",
         Status.TIMEOUT: "red", Status.CRASH: "red"}


def render(report: CourseReport, *, width: int | None = None, color: bool | None = None) -> str:
    report = safe_report(report)
    buf = io.StringIO()
    if color is None:
        color = bool(os.environ.get("FORCE_COLOR")) and not os.environ.get("NO_COLOR")
    console = Console(file=buf, width=width or 100, force_terminal=color, color_system="standard" if color else None,
                      highlight=False, soft_wrap=True)
    for ex in report.exercises:
        _exercise(console, ex)
    if report.requested is None and len(report.exercises) > 1:
        console.print(f"[bold]Total: {_num(report.score)} / {_num(report.max_score)}[/bold]")
        console.print(Text(f"Reproduce: {report.reproduce}"))
    return buf.getvalue()


def _exercise(console: Console, ex: ExerciseReport) -> None:
    table = Table(title=f"{ex.exercise} — {ex.title}: {_num(ex.score)} / {_num(ex.max_score)}",
                  title_justify="left", show_edge=False)
    table.add_column("concept")
    table.add_column("score", justify="right")
    table.add_column("cases", justify="right")
    table.add_column("status")
    table.add_column("misconception")
    for c in ex.concepts:
        table.add_row(Text(c.name), f"{_num(c.score)} / {_num(c.max_score)}", f"{c.passed}/{c.total}",
                      Text(c.status, style=STYLE.get(c.status, "")), Text(c.misconception or ""))
    console.print(table)
    for note in ex.notes:
        console.print(Text(f"note: {note}", style="yellow"))
    stubs = [c for c in ex.concepts if c.status == Status.NOT_IMPLEMENTED]
    if stubs and len(stubs) == len(ex.concepts):
        console.print(Text(f"Not started: fill in the functions of {ex.exercise}.py.\n"))
    else:
        explained: set[str] = set()  # a mistake seen in several concepts is explained once
        for c in ex.concepts:
            if not c.ok and c.status != Status.NOT_IMPLEMENTED:
                _failure(console, c, again=c.misconception in explained)
                explained.add(c.misconception)
    console.print(Text(f"Reproduce: {ex.reproduce}\n"))  # Text: a path is never read as rich markup


def _failure(console: Console, c: ConceptReport, *, again: bool = False) -> None:
    console.rule(Text(f"{c.name}: {c.passed}/{c.total} cases passed", style="bold"), align="left")
    if c.misconception:
        console.print(Text(f"Looks like: {c.misconception}" + (" (explained above)" if again else ""), style="bold"))
    if c.message and not again:
        console.print(Text(c.message))
    if c.example is not None:
        e = c.example
        console.print(Text("Smallest failing case:", style="bold"))
        console.print(Text(f"  {e.call}"))
        for name, value in e.inputs.items():
            console.print(Text(f"    {name} = {_value(value)}"))
        console.print(Text(f"  expected: {_value(e.expected)}"))
        console.print(Text(f"  got:      {_value(e.got)}"))
    if c.output:
        shown = c.output if len(c.output) <= 800 else c.output[:800] + " [...]"
        console.print(Text("Your code printed:\n" + shown, style="dim"))
    if c.hint:
        console.print(Text(f"Hint: {c.hint}", style="cyan"))
    console.print()


def _value(v) -> str:
    text = v if isinstance(v, str) else json.dumps(v)
    return text if len(text) <= 600 else text[:600] + " ..."


def _num(x: float) -> str:
    return f"{x:g}" if x == round(x, 2) else f"{x:.2f}"
