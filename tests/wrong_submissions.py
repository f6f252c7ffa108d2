"""Wrong submissions for the tests: solutions/<exercise>/<exercise>.py with one misconception edited in.

solutions/<exercise>/submissions.yml maps each misconception id to a `note` (what the code gets wrong)
and `edits`, literal (old, new) replacements applied in order to the solution's text; each `old`
must be found exactly once, so a change to the solution that moves or duplicates an edited line
fails loudly here, naming the submission and the snippet, instead of grading a stale copy.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from conftest import reference_path

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"


class EditError(Exception):
    """An edit that does not apply: its `old` is not found exactly once."""


@lru_cache(maxsize=None)
def _table(exercise: str) -> dict[str, dict]:
    path = SOLUTIONS / exercise / "submissions.yml"
    return yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else {}


def misconceptions(exercise: str) -> list[str]:
    """The ids of the exercise's wrong submissions, sorted."""
    return sorted(_table(exercise))


def apply_edits(text: str, edits, what: str) -> str:
    """`text` with each (old, new) applied in order; `what` names the submission in an error."""
    for old, new in edits:
        found = text.count(old)
        if found != 1:
            raise EditError(f"{what}: {'not found' if not found else f'found {found} times'}: {old!r}")
        text = text.replace(old, new)
    return text


def wrong_submission_text(exercise: str, misconception: str) -> str:
    """The source of the wrong submission, its note on top as the module docstring."""
    entry = _table(exercise).get(misconception)
    if entry is None:
        raise KeyError(f"{misconception!r} is not in solutions/{exercise}/submissions.yml")
    solution = reference_path(exercise).read_text(encoding="utf-8")
    body = apply_edits(solution, [(e["old"], e["new"]) for e in entry["edits"]],
                       f"solutions/{exercise}/submissions.yml {misconception}")
    return f'"""Wrong on purpose ({misconception}): {entry["note"]}"""\n' + body


def write_wrong_submission(exercise: str, misconception: str, folder: Path) -> Path:
    """The wrong submission as `folder`/<misconception>.py, for what grades a file."""
    path = Path(folder) / f"{misconception}.py"
    path.write_text(wrong_submission_text(exercise, misconception), encoding="utf-8")
    return path
