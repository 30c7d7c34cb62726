"""Which intake steps an assessment allows and what they are called: the intake page asks here, intake enforces it."""

from __future__ import annotations

from desktop.cases import at_window, pledges, status
from desktop.documents.kinds import DOCUMENT_KINDS
from forms.model import Assessment, Decision
from forms.service import Service

INTAKE_STEPS = ("accept", "notice", "refuse", "rongque")


def offered(service: Service, assessment: Assessment) -> frozenset[str]:
    """The intake steps worth a button now; desktop.cases.intake checks each again inside its transaction.

    The same conditions as intake._finish: the assessment's decision is the step's own; no notice or
    refusal while an answer must be corrected (refuse_while_corrections_open, issue 12); 容缺受理 only
    where the only problems are missing non-core materials and never for a procedure concluded at the window.
    """
    correct_first = must_correct_first(assessment)
    d = assessment.decision
    checks = {
        "accept": d is Decision.ACCEPT,
        "notice": d is Decision.INCOMPLETE and not correct_first,
        "refuse": d is Decision.REFUSE and not correct_first,
        "rongque": not service.decided_at_window and pledges.rongque_possible(assessment),
    }
    return frozenset(step for step, ok in checks.items() if ok)


def accept_label(service: Service) -> str:
    """What the accept button says: 受理并打印回执, or e.g. 登记并发牌（当场办结） where it is decided at the window."""
    return at_window.accept_label(service) if service.decided_at_window else "受理并打印回执"


def must_correct_first(assessment: Assessment) -> bool:
    """A typed answer is wrong (effect *correct*): no paper until it is corrected, the masked paper would hide it."""
    return bool(assessment.corrections())


def paper_title(service: Service, kind: str) -> str:
    """The title a paper of ``kind`` gets for this service (e.g. 不予登记通知书 instead of 不予受理通知书)."""
    return service.paper_titles.get(kind, DOCUMENT_KINDS.get(kind, kind))


def verdict(service: Service | None, assessment: Assessment) -> str:
    """The banner's verdict in the procedure's own words: 不予登记 / 可以当场办结 where it is decided at the window."""
    if service is None:
        return assessment.decision.label
    word = status.refusal_word(service.service_id)
    if assessment.decision is Decision.REFUSE and word:
        return word  # 第十四条: 不予登记
    if assessment.decision is Decision.ACCEPT and service.decided_at_window:
        return "可以当场办结"
    return assessment.decision.label
