"""The refused-names walk kept on disk (autograder/judging/names_cache.py): the same answer as walking, and
a file anyone but the grader could have written is never believed (a forged one could empty the list)."""
from __future__ import annotations

import json
import os

import pytest

from autograder.judging import names_cache
from autograder.judging.forbidden import ALLOWED_IMPORTS, check
from autograder.judging.unreachable import refused_names

SYS_ESCAPE = 'import torch\nf = torch.sys.modules["builtins"].exec\n'


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("GRADE_CACHE_DIR", str(folder))
    monkeypatch.setattr(names_cache, "_memo", {})  # as a new grader process
    return folder


def _stored(folder):
    files = sorted(folder.glob("refused-names-*.json"))
    assert len(files) == 1, files
    return files[0]


def test_a_stored_walk_reads_back_equal_to_walking_again(cache):
    first = refused_names(ALLOWED_IMPORTS)
    stored = _stored(cache)
    assert json.loads(stored.read_text()) == first
    assert stored.stat().st_mode & 0o077 == 0 and cache.stat().st_mode & 0o077 == 0
    names_cache._memo.clear()
    assert refused_names(ALLOWED_IMPORTS) == first == refused_names(ALLOWED_IMPORTS, cached=False)
    assert "sys" in first and "os" in first


def _forge(folder, names):
    """The stored file for this process's key, its refused list replaced."""
    refused_names(ALLOWED_IMPORTS)
    stored = _stored(folder)
    stored.write_text(json.dumps(names))
    names_cache._memo.clear()
    return stored


@pytest.mark.parametrize("how", ["folder writable by others", "file writable by others", "file of another user",
                                 "a link", "not a mapping of names"])
def test_a_forged_store_is_not_believed(cache, how):
    stored = _forge(cache, {})  # an empty refused list: torch.sys would pass
    if how == "folder writable by others":
        cache.chmod(0o777)
    elif how == "file writable by others":
        stored.chmod(0o666)
    elif how == "file of another user":
        if os.geteuid() != 0:
            pytest.skip("needs root to give the file away")
        os.chown(stored, 65534, 65534)
    elif how == "a link":
        elsewhere = cache.parent / "elsewhere.json"
        elsewhere.write_text("{}")
        stored.unlink()
        stored.symlink_to(elsewhere)
    else:
        stored.write_text(json.dumps(["sys"]))
    finding = check({"ex": SYS_ESCAPE}, "ex")
    assert finding is not None and finding.message().startswith("ex.py:2: uses .sys, a name that reaches the sys "
                                                                "module"), finding


def test_the_grader_s_own_store_is_what_it_believes(cache):
    """The control for the test above: an untouched forged file (ours, 0600, in our 0700 folder) is read."""
    _forge(cache, {"sys": "forged"})
    assert refused_names(ALLOWED_IMPORTS) == {"sys": "forged"}
