"""JUnit XML: a testsuite per exercise, a testcase per concept; failures carry the feedback.

A concept that lost points is a <failure> (wrong results, not implemented, forbidden call) or
an <error> (the submission crashed or timed out); its message is the diagnosis, its text the
smallest failing case. Scores travel as testsuite/testcase <properties>.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET

from autograder.pipeline import Status
from autograder.results import ConceptReport, CourseReport, ExerciseReport
from autograder.formats.safe_text import safe_report
from autograder.formats.show import example_texts

ERRORS = (Status.CRASH, Status.TIMEOUT)


def render(report: CourseReport) -> str:
    report = safe_report(report)
    root = ET.Element("testsuites", name="grade", tests=str(sum(len(e.concepts) for e in report.exercises)),
                      failures=str(sum(_count(e, failed=True) for e in report.exercises)),
                      errors=str(sum(_count(e, failed=False) for e in report.exercises)))
    for ex in report.exercises:
        root.append(_suite(ex))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _count(ex: ExerciseReport, *, failed: bool) -> int:
    return sum(1 for c in ex.concepts if not c.ok and (c.status in ERRORS) != failed)


def _suite(ex: ExerciseReport) -> ET.Element:
    suite = ET.Element("testsuite", name=ex.exercise, tests=str(len(ex.concepts)),
                       failures=str(_count(ex, failed=True)), errors=str(_count(ex, failed=False)),
                       skipped="0", time="0")
    props = ET.SubElement(suite, "properties")
    for name, value in (("title", ex.title), ("score", ex.score), ("max_score", ex.max_score),
                        ("seed", ex.seed), ("reproduce", ex.reproduce)):
        ET.SubElement(props, "property", name=name, value=_clean(str(value)))
    for c in ex.concepts:
        suite.append(_case(ex, c))
    return suite


def _case(ex: ExerciseReport, c: ConceptReport) -> ET.Element:
    case = ET.Element("testcase", classname=ex.exercise, name=c.name, time="0")
    props = ET.SubElement(case, "properties")
    for name, value in (("score", c.score), ("max_score", c.max_score), ("cases", f"{c.passed}/{c.total}")):
        ET.SubElement(props, "property", name=name, value=str(value))
    if c.ok:
        return case
    tag = "error" if c.status in ERRORS else "failure"
    headline = c.message.splitlines()[0] if c.message else f"{c.passed}/{c.total} cases passed"
    outcome = ET.SubElement(case, tag, message=_clean(headline[:500]), type=c.misconception or c.status)
    outcome.text = _clean(_details(c))
    return case


def _details(c: ConceptReport) -> str:
    lines = [f"{c.name}: {c.passed}/{c.total} cases passed ({c.status}), {c.score:g}/{c.max_score:g} points"]
    if c.misconception:
        lines.append(f"looks like: {c.misconception}")
    if c.message:
        lines.append(c.message)
    if c.example is not None:
        inputs, expected, got = example_texts(c)
        lines.append(f"smallest failing case: {c.example.call}")
        lines += [f"    {k} = {v[:400]}" for k, v in inputs]
        lines.append(f"expected: {expected[:400]}")
        lines.append(f"got:      {got[:400]}")
    if c.hint:
        lines.append(f"hint: {c.hint}")
    return "\n".join(lines)


def _clean(text: str) -> str:
    """XML 1.0 cannot carry most control characters (a student's output may contain them)."""
    return "".join(ch if ch in "\t\n\r" or (ord(ch) >= 32 and ch not in "\ufffe\uffff") else "?" for ch in text)
