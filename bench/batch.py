"""Benchmark: `grade batch` at the machine's limit, against nbgrader, on a cluster, and by class size.

    python bench/batch.py [--jobs N] [--sizes 20 60 200] [--nbgrader 20 60] [--mixed 20 60]
                          [--cluster 20] [--skip-nbgrader] [--skip-cluster] [--against DIR]

One run prints, each measured here and now (a loaded machine moves the seconds; read the ratios):
- time vs class size: exercise1 classes of --sizes students (correct, buggy and hostile mixed, see
  tests/class_submissions.py); start-up and per-submission cost fitted, so growth is seen to be
  linear after start-up;
- batch vs nbgrader autograde: the same exercise1 class as notebooks, at --nbgrader sizes;
- an exercise1-3 class (--mixed sizes; the correct-heavy mix, the same kinds on each exercise):
  submissions per second (target >= 5 on 2 cores) and the smallest class's share of it (target 80%);
- the same exercise1-3 class on a 2-worker Dask LocalCluster vs the local batch (--cluster size);
- peak memory per worker (PSS and RSS, sampled with psutil; Dask workers report their own maxrss);
- with --against DIR (another checkout, e.g. main before a change): the exercise1-3 class graded by
  both, back to back, with the ratio of rates and of CPU per submission (the grader's processes, and
  its sandboxes' as last sampled), and whether the gradebooks agree row for row, reports included.
Run by hand, not by the test suite.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from class_submissions import EXERCISE1_EDITS, PATTERN, exercise1_source, make_class  # noqa: E402

EXERCISE = "exercise1"


def grade_batch(subs: Path, book: Path, jobs: int, exercises: list[str], cluster: str | None = None,
                root: Path = ROOT) -> dict:
    """`root`: the checkout whose grader runs (--against DIR: another one, on the same submissions)."""
    cmd = [sys.executable, "-m", "autograder", "batch", str(subs), "--exercise", *exercises,
           "--gradebook", str(book), "--no-progress"]
    cmd += ["--cluster", cluster] if cluster else ["--jobs", str(jobs)]
    peaks = Peaks()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peaks.watch(proc.pid)
    out, err = proc.communicate()
    seconds = time.perf_counter() - started
    # the grader's own CPU: the batch process and its workers, which are waited for (the sandboxes'
    # processes are not counted: bubblewrap's are killed with their namespace, never waited for here)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    peaks.stop()
    if proc.returncode != 0:
        raise SystemExit(f"grade batch failed:\n{err}")
    rows = sqlite3.connect(book).execute("SELECT student, exercise, score, seconds FROM results").fetchall()
    return {"seconds": seconds, "count": len(rows), "per_job": {(s, e): t for s, e, _, t in rows},
            "scores": {(s, e): sc for s, e, sc, _ in rows}, "workers_mb": peaks.workers_mb(),
            "sandbox_mb": peaks.below_mb(), "workers_rss_mb": peaks.workers_mb(rss=True),
            "cpu": after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime,
            "sandbox_cpu": sum(peaks.sandbox_cpu.values())}


class Peaks:
    """Peak memory of a process's children (the batch's workers) and of everything below them (their
    sandboxes' zygotes and student processes), sampled every 0.2 s with psutil: proportional set size
    (PSS: pages shared with the parent or a sibling, torch's among them, split between the sharers),
    and resident set size (RSS: every shared page counted whole, in every process)."""

    def __init__(self):
        self.children: dict[int, int] = {}
        self.children_rss: dict[int, int] = {}
        self.below: dict[int, int] = {}
        self.sandbox_cpu: dict[int, float] = {}  # per zygote: its CPU and its student processes' (reaped)
        self.done = threading.Event()

    def watch(self, pid: int) -> None:
        try:
            import psutil
        except ImportError:
            return

        def memory(p) -> tuple[int, int]:
            try:
                full = p.memory_full_info()  # reads smaps_rollup: PSS
                return getattr(full, "pss", full.rss), full.rss
            except psutil.AccessDenied:
                rss = p.memory_info().rss
                return rss, rss

        def sample():
            try:
                root = psutil.Process(pid)
            except psutil.Error:
                return
            while not self.done.wait(0.2):
                try:
                    for kid in root.children():
                        pss, rss = memory(kid)
                        self.children[kid.pid] = max(self.children.get(kid.pid, 0), pss)
                        self.children_rss[kid.pid] = max(self.children_rss.get(kid.pid, 0), rss)
                        for p in kid.children(recursive=True):
                            self.below[p.pid] = max(self.below.get(p.pid, 0), memory(p)[0])
                            if _is_zygote(p):
                                t = p.cpu_times()
                                self.sandbox_cpu[p.pid] = t.user + t.system + t.children_user + t.children_system
                except psutil.Error:
                    continue

        threading.Thread(target=sample, daemon=True).start()

    def stop(self) -> None:
        self.done.set()

    def workers_mb(self, rss: bool = False) -> float:
        return max((self.children_rss if rss else self.children).values(), default=0) / 2**20

    def below_mb(self) -> float:
        return max(self.below.values(), default=0) / 2**20


def _is_zygote(p) -> bool:
    """A sandbox's fork server (its student processes are forks of it: same command line)."""
    def runs_zygote(q) -> bool:  # bubblewrap's own command line names zygote.py too
        return q.name() != "bwrap" and "zygote.py" in " ".join(q.cmdline())

    try:
        return runs_zygote(p) and not runs_zygote(p.parent())
    except Exception:  # noqa: BLE001  (gone, or not ours to read)
        return False


def nbgrader_class(kinds: dict[str, str], work: Path) -> Path:
    """An nbgrader course directory with every student's notebook in submitted/."""
    nb = work / "nbgrader"
    run([sys.executable, "-m", "autograder", "nbgrader", EXERCISE, "--out", str(nb)], cwd=ROOT)
    run(["nbgrader", "generate_assignment", EXERCISE, "--force"], cwd=nb)
    source = json.loads((nb / "source" / EXERCISE / f"{EXERCISE}.ipynb").read_text(encoding="utf-8"))
    for student, kind in kinds.items():
        target = nb / "submitted" / student / EXERCISE / f"{EXERCISE}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(student_notebook(source, kind), indent=1), encoding="utf-8")
    return nb


def student_notebook(source: dict, kind: str) -> dict:
    """The nbgrader notebook with the student's edit applied in its solution cells."""
    nb = json.loads(json.dumps(source))
    solutions = [c for c in nb["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("solution")]
    if kind == "crash-at-import":
        first = solutions[0]
        first["source"] = "raise RuntimeError('this submission fails at import')\n" + "".join(first["source"])
    elif kind != "correct":
        old, new = EXERCISE1_EDITS[kind]
        for cell in nb["cells"]:
            text = "".join(cell["source"])
            if old in text:
                cell["source"] = text.replace(old, new, 1)
                break
        else:
            raise SystemExit(f"cannot apply {kind!r} to the notebook")
    assert exercise1_source(kind)  # the same edit applies to the .py submissions
    return nb


def nbgrader_autograde(nb: Path, students: list[str] | None = None) -> float:
    cmd = ["nbgrader", "autograde", EXERCISE, "--force"]
    if students:
        cmd += [f"--student={s}" for s in students]  # one student per call: traitlets keeps the last
    started = time.perf_counter()
    run(cmd, cwd=nb)
    return time.perf_counter() - started


def nbgrader_scores(nb: Path) -> dict[str, float]:
    run(["nbgrader", "export", "--to", str(nb / "grades.csv")], cwd=nb)
    import csv

    with open(nb / "grades.csv", encoding="utf-8") as f:
        return {r["student_id"]: float(r["score"]) for r in csv.DictReader(f)}


def run(cmd: list[str], cwd: Path) -> None:
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=os.environ.copy())
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr[-3000:]}")


def exercise_source(exercise: str, kind: str) -> str:
    """exercise1: the class's edits (tests/class_submissions.py). exercise2-3: the reference when
    correct, the student stub for the buggy kinds (every case not-implemented), a crash at import,
    or an infinite loop at the start of the first graded function."""
    if exercise == "exercise1":
        return exercise1_source(kind)
    text = (ROOT / "solutions" / exercise / f"{exercise}.py").read_text(encoding="utf-8")
    if kind == "correct":
        return text
    if kind == "crash-at-import":
        return "raise RuntimeError('this submission fails at import')\n" + text
    if kind == "infinite-loop":
        import re

        first = re.search(r"^def [a-z]\w*\(.*?\n    \"\"\".*?\"\"\"\n", text, re.S | re.M)
        return text[:first.end()] + "    while True:\n        pass\n" + text[first.end():]
    return (ROOT / "exercises" / f"{exercise}.py").read_text(encoding="utf-8")


def mixed_class(folder: Path, size: int, exercises: list[str]) -> dict[str, str]:
    kinds = {}
    for i in range(size):
        student, kind = f"student{i + 1:03d}", PATTERN[i % len(PATTERN)]
        target = folder / student
        target.mkdir(parents=True, exist_ok=True)
        for ex in exercises:
            (target / f"{ex}.py").write_text(exercise_source(ex, kind), encoding="utf-8")
        kinds[student] = kind
    return kinds


def rate(run: dict) -> float:
    return run["count"] / run["seconds"]


def line(label: str, run: dict) -> None:
    rss = f", RSS {run['workers_rss_mb']:.0f} MiB" if run.get("workers_rss_mb") else ""
    print(f"  {label}: {run['count']} submissions in {run['seconds']:.1f} s = {rate(run):.2f}/s; "
          f"peak memory per worker {run['workers_mb']:.0f} MiB PSS{rss} (a process below it "
          f"{run['sandbox_mb']:.0f} MiB PSS)")


def by_size(work: Path, sizes: list[int], jobs: int) -> dict[int, dict]:
    print(f"time vs class size (exercise1, {jobs} jobs):")
    runs = {}
    for n in sizes:
        make_class(work / f"ex1-{n}" / "subs", n)
        runs[n] = grade_batch(work / f"ex1-{n}" / "subs", work / f"ex1-{n}" / "gb.db", jobs, ["exercise1"])
        line(f"{n:>4} students", runs[n])
    if sizes:
        kinds = {f"student{i + 1:02d}": PATTERN[i % len(PATTERN)] for i in range(sizes[-1])}
        per = {s: t for (s, _), t in runs[sizes[-1]]["per_job"].items()}
        correct = statistics.median(per[s] for s, k in kinds.items() if k == "correct")
        hung = statistics.median(per[s] for s, k in kinds.items() if k == "infinite-loop")
        print(f"  one submission (worker seconds): correct {correct:.2f} s, infinite loop {hung:.2f} s")
    if len(sizes) >= 2:
        xs, ys = sizes, [runs[n]["seconds"] for n in sizes]
        mx, my = statistics.fmean(xs), statistics.fmean(ys)
        slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
        start = my - slope * mx
        worst = max(abs(start + slope * x - y) / y for x, y in zip(xs, ys))
        print(f"  fit: {start:.1f} s start-up + {slope:.3f} s per submission ({1 / slope:.2f}/s after start-up); "
              f"largest deviation from the line {worst:.0%}")
        print(f"  ratio: {sizes[-1]} vs {sizes[0]} students took {ys[-1] / ys[0]:.2f}x the time for "
              f"{sizes[-1] / sizes[0]:.1f}x the class")
    return runs


def versus_nbgrader(work: Path, sizes: list[int], runs: dict[int, dict], jobs: int) -> None:
    print("batch vs nbgrader autograde (exercise1, the same class as notebooks):")
    if shutil.which("nbgrader") is None:
        print("  nbgrader is not installed here: skipped")
        return
    for n in sizes:
        if n not in runs:
            make_class(work / f"ex1-{n}" / "subs", n)
            runs[n] = grade_batch(work / f"ex1-{n}" / "subs", work / f"ex1-{n}" / "gb.db", jobs, ["exercise1"])
        kinds = {f"student{i + 1:02d}": PATTERN[i % len(PATTERN)] for i in range(n)}
        nb = nbgrader_class(kinds, work / f"nb-{n}")
        seconds = nbgrader_autograde(nb)
        print(f"  {n:>4} students: grade batch {rate(runs[n]):.2f}/s, nbgrader autograde {n / seconds:.3f}/s "
              f"({seconds:.1f} s): ratio {rate(runs[n]) * seconds / n:.1f}x")


def mixed(work: Path, sizes: list[int], jobs: int, exercises: list[str], against: Path | None = None) -> dict[int, dict]:
    """`against`: another checkout graded on the same class just before this one, size by size."""
    print(f"an {'-'.join([exercises[0], exercises[-1][-1]])} class ({len(exercises)} submissions per student, "
          f"{jobs} jobs):")
    runs, before = {}, {}
    for n in sizes:
        folder = work / f"mix-{n}"
        mixed_class(folder / "subs", n, exercises)
        if against is not None:
            before[n] = grade_batch(folder / "subs", folder / "before.db", jobs, exercises, root=against)
            line(f"{n:>4} students, {against}", before[n])
        runs[n] = grade_batch(folder / "subs", folder / "gb.db", jobs, exercises)
        line(f"{n:>4} students{', this checkout' if against is not None else ''}", runs[n])
        if against is not None:
            same = _results(folder / "before.db") == _results(folder / "gb.db")
            print(f"       ratio this/{against.name or against}: {rate(runs[n]) / rate(before[n]):.2f}x the rate; "
                  f"CPU per submission {_cpu_per(runs[n], 'all') / _cpu_per(before[n], 'all'):.2f}x "
                  f"({_cpu_per(before[n], 'all'):.3f} -> {_cpu_per(runs[n], 'all'):.3f} s: the grader's "
                  f"{_cpu_per(before[n]):.3f} -> {_cpu_per(runs[n]):.3f} s, its sandboxes' "
                  f"{_cpu_per(before[n], 'sandbox'):.3f} -> {_cpu_per(runs[n], 'sandbox'):.3f} s); gradebooks "
                  f"{'equal (score, status, report of every row)' if same else 'DIFFER'}")
    top = max(sizes)
    target = rate(runs[top])
    print(f"  {top} students: {target:.2f} submissions/s (target >= 5 on 2 cores: "
          f"{'met' if target >= 5 else 'NOT met'})")
    small = min(sizes)
    if small != top:
        share = rate(runs[small]) / target
        print(f"  {small} students reach {share:.0%} of the {top}-student rate (target >= 80%: "
              f"{'met' if share >= 0.8 else 'NOT met'})")
    return runs


def _cpu_per(run: dict, part: str = "grader") -> float:
    """CPU seconds per submission: the grader's processes, its sandboxes' (each zygote with its student
    processes, as last sampled), or all."""
    cpu = {"grader": run["cpu"], "sandbox": run["sandbox_cpu"], "all": run["cpu"] + run["sandbox_cpu"]}[part]
    return cpu / max(1, run["count"])


def _results(book: Path) -> list:
    """Every row as the gradebook keeps it, without the time it took."""
    db = sqlite3.connect(book)
    columns = [r[1] for r in db.execute("PRAGMA table_info(results)") if r[1] not in ("seconds", "graded_at")]
    return db.execute(f"SELECT {', '.join(columns)} FROM results ORDER BY student, exercise").fetchall()


def on_cluster(work: Path, n: int, local: dict | None, jobs: int, exercises: list[str]) -> None:
    print(f"batch on a 2-worker Dask LocalCluster vs local ({n} students x {len(exercises)} exercises):")
    try:
        from distributed import LocalCluster
    except ImportError:
        print("  distributed is not installed (pip install -e '.[cluster]'): skipped")
        return
    folder = work / f"mix-{n}"
    if local is None:
        mixed_class(folder / "subs", n, exercises)
        local = grade_batch(folder / "subs", folder / "gb.db", jobs, exercises)
        line("local", local)
    os.environ["PYTHONPATH"] = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    sys.path.insert(0, str(ROOT))  # Dask starts its workers with this sys.path: this checkout's autograder
    started = time.perf_counter()
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      memory_limit=0) as cluster:
        up = time.perf_counter() - started
        remote = grade_batch(folder / "subs", folder / "cluster.db", jobs, exercises, cluster=cluster.scheduler_address)
        from distributed import Client

        with Client(cluster.scheduler_address) as client:
            peaks = client.run(_worker_peak_mb)
    remote["workers_mb"] = max(p[0] for p in peaks.values())
    remote["sandbox_mb"] = max(p[1] for p in peaks.values())
    line("cluster", remote)
    same = sqlite3.connect(folder / "gb.db").execute("SELECT student, exercise, score, status FROM results "
                                                     "ORDER BY 1, 2").fetchall()
    other = sqlite3.connect(folder / "cluster.db").execute("SELECT student, exercise, score, status FROM results "
                                                           "ORDER BY 1, 2").fetchall()
    print(f"  cluster start-up (scheduler + 2 workers) {up:.1f} s, not counted above; "
          f"ratio cluster/local {rate(remote) / rate(local):.2f}x; gradebooks {'equal' if same == other else 'DIFFER'}")


def _worker_peak_mb() -> tuple[float, float]:
    import resource

    return (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    p.add_argument("--sizes", type=int, nargs="*", default=[20, 60, 200], help="exercise1 class sizes")
    p.add_argument("--nbgrader", type=int, nargs="*", default=[20, 60], help="class sizes against nbgrader")
    p.add_argument("--mixed", type=int, nargs="*", default=[20, 60], help="exercise1-3 class sizes")
    p.add_argument("--cluster", type=int, default=20, help="the exercise1-3 class size on the LocalCluster")
    p.add_argument("--skip-nbgrader", action="store_true")
    p.add_argument("--skip-cluster", action="store_true")
    p.add_argument("--against", type=Path, help="another checkout of the course (e.g. main before a change): "
                   "the exercise1-3 class is graded by it too, just before this one, and the ratio printed")
    p.add_argument("--keep", action="store_true", help="keep the temporary folder and print it")
    args = p.parse_args()
    exercises = ["exercise1", "exercise2", "exercise3"]

    work = Path(tempfile.mkdtemp(prefix="bench-batch-"))
    started = time.perf_counter()
    try:
        print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; a class of 10 repeats "
              f"{dict((k, PATTERN.count(k)) for k in sorted(set(PATTERN)))}")
        runs = by_size(work, args.sizes, args.jobs) if args.sizes else {}
        if args.nbgrader and not args.skip_nbgrader:
            versus_nbgrader(work, args.nbgrader, runs, args.jobs)
        mix = mixed(work, args.mixed, args.jobs, exercises, args.against) if args.mixed else {}
        if args.cluster and not args.skip_cluster:
            on_cluster(work, args.cluster, mix.get(args.cluster), args.jobs, exercises)
        print(f"(whole benchmark {time.perf_counter() - started:.0f} s; load average now {os.getloadavg()[0]:.1f})")
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
