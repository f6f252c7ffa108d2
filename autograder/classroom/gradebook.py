"""The class gradebook: one SQLite file, one row per student x exercise plus its concept rows.

Written by `grade batch` (one writer) in WAL mode, one transaction per graded exercise, so a
run killed at any moment keeps every result already committed and a rerun grades only
what is missing. Read by `grade export` and `grade report`.
"""
from __future__ import annotations

import csv
import json
import re
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from autograder.pipeline import worst
from autograder.results import CourseReport, ExerciseReport, exercise_dict, exercise_from_dict

SCHEMA_VERSION = 1
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS students (  -- seed: the student's key (batch.student_seed), not a grading seed
    student TEXT PRIMARY KEY, seed INTEGER NOT NULL, path TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS results (
    student TEXT NOT NULL, exercise TEXT NOT NULL, seed INTEGER NOT NULL,
    score REAL NOT NULL, max_score REAL NOT NULL, status TEXT NOT NULL,
    reproduce TEXT NOT NULL, report TEXT NOT NULL,
    seconds REAL NOT NULL, graded_at REAL NOT NULL,
    PRIMARY KEY (student, exercise));
CREATE TABLE IF NOT EXISTS concepts (
    student TEXT NOT NULL, exercise TEXT NOT NULL, concept TEXT NOT NULL,
    score REAL NOT NULL, max_score REAL NOT NULL, passed INTEGER NOT NULL, total INTEGER NOT NULL,
    status TEXT NOT NULL, misconception TEXT, message TEXT NOT NULL,
    PRIMARY KEY (student, exercise, concept));
-- what graded each result (fingerprint.py): a rerun regrades rows whose course or grader changed
CREATE TABLE IF NOT EXISTS graded_with (
    student TEXT NOT NULL, exercise TEXT NOT NULL, fingerprint TEXT NOT NULL,
    PRIMARY KEY (student, exercise));
"""
# what a rerun must reproduce exactly (timing columns excluded)
RESULT_COLUMNS = ("student", "exercise", "seed", "score", "max_score", "status", "reproduce", "report")
CONCEPT_COLUMNS = ("student", "exercise", "concept", "score", "max_score", "passed", "total", "status",
                   "misconception", "message")


class GradebookError(Exception):
    """The gradebook file cannot be opened or is not a gradebook; str() is one line naming it."""


@dataclass(frozen=True)
class ResultRow:
    student: str
    exercise: str
    seed: int
    score: float
    max_score: float
    status: str
    reproduce: str
    seconds: float


class Gradebook:
    def __init__(self, path: Path | str, *, create: bool = True):
        self.path = Path(path)
        if not create and not self.path.is_file():
            raise GradebookError(f"{self.path}: no such gradebook (run `grade batch` first)")
        try:
            # autocommit mode: transactions are explicit (BEGIN ... COMMIT) in record()
            self.db = sqlite3.connect(str(self.path), isolation_level=None, timeout=30)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: a killed process loses no commit
            self.db.executescript(SCHEMA)
            self._check_version()
            self.fingerprints: dict[str, str] = {}  # exercise -> fingerprint, stored with each record()
        except sqlite3.DatabaseError as e:
            raise GradebookError(f"{self.path}: not a gradebook: {e}") from None

    def _check_version(self) -> None:
        row = self.db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        if row is None:
            self.db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
        elif row[0] != str(SCHEMA_VERSION):
            raise GradebookError(f"{self.path}: gradebook schema {row[0]}, this grader writes {SCHEMA_VERSION}")

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Gradebook":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- writing ---------------------------------------------------------------------------------
    def set_meta(self, **values: str) -> None:
        with self._transaction():
            self.db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", values.items())

    def meta(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT key, value FROM meta"))

    def add_students(self, students: Iterable[tuple[str, int, str]]) -> None:
        with self._transaction():
            self.db.executemany("INSERT OR REPLACE INTO students VALUES (?, ?, ?)", list(students))

    def record(self, student: str, report: ExerciseReport, *, seconds: float) -> None:
        """One exercise's result and its concepts, in one transaction (all or nothing)."""
        status = worst(c.status for c in report.concepts)
        blob = json.dumps(exercise_dict(report), sort_keys=True, allow_nan=False)
        with self._transaction():
            self.db.execute("DELETE FROM concepts WHERE student=? AND exercise=?", (student, report.exercise))
            self.db.execute("INSERT OR REPLACE INTO results VALUES (?,?,?,?,?,?,?,?,?,?)",
                            (student, report.exercise, report.seed, report.score, report.max_score, status,
                             report.reproduce, blob, round(seconds, 3), time.time()))
            self.db.executemany(
                "INSERT INTO concepts VALUES (?,?,?,?,?,?,?,?,?,?)",
                [(student, report.exercise, c.name, c.score, c.max_score, c.passed, c.total, c.status,
                  c.misconception, c.message) for c in report.concepts])
            self.db.execute("DELETE FROM graded_with WHERE student=? AND exercise=?", (student, report.exercise))
            if report.exercise in self.fingerprints:
                self.db.execute("INSERT INTO graded_with VALUES (?,?,?)",
                                (student, report.exercise, self.fingerprints[report.exercise]))

    def _transaction(self):
        db = self.db

        class _Tx:
            def __enter__(self):
                db.execute("BEGIN IMMEDIATE")

            def __exit__(self, exc_type, *rest):
                db.execute("ROLLBACK" if exc_type else "COMMIT")

        return _Tx()

    # -- reading ---------------------------------------------------------------------------------
    def graded(self) -> set[tuple[str, str]]:
        return set(self.db.execute("SELECT student, exercise FROM results"))

    def stale(self, fingerprints: dict[str, str]) -> set[tuple[str, str]]:
        """Stored (student, exercise) rows of these exercises graded under another fingerprint (or
        before fingerprints were kept): what a change to the course or the grader made stale."""
        kept = dict(((s, e), f) for s, e, f in self.db.execute("SELECT student, exercise, fingerprint FROM graded_with"))
        return {(s, e) for s, e in self.graded() if e in fingerprints and kept.get((s, e)) != fingerprints[e]}

    def students(self) -> dict[str, tuple[int, str]]:
        return {s: (seed, path) for s, seed, path in self.db.execute("SELECT * FROM students ORDER BY student")}

    def results(self) -> list[ResultRow]:
        rows = self.db.execute("SELECT student, exercise, seed, score, max_score, status, reproduce, seconds "
                               "FROM results ORDER BY student, exercise")
        return [ResultRow(*r) for r in rows]

    def concept_rows(self) -> list[dict]:
        cur = self.db.execute(f"SELECT {', '.join(CONCEPT_COLUMNS)} FROM concepts "
                              "ORDER BY student, exercise, concept")
        return [dict(zip(CONCEPT_COLUMNS, r)) for r in cur]

    def snapshot(self) -> tuple[list[tuple], list[tuple]]:
        """Every stored grade, timing left out: two runs over the same class compare equal."""
        results = self.db.execute(f"SELECT {', '.join(RESULT_COLUMNS)} FROM results ORDER BY student, exercise")
        concepts = self.db.execute(f"SELECT {', '.join(CONCEPT_COLUMNS)} FROM concepts "
                                   "ORDER BY student, exercise, concept")
        return list(results), list(concepts)

    def course_report(self, student: str) -> CourseReport:
        """A student's stored exercises as a CourseReport, for any renderer."""
        rows = dict(self.db.execute("SELECT exercise, report FROM results WHERE student=?", (student,)))
        return CourseReport(tuple(exercise_from_dict(json.loads(rows[e])) for e in self.exercise_order() if e in rows))

    def exercise_order(self) -> list[str]:
        """The graded exercises in course order (as the batch stored it), else in natural order."""
        graded = {e for (e,) in self.db.execute("SELECT DISTINCT exercise FROM results")}
        listed = [e for e in self.meta().get("exercises", "").split(",") if e]
        rest = sorted(graded.difference(listed), key=lambda e: [int(t) if t.isdigit() else t
                                                                for t in re.split(r"(\d+)", e)])
        return [e for e in listed if e in graded] + rest

    def concept_order(self) -> list[tuple[str, str]]:
        """(exercise, concept) in course order: exercises as exercise_order(), concepts as the
        stored reports list them (exercise.yml's order)."""
        seen: dict[str, list[str]] = {}
        for student, report in self.reports():
            names = seen.setdefault(report["exercise"], [])
            names += [c["name"] for c in report.get("concepts", ()) if c["name"] not in names]
        return [(e, c) for e in self.exercise_order() for c in seen.get(e, ())]

    def reports(self) -> list[tuple[str, dict]]:
        """(student, the stored JSON report) of every result."""
        return [(s, json.loads(r)) for s, r in self.db.execute("SELECT student, report FROM results "
                                                               "ORDER BY student, exercise")]

    def export_wide(self, path: Path | str) -> int:
        """One row per student (an LMS gradebook's shape): student, each exercise's score, total,
        max_total; an exercise with no result is left empty and counts 0. Returns the rows written."""
        exercises = self.exercise_order()
        maxima = dict(self.db.execute("SELECT exercise, max(max_score) FROM results GROUP BY exercise"))
        scores = {(s, e): score for s, e, score in self.db.execute("SELECT student, exercise, score FROM results")}
        students = sorted(set(self.students()) | {s for s, _ in scores})
        max_total = round(sum(maxima[e] for e in exercises), 4)
        try:
            with open(path, "w", newline="", encoding="utf-8") as f:
                out = csv.writer(f)
                out.writerow(["student", *exercises, "total", "max_total"])
                for s in students:
                    row = [scores.get((s, e)) for e in exercises]
                    total = round(sum(x for x in row if x is not None), 4)
                    out.writerow([s, *("" if x is None else _num(x) for x in row), _num(total), _num(max_total)])
        except OSError as e:
            raise GradebookError(f"{path}: cannot write: {e.strerror or e}") from None
        return len(students)

    def export_csv(self, path: Path | str) -> int:
        """Student x exercise x concept rows; returns how many were written."""
        # the seed each exercise was graded with (secret, bound to the code): one per result row
        seeds = dict(((s, e), seed) for s, e, seed in self.db.execute("SELECT student, exercise, seed FROM results"))
        rows = self.concept_rows()
        header = ("student", "exercise", "concept", "score", "max_score", "passed", "total", "status",
                  "misconception", "seed")
        try:
            with open(path, "w", newline="", encoding="utf-8") as f:
                out = csv.writer(f)
                out.writerow(header)
                for r in rows:
                    out.writerow([r[k] if k != "seed" else seeds.get((r["student"], r["exercise"]), "")
                                  for k in header])
        except OSError as e:
            raise GradebookError(f"{path}: cannot write: {e.strerror or e}") from None
        return len(rows)


def _num(x: float) -> str:
    """A score as a spreadsheet reads it: 7.5, 10, 3.3333 (no float noise)."""
    return f"{x:.4f}".rstrip("0").rstrip(".")
