"""Rules every claim shares: who the applicant is, the business's credit code and dates, the employee list."""

from __future__ import annotations

from dataclasses import dataclass, field as dc_field
from decimal import ROUND_HALF_UP, Decimal

from forms import checks, periods
from forms.model import AmountLine, Basis, Effect, Finding, Outcome, RuleContext
from forms.service import missing_info, rule
from forms.services.subsidy import history
from forms.services.subsidy.form import (
    BUSINESS_CLAIMS,
    CLAIM_BASIS,
    DOC,
    EMPLOYEE_CLAIMS,
    MIGRANT_WORKER,
    NOT_RETURNEE,
    STARTUP_ONCE,
    B,
    claim_label,
)

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
USCC_BASIS = Basis("GB 32100-2015《法人和其他组织统一社会信用代码编码规则》")


def money(value: Decimal) -> Decimal:
    """Yuan to the fen. NOTE: half up, the rounding of 人民币 amounts in public payments."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def pct(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"


@dataclass
class ClaimResult:
    """What one claim's rule found, and its calculation lines (used only when nothing blocks)."""

    findings: list[Finding] = dc_field(default_factory=list)
    lines: list[AmountLine] = dc_field(default_factory=list)


def fail(rule_id: str, message: str, basis: Basis, key: str | None = None, effect: Effect = Effect.REFUSE, /,
         **facts: object) -> Finding:
    """A failed finding; ``facts`` are what it was judged on (positional-only before them, so a fact cannot
    be named ``key`` or ``effect`` by accident)."""
    return Finding(rule_id, Outcome.FAIL, message, basis, effect, key, facts)


def ok(rule_id: str, message: str, basis: Basis, key: str | None = None, /, **facts: object) -> Finding:
    return Finding(rule_id, Outcome.PASS, message, basis, Effect.REFUSE, key, facts)


@rule("cy.applicant", "返乡入乡创业人员", B("三、（二）"))
def applicant(ctx: RuleContext) -> list[Finding]:
    claim = ctx.get("claim_type")
    if claim is None:
        return []
    rid, basis = "cy.applicant", CLAIM_BASIS[claim]
    category = ctx.get("applicant_category")
    if category is None:
        return [missing_info(rid, "请选择申请人身份（是否返乡入乡创业人员）", basis, "applicant_category")]
    if category == NOT_RETURNEE:
        return [fail(rid, f"申请人不属于返乡入乡创业人员，不能申领“{claim_label(claim)}”", basis,
                     "applicant_category", category=category)]
    if claim == STARTUP_ONCE and category != MIGRANT_WORKER:
        # NOTE: 三、（二）5 gives the 10,000 yuan to "返乡入乡创业农民工" only; graduates and other
        # returnees have the loan, site, e-commerce and training measures instead.
        return [fail(rid, "一次性返乡创业补贴的对象为返乡入乡创业农民工，申请人不属于该对象", basis,
                     "applicant_category", category=category)]
    return [ok(rid, "申请人属于返乡入乡创业人员", basis, "applicant_category", category=category)]


@rule("cy.business", "经营主体信息", B("三、（二）5"))
def business(ctx: RuleContext) -> list[Finding]:
    claim = ctx.get("claim_type")
    if claim not in BUSINESS_CLAIMS:
        return []
    out = []
    code = ctx.get("business_uscc")
    if code:
        error = checks.check_uscc(code)
        if error:
            out.append(fail("cy.business.uscc", f"统一社会信用代码：{error}", USCC_BASIS, "business_uscc", Effect.CORRECT))
        else:
            out.append(ok("cy.business.uscc", "统一社会信用代码校验通过", USCC_BASIS, "business_uscc"))
    registered, started = ctx.get("registration_date"), ctx.get("operating_start_date")
    if registered and started and started < registered:
        # NOTE: a business operates lawfully only once registered, so "正常经营" (三、（二）5) cannot
        # begin before the registration date: an earlier date is a typing error to correct.
        out.append(fail(
            "cy.business.dates", f"开始正常经营日期{started.isoformat()}早于登记注册日期{registered.isoformat()}，请核对",
            CLAIM_BASIS[claim], "operating_start_date", Effect.CORRECT,
        ))
    return out


def _employee_row_findings(ctx: RuleContext, i: int, row: dict, seen: dict[str, int]) -> list[Finding]:
    rid, basis = "cy.employees.row", B("三、（二）5")
    key = f"employees[{i}]"
    out = []
    number = row.get("id_number")
    if number:
        # NOTE: the engine does not yet check ID_NUMBER columns inside a TABLE (forms/values.py).
        error = checks.check_resident_id(number, ctx.today)
        if error:
            out.append(fail(rid, f"就业人员第{i + 1}行（{row.get('name') or ''}）：{error}", basis,
                            f"{key}.id_number", Effect.CORRECT))
        elif number in seen:
            out.append(fail(rid, f"就业人员第{i + 1}行与第{seen[number] + 1}行身份号码相同，同一人只能列一次", basis,
                            f"{key}.id_number", Effect.CORRECT))
        elif number == ctx.get("id_number"):
            # NOTE: "带动…就业" counts the people the founder employs, not the founder.
            out.append(fail(rid, f"就业人员第{i + 1}行为申请人本人，不计入带动就业人数，请删除", basis,
                            f"{key}.id_number", Effect.CORRECT))
        seen.setdefault(number, i)
    start, end, registered = row.get("start_date"), row.get("end_date"), ctx.get("registration_date")
    if start and registered and start < registered:
        out.append(fail(rid, f"就业人员第{i + 1}行入职日期{start.isoformat()}早于经营主体登记注册日期，请核对",
                        basis, f"{key}.start_date", Effect.CORRECT))
    if start and end and end < start:
        out.append(fail(rid, f"就业人员第{i + 1}行离职日期早于入职日期，请核对", basis, f"{key}.end_date", Effect.CORRECT))
    return out


def _elsewhere_findings(ctx: RuleContext, rows: list[dict]) -> list[Finding]:
    rid, basis = "cy.employees.elsewhere", B("三、（二）5")
    found = history.workers_elsewhere(ctx.facts)
    if found is None:
        return [Finding(rid, Outcome.MANUAL, "未查询以往申领记录（就业人员是否已被其他经营主体申报），请人工核对",
                        basis, Effect.WARN, "employees", {"facts_missing": "workers_elsewhere"})]
    own = checks.normalize_id(ctx.get("business_uscc") or "")
    out = []
    for i, row in enumerate(rows):
        for entry in found.get(row.get("id_number") or "", []):
            other = checks.normalize_id(str(entry.get("business_uscc") or ""))
            where = "本经营主体以往的申领" if other and other == own else f"其他经营主体（统一社会信用代码{other or '未知'}）"
            out.append(Finding(
                rid, Outcome.MANUAL,
                f"就业人员第{i + 1}行（{row.get('name') or ''}）已在{where}中计入（案件号{entry.get('case_no') or '未知'}），"
                "请人工核查是否重复计算",
                basis, Effect.WARN, f"employees[{i}].id_number",
                {"case_no": entry.get("case_no"), "business_uscc": other},
            ))
    return out


@rule("cy.employees", "就业人员名单", B("三、（二）5"))
def employees(ctx: RuleContext) -> list[Finding]:
    if ctx.get("claim_type") not in EMPLOYEE_CLAIMS:
        return []
    rows = ctx.get("employees") or []
    if not rows:
        return [missing_info("cy.employees", "请录入带动就业人员名单", B("三、（二）5"), "employees")]
    out: list[Finding] = []
    seen: dict[str, int] = {}
    for i, row in enumerate(rows):
        out.extend(_employee_row_findings(ctx, i, row, seen))
    out.extend(_elsewhere_findings(ctx, rows))
    return out


def employed_on(row: dict, day) -> bool:
    """In employment on ``day``: started, and no leaving date before it."""
    start, end = row.get("start_date"), row.get("end_date")
    return start is not None and start <= day and (end is None or end >= day)


def employed_months_complete(row: dict, months: int, on) -> bool:
    """Employed without a break for ``months`` months (民法典 第二百零一条), up to ``on`` or the leaving day."""
    start, end = row.get("start_date"), row.get("end_date")
    if start is None:
        return False
    last = min(end, on) if end else on
    return periods.is_complete(start, months, last)


def basis_of(claim: str | None) -> Basis:
    return CLAIM_BASIS.get(claim or "", Basis(DOC))
