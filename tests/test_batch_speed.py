"""Work a batch no longer does, and the proof that leaving it out changes no limit and no report."""
from __future__ import annotations

import numpy as np

from autograder.judging import grading
from autograder.judging.case_limits import FACTOR, FLOOR, fitted_time_per_case, slowest

from conftest import the_course


def slowest_timing_every_case(seconds, again, *, top=3):
    """case_limits.slowest as it was: every case timed a second time, the top ones twice more."""
    fastest = {c: min(t, again(c)) for c, t in seconds.items()}
    for c in sorted(fastest, key=fastest.get, reverse=True)[:top]:
        fastest[c] = min(fastest[c], again(c), again(c))
    return max(fastest.values(), default=0.0)


def test_a_case_is_timed_again_only_where_that_could_change_the_limit():
    """Timing again only lowers a case's time, so a case whose first time is below FLOOR / FACTOR cannot
    lift the limit off the floor: on random timings around that threshold (each case's later timings
    the same for both rules), the limit is the one timing every case again gives."""
    rng = np.random.default_rng(0)
    for _ in range(3000):
        first = {i: float(t) for i, t in enumerate(rng.uniform(0, 3 * FLOOR / FACTOR, int(rng.integers(1, 7))))}
        later = {i: [float(rng.uniform(0, t)) for _ in range(3)] for i, t in first.items()}  # never more

        def timer(log):
            def again(case):
                log.append(case)
                return later[case][log.count(case) - 1]
            return again

        new, old = [], []
        fast, every = slowest(first, timer(new)), slowest_timing_every_case(first, timer(old))
        assert all(FACTOR * first[c] > FLOOR for c in new)  # only cases over the threshold are timed again
        for ceiling in (0.3, 2.0, 10.0):
            assert fitted_time_per_case(ceiling, [fast]) == fitted_time_per_case(ceiling, [every]), (first, later)
    first = {"a": 0.00003, "spike": 0.04}  # a spike (or a slow oracle) is timed again, as before
    assert slowest(first, lambda c: 0.00002) == 0.00003


def test_an_exercise_of_microsecond_oracles_runs_each_oracle_once_per_case(monkeypatch):
    """exercise1's oracles take microseconds: each case's oracle runs once (its expected value, timed),
    not three or four times more to fit a limit that is the floor anyway."""
    course = the_course()
    spec = grading.definition(course, "exercise1").spec
    cases = [c for group in grading.plan(course, "exercise1", 424242).values() for c in group]
    calls = []
    real = type(spec).expected

    def counted(self, case):
        calls.append(case)
        return real(self, case)

    monkeypatch.setattr(type(spec), "expected", counted)
    seconds = grading._oracle_time(course, "exercise1", 424242, spec, cases)
    assert calls[:len(cases)] == cases  # each case's expected value, timed
    first = {c: grading._ORACLE_SECONDS[c] for c in cases}
    assert all(FACTOR * first[c] > FLOOR for c in calls[len(cases):])  # a first call the machine slowed down, only
    if len(calls) == len(cases):  # no first call was slowed down past the threshold: the first timings decide
        assert seconds == max(first.values())
