"""Autosave of intake pages: scratch copies of unsaved input, and the ones a crash left behind."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from desktop.cases import log_masking, permissions, status
from desktop.cases.dto import Actor
from desktop.cases.queries import service_name
from desktop.store.database import Database
from desktop.store.draft_models import DraftAutosave
from desktop.store.models import Case
from forms import registry
from forms.service import current_answers

# NOTE: why a table of scratch copies and not save_draft() on every autosave:
# - the audit chain records what the clerk did; an audit row every few seconds of typing would bury
#   the real events (and a hash-chained log cannot be thinned later), while an unaudited write into
#   `cases` would change a case record nobody decided to save;
# - autosave must never overwrite the draft the clerk last saved: 放弃 has to bring that one back;
# - half-typed pages must not appear as 待补齐材料 cases in every list, search and count of the hall.
# A scratch copy becomes a case only through save_draft / accept / notice / refusal (audited), which
# delete it in their own transaction.


@dataclass(frozen=True)
class Autosave:
    """One scratch copy: what a page held when it was last autosaved."""

    id: int
    service_id: str
    service_name: str
    case_id: int | None  # the saved draft the page was editing, None for a new case
    applicant_name: str | None
    answers: dict[str, Any]
    materials: dict[str, Any]
    saved_at: datetime


def autosave(db: Database, actor: Actor, service_id: str, answers: Mapping[str, Any], materials: Mapping[str, Any],
             *, case_id: int | None = None, autosave_id: int | None = None, now: datetime | None = None) -> int:
    """Write (or overwrite) the page's scratch copy; returns its id for the next autosave."""
    service = registry.get(service_id)
    values = dict(
        clerk_id=actor.account.id, window=actor.window, service_id=service_id, case_id=case_id,
        applicant_name=(str(answers.get(service.name_key) or "").strip()[:40] or None),
        answers=dict(answers), materials={k: v for k, v in materials.items() if v}, saved_at=now or datetime.now())
    with db.unit() as s:
        permissions.require(s, actor, "intake")
        if autosave_id is not None:
            # NOTE: one UPDATE decides; no read comes before it, so nothing can change in between.
            # (RETURNING, not rowcount: the ORM session types its result as rows, and both backends return them)
            done = s.execute(update(DraftAutosave).where(DraftAutosave.id == autosave_id,
                                                         DraftAutosave.clerk_id == actor.account.id)
                             .values(**values).returning(DraftAutosave.id)).first()
            if done is not None:
                return autosave_id
        row = DraftAutosave(**values)
        s.add(row)
        s.flush()
        return row.id


def forget(s: Session, autosave_id: int | None) -> None:
    """Delete a scratch copy inside the caller's transaction (the case now holds what it held)."""
    if autosave_id is not None:
        s.execute(delete(DraftAutosave).where(DraftAutosave.id == autosave_id))


def discard(db: Database, autosave_id: int | None) -> None:
    """The clerk closed the page without saving, or the page is back to what is saved: drop its copy."""
    if autosave_id is None:
        return
    with db.unit() as s:
        forget(s, autosave_id)


def pending(db: Database, actor: Actor) -> list[Autosave]:
    """The scratch copies this clerk's pages at this window left behind, newest first.

    Copies of a case that is no longer a draft (accepted or cancelled meanwhile, e.g. from another
    window) cannot be resumed and are deleted here.
    """
    mine = (DraftAutosave.clerk_id == actor.account.id, DraftAutosave.window == actor.window)
    with db.unit() as s:
        # NOTE: one statement, so the state it checks cannot change before it deletes.
        s.execute(delete(DraftAutosave).where(
            *mine, DraftAutosave.case_id.in_(select(Case.id).where(Case.status != status.DRAFT))))
        rows = s.scalars(select(DraftAutosave).where(*mine)
                         .order_by(DraftAutosave.saved_at.desc(), DraftAutosave.id.desc())).all()
        for r in rows:  # a crash while recovering one must not put its values in the log
            log_masking.watch(r.service_id, r.answers, ("autosave", r.id))
        return [Autosave(r.id, r.service_id, service_name(r.service_id), r.case_id, r.applicant_name,
                         current_answers(registry.get(r.service_id), dict(r.answers)), dict(r.materials), r.saved_at)
                for r in rows]
