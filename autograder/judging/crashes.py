"""Crashes grouped by exception and place, so each distinct error is shown once with its own
traceback and every concept it hit can point at it. Pure: text in, text out.

A crash's message is the trimmed traceback the sandbox sent back ("raised:\\n  File ..., line 71,
in conv1d\\n    return [0][padding]\\nIndexError: ..."), or one line when the process itself died
(out of memory, killed). Two crashes are the same error when their exception type and their
innermost `File ..., line N` agree: the same bug reached from different concepts.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

_FILE = re.compile(r'^\s*File "([^"]*)", line (\d+)(?:, in (\S+))?')
_EXCEPTION = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt|Warning)|[A-Z]\w+):")
_LEAD = re.compile(r"^raised(?: ValueError on a valid configuration)?:\n")


@dataclass(frozen=True)
class Crash:
    """One distinct error: `key` groups it, `headline` names it in one line, `traceback` shows it."""

    key: tuple[str, str]
    headline: str
    traceback: str


def crash(message: str) -> Crash:
    body = _LEAD.sub("", message.strip("\n"), count=1)
    lines = body.split("\n") or [message]  # not splitlines(): a student's \r is text, not a line end
    where = ""
    for line in lines:
        m = _FILE.match(line)
        if m:
            path, number, function = m.groups()
            name = path.replace("\\", "/").rsplit("/", 1)[-1]
            where = f"{name}, line {number}" + (f", in {function}" if function else "")
    last = next((ln.strip() for ln in reversed(lines) if _EXCEPTION.match(ln.strip())), lines[-1].strip())
    kind = last.split(":", 1)[0] if _EXCEPTION.match(last) else last
    headline = f"{last} ({where})" if where else last
    return Crash((kind, where), headline, body)


def distinct(messages: Iterable[str]) -> tuple[str, ...]:
    """The messages with one per (exception, place), first seen first."""
    seen: dict[tuple[str, str], str] = {}
    for m in messages:
        if m:
            seen.setdefault(crash(m).key, m)
    return tuple(seen.values())


def grouped(concepts) -> dict[tuple[str, str], tuple[int, Crash, list[str]]]:
    """Each distinct crash (exception, place) -> (its number E1, E2..., the Crash, the concepts it hit)."""
    found: dict[tuple[str, str], tuple[int, Crash, list[str]]] = {}
    for c in concepts:
        for message in c.crashes:
            info = crash(message)
            if info.key not in found:
                found[info.key] = (len(found) + 1, info, [])
            if c.name not in found[info.key][2]:
                found[info.key][2].append(c.name)
    return found
