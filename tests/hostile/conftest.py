from __future__ import annotations

import os
import shutil
import tempfile

import pytest


@pytest.fixture(scope="session")
def warm_sandboxes():
    """`warm_sandboxes(mode)`: this session's (or xdist worker's) running sandbox of that mode, started
    on first use (about 4 s: its zygote imports torch) and kept for every attack graded in it."""
    from tests.hostile.adversary.kit import WarmSandbox

    started: dict[str, WarmSandbox] = {}
    # in /tmp and traversable, like a Run's TMPDIR: the unprivileged sandbox user reaches its box there
    tmpdir = tempfile.mkdtemp(prefix="adv-warm-", dir="/tmp")
    os.chmod(tmpdir, 0o755)

    def get(mode: str) -> WarmSandbox:
        if mode not in started:
            started[mode] = WarmSandbox(mode).start(tmpdir)
        return started[mode]

    yield get
    for warm in started.values():
        warm.close()
    shutil.rmtree(tmpdir, ignore_errors=True)
