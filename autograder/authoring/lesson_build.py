"""An exercise's lesson (solutions/<name>/lesson.md and pictures.py) as notebook cells and PNG files.

lesson.md is markdown; each fenced ```python block becomes a code cell in place (marked "not part of
your submission", so the grader leaves it out), a setup cell (torch, nn, F, reveal) comes before the
first one, `<!-- answer: ... -->` lines (the right prediction, for tests/test_lessons.py) are dropped,
and `![alt](pictures/<file>.png)` is embedded as a cell attachment, so the notebook renders without
the files. pictures.py draws each picture: `picture_<slug>()` returns a matplotlib Figure, saved as
exercises/pictures/<name>-<slug>.png by `grade release` (LESSON_FORMAT in the course's notes).
"""
from __future__ import annotations

import base64
import importlib.util
import io
import re
from dataclasses import dataclass
from pathlib import Path

from autograder.course import CourseError
from autograder.judging.notebook import SKIP_MARK

SETUP = (f"# Lesson setup ({SKIP_MARK}): what the lesson's cells use.\n"
         "import torch\nfrom torch import nn\nimport torch.nn.functional as F\n\n"
         "from autograder.lessons import reveal")
_FENCE = re.compile(r"^(```+|~~~+)\s*([\w+-]*)\s*$")
_ANSWER = re.compile(r"^\s*<!--\s*answer:\s*(?P<expr>.*?)\s*-->\s*$")
_PICTURE = re.compile(r"!\[(?P<alt>(?:[^\[\]]|\[[^\[\]]*\])*)\]\(pictures/(?P<file>[\w.-]+\.png)\)")
_SLUG = re.compile(r"^picture_(?P<slug>[a-z0-9_]+)$")


@dataclass(frozen=True)
class Block:
    """One piece of a lesson: markdown (with its pictures' PNG bytes) or a python code block."""
    kind: str  # "markdown" | "code"
    source: str
    line: int  # where it starts in lesson.md (1-based), for error messages
    answer: str | None = None  # a code block's `<!-- answer: expr -->`, from the markdown after it
    attachments: tuple[tuple[str, bytes], ...] = ()


def lesson_blocks(folder: Path, name: str) -> list[Block]:
    """The lesson of solutions/<name>/ as blocks in order, [] without lesson.md; pictures embedded."""
    path = folder / "lesson.md"
    if not path.is_file():
        return []
    text = path.read_text(encoding="utf-8")
    pictures = render_pictures(folder, name) if (folder / "pictures.py").is_file() else {}
    blocks: list[Block] = []
    markdown: list[str] = []
    code: list[str] | None = None
    fence = ""
    start = 1

    def flush_markdown(upto: int) -> None:
        body = "\n".join(markdown).strip("\n")
        markdown.clear()
        if body:
            blocks.append(_markdown_block(body, start, pictures, path))

    for number, line in enumerate(text.splitlines(), start=1):
        m = _FENCE.match(line)
        if code is not None:  # inside a python block
            if m and m.group(1).startswith(fence[0]) and len(m.group(1)) >= len(fence) and not m.group(2):
                blocks.append(Block("code", "\n".join(code).strip("\n"), start))
                code, fence, start = None, "", number + 1
            else:
                code.append(line)
            continue
        if fence:  # inside another fenced block: markdown, kept as typed
            markdown.append(line)
            if m and m.group(1).startswith(fence[0]) and not m.group(2):
                fence = ""
            continue
        if m and m.group(2) == "python":
            flush_markdown(number)
            code, fence, start = [], m.group(1), number
            continue
        if m:
            fence = m.group(1)
            markdown.append(line)
            continue
        answer = _ANSWER.match(line)
        if answer:
            last = blocks[-1] if blocks and not "\n".join(markdown).strip() else None
            if last is None or last.kind != "code":
                raise CourseError(f"{path}:{number}: an answer comment must follow a ```python block")
            blocks[-1] = Block("code", last.source, last.line, answer.group("expr"))
            continue
        if not markdown:
            start = number
        markdown.append(line)
    if code is not None:
        raise CourseError(f"{path}:{start}: the ```python block is never closed")
    flush_markdown(0)
    return blocks


def _markdown_block(body: str, line: int, pictures: dict[str, bytes], path: Path) -> Block:
    files = []

    def embed(m: re.Match) -> str:
        if m.group("file") not in pictures:
            raise CourseError(f"{path}:{line}: pictures/{m.group('file')} is not drawn by pictures.py "
                              f"(it draws: {', '.join(sorted(pictures)) or 'nothing'})")
        if m.group("file") not in files:
            files.append(m.group("file"))
        return f"![{m.group('alt')}](attachment:{m.group('file')})"

    body = _PICTURE.sub(embed, body)
    if "](pictures/" in body:  # a link the pattern missed would be a broken picture in the notebook
        raise CourseError(f"{path}:{line}: write pictures as ![alt text](pictures/<name>-<slug>.png)")
    return Block("markdown", body, line, attachments=tuple((f, pictures[f]) for f in files))


def code_cell_source(block: Block) -> str:
    """A lesson code block as its cell: its first comment says it is not part of the submission."""
    lines = block.source.splitlines() or [""]
    first = lines[0]
    if first.startswith("#") and SKIP_MARK not in first:
        head, colon, rest = first.partition(":")  # `# Predict: <question>`: the question on a line of its own
        lines[0:1] = [f"{head} ({SKIP_MARK}):", f"#{rest}"] if colon and rest.strip() else [f"{first} ({SKIP_MARK})"]
    elif SKIP_MARK not in first:
        lines.insert(0, f"# Try it ({SKIP_MARK}).")
    return "\n".join(lines)


def attachment_json(block: Block) -> dict:
    return {f: {"image/png": base64.b64encode(data).decode("ascii")} for f, data in block.attachments}


_rendered: dict[tuple[str, str], dict[str, bytes]] = {}


def render_pictures(folder: Path, name: str) -> dict[str, bytes]:
    """{"<name>-<slug>.png": PNG bytes} for each picture_<slug>() of solutions/<name>/pictures.py.

    Deterministic (no timestamp or version in the file): the PNGs are committed and compared."""
    path = folder / "pictures.py"
    text = path.read_text(encoding="utf-8")
    key = (str(path.resolve()), text)
    if key not in _rendered:
        _rendered[key] = {f"{name}-{slug}.png": _png(figure, path, slug)
                          for slug, figure in picture_functions(path, name).items()}
    return dict(_rendered[key])


def picture_functions(path: Path, name: str) -> dict:
    """slug -> the picture function of a pictures.py (imported as its own module, Agg backend)."""
    import matplotlib

    from autograder.content import _package

    matplotlib.use("Agg")
    # a module of the folder's package, as cases.py is, so it may import shared drawing code
    # relatively (`from ..shared.drawing import ...`); executed afresh so an edited file is re-read
    package = f"{_package(path.parent.parent)}.{name}"
    importlib.import_module(package)
    spec = importlib.util.spec_from_file_location(f"{package}.pictures", path)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as e:
        raise CourseError(f"{path}: cannot import: {type(e).__name__}: {e}") from None
    found = {}
    for attr in sorted(vars(module)):
        m = _SLUG.match(attr)
        if m and callable(getattr(module, attr)):
            found[m.group("slug")] = getattr(module, attr)
    if not found:
        raise CourseError(f"{path}: no picture_<slug>() function")
    return found


def _png(function, path: Path, slug: str) -> bytes:
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    try:
        figure = function()
    except Exception as e:
        raise CourseError(f"{path}: picture_{slug}() failed: {type(e).__name__}: {e}") from None
    if not isinstance(figure, Figure):
        raise CourseError(f"{path}: picture_{slug}() must return a matplotlib Figure, "
                          f"got {type(figure).__name__}")
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=100, metadata={"Software": None})
    plt.close(figure)
    return out.getvalue()
