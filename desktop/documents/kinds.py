"""The kinds of printed papers HallDesk knows and their Chinese titles: the generic ones, and those services register."""

from __future__ import annotations

# NOTE: the layout is generic (driven by the snapshot's sections), so a new kind only needs a title.
# The kinds every service shares are listed here; a service's own papers (登记证明, 补贴核定通知书, …) are
# registered by its case-layer package (desktop.cases.paper_kinds.declare → register below), so this
# module names no service and documents never import the case layer.
DOCUMENT_KINDS: dict[str, str] = {
    "receipt": "受理回执",
    "incomplete_notice": "一次性告知书",
    "refusal": "不予受理通知书",
    # After intake (desktop/cases/lifecycle*.py):
    "supplement_notice": "补正通知书",
    "refusal_decision": "不予许可决定书",
    "rongque_notice": "容缺受理通知书",
    "pledge": "承诺书",
    "extension_notice": "延期告知书",
    "revocation_decision": "撤销登记决定书",  # a registration concluded at the window, taken back (at_window.py)
    # Hall reports (desktop/cases/audit_report.py): about the hall's day, not about an applicant.
    "audit_day_report": "审计日报",
}
# NOTE: these kinds have no applicant block; every other kind must name its applicant.
REPORT_KINDS = frozenset({"audit_day_report"})


class DuplicateKind(RuntimeError):
    """A paper kind registered twice (two services, or a service and the generic list)."""


def register(kind: str, title: str) -> None:
    """Add a service's paper kind; one already known raises, so two services cannot share a kind."""
    if kind in DOCUMENT_KINDS:
        raise DuplicateKind(f"paper kind {kind!r} registered twice ({DOCUMENT_KINDS[kind]} and {title})")
    DOCUMENT_KINDS[kind] = title
