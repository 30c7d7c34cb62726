"""Nothing typed is lost, in the real program on a real X display: kill -9 and a segfault, then the next start."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop.store import packed_json

pytestmark = pytest.mark.realdisplay
DRIVER = Path(__file__).with_name("driver.py")
ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "secret-123"
# NOTE: screenshots (with scrot) only when a developer asks for them, into this folder: the set-up
# does not install scrot, and the test's verdict rests on the windows and the database, not pictures.
SHOTS = os.environ.get("HALLDESK_SHOTS")


def _xdotool(display, *args: str) -> str:
    return subprocess.run(["xdotool", *args], env=display.env(), capture_output=True, text=True, check=True,
                          timeout=60).stdout.strip()


def _wait_window(display, title: str) -> str:
    # NOTE: --sync makes xdotool wait until the window is mapped: it is really on screen.
    return _xdotool(display, "search", "--sync", "--onlyvisible", "--name", title).splitlines()[0]


def _keys(display, window: str, *keys: str) -> None:
    _xdotool(display, "windowactivate", "--sync", window)
    _xdotool(display, "key", "--clearmodifiers", *keys)


def _sign_in(display) -> None:
    login = _wait_window(display, "登录 — HallDesk")
    _xdotool(display, "windowactivate", "--sync", login)
    _xdotool(display, "type", "--delay", "20", "admin")
    _xdotool(display, "key", "Tab")
    _xdotool(display, "type", "--delay", "20", PASSWORD)
    _xdotool(display, "key", "Return")


def _shot(display, name: str) -> None:
    if SHOTS:
        subprocess.run(["scrot", "--overwrite", str(Path(SHOTS) / f"{name}.png")], env=display.env(), check=True,
                       timeout=60)


def _query(db_file: Path, sql: str) -> list[tuple]:
    con = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True, timeout=5)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _poll(db_file: Path, sql: str, seconds: float = 30) -> list[tuple]:
    """The rows once there are any (the program writes them on its own schedule), bounded."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        rows = _query(db_file, sql)
        if rows:
            return rows
        time.sleep(0.2)
    raise AssertionError(f"nothing came within {seconds} s: {sql}")


def _start(display, data: Path, *driver: str) -> subprocess.Popen:
    command = [sys.executable, str(DRIVER), *driver] if driver else [sys.executable, "-m", "desktop"]
    return subprocess.Popen([*command, "--data-dir", str(data)], env=display.env(PYTHONPATH=str(ROOT)), cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _finish(proc: subprocess.Popen) -> tuple[str, str]:
    try:
        return proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


@pytest.fixture
def hall(tmp_path):
    """A data folder with a migrated database and the administrator (what the first start would create)."""
    from desktop import paths
    from desktop.cases import accounts
    from desktop.store.database import open_database

    data = tmp_path / "data"
    # NOTE: the program's own data folder: the hall audit key made with the first account lives there.
    paths.set_data_dir(data)
    db = open_database(data / "halldesk.sqlite3")
    accounts.create_first_admin(db, "admin", "王丽", PASSWORD, PASSWORD)
    db.close()
    return data


def test_after_kill_9_the_next_start_offers_the_typed_page_back(x_display, hall):
    db_file = hall / "halldesk.sqlite3"
    first = _start(x_display, hall, "type")
    try:
        _sign_in(x_display)
        # The autosave comes on its own a few seconds after the typing stops.
        rows = _poll(db_file, "SELECT json_extract(answers, '$.name'), json_extract(answers, '$.phone') "
                              "FROM draft_autosaves")
        assert rows == [("欧阳娜娜", "13812345678")]
        first.kill()  # SIGKILL: no clean-up code runs
        first.communicate(timeout=60)
    finally:
        if first.poll() is None:
            first.kill()
            first.communicate()
    assert first.returncode == -9
    assert _query(db_file, "SELECT count(*) FROM cases") == [(0,)]  # the input is only in the copy

    second = _start(x_display, hall)
    try:
        _sign_in(x_display)
        dialog = _wait_window(x_display, "上次运行未正常结束")
        _shot(x_display, "recovery-dialog")
        _keys(x_display, dialog, "Return")  # 恢复 is the default button
        main = _wait_window(x_display, "号窗口 — HallDesk")
        # Quitting with the restored (still unsaved) page asks; Enter is 保存草稿.
        _keys(x_display, main, "ctrl+q")
        prompt = _wait_window(x_display, "有未保存的输入")
        _shot(x_display, "close-prompt")
        _keys(x_display, prompt, "Return")
        _out, err = _finish(second)
    finally:
        if second.poll() is None:
            second.kill()
            second.communicate()
    assert second.returncode == 0, err
    assert "Traceback" not in err and "qt.qpa" not in err, err
    # What was typed before the kill came back and is now a saved draft; no copy is left over.
    # NOTE: a case's answers are stored packed (migration 0017), read through the store's own decoder.
    saved = [(st, packed_json.loads(a)) for st, a in _query(db_file, "SELECT status, answers FROM cases")]
    assert [(st, a.get("name"), a.get("phone")) for st, a in saved] == [("draft", "欧阳娜娜", "13812345678")]
    assert _query(db_file, "SELECT count(*) FROM draft_autosaves") == [(0,)]
    assert not (hall / "logs" / "session.running").exists()  # a clean exit removes the marker


def test_after_a_segfault_the_trace_is_in_the_log_and_the_next_start_says_so(x_display, hall):
    first = _start(x_display, hall, "segv")
    try:
        _sign_in(x_display)
        out, err = first.communicate(timeout=60)
    finally:
        if first.poll() is None:
            first.kill()
            first.communicate()
    assert first.returncode < 0 and "dying" in out
    trace = (hall / "logs" / "fatal.log").read_text(encoding="utf-8")
    assert "Segmentation fault" in trace and "driver.py" in trace

    second = _start(x_display, hall)
    try:
        _sign_in(x_display)
        dialog = _wait_window(x_display, "上次运行未正常结束")
        _shot(x_display, "abnormal-end")
        _keys(x_display, dialog, "Return")  # 知道了
        main = _wait_window(x_display, "号窗口 — HallDesk")
        _keys(x_display, main, "ctrl+q")  # nothing typed: no question
        out, err = _finish(second)
    finally:
        if second.poll() is None:
            second.kill()
            second.communicate()
    assert second.returncode == 0, err
    log = (hall / "logs" / "halldesk.log").read_text(encoding="utf-8")
    assert "did not end cleanly" in log and "Segmentation fault" in log  # the trace is copied into the log
