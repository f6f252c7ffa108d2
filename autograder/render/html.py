"""The report as one self-contained HTML fragment: what `check()` shows in Jupyter.

A table per exercise (a row per concept), then per failing concept its own table: what it
looks like, the smallest failing case, the hint. Where the expected and the student's values
are 2-D (an edge map, a filtered image), they are drawn side by side as PNG images embedded
in base64, so nothing has to be fetched. No dependency beyond the standard library.
"""
from __future__ import annotations

import base64
import html
import json
import struct
import zlib

from autograder.pipeline import Status
from autograder.report import ConceptReport, CourseReport, ExerciseReport
from autograder.safe_text import safe_report

COLOR = {Status.PASSED: "#1a7f37", Status.FAILED: "#cf222e", Status.NOT_IMPLEMENTED: "#9a6700",
         Status.FORBIDDEN: "#8250df", Status.TIMEOUT: "#cf222e", Status.CRASH: "#cf222e"}
_STYLE = ("<style>.conv-report table{border-collapse:collapse;margin:.4em 0}"
          ".conv-report td,.conv-report th{border:1px solid #d0d7de;padding:2px 8px;text-align:left;"
          "vertical-align:top}.conv-report pre{margin:0;white-space:pre-wrap}"
          ".conv-report figure{display:inline-block;margin:0 1em 0 0;text-align:center}</style>")


def render(report: CourseReport, **_options) -> str:
    report = safe_report(report)
    parts = [_STYLE, '<div class="conv-report">']
    for ex in report.exercises:
        parts.append(_exercise(ex))
    if report.requested is None and len(report.exercises) > 1:
        parts.append(f"<p><b>Total: {_num(report.score)} / {_num(report.max_score)}</b></p>")
    parts.append("</div>")
    return "\n".join(parts)


def _exercise(ex: ExerciseReport) -> str:
    rows = "".join(
        f"<tr><td>{_e(c.name)}</td><td>{_num(c.score)} / {_num(c.max_score)}</td><td>{c.passed}/{c.total}</td>"
        f'<td style="color:{COLOR.get(c.status, "inherit")}">{_e(c.status)}</td><td>{_e(c.misconception or "")}</td></tr>'
        for c in ex.concepts)
    out = [f"<h3>{_e(ex.exercise)} — {_e(ex.title)}: {_num(ex.score)} / {_num(ex.max_score)}</h3>",
           "<table><tr><th>concept</th><th>score</th><th>cases</th><th>status</th><th>misconception</th></tr>"
           f"{rows}</table>"]
    out += [f"<p><i>note: {_e(n)}</i></p>" for n in ex.notes]
    if all(c.status == Status.NOT_IMPLEMENTED for c in ex.concepts):
        out.append(f"<p>Not started: fill in the functions of {_e(ex.exercise)}.</p>")
    else:
        out += [concept_html(c) for c in ex.concepts if not c.ok and c.status != Status.NOT_IMPLEMENTED]
    out.append(f"<p><small>Reproduce: <code>{_e(ex.reproduce)}</code></small></p>")
    return "\n".join(out)


def concept_html(c: ConceptReport) -> str:
    """One failing concept: its own table. Reusable where a single concept is shown (nbgrader cells)."""
    c = safe_report(c)
    rows = [("status", _e(c.status))]
    if c.misconception:
        rows.append(("looks like", f"<b>{_e(c.misconception)}</b>"))
    if c.message:
        rows.append(("what happened", f"<pre>{_e(c.message)}</pre>"))
    if c.example is not None:
        e = c.example
        rows.append(("smallest failing case", f"<code>{_e(e.call)}</code>"))
        rows += [(f"&nbsp;&nbsp;{_e(k)}", f"<pre>{_e(_value(v))}</pre>") for k, v in e.inputs.items()]
        rows.append(("expected", f"<pre>{_e(_value(e.expected))}</pre>"))
        rows.append(("got", f"<pre>{_e(_value(e.got))}</pre>"))
        pictures = side_by_side(e.expected, e.got)
        if pictures:
            rows.append(("as images", pictures))
    if c.output:
        shown = c.output if len(c.output) <= 800 else c.output[:800] + " [...]"
        rows.append(("your code printed", f"<pre>{_e(shown)}</pre>"))
    if c.hint:
        rows.append(("hint", _e(c.hint)))
    body = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    return (f"<h4>{_e(c.name)}: {c.passed}/{c.total} cases passed</h4>"
            f'<table style="border-left:4px solid {COLOR.get(c.status, "#999")}">{body}</table>')


def side_by_side(expected, got) -> str:
    """Expected and got as grey-scale images, when both are 2-D grids of numbers or booleans,
    or tuples of such grids (a pair (gx, gy) gives two rows of pictures)."""
    pairs = _pairs(expected, got)
    rows = []
    for label, exp_grid, got_grid in pairs:
        values = [v for g in (exp_grid, got_grid) for row in g for v in row]
        low, high = min(values), max(values)  # one scale for both, so equal values look equal
        figures = []
        for name, grid in ((f"{label}expected", exp_grid), (f"{label}yours", got_grid)):
            png = _png([[_gray(v, low, high) for v in row] for row in grid])
            src = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
            figures.append(f'<figure><img src="{src}" alt="{name}" style="image-rendering:pixelated">'
                           f"<figcaption>{name} ({len(grid)}×{len(grid[0])})</figcaption></figure>")
        rows.append("".join(figures))
    return "<br>".join(rows)


def _pairs(expected, got) -> list[tuple[str, list, list]]:
    one = (_grid(expected), _grid(got))
    if one[0] is not None and one[1] is not None:
        return [("", *one)]
    if isinstance(expected, list) and isinstance(got, list) and 1 < len(expected) == len(got) <= 4:
        parts = [(f"[{i}] ", _grid(e), _grid(g)) for i, (e, g) in enumerate(zip(expected, got))]
        if all(e is not None and g is not None for _, e, g in parts):
            return parts
    return []


def _grid(value) -> list[list[float]] | None:
    if not isinstance(value, list) or len(value) < 2 or not all(isinstance(r, list) for r in value):
        return None
    width = len(value[0])
    if width < 2 or any(len(r) != width for r in value):
        return None
    out = []
    for row in value:
        if not all(isinstance(v, (int, float, bool)) for v in row):
            return None  # nested deeper, or NaN written as a string
        out.append([float(v) for v in row])
    return out


def _gray(v: float, low: float, high: float) -> int:
    if high <= low:  # one value everywhere: white if it is true/non-zero
        return 255 if v else 0
    return int(round(255 * (v - low) / (high - low)))


def _png(gray: list[list[int]], *, target: int = 160) -> bytes:
    """A grey-scale PNG, each value scaled up to a block of pixels so small maps stay visible."""
    scale = max(1, min(24, target // max(len(gray), len(gray[0]))))
    rows = [bytes(v for v in row for _ in range(scale)) for row in gray]
    raw = b"".join(b"\x00" + row for row in rows for _ in range(scale))
    height, width = len(gray) * scale, len(gray[0]) * scale

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def _value(v) -> str:
    text = v if isinstance(v, str) else json.dumps(v)
    return text if len(text) <= 600 else text[:600] + " ..."


def _e(text: str) -> str:
    return html.escape(str(text))


def _num(x: float) -> str:
    return f"{x:g}" if x == round(x, 2) else f"{x:.2f}"
