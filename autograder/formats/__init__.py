"""One module per output format, each with `render(report: CourseReport) -> str`."""
from __future__ import annotations

import importlib

FORMATS = ("text", "json", "junit", "gradescope", "github", "html")


def render(report, fmt: str, **options) -> str:
    from autograder.formats.safe_text import safe_report

    module = importlib.import_module(f"autograder.formats.{fmt.replace('-', '_')}")
    return module.render(safe_report(report), **options)  # student text made safe once, for every format
