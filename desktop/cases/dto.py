"""Frozen data handed to the UI: the UI never sees ORM objects or sessions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from desktop.cases.stored import StoredAssessment

ROLES = ("clerk", "supervisor", "admin")  # in the order the accounts dialog offers them
ROLE_LABELS = {"clerk": "受理", "supervisor": "审核", "admin": "管理员"}


@dataclass(frozen=True)
class AccountInfo:
    """Who signed in, for display and for hiding menu items; the case layer re-reads role and state."""

    id: int
    username: str
    display_name: str
    role: str

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)


@dataclass(frozen=True)
class Countersign:
    """A second person's login name and password, checked again by the case layer inside the action."""

    username: str
    password: str = field(repr=False)


@dataclass(frozen=True)
class Actor:
    """Who acts, from where: every case action takes one."""

    account: AccountInfo
    window: str
    hall: str
    hall_address: str = ""  # printed on every paper's contact line (设置, administrator only)
    hall_phone: str = ""


@dataclass(frozen=True)
class CaseSummary:
    id: int
    case_no: str | None
    service_id: str
    service_name: str
    status: str
    status_label: str
    applicant_name: str
    id_masked: str
    received_on: date
    due_on: date | None


@dataclass(frozen=True)
class CaseDetail:
    summary: CaseSummary
    answers: dict[str, Any]
    materials: dict[str, str]
    assessment: StoredAssessment | None  # typed once here (desktop/cases/stored.py): no widget reads its keys


@dataclass(frozen=True)
class PrintedPaper:
    id: int
    case_id: int
    kind: str
    title: str
    copy_no: int
    printed_at: datetime
    pdf_path: str
    missing_glyphs: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class ReasonRow:
    """A coded reason for a refusal decision."""

    code: str
    label: str
    basis: str
    active: bool
    service_id: str = ""  # the procedure whose cases may cite it


@dataclass(frozen=True)
class PledgeInfo:
    """One pledge of a case: 容缺受理 or 告知承诺, and whether the material has come."""

    id: int
    kind: str
    kind_label: str
    material_label: str
    due_on: date | None
    fulfilled_on: date | None

    @property
    def awaited(self) -> bool:
        """A 容缺 pledge whose material has not come yet (告知承诺 has no due date: nothing to bring)."""
        return self.due_on is not None and self.fulfilled_on is None
