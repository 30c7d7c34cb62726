"""A signed-in window's session: the idle lock and unlock, and settings changes — each audited."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from desktop.cases import accounts, admin, permissions
from desktop.cases.dto import AccountInfo
from desktop.cases.errors import ActionRefused, InputError
from desktop.store import audit
from desktop.store.database import Database

ENDED = "该账号已被管理员停用，本次登录已结束。请退出程序。"
# NOTE: the window number is part of every case number (two PCs with one number could issue the
# same number offline), the PDF folder decides where personal data lands, and the idle lock is a
# security rule: an administrator sets them. Anyone may point at another font file.
ADMIN_SETTINGS = ("hall_name", "hall_address", "hall_phone", "window_no", "output_dir", "idle_lock_minutes")
ADMIN_SETTINGS_MESSAGE = "大厅名称、地址、电话、窗口号、PDF 输出文件夹和自动锁定时间由管理员设置。"


def check_settings_change(account: AccountInfo, before: dict[str, Any], after: dict[str, Any],
                          db: Database | None = None) -> None:
    """Refuse a change of a hall setting by anyone but an administrator.

    With ``db`` the role and state are the database's, read now; without it, the sign-in copy's.
    """
    if not any(before.get(k) != after.get(k) for k in ADMIN_SETTINGS):
        return
    if db is None:
        if not permissions.can(account, "settings"):
            raise ActionRefused(ADMIN_SETTINGS_MESSAGE)
        return
    with db.unit() as s:
        permissions.require(s, account, "settings", refused=ADMIN_SETTINGS_MESSAGE)


def lock(db: Database, account: AccountInfo, window: str, reason: str = "idle") -> None:
    with db.unit() as s:
        audit.append(s, "lock", actor=account.username, window=window, detail={"reason": reason})


def other_user_message(account: AccountInfo) -> str:
    return (f"此窗口由{account.display_name}（{account.username}）锁定，只能由本人输入密码解锁。"
            "其他人员请点“退出程序”，再用自己的账号登录。")


def unlock(db: Database, account: AccountInfo, username: str, password: str, window: str,
           now: datetime | None = None) -> AccountInfo:
    """The locked clerk's own password again; wrong passwords count towards the lockout like a sign-in."""
    if username.strip() and username.strip() != account.username:
        # NOTE: refused before checking any password, so a colleague typing their own password
        # neither learns anything nor pushes the locked clerk's account into the lockout.
        with db.unit() as s:
            audit.append(s, "unlock.refused", actor=account.username, window=window,
                         detail={"reason": "other_user"})
        raise ActionRefused(other_user_message(account))
    if not password:
        raise InputError({"password": "请输入密码"})
    if not admin.is_active(db, account.id):
        raise ActionRefused(ENDED)
    signed = accounts.sign_in(db, account.username, password, window, now, success_action="unlock")
    if signed.id != account.id:  # pragma: no cover - the username matched above
        raise ActionRefused(other_user_message(account))
    return signed


def settings_changed(db: Database, account: AccountInfo, window: str, before: dict[str, Any],
                     after: dict[str, Any]) -> dict[str, Any]:
    """Record which window settings changed (old and new values); nothing is written when none did."""
    changes = {k: {"from": before.get(k), "to": v} for k, v in after.items() if before.get(k) != v}
    if changes:
        with db.unit() as s:
            audit.append(s, "settings.change", actor=account.username, window=window, detail={"changes": changes})
    return changes
