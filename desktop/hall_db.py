"""Which database a window opens: ``--db``, else the settings' choice (standalone SQLite or the hall server)."""

from __future__ import annotations

import os
import sys

from desktop.settings import Settings
from desktop.store.errors import EnvironmentFailure

CONNECT_TIMEOUT_S = 5
# NOTE: the wizard runs where a hall's PC starts the installed program for the first time. A source
# checkout (a developer's `make run`, the test suite's children) starts with the defaults as before
# unless HALLDESK_FIRST_RUN=wizard asks for the wizard.
FIRST_RUN_SWITCH = "HALLDESK_FIRST_RUN"


def password_key(settings: Settings) -> str:
    # NOTE: imported where used (here and in target): db_password pulls in secrets and hashlib, which
    # a standalone window's way to the sign-in dialog does not need (issue 15).
    from desktop import db_password

    return db_password.account_key(settings.db_host.strip(), settings.db_port, settings.db_name.strip(),
                                   settings.db_user.strip())


def server_url(settings: Settings, password: str | None) -> str:
    """The SQLAlchemy URL of the hall server; the password stays in memory (pg_dump gets it by environment)."""
    # NOTE: imported here: the sign-in path imports this module and must not load SQLAlchemy (issue 15).
    from sqlalchemy.engine import URL

    return URL.create("postgresql+psycopg", username=settings.db_user.strip(), password=password or None,
                      host=settings.db_host.strip(), port=settings.db_port,
                      database=settings.db_name.strip(),
                      query={"connect_timeout": str(CONNECT_TIMEOUT_S)}).render_as_string(hide_password=False)


def target(cli_db: str | None, settings: Settings) -> str | None:
    """What to open: the command line wins; None is the data folder's SQLite file."""
    if cli_db:
        return cli_db
    if settings.db_mode != "server":
        return None
    from desktop import db_password

    password = db_password.load(password_key(settings))
    if password is None:
        from desktop import settings as settings_store

        # NOTE: the program cannot reach 管理 → 数据库与打印机 without its database, so the way back is
        # the set-up wizard, which the next start shows once the settings file is gone.
        raise EnvironmentFailure(
            f"没有找到大厅服务器 {settings.db_host}:{settings.db_port} 的数据库密码（系统密钥环或 "
            f"{db_password.file_path()}）。请管理员检查系统密钥环是否已解锁；或删除 {settings_store.settings_path()} "
            "后重新启动 HallDesk，在设置向导中重新填写（本机已有的数据不受影响）。")
    return server_url(settings, password)


def first_run_needed(cli_db: str | None) -> bool:
    """No settings file yet, no ``--db``, and an installed program (or the switch)."""
    from desktop import settings as settings_store

    if cli_db or settings_store.is_configured():
        return False
    return getattr(sys, "frozen", False) or os.environ.get(FIRST_RUN_SWITCH) == "wizard"


def test_connection(url: str) -> str | None:
    """None when the server answers and the account signs in; else a plain Chinese reason."""
    try:
        import psycopg
    except ImportError:  # pragma: no cover - the package and the bundle ship psycopg
        return "本机缺少 PostgreSQL 驱动（psycopg），无法连接大厅服务器。"
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    try:
        with psycopg.connect(host=parsed.host, port=parsed.port, dbname=parsed.database, user=parsed.username,
                             password=parsed.password, connect_timeout=CONNECT_TIMEOUT_S) as conn:
            conn.execute("SELECT 1")
    except psycopg.OperationalError as exc:
        return _reason(str(exc), parsed)
    return None


def _reason(text: str, parsed) -> str:
    where = f"{parsed.host}:{parsed.port}"
    lowered = text.lower()
    if "password authentication failed" in lowered or "no password supplied" in lowered:
        return f"服务器 {where} 拒绝了用户“{parsed.username}”的密码，请核对用户名和密码。"
    if "does not exist" in lowered and "database" in lowered:
        return f"服务器 {where} 上没有数据库“{parsed.database}”，请核对数据库名或请管理员先建好数据库。"
    if "timeout" in lowered or "timed out" in lowered:
        return f"连接服务器 {where} 超时（{CONNECT_TIMEOUT_S} 秒），请检查网络和服务器地址。"
    if "could not translate host name" in lowered or "name or service not known" in lowered:
        return f"找不到服务器“{parsed.host}”，请检查服务器地址。"
    if "connection refused" in lowered:
        return f"服务器 {where} 拒绝连接：PostgreSQL 没有运行，或端口不对。"
    return f"无法连接服务器 {where}：{text.strip().splitlines()[0][:160]}"
