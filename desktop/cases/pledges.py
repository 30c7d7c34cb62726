"""容缺受理 and 告知承诺制: which missing materials a pledge may cover, recording and fulfilling pledges."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.cases import lifecycle_papers, numbers, permissions
from desktop.cases.dto import Actor, PledgeInfo
from desktop.cases.errors import ActionRefused
from desktop.store import audit
from desktop.store.database import Database
from desktop.store.lifecycle_models import Pledge
from desktop.store.models import Case
from forms.model import Assessment, Decision, MaterialState
from forms.service import Service

PLEDGE_KINDS = {"rongque": "容缺受理", "gaozhi": "告知承诺"}


def rongque_possible(assessment: Assessment) -> bool:
    """容缺受理 fits when the only problems are missing non-core materials."""
    if assessment.decision is not Decision.INCOMPLETE or not assessment.missing_materials:
        return False
    missing_keys = {m.key for m in assessment.missing_materials}
    for finding in assessment.failures():
        key = finding.facts.get("material") if finding.rule_id.startswith("material.") else None
        if key not in missing_keys:
            return False  # a data error or an unanswered question: correct it first
    return all(not m.core for m in assessment.missing_materials)


def _limit(assessment: Assessment) -> date | None:
    return min((d.due for d in assessment.deadlines), default=None)


def default_due(assessment: Assessment, today: date) -> tuple[date, date | None]:
    """The supplement due date a 容缺 pledge starts with, and the latest one allowed (None: no limit).

    The earliest handling deadline, else five days from today.
    """
    limit = _limit(assessment)
    return limit or today + timedelta(days=5), limit


def check_due(assessment: Assessment, due: date, today: date) -> None:
    """NOTE: the supplement due date cannot exceed the handling deadline (issue #6)."""
    limit = _limit(assessment)
    if due <= today:
        raise ActionRefused("补齐期限应晚于今天。")
    if limit is not None and due > limit:
        raise ActionRefused(f"补齐期限不能晚于办理时限 {limit.isoformat()}。")


def record(s: Session, row: Case, service: Service, answers: Mapping[str, Any], materials: Mapping[str, str],
           assessment: Assessment, actor: Actor, now: datetime, rongque_due: date | None) -> list[dict[str, Any]]:
    """Store the pledges of an accepted case and return the papers to print for them."""
    papers = []
    provisional = any(d.provisional for d in assessment.deadlines)
    case_no = numbers.number_of(row)
    if rongque_due is not None:
        items = [(m.label, str(m.basis)) for m in assessment.missing_materials]
        for m in assessment.missing_materials:
            s.add(Pledge(case_id=row.id, kind="rongque", material_key=m.key, material_label=m.label,
                         due_on=rongque_due, created_at=now))
        papers.append(lifecycle_papers.rongque_notice(service, dict(answers), case_no, items, rongque_due,
                                                      provisional, actor, now))
        papers.append(lifecycle_papers.pledge_letter(service, dict(answers), case_no, "rongque", items,
                                                     rongque_due, provisional, actor, now))
    pledged = [service.material(k) for k, v in materials.items() if v == MaterialState.PLEDGED.value]
    if pledged:
        for material in pledged:
            s.add(Pledge(case_id=row.id, kind="gaozhi", material_key=material.key, material_label=material.label,
                         due_on=None, created_at=now))
        items = [(material.label, str(material.basis)) for material in pledged]
        papers.append(lifecycle_papers.pledge_letter(service, dict(answers), case_no, "gaozhi", items, None,
                                                     provisional, actor, now))
    if rongque_due is not None or pledged:
        s.flush()
        audit.append(s, "pledge.record", actor=actor.account.username, window=actor.window, case_id=row.id,
                     detail={"rongque": [m.key for m in assessment.missing_materials] if rongque_due else [],
                             "gaozhi": [m.key for m in pledged],
                             "due": rongque_due.isoformat() if rongque_due else None})
    return papers


def fulfil(db: Database, actor: Actor, pledge_id: int, today: date | None = None) -> None:
    """The promised material arrived."""
    today = today or date.today()
    with db.unit() as s:
        permissions.require(s, actor, "intake")
        pledge = s.get(Pledge, pledge_id, with_for_update=True)  # fulfilled once, by one window
        if pledge is None:
            raise ActionRefused("承诺记录不存在。")
        if pledge.fulfilled_on is not None:
            raise ActionRefused(f"该承诺已于{pledge.fulfilled_on.isoformat()}履行。")
        pledge.fulfilled_on = today
        audit.append(s, "pledge.fulfilled", actor=actor.account.username, window=actor.window,
                     case_id=pledge.case_id, detail={"material": pledge.material_key})


def case_pledges(s: Session, case_id: int) -> tuple[PledgeInfo, ...]:
    """Every pledge of the case, fulfilled or not, oldest first."""
    return tuple(PledgeInfo(p.id, p.kind, PLEDGE_KINDS.get(p.kind, p.kind), p.material_label, p.due_on, p.fulfilled_on)
                 for p in s.scalars(select(Pledge).where(Pledge.case_id == case_id).order_by(Pledge.id)))


def open_pledges(db: Database, case_id: int) -> list[PledgeInfo]:
    """Every pledge of the case, the fulfilled ones too (despite the name), oldest first."""
    with db.read() as s:
        return list(case_pledges(s, case_id))
