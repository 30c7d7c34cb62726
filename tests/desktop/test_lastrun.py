"""The session marker and the fatal log: a child process that dies is found by the next start."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from desktop import lastrun, logs

ROOT = Path(__file__).resolve().parents[2]
CHILD = """
import faulthandler, os, sys
from desktop import lastrun, logs, paths
paths.set_data_dir(sys.argv[1])
logs.enable_fatal_log()
lastrun.SessionMarker().begin()
def typing_a_case():
    {death}
typing_a_case()
"""


def _child(data_dir: Path, death: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", CHILD.format(death=death), str(data_dir)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)


def test_a_clean_session_leaves_nothing_to_report(data_dir):
    first = lastrun.SessionMarker()
    assert first.begin() is None
    first.end()
    second = lastrun.SessionMarker()
    assert second.begin() is None
    second.end()
    assert not (data_dir / "logs" / lastrun.MARKER_NAME).exists()


@pytest.mark.parametrize("death, words", [("faulthandler._sigsegv()", "Segmentation fault"),
                                          ("os.abort()", "Aborted")])
def test_a_fatal_error_is_traced_in_the_log_folder_and_reported_next_time(data_dir, death, words):
    done = _child(data_dir, death)
    assert done.returncode < 0, done.stderr  # killed by the signal
    trace_file = data_dir / "logs" / logs.FATAL_LOG_NAME
    assert words in trace_file.read_text(encoding="utf-8")
    assert trace_file.stat().st_mode & 0o077 == 0  # not readable by other users
    marker = lastrun.SessionMarker()
    previous = marker.begin()
    assert previous is not None
    assert words in previous.fatal_trace and "typing_a_case" in previous.fatal_trace
    assert previous.fatal_log == trace_file
    marker.end()
    assert lastrun.SessionMarker().begin() is None  # told once; a clean end clears it


def test_a_kill_leaves_the_marker_without_a_trace(data_dir):
    done = _child(data_dir, "os.kill(os.getpid(), 9)")
    assert done.returncode == -9
    previous = lastrun.SessionMarker().begin()
    assert previous is not None and previous.fatal_trace == ""


def test_a_session_nobody_was_told_about_is_carried_to_the_next_start(data_dir):
    _child(data_dir, "os.kill(os.getpid(), 9)")
    marker = lastrun.SessionMarker()
    previous = marker.begin()
    marker.end(keep=previous)  # e.g. the clerk quit at sign-in
    again = lastrun.SessionMarker()
    assert again.begin() is not None


def test_a_second_running_hallDesk_is_not_taken_for_a_dead_one(data_dir):
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys\nfrom desktop import lastrun, paths\npaths.set_data_dir(sys.argv[1])\n"
         "m = lastrun.SessionMarker(); m.begin(); print('ready', flush=True); sys.stdin.read(); m.end()",
         str(data_dir)], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        assert lastrun.SessionMarker().begin() is None  # its marker is a living session's
    finally:
        holder.communicate("", timeout=30)
    assert holder.returncode == 0
    assert lastrun.SessionMarker().begin() is None  # and it ended cleanly
