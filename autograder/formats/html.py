"""The report as one self-contained HTML fragment, shared by `check()` in Jupyter, `grade --format
html` and nbgrader's feedback (each concept cell shows concept_html).

A table per exercise (a row per concept), each distinct crash once with its traceback, then per
failing concept its own table: what it looks like, the smallest failing case as Python, what the
code printed on that case, the hint. Results are drawn: a 2-D result (an edge map, a filtered
image, even 1×N) as expected and got images side by side, a 1-D signal (a conv1d output with its
batch and channel axes of size 1) as a small line plot of expected against got. Everything is
embedded (base64 PNG), so nothing has to be fetched. The style overrides Jupyter's right-aligned
table cells and wraps long values at spaces, never inside a number.
"""
from __future__ import annotations

import base64
import html
import io
import math
import struct
import zlib

from autograder.judging.crashes import crash, grouped
from autograder.pipeline import Status
from autograder.results import ConceptReport, CourseReport, ExerciseReport
from autograder.formats.safe_text import safe_report
from autograder.formats.show import example_texts

COLOR = {Status.PASSED: "#1a7f37", Status.FAILED: "#cf222e", Status.NOT_IMPLEMENTED: "#9a6700", Status.FORBIDDEN: "#8250df",
         Status.TIMEOUT: "#cf222e", Status.CRASH: "#cf222e"}
# !important: Jupyter's own CSS (.jp-RenderedHTMLCommon td, .rendered_html td) right-aligns cells
_STYLE = ("<style>.conv-report{text-align:left}"
          ".conv-report table{border-collapse:collapse;margin:.4em 0;table-layout:auto}"
          ".conv-report td,.conv-report th{border:1px solid #d0d7de;padding:2px 8px;"
          "text-align:left!important;vertical-align:top!important}"
          ".conv-report th{white-space:nowrap;font-weight:600}"
          ".conv-report pre,.conv-report code{margin:0;white-space:pre-wrap!important;word-break:normal!important;"
          "overflow-wrap:break-word;background:none}"
          ".conv-report figure{display:inline-block;margin:0 1em 0 0;text-align:center;vertical-align:top}"
          ".conv-report .error{margin:.3em 0 .6em 0}</style>")
OUTPUT_CAP = 800


def style() -> str:
    """The report's CSS, for a fragment shown on its own (an nbgrader feedback cell)."""
    return _STYLE


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
        failing = [c for c in ex.concepts if not c.ok and c.status != Status.NOT_IMPLEMENTED]
        errors = grouped(failing)
        out.append(errors_html(errors, anchor=ex.exercise))
        explained: dict[str, str] = {}  # a mistake seen in several concepts is explained once: key -> concept
        for c in failing:
            key = c.mistake or (c.misconception if c.misconception not in (None, "crash") else "")
            out.append(concept_html(c, errors=errors, anchor=ex.exercise, again=explained.get(key) if key else None))
            if key:
                explained.setdefault(key, c.name)
    if ex.reproducible:  # a notebook kernel's cells are not the file the command would name
        out.append(f"<p><small>Reproduce: <code>{_e(ex.reproduce)}</code></small></p>")
    return "\n".join(out)


def errors_html(errors: dict, *, anchor: str = "") -> str:
    """Each distinct crash once: its headline, the concepts it hit, its traceback."""
    if not errors:
        return ""
    head = "Your code raised an error" if len(errors) == 1 else f"Your code raised {len(errors)} different errors"
    parts = [f"<h4>{head}</h4>"]
    for number, info, names in errors.values():
        parts.append(f'<div class="error" id="{_e(anchor)}-E{number}"><b style="color:#cf222e">[E{number}]</b> '
                     f"<b>{_e(info.headline)}</b><br><small>in: {_e(', '.join(names))}</small>"
                     f"<pre>{_e(info.traceback)}</pre></div>")
    return "\n".join(parts)


def concept_html(c: ConceptReport, *, errors: dict | None = None, anchor: str = "", again: str | None = None) -> str:
    """One failing concept: its own table. Alone (an nbgrader cell shows one concept), its crashes'
    tracebacks are shown in it; in a whole report they point to the errors shown above. `again`: the
    concept above that explained the same mistake (its explanation and hint are not repeated)."""
    c = safe_report(c)
    rows = [("status", f'<span style="color:{COLOR.get(c.status, "inherit")}">{_e(c.status)}</span>')]
    if c.misconception and c.misconception != "crash":
        rows.append(("looks like", f"<b>{_e(c.misconception)}</b>"))
    for message in c.crashes:
        info = crash(message)
        if errors is not None and info.key in errors:
            number = errors[info.key][0]
            rows.append(("crashed", f'<a href="#{_e(anchor)}-E{number}">[E{number}]</a> {_e(info.headline)}'))
        else:
            rows.append(("crashed", f"<b>{_e(info.headline)}</b><pre>{_e(info.traceback)}</pre>"))
    if again:
        rows.append(("what happened", f"the mistake explained under <b>{_e(again)}</b>, above"))
    elif c.message and not any(c.message == m or c.message.endswith(m) for m in c.crashes):
        rows.append(("what happened", f"<pre>{_e(c.message)}</pre>"))
    if c.example is not None:
        e = c.example
        inputs, expected, got = example_texts(c)
        rows.append(("smallest failing case", f"<code>{_e(e.call)}</code>"))
        rows += [(f"&nbsp;&nbsp;{_e(k)} =", f"<pre>{_e(v)}</pre>") for k, v in inputs]
        rows.append(("expected", f"<pre>{_e(expected)}</pre>"))
        rows.append(("got", f"<pre>{_e(got)}</pre>"))
        drawn = pictures(e.expected, e.got)
        if drawn:
            rows.append(("drawn", drawn))
    if c.output:
        shown = c.output if len(c.output) <= OUTPUT_CAP else c.output[:OUTPUT_CAP] + " [...]"
        rows.append(("printed on this case", f"<pre>{_e(shown)}</pre>"))
    if c.hint and not c.ok and not again:
        rows.append(("hint", _e(c.hint)))
    body = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    return (f"<h4>{_e(c.name)}: {_num(c.score)} / {_num(c.max_score)} points, {c.passed}/{c.total} cases passed</h4>"
            f'<table style="border-left:4px solid {COLOR.get(c.status, "#999")}">{body}</table>')


def pictures(expected, got) -> str:
    """Every 2-D result drawn as images (expected and yours side by side), every 1-D signal as a
    line plot of both; a pair or triple of results, item by item. "" when nothing is a picture."""
    grids = side_by_side(expected, got)
    if grids:
        return grids
    parts = _items(expected, got)
    out = []
    for label, exp, yours in parts:
        e_grid, g_grid = _grid(_squeezed(exp)), _grid(_squeezed(yours))
        if e_grid is not None:
            out.append(_images(label, e_grid, g_grid))
            continue
        e_line, g_line = _line(_squeezed(exp)), _line(_squeezed(yours))
        if e_line is not None:
            out.append(_plot(label, e_line, g_line))
    return "<br>".join(out)


def _items(expected, got) -> list[tuple[str, object, object]]:
    if (isinstance(expected, list) and isinstance(got, list) and 1 < len(expected) == len(got) <= 4
            and all(_depth(e) >= 1 and _depth(e) == _depth(g) for e, g in zip(expected, got))
            and _depth(expected) <= 3):
        return [(f"[{i}] ", e, g) for i, (e, g) in enumerate(zip(expected, got))]
    return [("", expected, got)]


def _depth(v) -> int:
    d = 0
    while isinstance(v, list) and v:
        v, d = v[0], d + 1
    return d


def _squeezed(value):
    """A result of 3 or more axes without its leading axes of size 1 (batch 1, one channel):
    (1, 1, L) is a signal, (1, 1, H, W) an image. A 2-D result (an edge map, even 1×N) stays 2-D."""
    if _depth(value) < 3:
        return value
    while isinstance(value, list) and len(value) == 1 and isinstance(value[0], list):
        value = value[0]
    return value


def _line(value) -> list[float] | None:
    """A 1-D signal of at least two numbers, or None."""
    if not isinstance(value, list) or len(value) < 2:
        return None
    out = [_number(v, bools=False) for v in value]
    return None if any(v is None for v in out) else out


def _number(v, *, bools: bool) -> float | None:
    if isinstance(v, bool):
        return float(v) if bools else None
    if isinstance(v, (int, float)):
        return float(v)
    if v in ("nan", "inf", "-inf"):  # as the JSON-ready values write them
        return float(v)
    return None


def _plot(label: str, expected: list[float], got: list[float] | None) -> str:
    """A small line plot: expected (PyTorch) against yours, drawn with matplotlib without pyplot's state."""
    try:
        from matplotlib.figure import Figure
        from matplotlib.ticker import MaxNLocator
    except ImportError:  # matplotlib is optional (the notebook and report extras): a strip of grey instead
        return _images(label, [expected], [got] if got is not None else None)
    fig = Figure(figsize=(4.2, 2.2), dpi=90)
    ax = fig.add_subplot()
    ax.plot(range(len(expected)), expected, "o-", color="#1a7f37", label="expected")
    off = []
    if got is not None:
        got, off = _on_chart(expected, got)
        ax.plot(range(len(got)), got, "x--", color="#cf222e", label="yours")
        if off:  # a value far away (the float minimum, an infinity) would flatten both lines: drawn at the edge
            ax.plot([i for i, _ in off], [got[i] for i, _ in off], "v", color="#cf222e", markersize=8)
    ax.set_xlabel("index")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(fontsize=7, loc="best")
    ax.tick_params(labelsize=7)
    ax.grid(alpha=.3)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    src = "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")
    what = f"{label}expected ({len(expected)} values)" + (f" and yours ({len(got)})" if got is not None else "")
    if off:
        values = ", ".join(f"{v:.4g}" for _, v in off[:3]) + (", ..." if len(off) > 3 else "")
        what += f"; off the chart, drawn at its edge: {values}"
    return f'<figure><img src="{src}" alt="{_e(what)}"><figcaption>{_e(what)}</figcaption></figure>'


def _on_chart(expected: list[float], got: list[float]) -> tuple[list[float], list[tuple[int, float]]]:
    """`got` with values far outside the expected's range (or not finite) moved to just past the other
    values, and those values by index: the plot keeps a scale where the lines can be compared."""
    seen = [v for v in expected if math.isfinite(v)] or [0.0]
    low, high = min(seen), max(seen)
    reach = 3 * max(high - low, abs(low), abs(high), 1.0)
    far = [not (math.isfinite(v) and low - reach <= v <= high + reach) for v in got]
    off = [(i, v) for i, (v, out) in enumerate(zip(got, far)) if out]
    if not off:
        return got, off
    inside = seen + [v for v, out in zip(got, far) if not out]
    margin = 0.15 * max(max(inside) - min(inside), 1.0)
    top, bottom = max(inside) + margin, min(inside) - margin
    return [(top if v > high or math.isnan(v) else bottom) if out else v for v, out in zip(got, far)], off


def _images(label: str, exp_grid: list, got_grid: list | None) -> str:
    grids = [g for g in (exp_grid, got_grid) if g is not None]
    values = [v for g in grids for row in g for v in row if math.isfinite(v)] or [0.0]
    low, high = min(values), max(values)  # one scale for both, so equal values look equal
    figures = []
    for name, grid in ((f"{label}expected", exp_grid), (f"{label}yours", got_grid)):
        if grid is None:
            continue
        png = _png([[_gray(v, low, high) for v in row] for row in grid])
        src = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
        figures.append(f'<figure><img src="{src}" alt="{name}" style="image-rendering:pixelated">'
                       f"<figcaption>{name} ({len(grid)}×{len(grid[0])})</figcaption></figure>")
    return "".join(figures)


def side_by_side(expected, got) -> str:
    """Expected and got as grey-scale images, when both are 2-D grids of numbers or booleans,
    or tuples of such grids (a pair (gx, gy) gives two rows of pictures)."""
    return "<br>".join(_images(label, e, g) for label, e, g in _pairs(expected, got))


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
    """A 2-D grid of numbers or booleans (1×N included), or None."""
    if not isinstance(value, list) or not value or not all(isinstance(r, list) for r in value):
        return None
    width = len(value[0])
    if width < 1 or len(value) * width < 2 or any(len(r) != width for r in value):
        return None
    out = [[_number(v, bools=True) for v in row] for row in value]
    return None if any(v is None for row in out for v in row) else out


def _gray(v: float, low: float, high: float) -> int:
    if not math.isfinite(v):  # NaN and infinities: mid-grey, the text says which
        return 128
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


def _e(text: str) -> str:
    return html.escape(str(text))


def _num(x: float) -> str:
    return f"{x:g}" if x == round(x, 2) else f"{x:.2f}"
