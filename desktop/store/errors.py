"""Environment failures of the database, translated into plain Chinese for the clerk."""

from __future__ import annotations

import errno
import sys
from collections.abc import Iterator
from contextlib import contextmanager


class EnvironmentFailure(Exception):
    """A known failure of the machine, not a bug: shown in one message box, no traceback."""

    def __init__(self, message: str, detail: str = ""):
        super().__init__(message)
        self.message = message
        self.detail = detail


class DatabaseTooNew(EnvironmentFailure):
    def __init__(self, revision: str):
        super().__init__(
            "这个数据库是由更新版本的 HallDesk 写入的（结构版本 "
            f"{revision}），本程序无法安全使用。请升级 HallDesk 后再打开，数据库未作任何改动。"
        )
        self.revision = revision


def _message_for(text: str) -> str | None:
    lowered = text.lower()
    if "locked" in lowered or "busy" in lowered or "lock timeout" in lowered:
        return "数据库正被其他窗口或程序占用，请稍候再试。"
    if "readonly" in lowered or "read-only" in lowered:
        return "数据库文件是只读的，无法保存。请检查文件权限或联系管理员。"
    if "disk is full" in lowered or "database or disk is full" in lowered or "no space" in lowered:
        return "磁盘空间已满，无法保存。请清理磁盘后重试，本次操作未保存。"
    if "unable to open" in lowered:
        return "无法打开数据库文件，请检查文件夹是否存在且可写。"
    if "disk i/o" in lowered:
        return "读写数据库时发生磁盘错误，请检查磁盘后重试。"
    # NOTE: before the connection test below: psycopg words a refused password as "connection to server
    # … failed: FATAL: password authentication failed", and the network advice would send IT staff the
    # wrong way (the server answered; it refused the saved password).
    if "password authentication failed" in lowered or "no password supplied" in lowered:
        return ("大厅共享数据库服务器拒绝了本机保存的数据库用户名或密码（密码可能已在服务器上更改），"
                "请联系管理员重新填写。")
    if "could not connect" in lowered or "connection refused" in lowered or "connection to server" in lowered:
        return "无法连接大厅共享数据库服务器，请检查网络或联系管理员。"
    if "not a database" in lowered or "malformed" in lowered:
        return "数据库文件已损坏或不是 HallDesk 数据库，请从备份恢复。"
    return None


@contextmanager
def translate() -> Iterator[None]:
    """Turn database and file-system failures we know into EnvironmentFailure."""
    try:
        yield
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise EnvironmentFailure("磁盘空间已满，无法保存。", str(exc)) from exc
        if exc.errno in (errno.ENOTDIR, errno.EEXIST):
            raise EnvironmentFailure(f"无法创建文件夹：{exc.filename}（路径中有同名文件）", str(exc)) from exc
        if exc.errno in (errno.EACCES, errno.EROFS, errno.EPERM):
            raise EnvironmentFailure(f"没有写入权限，无法使用文件夹：{exc.filename}", str(exc)) from exc
        raise
    except Exception as exc:
        # NOTE: SQLAlchemy is looked up, not imported: the settings and the sign-in dialog use this
        # module before the data layer is loaded (issue 15), and an error of SQLAlchemy's can only
        # be raised once it is.
        sa_exc = sys.modules.get("sqlalchemy.exc")
        if sa_exc is None or not isinstance(exc, sa_exc.DBAPIError):  # OperationalError is one
            raise
        message = _message_for(str(exc.orig) if exc.orig is not None else str(exc))
        if message is None:
            raise
        raise EnvironmentFailure(message, str(exc.orig)) from exc
