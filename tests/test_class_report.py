"""`grade report`: the class report renders in a real headless browser, with every plot loaded."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.classroom.class_overview import ClassReportError, write_class_report
from autograder.classroom.gradebook import Gradebook
from class_submissions import fake_exercise_report

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("report")
    with Gradebook(tmp / "gb.db") as book:
        book.set_meta(course="Convolution <test> course")
        for i in range(30):
            book.add_students([(f"s{i:02d}", 1000 + i, f"/subs/s{i:02d}")])
            book.record(f"s{i:02d}", fake_exercise_report(i), seconds=0.1)
            if i % 3:
                book.record(f"s{i:02d}", fake_exercise_report(i, exercise="exercise2"), seconds=0.1)
        index = write_class_report(book, tmp / "out")
    return index


def test_the_report_has_its_plots_and_tables(report_dir):
    out = report_dir.parent
    for name in ("score_distribution.png", "concept_mastery.png", "misconceptions.png"):
        data = (out / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 2000, name
    page = report_dir.read_text(encoding="utf-8")
    assert "Convolution &lt;test&gt; course" in page  # text from the gradebook is escaped
    assert page.count("<img ") == 3
    # misconceptions are counted per student: 15 odd students show missing-plus-one
    assert re.search(r"<code>missing-plus-one</code></td><td class=num>15</td>", page)
    assert "crash" in page and "s00" in page  # a crashing student is listed among those who need help


def test_ids_of_statuses_are_not_counted_as_misconceptions():
    from autograder.classroom.class_overview import _misconception_counts

    rows = [{"student": "s1", "misconception": "forbidden-call"}, {"student": "s1", "misconception": "crash"},
            {"student": "s2", "misconception": "timeout"}, {"student": "s2", "misconception": "not-implemented"},
            {"student": "s2", "misconception": "missing-plus-one"}, {"student": "s3", "misconception": None}]
    assert _misconception_counts(rows) == {"missing-plus-one": 1}


def test_an_empty_gradebook_is_a_clear_error(tmp_path):
    with Gradebook(tmp_path / "gb.db") as book, pytest.raises(ClassReportError, match="no results yet"):
        write_class_report(book, tmp_path / "out")


@pytest.mark.slow
def test_the_report_renders_in_headless_chromium(report_dir, tmp_path):
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed (apt-get install chromium); .ci/run installs it")
    url = report_dir.resolve().as_uri()
    dom = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=10000",
                          "--dump-dom", url], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    body = re.search(r"<body[^>]*>", dom.stdout)
    assert body, dom.stdout[:500]
    # the page's own script checked every img: complete and with a natural width
    assert 'data-images="ok"' in body.group(0) and 'data-image-count="3"' in body.group(0), body.group(0)
    assert "Students who need help" in dom.stdout
    shot = tmp_path / "shot.png"
    subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile2'}", "--window-size=1200,1800",
                    f"--screenshot={shot}", url], capture_output=True, timeout=120)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20000


@pytest.mark.slow
def test_the_report_command_writes_index_html(tmp_path):
    with Gradebook(tmp_path / "gb.db") as book:
        book.record("solo", fake_exercise_report(1), seconds=0.1)
    done = subprocess.run([sys.executable, "-m", "autograder", "report", "--gradebook", str(tmp_path / "gb.db"),
                           "--out", str(tmp_path / "site")], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "site" / "index.html").is_file() and "wrote" in done.stderr
