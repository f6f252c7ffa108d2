"""The student's view in a terminal: a row per concept, each distinct crash once, then what failed and why.

Width and colour are rich's own detection for the stream the report goes to (standard output by
default): the terminal's width, or $COLUMNS, else 80; colour on a terminal, $NO_COLOR and
$FORCE_COLOR honoured (https://no-color.org, https://force-color.org). Lines wrap at spaces, and a
value's continuation lines keep its indentation, so nothing is cut mid-word at 80 columns.
"""
from __future__ import annotations

import io
import re
import sys

from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from autograder.judging.crashes import crash, grouped
from autograder.pipeline import Status
from autograder.results import ConceptReport, CourseReport, ExerciseReport
from autograder.formats.safe_text import safe_report
from autograder.formats.show import example_texts

STYLE = {Status.PASSED: "green", Status.FAILED: "red", Status.NOT_IMPLEMENTED: "yellow", Status.FORBIDDEN: "magenta",
         Status.TIMEOUT: "red", Status.CRASH: "red"}
_TRAILING = re.compile(r" +((?:\x1b\[[0-9;]*m)*)$", re.MULTILINE)
OUTPUT_CAP = 800  # characters of the example's printed output


def render(report: CourseReport, *, width: int | None = None, color: bool | None = None, stream=None) -> str:
    """`width`/`color` None: as rich detects them for `stream` (default: standard output)."""
    report = safe_report(report)
    probe = Console(file=stream if stream is not None else sys.stdout)
    color = probe.is_terminal if color is None else color
    buf = io.StringIO()
    console = Console(file=buf, width=width or probe.width, force_terminal=color,
                      color_system=(probe.color_system or "standard") if color else None,
                      highlight=False, emoji=False, markup=False)
    for ex in report.exercises:
        _exercise(console, ex)
    if report.requested is None and len(report.exercises) > 1:
        console.print(Text(f"Total: {_num(report.score)} / {_num(report.max_score)}", style="bold"))
        console.print(Text(f"Reproduce: {report.reproduce}"), soft_wrap=True)
    return _TRAILING.sub(r"\1", buf.getvalue())  # rich pads cells to the width: no trailing blanks


def _exercise(console: Console, ex: ExerciseReport) -> None:
    table = Table(title=f"{ex.exercise} — {ex.title}: {_num(ex.score)} / {_num(ex.max_score)}",
                  title_justify="left", show_edge=False, title_style="bold")
    table.add_column("concept")
    table.add_column("score", justify="right", no_wrap=True)
    table.add_column("cases", justify="right", no_wrap=True)
    table.add_column("status", no_wrap=True)
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
        failing = [c for c in ex.concepts if not c.ok and c.status != Status.NOT_IMPLEMENTED]
        errors = _errors(console, failing)
        explained: dict[str, str] = {}  # a mistake seen in several concepts is explained once: key -> concept
        for c in failing:
            key = _mistake(c)
            _failure(console, c, errors, again=explained.get(key) if key else None)
            if key:
                explained.setdefault(key, c.name)
    if ex.reproducible:
        # one line however long: a command wrapped at a space would not paste back as one
        console.print(Text(f"Reproduce: {ex.reproduce}\n"), soft_wrap=True)  # Text: a path is never markup


def _errors(console: Console, concepts) -> dict:
    errors = grouped(concepts)
    if not errors:
        return errors
    head = "Your code raised an error" if len(errors) == 1 else f"Your code raised {len(errors)} different errors"
    console.rule(Text(head, style="bold red"), align="left")
    for number, info, names in errors.values():
        console.print(Text.assemble((f"[E{number}] ", "bold red"), (info.headline, "bold")))
        console.print(Padding(Text(f"in: {', '.join(names)}", style="dim"), (0, 0, 0, 5)))
        console.print(Padding(Text(info.traceback), (0, 0, 0, 5)))
    console.print()
    return errors


def _mistake(c: ConceptReport) -> str:
    """What identifies the concept's explanation: the mistake named, else the misconception (no name, or a
    crash: nothing was explained)."""
    if c.mistake:
        return c.mistake
    return c.misconception if c.misconception not in (None, "crash") else ""


def _failure(console: Console, c: ConceptReport, errors: dict, *, again: str | None = None) -> None:
    """`again`: the concept above whose section explained the same mistake."""
    console.rule(Text(f"{c.name}: {c.passed}/{c.total} cases passed", style="bold"), align="left")
    hit = [errors[crash(m).key] for m in c.crashes if crash(m).key in errors]
    if c.misconception and c.misconception != "crash":
        console.print(Text(f"Looks like: {c.misconception}" + (" (explained above)" if again else ""), style="bold"))
    elif again:
        console.print(Text(f"Looks like: the mistake explained under {again}, above", style="bold"))
    for number, info, _ in hit:  # the headline may end in "(file, line)": no second parenthesis after it
        console.print(Text.assemble(("Crashed with ", "bold"), (f"[E{number}]", "bold red"),
                                    (" (traceback above): ", "bold"), info.headline))
    if c.message and not again and not any(c.message == m or c.message.endswith(m) for m in c.crashes):
        for line in c.message.splitlines():  # an indented line (the line that differs) keeps its indent when wrapped
            indent = len(line) - len(line.lstrip(" "))
            console.print(Padding(Text(line.lstrip(" ")), (0, 0, 0, min(indent, 8))))
    if c.example is not None:
        _example(console, c)
    if c.output:
        shown = c.output if len(c.output) <= OUTPUT_CAP else c.output[:OUTPUT_CAP] + " [...]"
        console.print(Text("Your code printed, on this case:", style="bold"))
        console.print(Padding(Text(shown.rstrip("\n"), style="dim"), (0, 0, 0, 2)))
    if c.hint and not again:  # a mistake explained above had its hint there
        console.print(Text(f"Hint: {c.hint}", style="cyan"))
    console.print()


def _example(console: Console, c: ConceptReport) -> None:
    e = c.example
    inputs, expected, got = example_texts(c)
    console.print(Text.assemble(("Smallest failing case: ", "bold"), e.call))
    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", no_wrap=True)
    grid.add_column()
    for name, value in inputs:
        grid.add_row(Text(f"{name} ="), Text(value))
    grid.add_row(Text("expected:", style="bold"), Text(expected))
    grid.add_row(Text("got:", style="bold"), Text(got))
    console.print(Padding(grid, (0, 0, 0, 2)))


def _num(x: float) -> str:
    return f"{x:g}" if x == round(x, 2) else f"{x:.2f}"
