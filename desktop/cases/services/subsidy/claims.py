"""返乡入乡创业补贴 in the case layer: earlier claims for the rules, the claim record and the 补贴核定表 on accept."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from desktop.cases import facts, hooks, numbers, papers, status
from desktop.cases.errors import ActionRefused
from desktop.cases.facts import keyed_by, provides
from desktop.cases.services.subsidy.models import SubsidyClaim, SubsidyClaimMonth, SubsidyClaimWorker
from forms import checks, periods
from forms.model import Assessment, Outcome
from forms.service import Service
from forms.services.subsidy import history
from forms.services.subsidy.common import employed_months_complete, employed_on
from forms.services.subsidy.form import (
    APPLICANT_CATEGORIES,
    BUSINESS_CLAIMS,
    ECOMMERCE,
    EMPLOYEE_CLAIMS,
    LOAN,
    POOR_LABOUR,
    SITE_COSTS,
    STARTUP_ONCE,
    TRAINING,
    TRAINING_TYPES,
    claim_label,
)
from forms.values import parse_answers

SERVICE_ID = "startup_subsidy"
CALCULATION = "subsidy_calculation"
COST_TABLES = {SITE_COSTS: "park_costs", ECOMMERCE: "platform_costs"}
CLAIM_STATUSES = history.COUNTED + history.IGNORED
CHANGED = ("审查之后，该申请人、经营主体或所列人员的补贴申领记录已有变化（其他窗口刚受理了申领），"
           "本次未保存。请重新审查后再办理。")
STATUS_LABELS = {"accepted": "已受理待审核", "approved": "已核准", "paid": "已发放", "refused": "不予核准",
                 "withdrawn": "已撤回"}


def _norm(value: Any) -> str:
    return checks.normalize_id(str(value or ""))


# --- facts for the rules (forms/services/subsidy/history.py is the contract) -------------------------
def earlier_claims(s: Session, id_number: str, uscc: str, case_id: int | None) -> list[dict[str, Any]]:
    """Every stored claim of this applicant or this business, any status, except the case being edited."""
    keys = [SubsidyClaim.id_number == id_number] if id_number else []
    keys += [SubsidyClaim.business_uscc == uscc] if uscc else []
    if not keys:
        return []
    query = select(SubsidyClaim).where(or_(*keys)).order_by(SubsidyClaim.id)
    if case_id is not None:
        query = query.where(SubsidyClaim.case_id != case_id)
    claims = list(s.scalars(query))
    months: dict[int, set[str]] = defaultdict(set)
    if claims:
        for claim_id, month in s.execute(select(SubsidyClaimMonth.claim_id, SubsidyClaimMonth.month).where(
                SubsidyClaimMonth.claim_id.in_([c.id for c in claims]))):
            months[claim_id].add(month)
    return [{"case_no": c.case_no, "claim_type": c.claim_type, "months": sorted(months[c.id]), "year": c.year,
             "training_type": c.training_type, "amount": c.amount, "status": c.status} for c in claims]


def workers_elsewhere(s: Session, worker_ids: list[str], case_id: int | None) -> list[dict[str, Any]]:
    """The listed workers already counted by another case that was not refused or withdrawn."""
    if not worker_ids:
        return []
    query = (select(SubsidyClaimWorker.id_number, SubsidyClaimWorker.business_uscc, SubsidyClaim.case_no)
             .join(SubsidyClaim, SubsidyClaim.id == SubsidyClaimWorker.claim_id)
             .where(SubsidyClaimWorker.id_number.in_(worker_ids), SubsidyClaim.status.not_in(history.IGNORED))
             .order_by(SubsidyClaim.id))
    if case_id is not None:
        query = query.where(SubsidyClaim.case_id != case_id)
    return [{"id_number": n, "business_uscc": u or "", "case_no": c} for n, u, c in s.execute(query)]


def _keys(claim: Any, answers: Mapping[str, Any]) -> tuple[str, str, list[str]]:
    """Who the claim is about: the applicant's ID number, the business's credit code, the workers counted."""
    id_number = _norm(answers.get("id_number"))
    uscc = _norm(answers.get("business_uscc")) if claim in BUSINESS_CLAIMS else ""
    rows = answers.get("employees") if claim in EMPLOYEE_CLAIMS else None
    worker_ids = sorted({_norm(r.get("id_number")) for r in rows or [] if isinstance(r, Mapping)} - {""})
    return id_number, uscc, worker_ids


@keyed_by(SERVICE_ID)
def claim_keys(service: Service, answers: Mapping[str, Any]) -> list[str]:
    """The histories a claim's facts read: locked from the facts to the commit of the claim."""
    id_number, uscc, worker_ids = _keys(answers.get("claim_type"), answers)
    if not id_number and not uscc:
        return []
    return ([f"claimant:{id_number}"] if id_number else []) + ([f"business:{uscc}"] if uscc else []) + [
        f"worker:{w}" for w in worker_ids]


@provides(SERVICE_ID)
def subsidy_facts(s: Session, service: Service, answers: Mapping[str, Any], case_id: int | None) -> dict[str, Any]:
    id_number, uscc, worker_ids = _keys(answers.get("claim_type"), answers)
    if not id_number and not uscc:
        # NOTE: nothing to search by: the keys stay absent ("not looked up"), never an empty list
        # that would claim the history is clean.
        return {}
    return {"earlier_claims": earlier_claims(s, id_number, uscc, case_id),
            "workers_elsewhere": workers_elsewhere(s, worker_ids, case_id)}


# --- the claim record, written in the intake transaction -----------------------------------
def counted_workers(service: Service, typed: Mapping[str, Any], today: date) -> list[dict[str, Any]]:
    """The employee rows the amount was computed from (the same tests as forms/services/subsidy/claims.py)."""
    rows = typed.get("employees") or []
    claim = typed.get("claim_type")
    if claim == STARTUP_ONCE:
        return [r for r in rows if employed_on(r, today)]
    if claim == POOR_LABOUR:
        months = service.params().at(today)["poor_labour_min_months"]
        return [r for r in rows if r.get("poor_household") and employed_months_complete(r, months, today)]
    return []


def cost_rows(typed: Mapping[str, Any]) -> list[tuple[str, str]]:
    table = COST_TABLES.get(typed.get("claim_type") or "")
    rows = typed.get(table) or [] if table else []
    return sorted({(periods.month_label(periods.month_index(r["month"])), r["category"])
                   for r in rows if r.get("month") and r.get("category")})


def record_claim(s: Session, case_id: int, case_no: str, typed: Mapping[str, Any], total: Decimal,
                 workers: list[dict[str, Any]], now: datetime) -> SubsidyClaim:
    claim_type = typed["claim_type"]
    uscc = _norm(typed.get("business_uscc")) or None
    months = cost_rows(typed)
    # NOTE: the budget year of a cost claim is the year of its months (one claim, one year:
    # forms/services/subsidy/costs.py); any other claim counts against the year it was accepted in.
    year = int(months[0][0][:4]) if months else now.year
    row = SubsidyClaim(case_id=case_id, case_no=case_no, claim_type=claim_type, business_uscc=uscc,
                       id_number=_norm(typed.get("id_number")), year=year,
                       training_type=typed.get("training_type") if claim_type == TRAINING else None,
                       amount=f"{total:.2f}", status=status.ACCEPTED, created_at=now, updated_at=now)
    s.add(row)
    s.flush()
    s.add_all(SubsidyClaimMonth(claim_id=row.id, month=m, category=c) for m, c in months)
    s.add_all(SubsidyClaimWorker(claim_id=row.id, id_number=_norm(w["id_number"]), business_uscc=uscc)
              for w in workers)
    return row


def set_claim_status(s: Session, case_id: int, new_status: str, now: datetime) -> None:
    """For the review step: approved / paid / refused / withdrawn (refused and withdrawn free the year's room)."""
    if new_status not in CLAIM_STATUSES:
        raise ValueError(f"unknown claim status {new_status!r}")
    row = s.scalar(select(SubsidyClaim).where(SubsidyClaim.case_id == case_id))
    if row is None:
        raise LookupError(f"no subsidy claim for case {case_id}")
    row.status, row.updated_at = new_status, now


@hooks.on(status.ACCEPTED, SERVICE_ID)
def on_accepted(ctx: hooks.IntakeContext) -> hooks.HookResult:
    today = ctx.now.date()
    typed, _ = parse_answers(ctx.service.fields, ctx.answers, today, strict=False)
    assessment = ctx.assessed()
    total = assessment.total if assessment.total is not None else Decimal("0.00")
    workers = counted_workers(ctx.service, typed, today)
    # NOTE: the caps and the duplicate checks hold only if the history the rules judged is still
    # the history now, under the claim's locks (taken again here: they are held to the commit,
    # and intake took them before it read the facts). A claim another window committed in between
    # means the amount and the findings may be wrong: refuse rather than record it.
    facts.lock(ctx.session, ctx.service, ctx.answers)
    # Only the claim history is compared here: the duplicate check's facts were read under the person's lock.
    fresh = subsidy_facts(ctx.session, ctx.service, ctx.answers, ctx.case.id)
    if ctx.facts is None or any(ctx.facts.get(k) != v for k, v in fresh.items()):
        raise ActionRefused(CHANGED)
    # The history as the rules saw it, read before this claim joins it.
    before = earlier_claims(ctx.session, _norm(typed.get("id_number")), _norm(typed.get("business_uscc")),
                            ctx.case.id)
    record_claim(ctx.session, ctx.case.id, numbers.number_of(ctx.case), typed, total, workers, ctx.now)
    claim = typed["claim_type"]
    business = typed.get("business_name")
    rows = [["申领事项", claim_label(claim)]]
    if business:
        rows.append(["经营主体", f"{business}（统一社会信用代码{_norm(typed.get('business_uscc'))}）"])
    rows.append([_amount_label(claim), f"{total:.2f}元（{papers.amount_words(total)}；受理时初核，以审核结果为准，"
                                       "明细见补贴核定表）"])
    sheet = calculation_sheet(ctx.service, dict(ctx.answers), typed, assessment, workers, before,
                              numbers.number_of(ctx.case), ctx.actor, ctx.now)
    return hooks.HookResult(receipt_rows=rows, papers=[sheet])


# --- the 补贴核定表 ----------------------------------------------------------------------
def _amount_label(claim: str) -> str:
    return "初核贷款额度" if claim == LOAN else "初核补贴金额"


def _month_span(months: list[tuple[str, str]]) -> str:
    """The months of (month, category) cost rows, as a span: "2026-01至2026-03（共3个月）"."""
    unique = sorted({m for m, _ in months})
    if not unique:
        return ""
    span = unique[0] if len(unique) == 1 else f"{unique[0]}至{unique[-1]}"
    return f"{span}（共{len(unique)}个月）"


def _claim_rows(typed: Mapping[str, Any], workers: list[dict[str, Any]]) -> list[list[str]]:
    claim = typed["claim_type"]
    rows = [["申领事项", claim_label(claim)],
            ["申请人身份", dict(APPLICANT_CATEGORIES).get(typed.get("applicant_category") or "", "")]]
    if claim in BUSINESS_CLAIMS:
        rows += [["经营主体名称", typed.get("business_name") or ""],
                 ["统一社会信用代码", _norm(typed.get("business_uscc"))]]
        if typed.get("operating_start_date"):
            rows.append(["开始正常经营日期", typed["operating_start_date"].isoformat()])
    if claim == SITE_COSTS:
        rows.append(["入驻园区（孵化基地）", f"{typed.get('park_name') or ''}（入驻日期"
                     f"{typed['move_in_date'].isoformat() if typed.get('move_in_date') else '未填'}）"])
    if claim == ECOMMERCE:
        rows.append(["农村电子商务服务平台", typed.get("platform_name") or ""])
    if claim in COST_TABLES:
        rows.append(["费用所属月份", _month_span(cost_rows(typed))])
    if claim == TRAINING:
        rows.append(["培训类型", dict(TRAINING_TYPES).get(typed.get("training_type") or "", "")])
    if claim in EMPLOYEE_CLAIMS:
        rows.append(["计入人数", f"{len(workers)}人（名单见下）"])
    return rows


def _worker_section(claim: str, workers: list[dict[str, Any]]) -> dict[str, Any]:
    heading = "计入的贫困家庭劳动力（稳定就业满1年）" if claim == POOR_LABOUR else "计入的带动就业人员（受理之日在职）"
    rows = [[str(i), w.get("name") or "", checks.mask_id(_norm(w["id_number"])),
             w["start_date"].isoformat() if w.get("start_date") else ""] for i, w in enumerate(workers, 1)]
    return {"heading": heading, "type": "table", "columns": ["序号", "姓名", "公民身份号码", "入职日期"],
            "rows": rows or [["", "（无）", "", ""]]}


def _history_section(claim: str, before: list[dict[str, Any]]) -> dict[str, Any]:
    rows = []
    for c in before:
        if c["claim_type"] != claim:
            continue
        when = f"{c['months'][0]}至{c['months'][-1]}" if c["months"] else f"{c['year']}年"
        counted = "计入" if c["status"] in history.COUNTED else "不计入"
        rows.append([c["case_no"], when, c["amount"], f"{STATUS_LABELS.get(c['status'], c['status'])}（{counted}）"])
    return {"heading": "以往同类申领记录", "type": "table", "columns": ["案件号", "所属期间", "金额（元）", "状态"],
            "rows": rows or [["（无）", "", "", ""]]}


def _short_basis(row: dict[str, str], doc: str) -> dict[str, str]:
    # NOTE: every line cites the same document; printing only the clause keeps the narrow basis
    # column on one line, and the intro names the document once.
    basis = row.get("basis", "")
    return {**row, "basis": basis[len(doc):].strip() or basis if basis.startswith(doc) else basis}


def calculation_sheet(service: Service, answers: dict[str, Any], typed: Mapping[str, Any], assessment: Assessment,
                      workers: list[dict[str, Any]], before: list[dict[str, Any]], case_no: str, actor,
                      now: datetime) -> dict[str, Any]:
    """The 补贴核定表 snapshot: claim, line-by-line calculation with its basis, history and open checks."""
    claim = typed["claim_type"]
    title = "创业担保贷款额度核定表" if claim == LOAN else "补贴核定表"
    snap = papers.header(CALCULATION, title, service, answers, case_no, actor, now)
    doc = service.basis.document
    snap["intro"] = (
        f"申请人申领“{claim_label(claim)}”，依据{doc}，按受理时录入的信息和以往申领记录逐项核算如下"
        f"（“依据”栏未写文号的，为{doc}的条款）。核减金额以负数列示，合计为各行之和；"
        "本表为受理初核，最终金额以审核结果为准。"
    )
    sections: list[dict[str, Any]] = [
        {"heading": "申领信息", "type": "table", "columns": ["项目", "内容"], "rows": _claim_rows(typed, workers)},
        papers.amounts_section("计算明细", [_short_basis(a.to_dict(), doc) for a in assessment.amounts],
                               assessment.total if assessment.total is not None else Decimal(0)),
    ]
    if claim in EMPLOYEE_CLAIMS:
        sections.append(_worker_section(claim, workers))
    if claim != LOAN:
        sections.append(_history_section(claim, before))
    checks_open = [{"message": f.message, "basis": str(f.basis)}
                   for f in assessment.findings if f.outcome is Outcome.MANUAL]
    if checks_open:
        sections.append({"heading": "需审核人员人工核查的事项", "type": "findings", "items": checks_open})
    sections.append({"heading": "核算与复核", "type": "text",
                     "text": f"初核：{actor.account.display_name}（{actor.window}号窗口）    "
                             "复核：＿＿＿＿＿＿    审核日期：＿＿＿＿年＿＿月＿＿日"})
    snap["sections"] = sections
    snap["footer"] = "本表随案件归档，金额以人民币元计，保留两位小数。"
    return snap
