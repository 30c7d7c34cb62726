"""The one-time startup subsidy, the poor-household labour award and the training subsidy: findings and lines."""

from __future__ import annotations

from decimal import Decimal

from forms import periods
from forms.model import AmountLine, Effect, Finding, Outcome, RuleContext
from forms.service import missing_info, rule
from forms.services.subsidy import history
from forms.services.subsidy.common import ZERO, ClaimResult, employed_months_complete, employed_on, fail, money, ok
from forms.services.subsidy.form import POOR_LABOUR, STARTUP_ONCE, TRAINING, TRAINING_TYPES, B

# NOTE: "以上" includes the number itself: 民法典 第一千二百五十九条 "民法所称的‘以上’…包括本数".
# So "3个月以上" is met on the day 3 months are complete, "3人以上" by exactly 3 people,
# "1年以上" on the day one year is complete and "10人以上" by exactly 10 people.
STARTUP_BASIS = B("三、（二）5")
TRAINING_BASIS = B("三、（五）11")


def incomplete_rows(rows: list[dict]) -> bool:
    """A row whose ID or start date is blank or was rejected: counting it either way would be a guess."""
    return any(r.get("id_number") is None or r.get("start_date") is None for r in rows)


def history_line(claims, basis) -> list[AmountLine]:
    """A zero line that keeps "history not looked up" on the calculation sheet itself."""
    if claims is None:
        return [AmountLine("未查询以往申领记录，金额须人工核对后确定", ZERO, "以往申领记录未提供", basis)]
    return []


def startup_once(ctx: RuleContext) -> ClaimResult:
    rid, basis, res = "cy.startup_once", STARTUP_BASIS, ClaimResult()
    months_needed = ctx.params["startup_once_min_operating_months"]
    people_needed = ctx.params["startup_once_min_employees"]
    start = ctx.get("operating_start_date")
    if start is None:
        res.findings.append(missing_info(f"{rid}.operating", "请填写开始正常经营日期", basis, "operating_start_date"))
    else:
        done = periods.completed_on(start, months_needed)
        facts = {"start": start, "complete_on": done, "months": months_needed}
        if ctx.today >= done:
            res.findings.append(ok(f"{rid}.operating", f"自{start.isoformat()}起持续正常经营，{done.isoformat()}已满"
                                   f"{months_needed}个月", basis, "operating_start_date", **facts))
        else:
            res.findings.append(fail(f"{rid}.operating", f"自{start.isoformat()}起持续正常经营未满{months_needed}个月，"
                                     f"{done.isoformat()}起方满", basis, "operating_start_date", **facts))
    rows = ctx.get("employees") or []
    # NOTE: "带动3人以上就业" is read as people in employment on the day of the claim (no leaving
    # date); the text sets no minimum length of their employment.
    employed = [r for r in rows if employed_on(r, ctx.today)]
    if rows and not incomplete_rows(rows):
        facts = {"employed": len(employed), "required": people_needed}
        if len(employed) >= people_needed:
            res.findings.append(ok(f"{rid}.employees", f"带动{len(employed)}人就业（{people_needed}人以上）", basis,
                                   "employees", **facts))
        else:
            res.findings.append(fail(f"{rid}.employees", f"目前在职的带动就业人员{len(employed)}人，不足{people_needed}人",
                                     basis, "employees", **facts))
    earlier = history.earlier_claims(ctx.facts, STARTUP_ONCE)
    if earlier is None:
        res.findings.append(history.not_looked_up(f"{rid}.once", "是否已享受一次性返乡创业补贴", basis))
    else:
        for c in earlier:
            if c.status in history.GRANTED:
                res.findings.append(fail(f"{rid}.once", f"已享受一次性返乡创业补贴（案件号{c.case_no}），不能重复申领",
                                         basis, case_no=c.case_no))
        res.findings.extend(history.pending_flags(f"{rid}.once", earlier, basis))
    amount = ctx.params["startup_once_amount"]
    res.lines = [AmountLine(
        "一次性返乡创业补贴", money(amount),
        f"持续正常经营满{months_needed}个月且带动{len(employed)}人就业，按标准{amount:.2f}元一次性给予", basis,
    )] + history_line(earlier, basis)
    return res


def poor_labour(ctx: RuleContext) -> ClaimResult:
    rid, basis, res = "cy.poor_labour", STARTUP_BASIS, ClaimResult()
    months = ctx.params["poor_labour_min_months"]
    threshold = ctx.params["poor_labour_extra_threshold"]
    rows = ctx.get("employees") or []
    counted, waiting, not_poor = [], [], 0
    for i, row in enumerate(rows):
        flag = row.get("poor_household")
        if flag is None:
            res.findings.append(missing_info(rid, f"就业人员第{i + 1}行：请选择是否贫困家庭劳动力", basis,
                                             f"employees[{i}].poor_household"))
        elif not flag:
            not_poor += 1
        elif employed_months_complete(row, months, ctx.today):
            counted.append(row)
        elif row.get("start_date"):
            waiting.append(f"{row.get('name') or i + 1}（{periods.completed_on(row['start_date'], months).isoformat()}满1年）")
    facts = {"counted": len(counted), "short_of_one_year": len(waiting), "not_poor": not_poor}
    unanswered = incomplete_rows(rows) or any(f.outcome is Outcome.MISSING for f in res.findings)
    if rows and not counted and not unanswered:
        # NOTE: refused only when every row is answered: an unticked flag is missing information.
        res.findings.append(fail(rid, "没有稳定就业满1年的贫困家庭劳动力，不符合奖补条件", basis, "employees", **facts))
    elif counted:
        res.findings.append(ok(rid, f"吸纳贫困家庭劳动力稳定就业满1年{len(counted)}人", basis, "employees", **facts))
    if waiting:
        res.findings.append(Finding(rid + ".waiting", Outcome.NOT_APPLICABLE,
                                    f"就业未满1年的贫困家庭劳动力不计入：{'、'.join(waiting)}", basis, field="employees"))
    earlier = history.earlier_claims(ctx.facts, POOR_LABOUR)
    if earlier is None:
        res.findings.append(history.not_looked_up(f"{rid}.history", "以往吸纳贫困劳动力奖补", basis))
    else:
        res.findings.extend(history.pending_flags(f"{rid}.history", earlier, basis))
    n = len(counted)
    per, extra = ctx.params["poor_labour_award_per_person"], ctx.params["poor_labour_extra_per_person"]
    res.lines.append(AmountLine("吸纳贫困家庭劳动力一次性奖补", money(per * n), f"{n}人 × {per:.2f}元 = {money(per * n):.2f}元",
                                basis))
    if n >= threshold:
        res.lines.append(AmountLine("吸纳10人以上再奖励（财政专项扶贫资金）", money(extra * n),
                                    f"{n}人（{threshold}人以上） × {extra:.2f}元 = {money(extra * n):.2f}元", basis))
    else:
        res.lines.append(AmountLine("吸纳10人以上再奖励（财政专项扶贫资金）", ZERO, f"稳定就业{n}人，不足{threshold}人，不予再奖励",
                                    basis))
    if waiting or not_poor:
        res.lines.append(AmountLine("未计入人员", ZERO, f"就业未满1年的贫困家庭劳动力{len(waiting)}人，"
                                    f"非贫困家庭劳动力{not_poor}人", basis))
    res.lines += history_line(earlier, basis)
    return res


def training(ctx: RuleContext) -> ClaimResult:
    rid, basis, res = "cy.training", TRAINING_BASIS, ClaimResult()
    kind = ctx.get("training_type")
    if kind is None:
        res.findings.append(missing_info(rid, "请选择培训类型", basis, "training_type"))
        return res
    label = dict(TRAINING_TYPES)[kind]
    low, high = ctx.params["training_min"], ctx.params["training_max"]
    amount: Decimal | None = ctx.params["training_amounts"].get(kind)
    # NOTE: the amount is a hall setting, but 三、（五）11 bounds it: a setting outside 200—1500 yuan
    # is a configuration error that blocks the claim until it is fixed, never silently clipped.
    if amount is None:
        res.findings.append(fail(f"{rid}.setting", f"本厅尚未设定“{label}”的补贴标准，请管理员在参数文件中设定",
                                 basis, "training_type", Effect.CORRECT))
        return res
    if not low <= amount <= high:
        res.findings.append(fail(f"{rid}.setting", f"本厅设定的“{label}”补贴标准{amount:.2f}元不在{low:.0f}—{high:.0f}元范围内，"
                                 "请管理员核对参数", basis, "training_type", Effect.CORRECT, amount=amount))
        return res
    end = ctx.get("training_end_date")
    if end is not None:
        res.findings.append(ok(rid, f"已于{end.isoformat()}完成{label}", basis, "training_end_date"))
    earlier = history.earlier_claims(ctx.facts, TRAINING)
    if earlier is None:
        res.findings.append(history.not_looked_up(f"{rid}.history", "以往创业培训补贴", basis))
    else:
        # NOTE: the text does not say whether the subsidy is once per person or once per course;
        # a second claim for the same course type goes to the reviewer instead of being refused.
        for c in earlier:
            if c.training_type == kind:
                res.findings.append(Finding(f"{rid}.history", Outcome.MANUAL,
                                            f"已申领过同类培训补贴（案件号{c.case_no}），请人工核查是否重复", basis,
                                            Effect.WARN, "training_type", {"case_no": c.case_no}))
    res.lines = [AmountLine(f"创业培训补贴（{label}）", money(amount),
                            f"本厅设定标准{amount:.2f}元（规定范围{low:.0f}—{high:.0f}元）", basis)]
    res.lines += history_line(earlier, basis)
    return res


def _only(claim: str, fn):
    def run(ctx: RuleContext) -> list[Finding]:
        return fn(ctx).findings if ctx.get("claim_type") == claim else []
    return run


startup_once_rule = rule("cy.startup_once", "一次性返乡创业补贴条件", STARTUP_BASIS)(_only(STARTUP_ONCE, startup_once))
poor_labour_rule = rule("cy.poor_labour", "吸纳贫困家庭劳动力奖补条件", STARTUP_BASIS)(_only(POOR_LABOUR, poor_labour))
training_rule = rule("cy.training", "创业培训补贴", TRAINING_BASIS)(_only(TRAINING, training))
