"""Which seed grades a submission: one policy for every route.

- `--seed N` (or $CONV_COURSE_SEED in a kernel) reproduces a run: that seed, whoever runs it.
- A student grading themselves (`grade exercise3`, `check()`), with no salt: course.yml's public
  seed. They see the same cases on every run; nothing they could gain is at stake there.
- With the instructor's secret salt ($CONV_COURSE_SALT, or the file named by
  $CONV_COURSE_SALT_FILE): seed = sha256(salt, student id, sha256 of every submitted source).
  Nobody without the salt can compute it, and since the code is part of it, a lookup table built
  for one seed changes the seed: it answers cases that are never asked.
- An instructor route (batch, Gradescope, GitHub, nbgrader) with no salt binds the seed to the
  student and the code all the same (with course.yml's seed in place of the salt) and warns once:
  anyone can compute that seed, so cases are not hidden from a student who can read files the
  grader does not hash.

A report shows the seed it used and `--seed N`, never the salt: a seed only says which cases a
submission that already exists was given, and any change to the code draws other ones.
"""
from __future__ import annotations

import hashlib
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from autograder.cases.space import SEED_MAX
from autograder.course import CourseError

SALT_ENV = "CONV_COURSE_SALT"
SALT_FILE_ENV = "CONV_COURSE_SALT_FILE"
_warned: set[str] = set()


def read_salt(environ: Mapping[str, str] | None = None) -> str | None:
    """The instructor's salt: $CONV_COURSE_SALT, else the first line of $CONV_COURSE_SALT_FILE, else None."""
    env = os.environ if environ is None else environ
    if env.get(SALT_ENV):
        return env[SALT_ENV]
    where = env.get(SALT_FILE_ENV)
    if not where:
        return None
    try:
        salt = Path(where).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as e:
        raise CourseError(f"{where} (${SALT_FILE_ENV}): cannot read the salt: "
                          f"{getattr(e, 'strerror', None) or e}") from None
    if not salt:
        raise CourseError(f"{where} (${SALT_FILE_ENV}): the salt file is empty")
    return salt


def code_digest(sources: Mapping[str, str]) -> str:
    """sha256 of every submitted source (module name and text, lengths included: no two sets collide)."""
    h = hashlib.sha256()
    for module, text in sorted(sources.items()):
        for part in (module.encode(), text.encode("utf-8", "surrogatepass")):
            h.update(len(part).to_bytes(8, "big"))
            h.update(part)
    return h.hexdigest()


def bound_seed(key: str, student: str, sources: Mapping[str, str]) -> int:
    """The seed for this student's code under `key` (the salt): in [0, SEED_MAX)."""
    h = hashlib.sha256()
    for part in ("conv-course seed v1", key, student, code_digest(sources)):
        data = part.encode("utf-8", "surrogatepass")
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return int.from_bytes(h.digest()[:8], "big") % SEED_MAX


def salt_id(salt: str | None) -> str:
    """A short name for a salt that reveals nothing of it (to tell two gradebooks' salts apart)."""
    if not salt:
        return "none"
    return hashlib.sha256(f"conv-course salt id\0{salt}".encode("utf-8", "surrogatepass")).hexdigest()[:12]


@dataclass(frozen=True)
class SeedPolicy:
    """`fixed`: --seed; `salt`: the secret; `bound`: an instructor route (bind even without a salt)."""

    course_seed: int
    salt: str | None = None
    student: str = ""
    fixed: int | None = None
    bound: bool = False

    def seed_for(self, sources: Mapping[str, str]) -> int:
        if self.fixed is not None:
            return self.fixed
        if self.salt:
            return bound_seed(self.salt, self.student, sources)
        if self.bound:
            return bound_seed(f"public {self.course_seed}", self.student, sources)
        return self.course_seed

    @property
    def per_submission(self) -> bool:
        """Does the seed depend on the code (so one seed per exercise, not one per run)?"""
        return self.fixed is None and (bool(self.salt) or self.bound)


def policy(course_seed: int, *, seed: int | None = None, student: str = "", route: str | None = None,
           environ: Mapping[str, str] | None = None) -> SeedPolicy:
    """The policy for one run. `route` names an instructor route ("batch", "gradescope", ...); None is a
    student grading themselves. An instructor route with no salt warns once on stderr."""
    salt = read_salt(environ)
    if route is not None and salt is None and seed is None:
        warn_no_salt(route)
    return SeedPolicy(course_seed, salt, student, seed, bound=route is not None)


def warn_no_salt(route: str) -> None:
    if route in _warned:
        return
    _warned.add(route)
    print(f"grade {route}: warning: no ${SALT_ENV} (or ${SALT_FILE_ENV}): seeds come from course.yml's public "
          "seed, the student and the code, which anyone can compute; set a secret salt to hide the cases",
          file=sys.stderr)
