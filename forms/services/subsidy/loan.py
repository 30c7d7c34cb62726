"""The guaranteed startup loan: who may borrow, the cap (三、（二）4) and counter-guarantee exemptions (三、（三）7)."""

from __future__ import annotations

from forms.model import AmountLine, Effect, Finding, Outcome, RuleContext
from forms.service import missing_info, rule
from forms.services.subsidy.common import ZERO, ClaimResult, fail, money, ok, pct
from forms.services.subsidy.form import COUNTER_GUARANTEE, GRADUATE, LOAN, B

CAP_BASIS = B("三、（二）4")
GUARANTEE_BASIS = B("三、（三）7")
# NOTE: 三、（三）7 says "原则上免除反担保" for these four groups: in principle, so the finding is
# a pass that names the group, and the guarantee institution confirms it against the proof.
IN_PRINCIPLE = ("demo_project", "contest_award", "second_time", "credit_rated")


def _small_business(ctx: RuleContext, res: ClaimResult) -> None:
    rid = "cy.loan.small_business"
    staff, hires = ctx.get("staff_count"), ctx.get("new_hires")
    if staff is None or hires is None:
        res.findings.append(missing_info(rid, "请填写现有在职职工人数和当年新招用符合条件人员数", GUARANTEE_BASIS,
                                         "staff_count" if staff is None else "new_hires"))
        return
    if hires > staff:
        res.findings.append(fail(rid, "当年新招用人数不能多于现有在职职工人数，请核对", GUARANTEE_BASIS, "new_hires",
                                 Effect.CORRECT))
        return
    # NOTE: "超过100人" excludes 100 itself (民法典 第一千二百五十九条: "超过…不包括本数"), so a firm
    # of exactly 100 still needs 15 %; reaching the ratio exactly ("下调为15%") is enough.
    large = staff > ctx.params["small_business_large_staff"]
    ratio = ctx.params["small_business_large_hire_ratio" if large else "small_business_hire_ratio"]
    facts = {"staff": staff, "new_hires": hires, "required_ratio": ratio}
    share = f"{hires}/{staff}"
    if hires >= ratio * staff:
        res.findings.append(ok(rid, f"当年新招用符合条件人员占现有职工比例（{share}）达到{pct(ratio)}", GUARANTEE_BASIS,
                               "new_hires", **facts))
    else:
        res.findings.append(fail(rid, f"当年新招用符合条件人员占现有职工比例（{share}）不足{pct(ratio)}，不符合小微企业创业担保贷款条件",
                                 GUARANTEE_BASIS, "new_hires", **facts))
    # NOTE: 三、（二）4 caps loans to persons (35/40万元); this text sets no cap for a small
    # business's loan, so the amount goes to the lender's review instead of being guessed.
    res.findings.append(Finding("cy.loan.cap", Outcome.MANUAL, "本方案未规定小微企业创业担保贷款最高额度，由经办金融机构按上级规定核定",
                                CAP_BASIS, Effect.WARN, "loan_amount"))


def _individual_cap(ctx: RuleContext, res: ClaimResult, amount) -> None:
    graduate = ctx.get("applicant_category") == GRADUATE
    cap = ctx.params["loan_cap_graduate" if graduate else "loan_cap"]
    who = "高校毕业生" if graduate else "返乡下乡创业人员"
    cut = max(ZERO, amount - cap)
    facts = {"requested": amount, "cap": cap, "cut": cut}
    if cut:
        res.findings.append(Finding("cy.loan.cap", Outcome.MANUAL,
                                    f"申请额度{amount:.2f}元超过{who}最高额度{cap:.2f}元，按{cap:.2f}元核定，请与申请人确认",
                                    CAP_BASIS, Effect.WARN, "loan_amount", facts))
    else:
        res.findings.append(ok("cy.loan.cap", f"申请额度{amount:.2f}元未超过{who}最高额度{cap:.2f}元", CAP_BASIS,
                               "loan_amount", **facts))
    res.lines.append(AmountLine(
        "超过最高额度核减", ZERO - cut,
        f"{who}最高额度{cap:.2f}；" + (f"{amount:.2f} − {cap:.2f} = 核减{cut:.2f}" if cut else "未超过，不核减"), CAP_BASIS,
    ))


def _counter_guarantee(ctx: RuleContext, res: ClaimResult, granted) -> None:
    rid, basis = "cy.loan.counter_guarantee", GUARANTEE_BASIS
    choice = ctx.get("counter_guarantee")
    name = dict(COUNTER_GUARANTEE).get(choice or "", "")
    if choice is None:
        res.findings.append(missing_info(rid, "请选择是否属于免除反担保的情形", basis, "counter_guarantee"))
    elif choice == "none":
        res.findings.append(Finding(rid, Outcome.NOT_APPLICABLE, "不属于免除反担保的情形，按规定提供反担保", basis,
                                    field="counter_guarantee"))
    elif choice in IN_PRINCIPLE:
        res.findings.append(ok(rid, f"属于“{name}”，申请创业担保贷款时原则上免除反担保（由担保机构凭证明确认）", basis,
                               "counter_guarantee", group=choice))
    elif ctx.get("applicant_category") != GRADUATE:
        res.findings.append(fail(rid, "“大学生创业创新大赛获奖”可取消反担保的情形限大学生返乡入乡创业，申请人身份不符，请重新选择",
                                 basis, "counter_guarantee", Effect.CORRECT))
    else:
        limit = ctx.params["loan_graduate_prize_limit"]
        if granted is None or granted <= limit:
            res.findings.append(ok(rid, f"大学生创业创新大赛获三等奖以上，在{limit:.2f}元贷款额度内可取消反担保", basis,
                                   "counter_guarantee", limit=limit))
        else:
            # NOTE: "在20万元贷款额度内可取消反担保" does not say what happens above 200,000 yuan;
            # the reading that only the part above needs a guarantee is left to the institution.
            res.findings.append(Finding(
                rid, Outcome.MANUAL,
                f"贷款额度{granted:.2f}元超过{limit:.2f}元：{limit:.2f}元以内可取消反担保，超出部分是否需要反担保由担保机构确定",
                basis, Effect.WARN, "counter_guarantee", {"limit": limit, "amount": granted},
            ))


def loan(ctx: RuleContext) -> ClaimResult:
    res = ClaimResult()
    borrower, amount = ctx.get("loan_borrower"), ctx.get("loan_amount")
    if borrower is None:
        res.findings.append(missing_info("cy.loan", "请选择借款人（个人或小微企业）", CAP_BASIS, "loan_borrower"))
    if amount is None:
        res.findings.append(missing_info("cy.loan", "请填写申请贷款额度", CAP_BASIS, "loan_amount"))
    else:
        amount = money(amount)
        res.lines.append(AmountLine("申请创业担保贷款额度", amount, "借款人申请额度", CAP_BASIS))
    if borrower == "small_business":
        _small_business(ctx, res)
    elif borrower == "individual" and amount is not None:
        _individual_cap(ctx, res, amount)
    granted = sum((line.amount for line in res.lines), ZERO) if res.lines else None
    _counter_guarantee(ctx, res, granted)
    return res


@rule("cy.loan", "创业担保贷款", CAP_BASIS)
def loan_rule(ctx: RuleContext) -> list[Finding]:
    return loan(ctx).findings if ctx.get("claim_type") == LOAN else []
