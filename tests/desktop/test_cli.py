"""The command line, run as a real process: version, --data-dir, and refusing a newer database."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from desktop import __version__
from desktop.store.database import open_database
from desktop.store.schema_heads import HEAD_REVISION

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 60


def run(*args: str, data_env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT), **(data_env or {})}
    env.pop("HALLDESK_DATA_DIR", None)
    return subprocess.run([sys.executable, "-m", "desktop", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=TIMEOUT)


def newer_database(path: Path) -> Path:
    db = open_database(path)
    db.close()
    with sqlite3.connect(path) as conn:
        # NOTE: the core row only: a service branch (desktop/cases/services/*/migrations) has a row of its own
        conn.execute("UPDATE alembic_version SET version_num = 'ffff9999' WHERE version_num = ?", (HEAD_REVISION,))
    return path


def test_version():
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"HallDesk {__version__}" == "HallDesk 0.1.0"


def test_main_in_process_version(capsys):
    from desktop.__main__ import main

    try:
        main(["--version"])
    except SystemExit as exit_:
        assert exit_.code == 0
    assert capsys.readouterr().out.strip() == "HallDesk 0.1.0"


def test_newer_database_is_refused_with_a_clear_message(tmp_path):
    db_file = newer_database(tmp_path / "newer.sqlite3")
    data = tmp_path / "data"
    result = run("--db", str(db_file), "--data-dir", str(data))
    assert result.returncode == 2
    assert "更新版本的 HallDesk" in result.stderr
    assert "ffff9999" in result.stderr
    with sqlite3.connect(db_file) as conn:  # untouched
        assert conn.execute("SELECT 1 FROM alembic_version WHERE version_num = 'ffff9999'").fetchone() == (1,)


@pytest.mark.parametrize("command", [
    ["audit", "verify"],
    ["audit", "report", "--day", "2024-03-01", "--out", "{tmp}/r.pdf"],
    ["purge", "--dry-run", "--papers", "{tmp}/papers"],
], ids=["verify", "report", "purge"])
def test_maintenance_commands_say_a_newer_database_in_one_line(tmp_path, command):
    db_file = newer_database(tmp_path / "newer.sqlite3")
    args = [a.format(tmp=tmp_path) for a in command]
    result = run("--data-dir", str(tmp_path / "data"), *args, "--db", str(db_file))
    assert result.returncode == 2 and "更新版本" in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""


def test_data_dir_is_honoured(tmp_path):
    db_file = newer_database(tmp_path / "newer.sqlite3")
    data = tmp_path / "chosen"
    result = run("--db", str(db_file), "--data-dir", str(data))
    assert result.returncode == 2
    log_file = data / "logs" / "halldesk.log"
    assert log_file.is_file()
    assert "ffff9999" in log_file.read_text(encoding="utf-8")


def test_default_database_lives_in_the_data_dir(tmp_path):
    data = tmp_path / "chosen"
    data.mkdir()
    newer_database(data / "halldesk.sqlite3")
    result = run("--data-dir", str(data))
    assert result.returncode == 2 and "更新版本" in result.stderr


def test_log_file_masks_id_and_mobile_numbers(tmp_path):
    # NOTE: the start-up sets up this log; the mask is a safety net, nothing logs personal data on purpose.
    import logging

    from desktop import logs, paths

    paths.set_data_dir(tmp_path / "logdata")
    path = logs.setup_logging()
    try:
        logging.getLogger("halldesk.test").warning("applicant %s phone %s case JZ03250303000001",
                                                   "41010519900101123X", "13812345678")
        try:
            raise ValueError("bad id 410105199001011234")
        except ValueError:
            logging.getLogger("halldesk.test").exception("failed")
    finally:
        for handler in logging.getLogger().handlers[:]:
            if isinstance(handler, logs._HallDeskHandler):
                logging.getLogger().removeHandler(handler)
                handler.close()
    text = path.read_text(encoding="utf-8")
    assert "410105********123X" in text and "138****5678" in text
    assert "410105********1234" in text
    assert "19900101" not in text and "13812345678" not in text
    assert "JZ03250303000001" in text


@pytest.mark.parametrize("argv", [[], ["--db", "x.sqlite3"], ["--db=x", "--data-dir", "d"], ["--data-dir=d", "--db", ""],
                                  ["--db", "a", "--db", "b"], ["--db="]])
def test_a_window_start_reads_its_options_as_the_parser_does(argv):
    """The window's --db / --data-dir are read without building the parser (issue 15), to the same Namespace."""
    from desktop import __main__ as cli

    parser, _ = cli.build_parser(with_commands=False)
    assert cli.wants_window(argv)
    assert cli.window_args(argv) == parser.parse_args(argv)


@pytest.mark.parametrize("argv", [["--db"], ["--db", "--data-dir", "d"], ["--data-dir"]])
def test_a_window_start_without_an_option_value_goes_to_the_parser(argv):
    from desktop import __main__ as cli

    assert cli.window_args(argv) is None  # the parser reads it and says what is missing
