"""Site costs in a park and rural e-commerce costs (三、（二）6): 50 % by month, a yearly cap, a 3-year limit."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from forms import periods
from forms.model import AmountLine, Effect, Finding, Outcome, RuleContext
from forms.service import missing_info, rule
from forms.services.subsidy import history
from forms.services.subsidy.claims import history_line
from forms.services.subsidy.common import ZERO, ClaimResult, fail, money, ok, pct
from forms.services.subsidy.form import ECOMMERCE, ECOMMERCE_CATEGORIES, SITE_CATEGORIES, SITE_COSTS, B

BASIS = B("三、（二）6")


@dataclass(frozen=True)
class CostSpec:
    claim: str
    table: str
    categories: tuple[tuple[str, str], ...]
    rate: str  # parameter names
    cap: str
    months: str
    what: str


SITE = CostSpec(SITE_COSTS, "park_costs", SITE_CATEGORIES, "site_cost_rate", "site_cost_yearly_cap",
                "site_cost_max_months", "园区场地费用")
PLATFORM = CostSpec(ECOMMERCE, "platform_costs", ECOMMERCE_CATEGORIES, "ecommerce_rate", "ecommerce_yearly_cap",
                    "ecommerce_max_months", "电商平台场地租金和网络使用费")

label = periods.month_label


def _row_checks(ctx: RuleContext, spec: CostSpec, valid: list[tuple]) -> list[Finding]:
    rid, out = f"cy.{spec.claim}.rows", []
    seen: dict[tuple[int, str], int] = {}
    names = dict(spec.categories)
    for i, month, category, _ in valid:
        # NOTE: "当月实际发生费用" is one amount per month and category; two rows for the same month
        # and category are a double entry. Different categories in one month are normal.
        if (month, category) in seen:
            out.append(fail(rid, f"第{i + 1}行与第{seen[month, category] + 1}行重复：{label(month)}的{names[category]}只能列一次",
                            BASIS, f"{spec.table}[{i}].month", Effect.CORRECT))
        seen.setdefault((month, category), i)
    years = sorted({m // 12 for _, m, _, _ in valid})
    if len(years) > 1:
        # NOTE: the cap is "年补贴最高限额", a budget-year amount; the budget year is the calendar
        # year (预算法 第十八条). One claim per year keeps each case's amount inside one year's cap,
        # so a later claim can be checked against the earlier cases' totals.
        out.append(fail(rid, f"一次申领的费用月份应属同一年度（本次含{'、'.join(map(str, years))}年），请按年度分别申领",
                        BASIS, spec.table, Effect.CORRECT, years=years))
    move_in = ctx.get("move_in_date") if spec.claim == SITE_COSTS else None
    if move_in is not None:
        for i, month, _, _ in valid:
            if month < periods.month_index(move_in):
                out.append(fail(rid, f"第{i + 1}行费用月份{label(month)}早于入驻园区日期{move_in.isoformat()}，入驻前的费用不予补贴",
                                BASIS, f"{spec.table}[{i}].month", Effect.CORRECT))
    return out


def _history_checks(spec: CostSpec, earlier: list[history.EarlierClaim], months: set[int]) -> list[Finding]:
    rid, out = f"cy.{spec.claim}.history", history.pending_flags(f"cy.{spec.claim}.history", earlier, BASIS)
    for c in earlier:
        for m in sorted(months & set(c.months)):
            out.append(Finding(rid, Outcome.MANUAL, f"{label(m)}的{spec.what}已在案件{c.case_no}中申领过，请人工核查是否重复申领",
                               BASIS, Effect.WARN, spec.table, {"month": label(m), "case_no": c.case_no}))
        if not c.years:
            out.append(Finding(rid, Outcome.MANUAL, f"以往申领记录{c.case_no}未列明费用月份和年度，无法计入年度限额和补贴期限，请人工核对",
                               BASIS, Effect.WARN, facts={"case_no": c.case_no}))
        elif not c.months:
            out.append(Finding(rid, Outcome.MANUAL, f"以往申领记录{c.case_no}未列明费用月份，补贴期限按{c.years[0]}年1月起算，请人工核对",
                               BASIS, Effect.WARN, facts={"case_no": c.case_no}))
        if len(c.years) > 1:
            out.append(Finding(rid, Outcome.MANUAL,
                               f"以往申领记录{c.case_no}跨{'、'.join(map(str, c.years))}年度，"
                               "其金额已分别计入各年度限额，请人工核对",
                               BASIS, Effect.WARN, facts={"case_no": c.case_no}))
    return out


def cost_claim(ctx: RuleContext, spec: CostSpec) -> ClaimResult:
    rid, res = f"cy.{spec.claim}", ClaimResult()
    rows = ctx.get(spec.table) or []
    if not rows:
        res.findings.append(missing_info(rid, f"请录入{spec.what}明细（月份、类别、金额）", BASIS, spec.table))
        return res
    valid = [(i, periods.month_index(r["month"]), r["category"], r["amount"])
             for i, r in enumerate(rows) if r.get("month") and r.get("category") and r.get("amount") is not None]
    if not valid:
        return res  # the field findings already say what is wrong with each row
    res.findings += _row_checks(ctx, spec, valid)
    earlier = history.earlier_claims(ctx.facts, spec.claim)
    if earlier is None:
        res.findings.append(history.not_looked_up(f"{rid}.history", f"以往{spec.what}补贴", BASIS))
    months = {m for _, m, _, _ in valid}
    res.findings += _history_checks(spec, earlier or [], months)

    # NOTE: "补贴期限不超过3年" is counted as 36 months from the first month ever subsidised for
    # this kind of cost (earlier claims included); later months are left out of the calculation.
    max_months = ctx.params[spec.months]
    starts = [c.months[0] if c.months else c.years[0] * 12 for c in earlier or [] if c.years]
    first = min(starts + sorted(months))
    last = first + max_months - 1
    window = f"{label(first)}至{label(last)}"
    inside = [v for v in valid if v[1] <= last]
    outside = [v for v in valid if v[1] > last]
    facts = {"first_month": label(first), "last_month": label(last), "months_outside": len({v[1] for v in outside})}
    if not inside:
        res.findings.append(fail(f"{rid}.period", f"补贴期限已满3年（{window}），本次所列月份均在期限之外，不予补贴",
                                 BASIS, spec.table, **facts))
    elif outside:
        res.findings.append(Finding(f"{rid}.period", Outcome.FAIL,
                                    f"{'、'.join(sorted({label(v[1]) for v in outside}))}超出3年补贴期限（{window}），不予计算",
                                    BASIS, Effect.WARN, spec.table, facts))
    else:
        res.findings.append(ok(f"{rid}.period", f"所列月份在3年补贴期限内（{window}）", BASIS, spec.table, **facts))

    rate, cap = ctx.params[spec.rate], ctx.params[spec.cap]
    by_year: dict[int, list[tuple]] = defaultdict(list)
    for v in inside:
        by_year[v[1] // 12].append(v)
    for year, items in sorted(by_year.items()):
        subtotal = ZERO
        for key, name in spec.categories:
            costs = [v for v in items if v[2] == key]
            if not costs:
                continue
            base = sum((v[3] for v in costs), ZERO)
            part = money(base * rate)
            subtotal += part
            res.lines.append(AmountLine(f"{year}年{name}（{len(costs)}个月）", part, f"{base:.2f} × {pct(rate)} = {part:.2f}", BASIS))
        before = sum((c.amount for c in earlier or [] if year in c.years), ZERO)
        room = max(ZERO, cap - before)
        cut = max(ZERO, subtotal - room)
        year_facts = {"year": year, "calculated": subtotal, "granted_before": before, "cap": cap, "cut": cut}
        if room == ZERO:
            res.findings.append(fail(f"{rid}.cap", f"{year}年度已获{spec.what}补贴{before:.2f}元，已达年补贴最高限额{cap:.2f}元",
                                     BASIS, spec.table, **year_facts))
        elif cut:
            res.findings.append(ok(f"{rid}.cap", f"{year}年度核算{subtotal:.2f}元，超过本年度可补贴额{room:.2f}元，核减{cut:.2f}元",
                                   BASIS, spec.table, **year_facts))
        else:
            res.findings.append(ok(f"{rid}.cap", f"{year}年度核算{subtotal:.2f}元，未超过本年度可补贴额{room:.2f}元",
                                   BASIS, spec.table, **year_facts))
        res.lines.append(AmountLine(
            f"{year}年度最高限额核减", ZERO - cut,
            f"年补贴最高限额{cap:.2f} − 本年度已获补贴{before:.2f} = 可补贴{room:.2f}；"
            f"本次核算{subtotal:.2f}，核减{cut:.2f}", BASIS,
        ))
    if outside:
        base = sum((v[3] for v in outside), ZERO)
        res.lines.append(AmountLine("超出3年补贴期限的月份不予计算", ZERO,
                                    f"{'、'.join(sorted({label(v[1]) for v in outside}))}费用合计{base:.2f}元不计入（期限{window}）",
                                    BASIS))
    res.lines += history_line(earlier, BASIS)
    return res


def site_costs(ctx: RuleContext) -> ClaimResult:
    return cost_claim(ctx, SITE)


def platform_costs(ctx: RuleContext) -> ClaimResult:
    return cost_claim(ctx, PLATFORM)


@rule("cy.site_costs", "园区场地费用补贴", BASIS)
def site_costs_rule(ctx: RuleContext) -> list[Finding]:
    return site_costs(ctx).findings if ctx.get("claim_type") == SITE_COSTS else []


@rule("cy.ecommerce", "农村电商平台补贴", BASIS)
def platform_costs_rule(ctx: RuleContext) -> list[Finding]:
    return platform_costs(ctx).findings if ctx.get("claim_type") == ECOMMERCE else []
