"""Student text made safe to show, in one place every renderer uses.

Whatever reaches a report from the student's process (exception messages, printed output,
returned strings, file names from the submission) may hold any code point: a lone surrogate
(which no UTF-8 writer accepts, and which killed every format but JSON), terminal escapes
(ANSI CSI/OSC sequences can move the cursor and redraw a fake score table), carriage returns
and backspaces (which overwrite what the grader wrote), bidi overrides (which reorder what a
reader sees), or characters XML 1.0 cannot carry. So, before any format sees a report:

- lone surrogates become U+FFFD;
- every control character but newline and tab, DEL, the C1 controls (a single-byte CSI
  among them), the bidi controls, the Unicode line/paragraph separators and U+FFFE/U+FFFF are
  shown as Python escapes (`\\x1b`, `\\r`, `\\u202e`): visible, and never acted on;
- each string is capped in length.

The result is idempotent (making safe text safe again changes nothing), so a renderer may
call `safe_report` on a report that already went through it.
"""
from __future__ import annotations

import dataclasses
import re
from typing import Any

CAP = 16_000  # characters in one string of a report: the longest traceback a student needs
CUT = " [...]"
MAX_DEPTH = 64  # nested lists deeper than any value an exercise returns are shown as a marker

# one class of code points, matched at once: C0 but \t and \n, DEL and C1, bidi controls,
# line/paragraph separators, the two non-characters XML rejects, and surrogates
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e"
                     "\u2066-\u2069\ufffe\uffff\ud800-\udfff]")


def _shown(match: re.Match) -> str:
    code = ord(match.group())
    if 0xD800 <= code <= 0xDFFF:
        return "\ufffd"
    if code == 0x0D:
        return "\\r"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe_text(text: Any, *, cap: int = CAP) -> str:
    """`text` (any object, as str) with the unsafe code points shown visibly, cut to `cap` characters."""
    if not isinstance(text, str):
        text = str(text)
    text = _UNSAFE.sub(_shown, text.replace("\r\n", "\n"))
    if len(text) > cap:
        text = text[:max(0, cap - len(CUT))] + CUT
    return text


def safe_value(value: Any, *, cap: int = CAP, _depth: int = 0) -> Any:
    """A JSON-ready value (nested lists and dicts of numbers and strings) with every string made safe."""
    if isinstance(value, str):
        return safe_text(value, cap=cap)
    if isinstance(value, (list, tuple, dict)) and _depth >= MAX_DEPTH:
        return "<nested too deeply to show>"
    if isinstance(value, (list, tuple)):
        return type(value)(safe_value(v, cap=cap, _depth=_depth + 1) for v in value)
    if isinstance(value, dict):
        return {safe_text(k, cap=cap): safe_value(v, cap=cap, _depth=_depth + 1) for k, v in value.items()}
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return safe_text(value, cap=cap)  # anything else is shown as its text, never passed on as an object


def safe_report(report: Any) -> Any:
    """A copy of a report (CourseReport, ExerciseReport, ConceptReport, Example) with every string safe."""
    if dataclasses.is_dataclass(report) and not isinstance(report, type):
        changes = {f.name: safe_report(getattr(report, f.name)) for f in dataclasses.fields(report) if f.init}
        return dataclasses.replace(report, **changes)
    if isinstance(report, tuple) and any(dataclasses.is_dataclass(r) for r in report):
        return tuple(safe_report(r) for r in report)
    return safe_value(report)


def one_line(error: BaseException, *, cap: int = 300) -> str:
    """An exception as one safe line: its type and the first line of its message."""
    first = str(error).strip().splitlines()[0] if str(error).strip() else ""
    text = f"{type(error).__name__}: {first}" if first else type(error).__name__
    return safe_text(text, cap=cap)
