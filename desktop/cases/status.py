"""Case states and their Chinese labels."""

from __future__ import annotations

DRAFT = "draft"  # incomplete: one-time notice given, can be resumed
ACCEPTED = "accepted"  # awaiting the decision; the handling clock runs
NOT_ACCEPTED = "not_accepted"  # 不予受理 at the window
SUPPLEMENT = "supplement_requested"  # 补正通知书 given; the clock stops until the supplements arrive
APPROVED = "approved"
REFUSED = "refused"  # 不予许可 / 不予登记 decision after review
ISSUED = "issued"  # card handed over, plate issued, subsidy paid
CANCELLED = "cancelled"

LABELS = {
    DRAFT: "待补齐材料",
    ACCEPTED: "已受理待审核",
    NOT_ACCEPTED: "不予受理",
    SUPPLEMENT: "待补正",
    APPROVED: "已批准待发放",
    REFUSED: "不予许可",
    ISSUED: "已办结",
    CANCELLED: "已撤销",
}
OPEN = frozenset({ACCEPTED, SUPPLEMENT, APPROVED})  # cases whose handling deadline still matters
CLOSED = frozenset({NOT_ACCEPTED, REFUSED, ISSUED, CANCELLED})

# Legal moves; anything else is refused at the case layer with a clear message.
TRANSITIONS: dict[str, frozenset[str]] = {
    DRAFT: frozenset({ACCEPTED, NOT_ACCEPTED, CANCELLED, DRAFT}),
    ACCEPTED: frozenset({SUPPLEMENT, APPROVED, REFUSED, CANCELLED}),
    SUPPLEMENT: frozenset({ACCEPTED, CANCELLED}),
    APPROVED: frozenset({ISSUED, CANCELLED}),
    NOT_ACCEPTED: frozenset(),
    REFUSED: frozenset(),
    ISSUED: frozenset(),
    CANCELLED: frozenset(),
}


def refusal_word(service_id: str) -> str | None:
    """A procedure's own word for a refusal at the window (不予登记, 第十四条), from its refusal paper's title."""
    from forms import registry  # NOTE: only here; the labels themselves need no service

    try:
        title = registry.get(service_id).paper_titles.get("refusal", "")
    except KeyError:
        title = ""
    return title.removesuffix("通知书") if title.endswith("通知书") else None


def status_label(status: str, service_id: str | None = None) -> str:
    """The state's label; a refusal at the window in the procedure's own word (不予登记, 第十四条) where it has one."""
    if status == NOT_ACCEPTED and service_id:
        word = refusal_word(service_id)
        if word:
            return word
    return LABELS.get(status, status)
