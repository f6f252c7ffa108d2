"""One module per output format, each with `render(report: CourseReport) -> str`."""
from __future__ import annotations

import importlib

FORMATS = ("text", "json", "junit", "gradescope", "github", "html")


def render(report, fmt: str, **options) -> str:
    module = importlib.import_module(f"autograder.render.{fmt.replace('-', '_')}")
    return module.render(report, **options)
