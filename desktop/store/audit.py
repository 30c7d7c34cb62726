"""The append-only audit log with a hash chain: each row hashes its content and the row before."""

from __future__ import annotations

import hashlib
import json
import threading
from datetime import datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from desktop.store.models import AuditEvent

GENESIS = "0" * 64
_local_lock = threading.Lock()


def event_hash(at: datetime, actor: str | None, window: str | None, action: str,
               case_id: int | None, detail: dict[str, Any], prev_hash: str) -> str:
    payload = json.dumps(
        [at.isoformat(timespec="microseconds"), actor, window, action, case_id, detail, prev_hash],
        ensure_ascii=False, sort_keys=True, separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def append(session: Session, action: str, *, actor: str | None, window: str | None,
           case_id: int | None = None, detail: dict[str, Any] | None = None,
           at: datetime | None = None) -> AuditEvent:
    """Add one event in the caller's transaction. Never put ID or phone numbers in ``detail``."""
    detail = detail or {}
    at = at or datetime.now()
    if session.get_bind().dialect.name == "postgresql":
        # NOTE: windows sharing one server must not both chain onto the same last row.
        session.execute(text("SELECT pg_advisory_xact_lock(724311)"))
    with _local_lock:
        prev = session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)) or GENESIS
        row = AuditEvent(
            at=at, actor=actor, window=window, action=action, case_id=case_id, detail=detail,
            prev_hash=prev, hash=event_hash(at, actor, window, action, case_id, detail, prev),
        )
        session.add(row)
        session.flush()
    return row


def verify(session: Session) -> tuple[bool, int | None, int]:
    """(intact, id of the first broken row or None, rows checked)."""
    prev = GENESIS
    count = 0
    for row in session.scalars(select(AuditEvent).order_by(AuditEvent.id)):
        count += 1
        expected = event_hash(row.at, row.actor, row.window, row.action, row.case_id, row.detail, prev)
        if row.prev_hash != prev or row.hash != expected:
            return False, row.id, count
        prev = row.hash
    return True, None, count
