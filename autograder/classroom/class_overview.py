"""The class report: index.html beside its PNG plots, from the gradebook.

What an instructor reads after `grade batch`: the score distribution of every exercise, a
heat map of concept mastery (student x concept), the misconceptions the class shows most,
and the students who need help (lowest totals, crashes and timeouts), each with the command
that reproduces their grade. Plots use matplotlib's Agg backend (no display needed).
"""
from __future__ import annotations

import html
import statistics
from collections import Counter, defaultdict
from pathlib import Path

from autograder.classroom.gradebook import Gradebook
from autograder.pipeline import STATUS_MISCONCEPTION, Status

# ids that are outcomes, not misconceptions: they go to "needs help", not to the bar chart
OUTCOMES = set(STATUS_MISCONCEPTION.values())
MAX_HEATMAP_STUDENTS = 120
HELP_ROWS = 15


class ClassReportError(Exception):
    """The report cannot be written; str() is one line."""


def write_class_report(book: Gradebook, out: Path | str) -> Path:
    results = book.results()
    if not results:
        raise ClassReportError(f"{book.path}: the gradebook has no results yet (run `grade batch`)")
    concepts = book.concept_rows()
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ClassReportError(f"{out}: cannot create: {e.strerror or e}") from None

    import matplotlib

    matplotlib.use("Agg")
    plots = [("score_distribution.png", "Score distribution per exercise", _plot_scores(results)),
             ("concept_mastery.png", "Concept mastery (share of each concept's points)", _plot_mastery(concepts)),
             ("misconceptions.png", "Most frequent misconceptions", _plot_misconceptions(concepts))]
    try:
        for name, _, fig in plots:
            if fig is not None:
                fig.savefig(out / name, dpi=90, bbox_inches="tight")
        index = out / "index.html"
        index.write_text(_html(book, results, concepts, plots), encoding="utf-8")
    except OSError as e:
        raise ClassReportError(f"{out}: cannot write: {e.strerror or e}") from None
    finally:
        import matplotlib.pyplot as plt

        plt.close("all")
    return index


# -- plots ---------------------------------------------------------------------------------------
def _plot_scores(results):
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    by_ex: dict[str, list[float]] = defaultdict(list)
    for r in results:
        by_ex[r.exercise].append(100.0 * r.score / r.max_score if r.max_score else 0.0)
    names = sorted(by_ex, key=_exercise_order)
    cols = min(3, len(names))
    rows = -(-len(names) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 2.8 * rows), squeeze=False)
    for ax, name in zip(axes.flat, names):
        ax.hist(by_ex[name], bins=[0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100.001], color="#4c72b0",
                edgecolor="white")
        ax.set_title(f"{name} (mean {statistics.mean(by_ex[name]):.0f}%)", fontsize=10)
        ax.set_xlabel("score (% of points)")
        ax.set_ylabel("students")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlim(0, 100)
    for ax in list(axes.flat)[len(names):]:
        ax.axis("off")
    fig.tight_layout()
    return fig


def _plot_mastery(concepts):
    import matplotlib.pyplot as plt
    import numpy as np

    columns = sorted({(c["exercise"], c["concept"]) for c in concepts}, key=lambda k: (_exercise_order(k[0]), k[1]))
    share: dict[tuple[str, str, str], float] = {
        (c["student"], c["exercise"], c["concept"]): (c["score"] / c["max_score"] if c["max_score"] else 0.0)
        for c in concepts}
    totals: dict[str, float] = defaultdict(float)
    for (student, _, _), v in share.items():
        totals[student] += v
    students = sorted(totals, key=lambda s: (totals[s], s))[:MAX_HEATMAP_STUDENTS]  # weakest first
    grid = np.full((len(students), len(columns)), np.nan)
    for i, s in enumerate(students):
        for j, (ex, concept) in enumerate(columns):
            grid[i, j] = share.get((s, ex, concept), np.nan)
    fig, ax = plt.subplots(figsize=(max(6.0, 0.32 * len(columns) + 2.5), max(3.0, 0.22 * len(students) + 1.8)))
    image = ax.imshow(grid, cmap="RdYlGn", vmin=0, vmax=1, aspect="auto", interpolation="nearest")
    ax.set_xticks(range(len(columns)), [f"{ex}/{c}" for ex, c in columns], rotation=70, ha="right", fontsize=7)
    ax.set_yticks(range(len(students)), students, fontsize=7)
    ax.set_xlabel("exercise / concept")
    ax.set_ylabel("student (weakest first)")
    fig.colorbar(image, ax=ax, fraction=0.03, label="share of points")
    fig.tight_layout()
    return fig


def _plot_misconceptions(concepts):
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    counts = _misconception_counts(concepts).most_common(15)
    fig, ax = plt.subplots(figsize=(7, max(1.6, 0.38 * len(counts) + 1.0)))
    if counts:
        labels = [m for m, _ in counts][::-1]
        ax.barh(labels, [n for _, n in counts][::-1], color="#c44e52")
        ax.set_xlabel("students showing it")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    else:
        ax.text(0.5, 0.5, "no misconception recognised", ha="center", va="center")
        ax.axis("off")
    fig.tight_layout()
    return fig


def _misconception_counts(concepts) -> Counter:
    """Students per misconception (a student counts once, however many concepts show it)."""
    seen = {(c["student"], c["misconception"]) for c in concepts
            if c["misconception"] and c["misconception"] not in OUTCOMES}
    return Counter(m for _, m in seen)


def _exercise_order(name: str):
    digits = "".join(ch for ch in name if ch.isdigit())
    return (int(digits) if digits else 0, name)


# -- page ----------------------------------------------------------------------------------------
def _html(book: Gradebook, results, concepts, plots) -> str:
    meta = book.meta()
    title = meta.get("course", "Class report")
    students = sorted({r.student for r in results})
    parts = [f"<h1>{_e(title)}: class report</h1>",
             f"<p>{len(students)} students, {len(results)} graded exercises. Gradebook: <code>{_e(book.path)}</code>."
             f"{' Seeds are salted.' if meta.get('salted') == 'true' else ''}</p>",
             _exercise_table(results)]
    for name, caption, fig in plots:
        if fig is not None:
            parts.append(f"<figure><img src=\"{name}\" alt=\"{_e(caption)}\"><figcaption>{_e(caption)}</figcaption></figure>")
            if name == "misconceptions.png":
                parts.append(_misconception_table(concepts))
    parts.append(_help_table(results))
    body = "\n".join(parts)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{_e(title)}: class report</title>
<style>
body {{ font-family: sans-serif; margin: 2em; max-width: 1200px; color: #222; }}
table {{ border-collapse: collapse; margin: 1em 0; }}
th, td {{ border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; font-size: 0.9em; }}
th {{ background: #f0f0f0; }}
td.num {{ text-align: right; }}
figure {{ margin: 1.5em 0; }} img {{ max-width: 100%; }}
code {{ font-size: 0.85em; }}
</style></head>
<body data-images="pending">
{body}
<script>
// a marker for tests and for a quick look: every plot must have loaded
window.addEventListener("load", function () {{
  var imgs = Array.prototype.slice.call(document.images);
  var ok = imgs.length > 0 && imgs.every(function (i) {{ return i.complete && i.naturalWidth > 0; }});
  document.body.setAttribute("data-images", ok ? "ok" : "broken");
  document.body.setAttribute("data-image-count", String(imgs.length));
}});
</script>
</body></html>
"""


def _exercise_table(results) -> str:
    by_ex = defaultdict(list)
    for r in results:
        by_ex[r.exercise].append(r)
    rows = []
    for name in sorted(by_ex, key=_exercise_order):
        rs = by_ex[name]
        scores = [r.score for r in rs]
        full = sum(r.score >= r.max_score for r in rs)
        trouble = sum(r.status in (Status.CRASH, Status.TIMEOUT) for r in rs)
        rows.append(f"<tr><td>{_e(name)}</td><td class=num>{len(rs)}</td><td class=num>{statistics.mean(scores):.2f}</td>"
                    f"<td class=num>{statistics.median(scores):.2f}</td><td class=num>{min(scores):g}</td>"
                    f"<td class=num>{rs[0].max_score:g}</td><td class=num>{full}</td><td class=num>{trouble}</td></tr>")
    return ("<h2>Exercises</h2><table><tr><th>exercise</th><th>students</th><th>mean</th><th>median</th>"
            "<th>lowest</th><th>points</th><th>full marks</th><th>crash/timeout</th></tr>" + "".join(rows) + "</table>")


def _misconception_table(concepts) -> str:
    where: dict[str, set[str]] = defaultdict(set)
    for c in concepts:
        if c["misconception"] and c["misconception"] not in OUTCOMES:
            where[c["misconception"]].add(f"{c['exercise']}/{c['concept']}")
    counts = _misconception_counts(concepts).most_common()
    if not counts:
        return "<p>No misconception recognised in this class.</p>"
    rows = "".join(f"<tr><td><code>{_e(m)}</code></td><td class=num>{n}</td><td>{_e(', '.join(sorted(where[m])))}</td></tr>"
                   for m, n in counts)
    return f"<table><tr><th>misconception</th><th>students</th><th>seen in</th></tr>{rows}</table>"


def _help_table(results) -> str:
    totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    trouble: dict[str, list[str]] = defaultdict(list)
    reproduce: dict[str, str] = {}
    for r in results:
        totals[r.student][0] += r.score
        totals[r.student][1] += r.max_score
        if r.status in (Status.CRASH, Status.TIMEOUT):
            trouble[r.student].append(f"{r.exercise}: {r.status}")
            reproduce.setdefault(r.student, r.reproduce)
        elif r.score < r.max_score:
            reproduce.setdefault(r.student, r.reproduce)
    share = {s: (t[0] / t[1] if t[1] else 0.0) for s, t in totals.items()}
    lowest = sorted(share, key=lambda s: (share[s], s))
    chosen = [s for s in lowest if share[s] < 1.0][:HELP_ROWS]
    chosen += [s for s in sorted(trouble) if s not in chosen]
    if not chosen:
        return "<h2>Students who need help</h2><p>Everyone has full marks.</p>"
    rows = "".join(
        f"<tr><td>{_e(s)}</td><td class=num>{totals[s][0]:.4g} / {totals[s][1]:g}</td><td class=num>{100 * share[s]:.0f}%</td>"
        f"<td>{_e('; '.join(trouble.get(s, [])))}</td><td><code>{_e(reproduce.get(s, ''))}</code></td></tr>"
        for s in chosen)
    return ("<h2>Students who need help</h2><p>The lowest totals, and everyone whose code crashed or ran out of time.</p>"
            "<table><tr><th>student</th><th>score</th><th>share</th><th>crash / timeout</th><th>reproduce</th></tr>"
            f"{rows}</table>")


def _e(value) -> str:
    return html.escape(str(value), quote=True)
