"""Build the snapshot of each intake paper from the case and its assessment (what gets printed)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from desktop.cases import remedies, supplement_terms
from desktop.cases.dto import Actor
from forms import checks
from forms.model import Assessment, Effect, MaterialState, Outcome
from forms.service import Service

STATE_LABELS = {
    MaterialState.PROVIDED.value: "已收纸质材料",
    MaterialState.SHARED.value: "经信息共享核验",
    MaterialState.PLEDGED.value: "告知承诺",
}
PROVISIONAL_NOTE = (
    "标“暂定”的日期所在年度的调休安排尚未公布，已扣除法定节假日、其余按周一至周五计算工作日，届时以国务院公布的安排为准。"
)

def notice_basis(service: Service) -> str:
    """What a 一次性告知书 cites for telling everything at once: the service's own data (Service.notice_basis)."""
    return "、".join(str(b) for b in service.notice_basis)


def cn_date(day: date) -> str:
    """The one way a paper writes a date in words: 2026年1月5日 (no leading zeros, as under the seal)."""
    return f"{day.year}年{day.month}月{day.day}日"


def contact_line(actor: Actor) -> str:
    """The hall's address and phone for a paper's contact line ("" while the hall has entered neither)."""
    parts = [f"地址：{actor.hall_address}" if actor.hall_address else "",
             f"电话：{actor.hall_phone}" if actor.hall_phone else ""]
    return "  ".join(p for p in parts if p)


def _id_type_label(service: Service, answers: dict[str, Any]) -> str:
    if not answers.get(service.id_key):
        return ""  # NOTE: an applicant without an ID number (a unit owning a machine) has no ID type either
    field = service.field(service.id_key)
    if field.id_type_key and answers.get(field.id_type_key):
        return checks.ID_TYPES_BY_KEY[answers[field.id_type_key]].label
    return "居民身份证"


def header(kind: str, title: str, service: Service, answers: dict[str, Any], case_no: str,
           actor: Actor, now: datetime) -> dict[str, Any]:
    """The parts every paper shares: title, hall, window, clerk, time and the masked applicant."""
    title = service.paper_titles.get(kind, title)
    id_number = answers.get(service.id_key) or ""
    phone = answers.get(service.phone_key) or ""
    return {
        "kind": kind,
        "title": title,
        "service_name": service.name,
        "case_no": case_no,
        "hall": actor.hall,
        "contact": contact_line(actor),
        "window": actor.window,
        "clerk": actor.account.display_name,
        "issued_at": now.strftime("%Y-%m-%d %H:%M"),
        "applicant": {
            "name": answers.get(service.name_key) or "",
            "id_type": _id_type_label(service, answers),
            # NOTE: the one masking rule (forms.checks) — a paper never carries a full number.
            "id_masked": checks.mask_id(str(id_number)) if id_number else "",
            "phone_masked": checks.mask_phone(str(phone)) if phone else "",
        },
        "signature": {"label": f"{actor.hall}（印章）", "date": cn_date(now)},
    }


def _deadline_section(assessment: Assessment) -> dict[str, Any] | None:
    if not assessment.deadlines:
        return None
    if len(assessment.deadlines) == 1:
        # NOTE: one deadline (a procedure's 承诺办结时限) is one line, not a table: the subsidy receipt
        # must stay one page with its seal (issue 14). The basis is named by its kind — 本大厅办事指南,
        # or the shipped 默认值 — without its parenthesis (the guide's name, the article consulted):
        # those stay in the case's deadline row, the parameter and the audit log.
        d = assessment.deadlines[0]
        unit = "个工作日" if d.unit == "working_days" else "日"
        due = cn_date(d.due) + ("（暂定）" if d.provisional else "")
        basis = str(d.basis).split("（", 1)[0]
        return {"heading": "办理时限", "type": "text",
                "text": f"{d.label}：{due}前（受理次日起{d.count}{unit}）；依据{basis}"}
    rows = []
    for d in assessment.deadlines:
        due = d.due.isoformat() + ("（暂定）" if d.provisional else "")
        rows.append([d.label, due, d.explanation, str(d.basis)])
    return {"heading": "办理时限", "type": "table", "columns": ["事项", "期限", "计算方式", "依据"], "rows": rows}


def fold_deadline_into_table(snap: dict[str, Any], table_heading: str) -> None:
    """Move a one-sentence 办理时限 into the receipt's own table (e.g. 登记信息) as a row.

    NOTE: a heading of its own costs the subsidy receipt its single page (the seal went over,
    issue 14); as a row of the table above it the deadline says the same in two lines less.
    """
    sections = snap["sections"]
    table = next((x for x in sections if x["heading"] == table_heading and x["type"] == "table"), None)
    line = next((x for x in sections if x["heading"] == "办理时限" and x["type"] == "text"), None)
    if table is None or line is None:
        return
    table["rows"].append(["办理时限", line["text"]])
    sections.remove(line)


def amount_words(total: Decimal | str) -> str:
    """人民币大写 for a money total (cn2an), e.g. 300000.00 → 人民币叁拾万元整; "" when not a number."""
    import cn2an

    try:
        value = Decimal(str(total)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return ""
    if value < 0:
        return "人民币负" + cn2an.an2cn(f"{-value:.2f}", "rmb")
    return "人民币" + cn2an.an2cn(f"{value:.2f}", "rmb")


def amounts_section(heading: str, rows: list[dict[str, Any]], total: Decimal | str | None) -> dict[str, Any]:
    """A money table; its total also in 大写 (issue 14: money on a paper is written both ways)."""
    section: dict[str, Any] = {"heading": heading, "type": "amounts", "rows": rows}
    if total not in (None, ""):
        section["total"] = f"{Decimal(str(total)):.2f}"
        section["total_words"] = amount_words(total)
    return section


def _amount_section(assessment: Assessment) -> dict[str, Any] | None:
    if not assessment.amounts:
        return None
    return amounts_section("计算明细", [a.to_dict() for a in assessment.amounts], assessment.total)


def receipt(service: Service, answers: dict[str, Any], materials: dict[str, str], assessment: Assessment,
            case_no: str, actor: Actor, now: datetime) -> dict[str, Any]:
    snap = header("receipt", "受理回执", service, answers, case_no, actor, now)
    snap["intro"] = (
        f"你提交的{service.name}申请，经审查，申请材料齐全、符合法定形式，决定予以受理。"
        f"受理日期：{cn_date(now)}。"
    )
    items = [
        f"{service.material(key).label}（{STATE_LABELS.get(state, state)}）"
        for key, state in materials.items() if state
    ]
    sections = [{"heading": "已收材料", "type": "list", "items": items or ["（无）"]}]
    # NOTE: a service whose amounts get their own paper (the 补贴核定表) keeps the receipt to one page:
    # the receipt names the total (its hook's 登记信息), the sheet the breakdown (issue 14).
    amounts = None if service.amounts_on_own_paper else _amount_section(assessment)
    for extra in (_deadline_section(assessment), amounts):
        if extra:
            sections.append(extra)
    snap["sections"] = sections
    if any(d.provisional for d in assessment.deadlines):
        snap["provisional_note"] = PROVISIONAL_NOTE
    collect = f"、领取{service.collects}" if service.collects else ""
    snap["footer"] = f"请妥善保管本回执，凭回执编号查询办理进度{collect}。"
    return snap


def mark_rongque(snap: dict[str, Any], service: Service, assessment: Assessment, due: date) -> None:
    """A 容缺受理 receipt says what is missing, under which pledge and by when — never 材料齐全 (issue 14)."""
    provisional = "（暂定）" if any(d.provisional for d in assessment.deadlines) else ""
    snap["intro"] = (
        f"你提交的{service.name}申请，主要申请材料齐全、符合法定形式，下列非核心材料暂缺。"
        f"你已签署容缺受理承诺书，承诺于{due.isoformat()}{provisional}前补齐，决定予以容缺受理。"
        f"受理日期：{snap['signature']['date']}。"
    )
    snap["sections"].insert(1, {
        "heading": "暂缺材料（容缺受理，承诺补齐）", "type": "findings",
        "items": [{"message": f"{m.label}（须于{due.isoformat()}{provisional}前补齐）", "basis": str(m.basis)}
                  for m in assessment.missing_materials],
    })


def incomplete_notice(service: Service, answers: dict[str, Any], assessment: Assessment, case_no: str,
                      actor: Actor, now: datetime) -> dict[str, Any]:
    snap = header("incomplete_notice", "一次性告知书", service, answers, case_no, actor, now)
    snap["intro"] = (
        f"你提交的{service.name}申请，申请材料不齐全或者不符合法定形式。"
        f"根据{notice_basis(service)}，现一次性告知需要补正的全部内容："
    )
    sections: list[dict[str, Any]] = []
    if assessment.missing_materials:
        sections.append({
            "heading": "需补齐的材料", "type": "findings",
            "items": [{"message": m.label, "basis": str(m.basis)} for m in assessment.missing_materials],
        })
    other = [
        f for f in assessment.findings
        if f.blocks and not f.rule_id.startswith("material.") and f.outcome in (Outcome.MISSING, Outcome.FAIL)
    ]
    if other:
        sections.append({
            "heading": "需补正的信息", "type": "findings",
            "items": [{"message": f.message, "basis": str(f.basis)} for f in other],
        })
    sections.append(supplement_terms.section(service, now.date(), accepted=False, paper="告知书"))
    sections.append({
        "heading": "说明", "type": "text",
        "text": "补齐上述材料和信息后，请携带本告知书到窗口办理，无需重复提交已收材料。",
    })
    snap["sections"] = sections
    snap["footer"] = "本告知书一次性告知全部需补正内容。"
    return snap


def refusal(service: Service, answers: dict[str, Any], assessment: Assessment, case_no: str,
            actor: Actor, now: datetime) -> dict[str, Any]:
    snap = header("refusal", "不予受理通知书", service, answers, case_no, actor, now)
    verdict = "不予登记" if "登记" in snap["title"] else "不予受理"
    snap["intro"] = f"你提交的{service.name}申请，经审查，不符合条件，决定{verdict}。理由如下："
    reasons = [
        {"message": f.message, "basis": str(f.basis)}
        for f in assessment.findings
        if f.outcome is Outcome.FAIL and f.effect is Effect.REFUSE
    ]
    sections = [{"heading": f"{verdict}的理由", "type": "findings", "items": reasons}]
    amounts = _amount_section(assessment)
    if amounts:
        sections.append(amounts)
    snap["sections"] = sections
    snap["remedies"] = remedies.section(service.service_id, snap["title"], now.date())
    return snap
