"""Everything the case view shows about one case, as frozen data with every ID number masked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from desktop.cases import deadlines, privacy
from desktop.cases.dto import CaseSummary, PledgeInfo
from desktop.cases.errors import ActionRefused
from desktop.cases.pledges import case_pledges
from desktop.cases.queries import summary
from desktop.cases.stored import Lifecycle, StoredAssessment
from desktop.store.database import Database
from desktop.store.models import Case
from forms import registry
from forms.service import current_answers


@dataclass(frozen=True)
class CaseFile:
    summary: CaseSummary
    answers: dict[str, Any]
    materials: dict[str, str]
    assessment: StoredAssessment | None  # as stored when the case was decided at the window
    lifecycle: Lifecycle  # decision, supplements, extensions, issue (receiver ID masked), cancel
    accepted_on: date | None
    closed_on: date | None
    due_provisional: bool
    due_explanation: str
    pledges: tuple[PledgeInfo, ...]
    deadlines: tuple[deadlines.DeadlineInfo, ...] = ()  # each tracked on its own (issue 14)


def _due_basis(row: Case, life: dict[str, Any]) -> tuple[bool, str]:
    """Whether the current due date is provisional, and how it was counted (latest change wins)."""
    if life.get("extensions"):
        last = life["extensions"][-1]
        return bool(last.get("provisional")), f"延长{last['days']}个工作日：{last['reason']}"
    deadlines = life.get("deadlines") or (row.assessment or {}).get("deadlines") or []
    if not deadlines:
        return False, ""
    return (any(d.get("provisional") for d in deadlines),
            "；".join(f"{d.get('label', '')}：{d.get('explanation', '')}" for d in deadlines))


def load(db: Database, case_id: int) -> CaseFile:
    with db.read() as s:
        row = s.get(Case, case_id)
        if row is None:
            raise ActionRefused("案件不存在。")
        life = dict(row.lifecycle or {})
        provisional, explanation = _due_basis(row, life)
        pledges = case_pledges(s, case_id)
        # NOTE: masked here, on the data path: the case view never holds a full ID or phone number
        # unless the clerk asks for it (privacy.reveal, audited).
        answers = privacy.masked_answers(row.service_id,
                                         current_answers(registry.get(row.service_id), row.answers or {}))
        # NOTE: the JSON columns become frozen data here, once (desktop/cases/stored.py): no widget reads their keys.
        return CaseFile(summary(row), answers, dict(row.materials), StoredAssessment.from_stored(row.assessment),
                        Lifecycle.from_stored(life),
                        row.accepted_on, row.closed_on, provisional, explanation, pledges,
                        deadlines.of_case(s, case_id))
