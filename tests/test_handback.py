"""Handing grades back: the wide LMS sheet, each student's feedback files, stale rows after a change.

Fast: hand-made reports in a gradebook, the commands run in-process (`grade export`, `grade feedback`).
The batch's own rerun after a course change is in tests/test_batch_rerun.py.
"""
from __future__ import annotations

import csv
from dataclasses import replace

import pytest

from autograder.cli import main
from autograder.classroom.gradebook import Gradebook
from class_submissions import fake_exercise_report


def _book(path):
    """Three students: s0 has exercise1 and exercise2, s1 exercise1 only, s2 nothing graded."""
    book = Gradebook(path)
    book.set_meta(course="Convolution", exercises="exercise2,exercise1")  # course order is not name order
    book.add_students([("s0", 1, "/subs/s0"), ("s1", 2, "/subs/s1"), ("s2", 3, "/subs/s2")])
    book.record("s0", fake_exercise_report(0), seconds=0.1)
    book.record("s0", replace(fake_exercise_report(0, exercise="exercise2"), score=3.0, max_score=6.0), seconds=0.1)
    book.record("s1", fake_exercise_report(1), seconds=0.1)
    return book


def test_the_wide_export_has_a_row_per_student_with_totals_in_course_order(tmp_path, capsys):
    _book(tmp_path / "gb.db").close()
    assert main(["export", "--gradebook", str(tmp_path / "gb.db"), "--wide", str(tmp_path / "lms.csv")]) == 0
    assert capsys.readouterr().err == f"wrote 3 students to {tmp_path / 'lms.csv'}\n"
    rows = list(csv.reader(open(tmp_path / "lms.csv", encoding="utf-8")))
    s0, s1 = fake_exercise_report(0).score, fake_exercise_report(1).score
    assert rows == [
        ["student", "exercise2", "exercise1", "total", "max_total"],
        ["s0", "3", f"{s0:g}", f"{s0 + 3:g}", "10.5"],
        ["s1", "", f"{s1:g}", f"{s1:g}", "10.5"],  # no exercise2: empty, counts 0
        ["s2", "", "", "0", "10.5"],  # in the class, nothing graded: still a row (an LMS needs every student)
    ]


def test_export_asks_for_a_file_and_names_bad_ones_in_one_line(tmp_path, capsys):
    _book(tmp_path / "gb.db").close()
    assert main(["export", "--gradebook", str(tmp_path / "gb.db")]) == 2
    assert capsys.readouterr().err == "grade export: say what to write: --csv FILE, --wide FILE or both\n"
    assert main(["export", "--gradebook", str(tmp_path / "gb.db"), "--wide", str(tmp_path / "no" / "x.csv")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"grade export: {tmp_path / 'no' / 'x.csv'}: cannot write") and err.count("\n") == 1


def test_feedback_writes_each_students_report_as_html_and_text(tmp_path, capsys):
    _book(tmp_path / "gb.db").close()
    out = tmp_path / "feedback"
    assert main(["feedback", "--gradebook", str(tmp_path / "gb.db"), "--out", str(out)]) == 0
    assert capsys.readouterr().err == f"wrote 2 students' feedback to {out} (an .html and a .txt each)\n"
    assert sorted(p.name for p in out.iterdir()) == ["s0.html", "s0.txt", "s1.html", "s1.txt"]  # s2: nothing graded
    page = (out / "s0.html").read_text(encoding="utf-8")
    s0 = fake_exercise_report(0).score
    assert page.startswith("<!doctype html>") and "<title>Convolution: s0</title>" in page
    assert f"<h1>s0: {s0 + 3:g} / 10.5</h1>" in page
    assert page.index("exercise2") < page.index("exercise1")  # course order
    # the student's text is escaped, never markup, in the page
    assert "<&>" not in page and "&lt;&amp;&gt;" in page
    text = (out / "s0.txt").read_text(encoding="utf-8")
    assert text.startswith("s0\n\n") and "\x1b" not in text and "\x00" not in text  # no colour, no raw bytes
    assert "grade exercise1 --submission subs/s0 --seed 1000" in text  # how to reproduce it
    assert f"Total: {s0 + 3:g} / 10.5" in text
    assert "exercise2" not in (out / "s1.txt").read_text(encoding="utf-8")


def test_feedback_refuses_bad_input_in_one_line(tmp_path, capsys):
    assert main(["feedback", "--gradebook", str(tmp_path / "missing.db"), "--out", str(tmp_path / "o")]) == 2
    assert capsys.readouterr().err.count("no such gradebook") == 1
    Gradebook(tmp_path / "empty.db").close()
    assert main(["feedback", "--gradebook", str(tmp_path / "empty.db"), "--out", str(tmp_path / "o")]) == 2
    assert capsys.readouterr().err == f"grade feedback: {tmp_path / 'empty.db'}: no graded results yet (run `grade batch` first)\n"
    with Gradebook(tmp_path / "evil.db") as book:  # an id that would write outside --out
        book.record("../../etc", fake_exercise_report(0), seconds=0.1)
    assert main(["feedback", "--gradebook", str(tmp_path / "evil.db"), "--out", str(tmp_path / "o")]) == 2
    assert capsys.readouterr().err == f"grade feedback: {tmp_path / 'evil.db'}: student id '../../etc' is not a file name\n"
    assert not (tmp_path / "etc.html").exists()


def test_rows_graded_under_another_fingerprint_are_stale(tmp_path):
    with Gradebook(tmp_path / "gb.db") as book:
        book.record("old", fake_exercise_report(0), seconds=0.1)  # before fingerprints were kept
        book.fingerprints = {"exercise1": "aaaa", "exercise2": "bbbb"}
        book.record("s1", fake_exercise_report(1), seconds=0.1)
        book.record("s1", fake_exercise_report(1, exercise="exercise2"), seconds=0.1)
        assert book.stale({"exercise1": "aaaa", "exercise2": "bbbb"}) == {("old", "exercise1")}
        assert book.stale({"exercise1": "cccc", "exercise2": "bbbb"}) == {("old", "exercise1"), ("s1", "exercise1")}
        assert book.stale({"exercise2": "dddd"}) == {("s1", "exercise2")}  # only the exercises asked about
        book.fingerprints = {"exercise1": "cccc"}
        book.record("s1", fake_exercise_report(1), seconds=0.1)  # regraded: current again
        assert book.stale({"exercise1": "cccc", "exercise2": "bbbb"}) == {("old", "exercise1")}


def test_the_fingerprint_follows_what_grades_and_nothing_else(tmp_path):
    import shutil

    from autograder.course import load_course
    from autograder.classroom.fingerprint import exercise_fingerprints
    from class_submissions import small_course

    path = small_course(tmp_path / "c")
    before = exercise_fingerprints(load_course(path), ["exercise1"])
    assert before == exercise_fingerprints(load_course(path), ["exercise1"])  # stable
    shutil.copy(path, tmp_path / "course.yml.orig")
    path.write_text(path.read_text() + "\n# a comment changes no grade\n")
    assert exercise_fingerprints(load_course(path), ["exercise1"]) == before
    for edit in (lambda t: t.replace("time_per_case: 0.5", "time_per_case: 0.75"),
                 lambda t: t.replace("rtol: 1.0e-05", "rtol: 1.0e-04")):
        path.write_text(edit((tmp_path / "course.yml.orig").read_text()))
        assert exercise_fingerprints(load_course(path), ["exercise1"]) != before, path.read_text()[:300]
    path.write_text((tmp_path / "course.yml.orig").read_text())
    cases = path.parent / "solutions" / "exercise1" / "cases.py"
    cases.write_text(cases.read_text() + "\n# a change to the cases\n")
    assert exercise_fingerprints(load_course(path), ["exercise1"]) != before


def test_building_the_nbgrader_course_without_a_salt_warns_in_one_line(tmp_path, monkeypatch, capsys):
    from class_submissions import small_course

    course = small_course(tmp_path / "c")
    for name in ("CONV_COURSE_SALT", "CONV_COURSE_SALT_FILE"):
        monkeypatch.delenv(name, raising=False)
    assert main(["nbgrader", "--course", str(course), "--out", str(tmp_path / "nb")]) == 0
    err = capsys.readouterr().err
    assert err == ("grade nbgrader: warning: no $CONV_COURSE_SALT (or $CONV_COURSE_SALT_FILE) set: export it before "
                   "`nbgrader autograde`, or seeds come from course.yml's public seed, which anyone can compute\n")
    monkeypatch.setenv("CONV_COURSE_SALT", "s")
    assert main(["nbgrader", "--course", str(course), "--out", str(tmp_path / "nb")]) == 0
    assert capsys.readouterr().err == ""
    monkeypatch.delenv("CONV_COURSE_SALT")
    monkeypatch.setenv("CONV_COURSE_SALT_FILE", str(tmp_path / "missing-salt"))  # a bad salt file: one line, exit 2
    assert main(["nbgrader", "--course", str(course), "--out", str(tmp_path / "nb2")]) == 2
    assert not (tmp_path / "nb2").exists()  # refused before anything is written
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{tmp_path / 'missing-salt'} ($CONV_COURSE_SALT_FILE): cannot read the salt" in err
    assert not (tmp_path / "nb2").exists()
