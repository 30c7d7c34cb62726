"""The calculation sheet: every rule, then the claim's lines, or 0.00 with the reason when it cannot be paid."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from forms.model import AmountLine, Effect, Finding, Kind, Outcome, RuleContext
from forms.services.subsidy import claims, common, costs, loan
from forms.services.subsidy.common import ZERO, ClaimResult, basis_of
from forms.services.subsidy.form import ECOMMERCE, FIELDS, LOAN, POOR_LABOUR, SITE_COSTS, STARTUP_ONCE, TRAINING, B

RULES = (
    common.applicant,
    common.business,
    common.employees,
    claims.startup_once_rule,
    claims.poor_labour_rule,
    costs.site_costs_rule,
    costs.platform_costs_rule,
    claims.training_rule,
    loan.loan_rule,
)

EVALUATORS: dict[str, Callable[[RuleContext], ClaimResult]] = {
    STARTUP_ONCE: claims.startup_once,
    POOR_LABOUR: claims.poor_labour,
    SITE_COSTS: costs.site_costs,
    ECOMMERCE: costs.platform_costs,
    TRAINING: claims.training,
    LOAN: loan.loan,
}


def run_rules(ctx: RuleContext) -> list[Finding]:
    out: list[Finding] = []
    for r in RULES:
        result = r.fn(ctx)
        if isinstance(result, Finding):
            out.append(result)
        elif result:
            out.extend(result)
    return out


def unanswered(ctx: RuleContext) -> list[str]:
    """Labels of required answers that are blank or were rejected (the engine sets them to None)."""
    gaps = []
    for f in FIELDS:
        if not f.is_required(ctx.answers):
            continue
        value = ctx.get(f.key)
        if value is None:
            gaps.append(f.label)
        elif f.kind is Kind.TABLE:
            for i, row in enumerate(value):
                gaps += [f"{f.label}第{i + 1}行{c.label}" for c in f.columns if c.required and row.get(c.key) is None]
    return gaps


def amounts(ctx: RuleContext) -> tuple[list[AmountLine], Decimal]:
    """Line-by-line amounts whose sum is the total; 0.00 with the reasons when nothing can be paid yet."""
    claim = ctx.get("claim_type")
    if claim is None:
        return [AmountLine("未选择申领事项，无法核定", ZERO, "", B("三、"))], ZERO
    basis = basis_of(claim)
    findings = run_rules(ctx)
    refusals = [f for f in findings if f.outcome is Outcome.FAIL and f.effect is Effect.REFUSE]
    if refusals:
        # NOTE: an ineligible claim shows 0.00 with each reason and its clause, so the calculation
        # sheet and the written refusal say the same thing.
        return [AmountLine(f"不予核定：{f.message}", ZERO, "不符合条件，核定金额为0", f.basis) for f in refusals], ZERO
    gaps = unanswered(ctx) + [f.message for f in findings if f.blocks]
    if gaps:
        return [AmountLine("信息不全或有误，补正后核定", ZERO, "；".join(gaps), basis)], ZERO
    lines = EVALUATORS[claim](ctx).lines
    return lines, sum((line.amount for line in lines), ZERO)
