"""The reprint register: every print has a copy number; a 补打 carries its mark, reason and copy number."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import select

from desktop.cases import paper_kinds, permissions
from desktop.cases.dto import Countersign, PrintedPaper
from desktop.cases.errors import ActionRefused, InputError
from desktop.cases.hall_context import HallContext
from desktop.cases.intake import fonts_ready, next_copy_no, paper_unit, stage_pdf
from desktop.store import audit
from desktop.store.database import Database
from desktop.store.models import Case, Document


def needs_countersign(kind: str) -> bool:
    """A reprint of a paper of this kind (a voucher or certificate) needs a supervisor's countersign.

    Papers that prove a right (a card to collect, a plate, a subsidy) are certificates: a copy could be
    used twice (issue #7). Each service declares its own (paper_kinds.declare(..., certificate=True), issue 16)."""
    return paper_kinds.is_certificate(kind)


def check_reason(reason: str) -> None:
    """Every reprint says why; asked before the countersign dialog too, so nobody signs for nothing."""
    if not reason.strip():
        raise InputError({"reason": "补打需要填写原因"})


def papers_of(db: Database, case_id: int) -> list[PrintedPaper]:
    with db.read() as s:
        rows = s.scalars(select(Document).where(Document.case_id == case_id).order_by(Document.id))
        return [PrintedPaper(d.id, d.case_id, d.kind, d.title, d.copy_no, d.printed_at, "") for d in rows]


def reprint(hall: HallContext, document_id: int, reason: str, countersign: Countersign | None = None, *,
            now: datetime | None = None) -> PrintedPaper:
    """Render the stored snapshot again with the 补打 mark and the next copy number."""
    from desktop import documents

    check_reason(reason)
    db, actor, papers_dir, font_path = hall.db, hall.actor, hall.papers_folder(), hall.font_path
    now = now or datetime.now()
    fonts_ready(font_path)
    with paper_unit(db) as (s, written):
        permissions.require(s, actor, "reprint")
        original = s.get(Document, document_id)
        if original is None:
            raise ActionRefused("要补打的文书不存在。")
        signer = None
        if needs_countersign(original.kind):
            signer = permissions.require_countersign(s, actor, countersign, f"补打{original.title}")
        # NOTE: the case row is locked before the copy number is counted, so two windows
        # reprinting the same paper get copies n and n+1, never two copies numbered n.
        s.get(Case, original.case_id, with_for_update=True)
        copy_no = next_copy_no(s, original.case_id, original.kind)
        mark = {"copy_no": copy_no, "reason": reason.strip(), "at": now.strftime("%Y-%m-%d %H:%M")}
        pdf = documents.render_pdf(original.snapshot, reprint=mark, font_path=font_path or None)
        doc = Document(case_id=original.case_id, kind=original.kind, title=original.title,
                       snapshot=original.snapshot, copy_no=copy_no, reprint_reason=reason.strip(),
                       printed_at=now, printed_by=actor.account.id, window=actor.window,
                       sha256=hashlib.sha256(pdf).hexdigest())
        s.add(doc)
        s.flush()
        detail = {"kind": original.kind, "copy_no": copy_no, "of": original.id, "document_id": doc.id}
        if signer is not None:
            detail["countersign"] = signer.username
        audit.append(s, "paper.reprint", actor=actor.account.username, window=actor.window,
                     case_id=original.case_id, detail=detail)
        path = stage_pdf(papers_dir, original.snapshot["case_no"], original.kind, copy_no, pdf, written)
        return PrintedPaper(doc.id, doc.case_id, doc.kind, doc.title, copy_no, now, str(path))
