"""A print job for a stored paper: recorded when the printer took it, not when the PDF was made."""

from __future__ import annotations

from datetime import datetime

from desktop.cases import permissions
from desktop.cases.dto import Actor
from desktop.cases.errors import ActionRefused
from desktop.store import audit
from desktop.store.database import Database
from desktop.store.models import Document

# NOTE: making a paper writes its PDF and a "paper.made" event (生成文书); a clerk may then print it,
# or the printer may be missing or fail. Only a job Qt handed to the printer is "paper.printed"
# (issue 12: "打印文书 第1份" used to be recorded even when printing then failed).
PRINTED = "paper.printed"


def record_print_job(db: Database, actor: Actor, document_id: int, pages: int, printer: str,
                     now: datetime | None = None) -> None:
    """Record that ``pages`` pages of this paper were sent to ``printer``."""
    with db.unit() as s:
        permissions.require(s, actor, "intake")
        doc = s.get(Document, document_id)
        if doc is None:
            raise ActionRefused("要登记打印的文书不存在。")
        audit.append(s, PRINTED, actor=actor.account.username, window=actor.window, case_id=doc.case_id,
                     detail={"kind": doc.kind, "copy_no": doc.copy_no, "document_id": doc.id,
                             "pages": int(pages), "printer": printer[:80]}, at=now)
