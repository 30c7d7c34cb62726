"""A hall server that asks for a password (scram-sha-256): the right one opens, a wrong one is a plain message (issue 17)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop import db_password, hall_db, paths, settings as settings_store
from desktop.settings import Settings
from desktop.store.database import open_database
from desktop.store.errors import EnvironmentFailure

pytestmark = pytest.mark.postgres
ROOT = Path(__file__).resolve().parents[2]
RIGHT = "Hall-Server-Pass-7"
WRONG = "Wrong-Pass-0"


@pytest.fixture(scope="module")
def guarded_server():
    """A second real server, this one with password authentication on every connection."""
    sys.path.insert(0, str(ROOT / "tests" / "support"))
    from pgserver import PgServer, find_bin

    bin_dir = find_bin()
    if bin_dir is None:
        if os.environ.get("CI"):
            pytest.fail("CI: PostgreSQL server binaries not installed")
        pytest.skip("PostgreSQL server binaries not installed")
    server = PgServer(bin_dir, password=RIGHT).start()
    server.create_database("hall")
    yield server
    server.stop()


def test_the_servers_password_is_checked_by_the_connection_test(guarded_server):
    assert hall_db.test_connection(guarded_server.url("hall")) is None
    reason = hall_db.test_connection(guarded_server.url("hall", password=WRONG))
    assert reason == f"服务器 127.0.0.1:{guarded_server.port} 拒绝了用户“halldesk”的密码，请核对用户名和密码。"
    assert WRONG not in reason
    # No password at all (a keyring that lost it) is told the same way, not as a network fault.
    no_password = f"postgresql+psycopg://halldesk@127.0.0.1:{guarded_server.port}/hall"
    assert "拒绝了用户“halldesk”的密码" in hall_db.test_connection(no_password)


def test_a_wrong_password_at_opening_is_a_plain_message_not_a_network_fault(guarded_server):
    db = open_database(guarded_server.url("hall"))  # the right one creates the hall's schema
    db.close()
    with pytest.raises(EnvironmentFailure) as raised:
        open_database(guarded_server.url("hall", password=WRONG))
    assert raised.value.message.startswith("大厅共享数据库服务器拒绝了本机保存的数据库用户名或密码")
    assert WRONG not in raised.value.message and "网络" not in raised.value.message


def test_the_program_started_with_a_changed_server_password_says_so_and_logs_no_password(guarded_server, tmp_path,
                                                                                        data_dir):
    data = tmp_path / "data"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT), "HALLDESK_DATA_DIR": str(data),
           db_password.KEYRING_SWITCH: "off"}
    # The PC's set-up as the wizard leaves it (server mode, the password in the private file) — made
    # in the child's data folder, which the test's own (the autouse fixture's) stands in for here …
    paths.set_data_dir(data)
    try:
        settings = Settings(db_mode="server", db_host="127.0.0.1", db_port=guarded_server.port, db_name="hall",
                            db_user="halldesk", window_no="03")
        settings_store.save(settings)
        # … then the server's password was changed by the hall's IT staff: the saved one is stale.
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv(db_password.KEYRING_SWITCH, "off")
            db_password.store(hall_db.password_key(settings), WRONG)
    finally:
        paths.set_data_dir(data_dir)
    result = subprocess.run([sys.executable, "-m", "desktop"], cwd=ROOT, env=env, capture_output=True, text=True,
                            encoding="utf-8", timeout=120)
    assert result.returncode == 2, result.stderr
    assert "大厅共享数据库服务器拒绝了本机保存的数据库用户名或密码" in result.stderr
    assert "Traceback" not in result.stderr
    logs = [p for p in data.rglob("*.log*") if p.is_file()]
    assert logs, "the start-up failure must reach the log"
    for log_file in logs:
        text = log_file.read_text(encoding="utf-8", errors="replace")
        assert WRONG not in text and RIGHT not in text
    assert any("拒绝了本机保存的数据库" in p.read_text(encoding="utf-8", errors="replace") for p in logs)
