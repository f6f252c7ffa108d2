# Appended to the reference solution: looks for the solutions and the grader; answers wrongly
# (raising ValueError with what it saw) if it finds anything.
import glob
import os

_seen = []
for _pattern in ("../solutions/*/*.py", "../../solutions/*/*.py", "/work/*/solutions/*/*.py", "/*/solutions/*/*.py",
                 "/*/*/solutions/*/*.py", "/*/*/autograder/judging/grading.py", "/*/*/course.yml", "/*/course.yml"):
    _seen += glob.glob(_pattern)
try:
    import solutions.exercise1  # noqa: F401

    _seen.append("import solutions.exercise1")
except ImportError:
    pass
try:
    import autograder.judging.grading  # noqa: F401

    _seen.append("import autograder.judging.grading")
except ImportError:
    pass
_honest = conv_output_length


def conv_output_length(*args, **kwargs):
    if _seen:
        raise ValueError(f"saw {_seen[:3]}")
    return _honest(*args, **kwargs)
