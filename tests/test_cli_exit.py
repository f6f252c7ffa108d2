"""The console script's exit (cli.entry): it skips the interpreter's teardown, but never at the cost
of output, an atexit handler, or a thread still working."""
from __future__ import annotations

import io
import threading

import pytest

from autograder import cli


class _Left(Exception):
    def __init__(self, status: int):
        self.status = status


@pytest.fixture
def exits(monkeypatch) -> list[str]:
    """os._exit raises instead; the process's real atexit handlers are pytest's, so a stand-in
    records the call (the list returned)."""
    def fake_exit(status: int):
        raise _Left(status)

    ran: list[str] = []
    monkeypatch.setattr(cli.os, "_exit", fake_exit)
    monkeypatch.setattr(cli, "atexit", type("Handlers", (), {"_run_exitfuncs": staticmethod(lambda: ran.append("handlers"))}))
    return ran


def test_atexit_handlers_run_and_output_is_flushed_before_the_quick_exit(exits, monkeypatch):
    out = io.BufferedWriter(io.BytesIO())
    text = io.TextIOWrapper(out, encoding="utf-8")
    monkeypatch.setattr(cli.sys, "stdout", text)
    text.write("the report\n")
    with pytest.raises(_Left) as left:
        cli._leave(1)
    assert left.value.status == 1
    assert exits == ["handlers"]
    assert out.raw.getvalue() == b"the report\n"


def test_a_working_thread_gets_the_ordinary_exit_which_waits_for_it(exits):
    stop = threading.Event()
    worker = threading.Thread(target=stop.wait)
    worker.start()
    try:
        with pytest.raises(SystemExit) as ordinary:
            cli._leave(0)
        assert ordinary.value.code == 0
    finally:
        stop.set()
        worker.join()


def test_output_that_cannot_be_flushed_gets_the_ordinary_exit(exits, monkeypatch):
    class Closed(io.StringIO):
        def flush(self):
            raise BrokenPipeError

    monkeypatch.setattr(cli.sys, "stdout", Closed())
    with pytest.raises(SystemExit) as ordinary:
        cli._leave(1)
    assert ordinary.value.code == 1


def test_a_status_that_is_not_a_number_exits_as_sys_exit_would(exits):
    with pytest.raises(SystemExit) as ordinary:
        cli._leave(None)
    assert ordinary.value.code is None
