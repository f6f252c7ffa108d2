"""The class report: index.html beside its PNG plots, from the gradebook.

What an instructor reads after `grade batch`: the score distribution of every exercise, a
heat map of concept mastery (student x concept, in course order; not submitted, untouched,
crashed, forbidden and timed-out cells in their own colours), the misconceptions the class shows
most, the failures the diagnosis could not name, the cases that fail most often, an integrity
list (forbidden calls, timeouts) and the students who need help, each with the command that
reproduces the grade that needs looking at. Plots use matplotlib's Agg backend (no display needed).
"""
from __future__ import annotations

import html
import statistics
from collections import Counter, defaultdict
from pathlib import Path

from autograder.classroom.class_outcomes import CATEGORIES, concept_category, exercise_categories, failing_cases, undiagnosed
from autograder.classroom.gradebook import Gradebook
from autograder.pipeline import STATUS_MISCONCEPTION, Status

# ids that are outcomes, not misconceptions: they go to "needs help", not to the bar chart
OUTCOMES = set(STATUS_MISCONCEPTION.values())
MAX_HEATMAP_STUDENTS = 120
HELP_ROWS = 15
CASE_ROWS = 10
# the heat map's colours for cells that are not a share of points (colour-blind-safe, distinct from RdYlGn)
CATEGORY_COLOR = {"not submitted": "#e0e0e0", "untouched": "#737373", "crashed": "#000000",
                  "forbidden": "#7b3294", "timeout": "#2c7bb6"}


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

    order = book.concept_order()
    exercises = book.exercise_order()
    import matplotlib

    matplotlib.use("Agg")
    plots = [("score_distribution.png", "Score distribution per exercise", _plot_scores(results, exercises)),
             ("concept_mastery.png", "Concept mastery (share of each concept's points; other colours: "
              "not submitted, untouched, crashed, forbidden, timeout)", _plot_mastery(concepts, order)),
             ("misconceptions.png", "Most frequent misconceptions", _plot_misconceptions(concepts))]
    try:
        for name, _, fig in plots:
            if fig is not None:
                fig.savefig(out / name, dpi=90, bbox_inches="tight")
        index = out / "index.html"
        index.write_text(_html(book, results, concepts, plots, exercises, order), encoding="utf-8")
    except OSError as e:
        raise ClassReportError(f"{out}: cannot write: {e.strerror or e}") from None
    finally:
        import matplotlib.pyplot as plt

        plt.close("all")
    return index


# -- plots ---------------------------------------------------------------------------------------
def _plot_scores(results, exercises):
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    by_ex: dict[str, list[float]] = defaultdict(list)
    for r in results:
        by_ex[r.exercise].append(100.0 * r.score / r.max_score if r.max_score else 0.0)
    names = [e for e in exercises if e in by_ex]
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


def _plot_mastery(concepts, columns):
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib import colormaps
    from matplotlib.colors import to_rgba
    from matplotlib.patches import Patch

    cell = {(c["student"], c["exercise"], c["concept"]): c for c in concepts}
    share: dict[tuple[str, str, str], float] = {
        k: (c["score"] / c["max_score"] if c["max_score"] else 0.0) for k, c in cell.items()}
    totals: dict[str, float] = defaultdict(float)
    for (student, _, _), v in share.items():
        totals[student] += v
    students = sorted(totals, key=lambda s: (totals[s], s))[:MAX_HEATMAP_STUDENTS]  # weakest first
    cmap = colormaps["RdYlGn"]
    grid = np.ones((len(students), len(columns), 4))  # RGBA; a cell with no row at all stays white
    shown = set()
    for i, s in enumerate(students):
        for j, (ex, concept) in enumerate(columns):
            row = cell.get((s, ex, concept))
            if row is None:
                continue
            category = concept_category(row)
            if category in CATEGORY_COLOR:
                grid[i, j] = to_rgba(CATEGORY_COLOR[category])
                shown.add(category)
            else:
                grid[i, j] = cmap(share[(s, ex, concept)])
    fig, ax = plt.subplots(figsize=(max(6.0, 0.32 * len(columns) + 2.5), max(3.0, 0.22 * len(students) + 1.8)))
    ax.imshow(grid, aspect="auto", interpolation="nearest")
    ax.set_xticks(range(len(columns)), [f"{ex}/{c}" for ex, c in columns], rotation=70, ha="right", fontsize=7)
    ax.set_yticks(range(len(students)), students, fontsize=7)
    ax.set_xlabel("exercise / concept (course order)")
    ax.set_ylabel("student (weakest first)")
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import Normalize

    fig.colorbar(ScalarMappable(Normalize(0, 1), cmap), ax=ax, fraction=0.03, label="share of points (ran)")
    legend = [Patch(facecolor=CATEGORY_COLOR[c], edgecolor="#555555", label=c) for c in CATEGORY_COLOR if c in shown]
    if legend:
        ax.legend(handles=legend, loc="lower left", bbox_to_anchor=(0, 1.01), ncol=len(legend), fontsize=7,
                  frameon=False)
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


# -- page ----------------------------------------------------------------------------------------
def _html(book: Gradebook, results, concepts, plots, exercises, order) -> str:
    meta = book.meta()
    title = meta.get("course", "Class report")
    students = sorted({r.student for r in results})
    parts = [f"<h1>{_e(title)}: class report</h1>",
             f"<p>{len(students)} students, {len(results)} graded exercises. Gradebook: <code>{_e(book.path)}</code>."
             f"{' Seeds are salted.' if meta.get('salted') == 'true' else ''}</p>",
             _exercise_table(results, concepts, exercises)]
    for name, caption, fig in plots:
        if fig is not None:
            parts.append(f"<figure><img src=\"{name}\" alt=\"{_e(caption)}\"><figcaption>{_e(caption)}</figcaption></figure>")
            if name == "misconceptions.png":
                parts.append(_misconception_table(concepts))
                parts.append(_undiagnosed_table(concepts, order))
    parts.append(_failing_cases_table(book.reports(), order))
    parts.append(_integrity_table(concepts, exercises))
    parts.append(_help_table(results, concepts, exercises))
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


def _exercise_table(results, concepts, exercises) -> str:
    by_ex = defaultdict(list)
    for r in results:
        by_ex[r.exercise].append(r)
    counted = Counter((e, cat) for (_, e), cat in exercise_categories(concepts).items())
    rows = []
    for name in [e for e in exercises if e in by_ex]:
        rs = by_ex[name]
        scores = [r.score for r in rs]
        tally = "".join(f"<td class=num>{counted[(name, cat)]}</td>" for cat in CATEGORIES)
        rows.append(f"<tr><td>{_e(name)}</td><td class=num>{len(rs)}</td><td class=num>{statistics.mean(scores):.2f}</td>"
                    f"<td class=num>{statistics.median(scores):.2f}</td><td class=num>{min(scores):g}</td>"
                    f"<td class=num>{rs[0].max_score:g}</td>{tally}</tr>")
    head = "".join(f"<th>{_e(cat)}</th>" for cat in CATEGORIES)
    return ("<h2>Exercises</h2><p>Each student's exercise counts once, under its worst concept: not submitted "
            "(no file), untouched (the stub), crashed, forbidden (a forbidden call), timeout, wrong (ran and lost "
            "points), full (full marks).</p><table><tr><th>exercise</th><th>students</th><th>mean</th><th>median</th>"
            f"<th>lowest</th><th>points</th>{head}</tr>" + "".join(rows) + "</table>")


def _undiagnosed_table(concepts, order) -> str:
    failed, missing, where = undiagnosed(concepts)
    if not failed:
        return "<p>No concept failed on a wrong result.</p>"
    intro = (f"<h2>Failures with no diagnosis</h2><p>{missing} of {failed} failed concept rows had no "
             "misconception: the diagnosis has nothing to say about them yet (the smallest failing case is "
             "still in each student's report).</p>")
    if not missing:
        return intro
    rank = {k: i for i, k in enumerate(order)}
    rows = "".join(f"<tr><td>{_e(ex)}/{_e(c)}</td><td class=num>{n}</td></tr>"
                   for (ex, c), n in sorted(where.items(), key=lambda kv: (-kv[1], rank.get(kv[0], 0))))
    return intro + f"<table><tr><th>concept</th><th>rows with no misconception</th></tr>{rows}</table>"


def _failing_cases_table(reports, order) -> str:
    cases = failing_cases(reports)
    ranked = sorted(((n, key, case) for key, counter in cases.items() for case, n in counter.items()),
                    key=lambda t: (-t[0], order.index(t[1]) if t[1] in order else 0, t[2]))[:CASE_ROWS]
    if not ranked:
        return "<h2>Cases that fail most often</h2><p>No failing case to show.</p>"
    rows = "".join(f"<tr><td>{_e(ex)}/{_e(c)}</td><td class=num>{n}</td><td><code>{_e(case)}</code></td></tr>"
                   for n, (ex, c), case in ranked)
    return ("<h2>Cases that fail most often</h2><p>The smallest failing case each student was shown, counted over "
            "students: one case failing for many is worth a worked example in class.</p>"
            f"<table><tr><th>concept</th><th>students</th><th>case</th></tr>{rows}</table>")


def _integrity_table(concepts, exercises) -> str:
    found: dict[tuple[str, str], dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for c in concepts:
        if c["status"] in (Status.FORBIDDEN, Status.TIMEOUT):
            found[(c["student"], c["exercise"])][str(c["status"])].append(c["concept"])
    if not found:
        return "<h2>Integrity</h2><p>No forbidden call and no timeout.</p>"
    rank = {e: i for i, e in enumerate(exercises)}
    rows = "".join(
        f"<tr><td>{_e(s)}</td><td>{_e(e)}</td><td>{_e(', '.join(kinds.get('forbidden', [])))}</td>"
        f"<td>{_e(', '.join(kinds.get('timeout', [])))}</td></tr>"
        for (s, e), kinds in sorted(found.items(), key=lambda kv: (kv[0][0], rank.get(kv[0][1], 0))))
    return ("<h2>Integrity</h2><p>Forbidden calls (a function the exercise forbids, refused as it ran) and timeouts "
            "(code that did not finish in time), by student and exercise, with the concepts they cost.</p>"
            f"<table><tr><th>student</th><th>exercise</th><th>forbidden in</th><th>timeout in</th></tr>{rows}</table>")


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


def _help_table(results, concepts, exercises) -> str:
    totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    trouble: dict[str, list[str]] = defaultdict(list)
    categories = exercise_categories(concepts)
    worst: dict[str, tuple] = {}  # student -> (priority, the row whose command to show)
    for r in results:
        totals[r.student][0] += r.score
        totals[r.student][1] += r.max_score
        category = categories.get((r.student, r.exercise), "full" if r.score >= r.max_score else "wrong")
        if category in ("crashed", "forbidden", "timeout"):
            trouble[r.student].append(f"{r.exercise}: {category}")
        if r.score < r.max_score:
            # the crash (or forbidden call, or timeout) first, else the exercise that lost the most points
            rank = (0 if category in ("crashed", "forbidden", "timeout") else 1, -(r.max_score - r.score),
                    exercises.index(r.exercise) if r.exercise in exercises else len(exercises))
            if r.student not in worst or rank < worst[r.student][0]:
                worst[r.student] = (rank, r.reproduce)
    share = {s: (t[0] / t[1] if t[1] else 0.0) for s, t in totals.items()}
    lowest = sorted(share, key=lambda s: (share[s], s))
    chosen = [s for s in lowest if share[s] < 1.0][:HELP_ROWS]
    chosen += [s for s in sorted(trouble) if s not in chosen]
    if not chosen:
        return "<h2>Students who need help</h2><p>Everyone has full marks.</p>"
    rows = "".join(
        f"<tr><td>{_e(s)}</td><td class=num>{totals[s][0]:.4g} / {totals[s][1]:g}</td><td class=num>{100 * share[s]:.0f}%</td>"
        f"<td>{_e('; '.join(trouble.get(s, [])))}</td><td><code>{_e(worst[s][1] if s in worst else '')}</code></td></tr>"
        for s in chosen)
    return ("<h2>Students who need help</h2><p>The lowest totals, and everyone whose code crashed, made a forbidden "
            "call or ran out of time; the command reproduces the crash if there was one, else the exercise that "
            "lost the most points (the first in course order on a tie).</p>"
            "<table><tr><th>student</th><th>score</th><th>share</th><th>crash / forbidden / timeout</th><th>reproduce</th></tr>"
            f"{rows}</table>")


def _e(value) -> str:
    return html.escape(str(value), quote=True)
