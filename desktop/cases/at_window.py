"""Procedures decided at the window (Service.decided_at_window): inspect, register and conclude in one unit.

Where a service's law has the department check and register in the same sitting (the basis each
declares in ``Service.at_window``), accepting such a case records the on-site inspection
the service declares (forms/at_window.py ``Inspection``), runs the service's registry hook and closes
the case as 已办结 in the intake's own transaction; there is no supervisor review after it. A failed
rule or inspection is the intake's written refusal. Everything here keys on the flag and the service's
``Service.at_window`` declaration, never on a service id (tests/test_boundaries.py, test_at_window_terms).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from desktop.cases import deadlines, hooks, identifiers, numbers, remedies, status
from desktop.cases.dto import Actor
from desktop.cases.errors import ActionRefused
from desktop.cases.hooks import HookResult, IntakeContext
from desktop.cases.papers import cn_date, header
from desktop.store import audit
from desktop.store.models import Case
from forms import registry
from forms.at_window import AtWindow
from forms.service import Service

AT_WINDOW_LABEL = "当场办结"
REVOCATION_TITLE = "撤销登记决定书"
NEUTRAL = AtWindow()  # the words of a procedure that declares none of its own


def applies(service_id: str) -> bool:
    """True for a procedure decided at the window (unknown services: False)."""
    try:
        return registry.get(service_id).decided_at_window
    except KeyError:
        return False


def service_ids() -> tuple[str, ...]:
    """Every procedure decided at the window (those never in the review queue)."""
    return tuple(sid for sid, service in registry.services().items() if service.decided_at_window)


def accept_label(service: Service) -> str:
    """What the intake page's accept button says for such a procedure, e.g. 登记并发牌（当场办结）."""
    return f"{service.window_action or '办理登记'}（{AT_WINDOW_LABEL}）"


def terms(service: Service) -> AtWindow:
    """What the service declares of its procedure decided at the window (Service.at_window), or the neutral words."""
    return service.at_window or NEUTRAL


def _audit(s: Session, action: str, actor: Actor, case_id: int, detail: dict[str, Any]) -> None:
    audit.append(s, action, actor=actor.account.username, window=actor.window, case_id=case_id, detail=detail)


def _close(s: Session, row: Case, actor: Actor, now: datetime, life: dict[str, Any], detail: dict[str, Any]) -> None:
    """The case is 已办结: its deadlines met today, the hand-over recorded as done at the window."""
    before = row.status
    row.status = status.ISSUED
    row.updated_at = now
    row.closed_on = now.date()
    deadlines.settle(s, row, status.ISSUED, now.date())  # the 承诺办结 deadline is met by the conclusion
    # NOTE: what the service issues (Service.collects) is handed over at the
    # window to the applicant who sits there; no separate 领取 step with a receiver follows.
    life["issue"] = {"on": now.date().isoformat(), "at_window": True, "by": actor.account.display_name,
                     **({"legacy": True} if detail.get("legacy") else {})}
    row.lifecycle = life
    _audit(s, f"case.{status.ISSUED}", actor, row.id, {"from": before, "to": status.ISSUED, "at_window": True,
                                                      **detail})


def run(ctx: IntakeContext) -> HookResult:
    """Accepting a case decided at the window: inspection, the registry hook, then 已办结 (caller's transaction)."""
    s, row, actor, now = ctx.session, ctx.case, ctx.actor, ctx.now
    life = copy.deepcopy(row.lifecycle or {})
    declared = terms(ctx.service).inspection
    inspection = declared.record(ctx.answers) if declared is not None else None
    if declared is not None and inspection is not None:
        if not inspection["passed"]:  # the rules refuse such a case; never register what failed its inspection
            raise ActionRefused(declared.refused)
        life["inspection"] = {**inspection, "on": now.date().isoformat(), "by": actor.account.display_name}
        _audit(s, "case.inspected", actor, row.id,
               {"passed": True, "results": {i["item"]: i["result"] for i in inspection["items"]}})
    row.lifecycle = life
    extra = hooks.run(status.ACCEPTED, ctx)
    _close(s, row, actor, now, copy.deepcopy(row.lifecycle or {}), {})
    own = extra.finish_receipt  # a service hook's own touch to the receipt comes first

    def finish(snap: dict[str, Any]) -> None:
        if own is not None:
            own(snap)
        _receipt(snap, ctx.service, now)

    extra.finish_receipt = finish
    return extra


def _receipt(snap: dict[str, Any], service: Service, now: datetime) -> None:
    """The main paper says the case was concluded at once: no 办理时限 to wait for, nothing to come back for."""
    snap["title"] = service.paper_titles.get("receipt_at_window", "受理及办结回执")
    snap["intro"] = (f"你提交的{service.name}申请，申请材料齐全、符合法定形式，予以受理，"
                     f"经审查符合条件，已于{cn_date(now)}当场办结。")
    done = f"{cn_date(now)}{AT_WINDOW_LABEL}"
    sections = [x for x in snap["sections"] if x["heading"] != "办理时限"]
    table = next((x for x in sections if x["heading"] == "登记信息" and x["type"] == "table"), None)
    if table is not None:
        table["rows"] = [r for r in table["rows"] if r[0] != "办理时限"] + [["办理结果", done]]
    else:
        sections.append({"heading": "办理结果", "type": "text", "text": done})
    snap["sections"] = sections
    snap.pop("provisional_note", None)
    handed = f"{service.collects}已当场发放，" if service.collects else ""
    snap["footer"] = f"{handed}请妥善保管本回执，凭回执编号查询登记信息。"


# --- the steps a review would take are refused -----------------------------------------------------


def refuse_review_step(row: Case, what: str) -> None:
    """approve / refuse / supplement / extend have no place in a procedure decided at the window."""
    if not applies(row.service_id):
        return
    service = registry.get(row.service_id)
    done = (f"该案件已于{row.closed_on.isoformat()}当场办结" if row.status == status.ISSUED and row.closed_on
            else "该案件不经审核")
    basis = terms(service).basis
    raise ActionRefused(
        f"“{service.name}”在窗口当场办结{f'（{basis}）' if basis else ''}，"
        f"没有审核环节，不能{what}。{done}；登记有误的，请撤销登记（需审核人员复核）。"
    )


def conclude(s: Session, row: Case, actor: Actor, now: datetime) -> None:
    """A case of such a procedure accepted before it was decided at the window: record it as 已办结.

    NOTE: its registry change took effect at that acceptance and what it issues (Service.collects) was
    printed then; what is missing is only the case's closing, which the clerk records (permission
    "issue"), without a review that the procedure no longer has.
    """
    if not applies(row.service_id) or row.status != status.ACCEPTED:
        raise ActionRefused(f"案件{row.case_no or ''}当前为“{status.status_label(row.status)}”，不能补记办结。")
    _close(s, row, actor, now, copy.deepcopy(row.lifecycle or {}), {"legacy": True})


# --- taking back a registration concluded at the window (撤销登记) -------------------------------


def may_revoke(row: Case) -> bool:
    """A concluded case of such a procedure may be revoked (with a countersign), its registry change undone."""
    return row.status == status.ISSUED and applies(row.service_id)


def revocation_basis(service: Service, day: date) -> str:
    try:
        return str(service.params().at(day)["revocation_basis"])
    except LookupError:
        return ""


def revocation_paper(service: Service, row: Case, concluded_on: date | None, consequence: str, reason: str,
                     signer_name: str, actor: Actor, now: datetime,
                     recorded: Mapping[str, str] | None = None) -> dict[str, Any]:
    """撤销登记决定书: the owner is told in writing that the registration is taken back, why, and the remedies."""
    answers: Mapping[str, Any] = row.answers or {}
    snap = header("revocation_decision", REVOCATION_TITLE, service, dict(answers), numbers.number_of(row), actor, now)
    basis = revocation_basis(service, now.date())
    done = cn_date(concluded_on) if concluded_on else "此前"
    snap["intro"] = (f"你于{done}办理的{service.name}（受理编号{row.case_no}）已当场办结。经复核，"
                     f"该登记存在下列情形，{'根据' + basis + '，' if basis else ''}决定撤销该登记。")
    # NOTE (issue 16): the case's search identifiers (identifiers.of_case), as its service declared them,
    # under the heading and with the register's name the service declares (Service.at_window).
    words = terms(service)
    subject = identifiers.paper_rows(dict(recorded or {}))
    snap["sections"] = [
        {"heading": "撤销的理由", "type": "text", "text": reason},
        {"heading": words.subject, "type": "table", "columns": ["项目", "内容"], "rows": subject},
        {"heading": "撤销的后果", "type": "text", "text": (
            f"本次登记自始不发生效力，{words.register}恢复为本次登记前的状态。"
            + (consequence or "请将本次办理时领取的证明交回登记窗口。"))},
    ]
    snap["footer"] = f"复核人：{signer_name}。"
    snap["remedies"] = remedies.section(service.service_id, REVOCATION_TITLE, now.date())
    return snap
