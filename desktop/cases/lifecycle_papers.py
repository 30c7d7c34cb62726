"""Snapshots of the papers after intake: 补正通知书, decisions, 容缺受理通知书, 承诺书."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from desktop.cases import remedies, supplement_terms
from desktop.cases.dto import Actor
from desktop.cases.papers import PROVISIONAL_NOTE, cn_date, header
from forms.model import cite
from forms.service import Service

PLEDGE_TEXT_RONGQUE = (
    "本人承诺在{due}前补齐上述材料。逾期未补齐的，同意按撤回申请处理，由此产生的后果由本人承担。"
)
PLEDGE_TEXT_GAOZHI = (
    "本人承诺所述事实真实、符合法定条件，愿意承担不实承诺的法律责任；"
    "行政机关核查发现承诺不实的，可依法撤销已作出的决定。"
)


def _due_text(day: date, provisional: bool) -> str:
    return day.isoformat() + ("（暂定）" if provisional else "")


def supplement_notice(service: Service, answers: dict[str, Any], case_no: str, items: Iterable[str],
                      reason: str, actor: Actor, now: datetime) -> dict[str, Any]:
    snap = header("supplement_notice", "补正通知书", service, answers, case_no, actor, now)
    snap["intro"] = (
        f"你申请的{service.name}（受理编号{case_no}），经审查需要补正下列材料或内容。"
        "办理期限自收到全部补正材料的次日起重新计算。"
    )
    snap["sections"] = [
        {"heading": "需要补正的内容", "type": "list", "items": list(items)},
        {"heading": "补正原因", "type": "text", "text": reason},
        supplement_terms.section(service, now.date(), accepted=True, paper="通知书"),
    ]
    snap["footer"] = "请携带本通知书和补正材料到窗口办理。"
    return snap


def refusal_decision(service: Service, answers: dict[str, Any], case_no: str, reasons: list[dict[str, str]],
                     text: str, actor: Actor, now: datetime) -> dict[str, Any]:
    title = service.paper_titles.get("refusal_decision", "不予许可决定书")
    snap = header("refusal_decision", title, service, answers, case_no, actor, now)
    verdict = title.removesuffix("决定书")
    snap["intro"] = f"你申请的{service.name}（受理编号{case_no}），经审查，决定{verdict}。理由如下："
    items = [{"message": r["label"], "basis": cite(r["basis"])} for r in reasons]
    if text.strip():
        items.append({"message": text.strip(), "basis": ""})
    snap["sections"] = [{"heading": f"{verdict}的理由", "type": "findings", "items": items}]
    snap["remedies"] = remedies.section(service.service_id, title, now.date())
    return snap


def rongque_notice(service: Service, answers: dict[str, Any], case_no: str, pledged: list[tuple[str, str]],
                   due: date, provisional: bool, actor: Actor, now: datetime) -> dict[str, Any]:
    snap = header("rongque_notice", "容缺受理通知书", service, answers, case_no, actor, now)
    snap["intro"] = (
        f"你提交的{service.name}申请，主要材料齐全，下列非核心材料暂缺。根据你签署的承诺书，"
        "本机关予以容缺受理，请在期限内补齐。"
    )
    snap["sections"] = [
        {"heading": "容缺材料", "type": "findings", "items": [{"message": label, "basis": basis} for label, basis in pledged]},
        {"heading": "补齐期限", "type": "text", "text": f"请于{_due_text(due, provisional)}前补齐，补齐期限不超过办理时限。"},
    ]
    snap["footer"] = "逾期未补齐的，按申请人承诺处理。"
    return snap


def pledge_letter(service: Service, answers: dict[str, Any], case_no: str, kind: str,
                  pledged: list[tuple[str, str]], due: date | None, provisional: bool, actor: Actor,
                  now: datetime) -> dict[str, Any]:
    snap = header("pledge", "承诺书", service, answers, case_no, actor, now)
    heading = "承诺补齐的材料" if kind == "rongque" else "以承诺代替的证明材料（告知承诺）"
    text = (PLEDGE_TEXT_RONGQUE.format(due=_due_text(due, provisional)) if kind == "rongque" and due
            else PLEDGE_TEXT_GAOZHI)
    snap["intro"] = f"本人申请{service.name}，现作如下承诺："
    snap["sections"] = [
        {"heading": heading, "type": "findings", "items": [{"message": label, "basis": basis} for label, basis in pledged]},
        {"heading": "承诺内容", "type": "text", "text": text},
    ]
    snap["signature"] = {"label": "承诺人（签字）：", "date": "　　年　　月　　日"}
    return snap


def extension_notice(service: Service, answers: dict[str, Any], case_no: str, changes: list, working_days: int,
                     reason: str, basis: str, actor: Actor, now: datetime) -> dict[str, Any]:
    """延期告知书 (issue 14): the reason and each deadline's new date, told to the applicant in writing.

    ``changes``: desktop.cases.deadlines.Extended rows (label, before, after, provisional).
    """
    snap = header("extension_notice", "延期告知书", service, answers, case_no, actor, now)
    cited = f"根据{cite(basis)}，" if basis else ""
    snap["intro"] = (
        f"你申请的{service.name}（受理编号{case_no}），因下述理由不能在原定期限内办结。"
        f"{cited}经本机关负责人批准，办理期限延长{working_days}个工作日，现将延长理由和延长后的期限告知如下。"
    )
    snap["sections"] = [
        {"heading": "延长理由", "type": "text", "text": reason},
        {"heading": "延长后的办理期限", "type": "table", "columns": ["事项", "原定期限", "延长后期限"],
         "rows": [[c.label, cn_date(c.before), cn_date(c.after) + ("（暂定）" if c.provisional else "")]
                  for c in changes]},
    ]
    if any(c.provisional for c in changes):
        snap["provisional_note"] = PROVISIONAL_NOTE
    snap["footer"] = "请凭受理回执编号查询办理进度。如有疑问，请与受理窗口联系。"
    return snap
