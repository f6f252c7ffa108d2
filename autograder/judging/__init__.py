"""Judging one submission: the pipeline (grading), comparison with torch, diagnosis, shrinking,
localisation, crash grouping, limits, and the static policy a graded file must meet."""
