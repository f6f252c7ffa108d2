"""Root without bubblewrap where mount namespaces are refused: the box is a host folder, measured
while a run goes on (autograder/sandbox/disk_watch.py)."""
import os
import textwrap

import pytest

from autograder.cases.space import Call
from autograder.sandbox.runner import Sandbox, Submission


def run(sandbox, source: str, calls, **kwargs):
    return sandbox.run(Submission("student", {"student": textwrap.dedent(source)}), calls, **kwargs)


@pytest.mark.parametrize("how", ["files", "unlinked"])
def test_a_box_on_the_host_disk_is_measured_and_the_run_stopped_past_its_cap(monkeypatch, tmp_path, how):
    """Root without bubblewrap where mount namespaces are refused: the box is a host folder that
    no tmpfs bounds. The zygote measures it (and the files the run holds open, unlinked ones
    included) every DISK_EVERY seconds and kills the run past the cap; the host folder is emptied."""
    if os.geteuid() != 0:
        pytest.skip("the no-bubblewrap root path needs root")
    from autograder.sandbox import spawn

    monkeypatch.setenv("GRADE_NO_BWRAP", "1")
    monkeypatch.setattr(spawn, "capped_box_launcher", lambda *a, **k: None)  # as if unshare were refused
    source = '''
        import os, time
        def fill(unlink):
            held = []
            for i in range(40):  # 40 files of 16 MiB: each under the per-file cap, 640 MiB in all
                f = open(f"f{i}", "wb", buffering=0)
                if unlink:
                    os.unlink(f"f{i}")
                    held.append(f)
                for _ in range(16):
                    f.write(b"\\1" * (1 << 20))
                    time.sleep(0.01)
                if not unlink:
                    f.close()
            return "wrote 640 MiB"
    '''
    with Sandbox(time_per_case=30.0, time_total=60.0, time_import=20.0) as box:
        box._ready()
        assert box._zygote.box is not None and not box._zygote.bwrap
        host = box._zygote.box
        out = run(box, source, [Call("fill", (how == "unlinked",))], time_per_case=30.0)
        assert out[0].status == "crash", out[0]
        assert "MiB to disk, past the 64 MiB it may use" in out[0].message, out[0].message
        written = int(out[0].message.split("written ")[1].split(" MiB")[0])
        assert 64 < written < 200  # stopped within a look or two of the cap, not at 640
        assert os.listdir(host) == []
        # the sandbox still grades the next submission
        again = run(box, "def f():\n    return 3\n", [Call("f", ())])
        assert (again[0].status, again[0].value) == ("returned", 3)
