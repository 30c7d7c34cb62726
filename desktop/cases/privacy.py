"""Showing a full ID number on request: the number is handed out only with an audit event."""

from __future__ import annotations

from desktop.cases import permissions
from desktop.cases.dto import Actor
from desktop.cases.errors import ActionRefused
from desktop.store import audit
from desktop.store.database import Database
from desktop.store.models import Case


def reveal_id(db: Database, actor: Actor, case_id: int) -> str:
    """The applicant's full ID number; records who looked, from which window (never the number)."""
    permissions.require(actor, "intake")
    with db.unit() as s:
        row = s.get(Case, case_id)
        if row is None:
            raise ActionRefused("案件不存在。")
        if not row.id_number:
            raise ActionRefused("该案件没有登记证件号码。")
        # NOTE: the audit detail names the field only; the log must never hold the number itself.
        audit.append(s, "id.reveal", actor=actor.account.username, window=actor.window, case_id=row.id,
                     detail={"field": "id_number"})
        return row.id_number
