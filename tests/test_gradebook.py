"""The SQLite gradebook: one transaction per result, resumable, round-trips reports."""
from __future__ import annotations

import csv
import sqlite3

import pytest

from autograder.classroom.gradebook import Gradebook, GradebookError
from autograder.formats.json import exercise_dict
from class_submissions import fake_exercise_report


def test_record_round_trips_the_report_and_its_concepts(tmp_path):
    report = fake_exercise_report(1)
    with Gradebook(tmp_path / "gb.db") as book:
        book.add_students([("alice", 1001, "/subs/alice")])
        book.record("alice", report, seconds=1.5)
        assert book.graded() == {("alice", "exercise1")}
        (row,) = book.results()
        assert (row.student, row.exercise, row.seed, row.score, row.max_score) == ("alice", "exercise1", 1001, report.score, 4.5)
        assert row.status == "not-implemented"  # the worst concept status
        concepts = {c["concept"]: c for c in book.concept_rows()}
        assert concepts["stride"]["misconception"] == "missing-plus-one"
        assert concepts["stride"]["passed"] == 4 and concepts["stride"]["total"] == 8
        back = book.course_report("alice").exercises[0]
    # what renderers read back is the report that was graded
    assert exercise_dict(back) == exercise_dict(report)


def test_the_gradebook_is_in_wal_mode_and_commits_at_once(tmp_path):
    path = tmp_path / "gb.db"
    book = Gradebook(path)
    book.record("bob", fake_exercise_report(2), seconds=0.1)
    # another connection sees the row while the writer is still open: it was committed
    other = sqlite3.connect(path)
    assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert other.execute("SELECT count(*) FROM results").fetchone()[0] == 1
    assert other.execute("SELECT count(*) FROM concepts").fetchone()[0] == 4
    other.close()
    book.close()


def test_a_failed_record_leaves_nothing_half_written(tmp_path):
    from dataclasses import replace

    good = fake_exercise_report(1)
    with Gradebook(tmp_path / "gb.db") as book:
        book.record("carol", good, seconds=0.1)
        before = book.snapshot()
        # two concepts with the same name violate the key on the third insert: all of it rolls back
        broken = replace(fake_exercise_report(2), concepts=good.concepts + good.concepts[:1])
        with pytest.raises(sqlite3.IntegrityError):
            book.record("carol", broken, seconds=0.1)
        assert book.snapshot() == before


def test_rerecording_replaces_the_old_result(tmp_path):
    with Gradebook(tmp_path / "gb.db") as book:
        book.record("dan", fake_exercise_report(0), seconds=0.1)
        book.record("dan", fake_exercise_report(3), seconds=0.1)
        results, concepts = book.snapshot()
        assert len(results) == 1 and results[0][2] == 1003  # the seed of the second report
        assert len(concepts) == 4


def test_export_csv_has_a_row_per_student_exercise_concept(tmp_path):
    with Gradebook(tmp_path / "gb.db") as book:
        book.add_students([("s1", 11, "/a"), ("s2", 22, "/b")])
        book.record("s1", fake_exercise_report(1), seconds=0.1)
        book.record("s2", fake_exercise_report(2), seconds=0.1)
        book.record("s2", fake_exercise_report(2, exercise="exercise2"), seconds=0.1)
        assert book.export_csv(tmp_path / "out.csv") == 12
    rows = list(csv.DictReader(open(tmp_path / "out.csv", encoding="utf-8")))
    assert len(rows) == 12
    assert set(rows[0]) == {"student", "exercise", "concept", "score", "max_score", "passed", "total", "status",
                            "misconception", "seed"}
    s2 = [r for r in rows if r["student"] == "s2"]
    # each row carries the seed its exercise was graded with (one per exercise: bound to the code),
    # not the students table's key
    assert {r["exercise"] for r in s2} == {"exercise1", "exercise2"}
    assert {r["seed"] for r in s2} == {str(fake_exercise_report(2).seed)} and "22" not in {r["seed"] for r in rows}


def test_bad_gradebooks_are_one_line_errors(tmp_path):
    with pytest.raises(GradebookError, match="no such gradebook"):
        Gradebook(tmp_path / "missing.db", create=False)
    junk = tmp_path / "junk.db"
    junk.write_text("this is not sqlite, just text " * 100)
    with pytest.raises(GradebookError, match="not a gradebook"):
        Gradebook(junk)
