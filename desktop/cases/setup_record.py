"""The audit rows of the first-run set-up and of later changes to the database connection (no Qt)."""

from __future__ import annotations

from typing import Any

from desktop.store import audit
from desktop.store.database import Database

# NOTE: what the set-up chose, never a password: the row says only where the password is kept.
RECORDED = ("hall_name", "hall_address", "hall_phone", "window_no", "db_mode", "db_host", "db_port", "db_name",
            "db_user", "printer_name")


def record_setup(db: Database, actor: str | None, window: str, choices: dict[str, Any],
                 password_store: str | None) -> None:
    """One ``setup.completed`` event with every choice of the wizard."""
    detail = {key: choices.get(key) for key in RECORDED}
    if password_store is not None:
        detail["password_store"] = "keyring" if password_store == "keyring" else "file"
    with db.unit() as s:
        audit.append(s, "setup.completed", actor=actor, window=window, detail=detail)


def record_password_change(db: Database, actor: str, window: str, password_store: str) -> None:
    """The hall server's password was replaced on this PC (the value is never recorded)."""
    with db.unit() as s:
        audit.append(s, "setup.db_password", actor=actor, window=window,
                     detail={"password_store": "keyring" if password_store == "keyring" else "file"})
