"""返乡入乡创业补贴: the guaranteed loan (caps, small-business ratio, counter-guarantee) and the training subsidy."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from forms.model import Decision, Effect, Outcome, RuleContext
from forms.params import load_params
from forms.services.subsidy import claims
from forms.services.subsidy.form import PARAMS_DIR

from .test_startup_subsidy import NO_HISTORY, TODAY, answers, assert_sums, finding, refused_with_zero, run


def loan(**changes):
    return answers("guaranteed_loan", **changes)


@pytest.mark.parametrize("category, amount, total, cut", [
    ("migrant_worker", "350000", "350000.00", "0.00"),
    ("migrant_worker", "350000.01", "350000.00", "-0.01"),
    ("other_returnee", "400000", "350000.00", "-50000.00"),
    ("college_graduate", "400000", "400000.00", "0.00"),
    ("college_graduate", "400000.01", "400000.00", "-0.01"),
])
def test_loan_caps(category, amount, total, cut):
    result = run(loan(applicant_category=category, loan_amount=amount))
    assert result.decision is Decision.ACCEPT
    assert result.total == Decimal(total)
    assert result.amounts[-1].amount == Decimal(cut)
    f = finding(result, "cy.loan.cap")
    assert f.outcome is (Outcome.PASS if cut == "0.00" else Outcome.MANUAL)
    assert str(f.basis) == "郑政办〔2021〕13号 三、（二）4"
    assert_sums(result)


@pytest.mark.parametrize("amount", ["-1", "0"])
def test_loan_amount_must_be_positive(amount):
    result = run(loan(loan_amount=amount))
    assert any(f.field == "loan_amount" and "不能小于" in f.message for f in result.findings)
    assert result.decision is Decision.INCOMPLETE


@pytest.mark.parametrize("staff, hires, passes", [
    (20, 3, True), (20, 2, False),  # 15 % exactly, one short
    (100, 15, True), (100, 14, False),  # exactly 100 is not "超过100人": still 15 %
    (101, 9, True), (101, 8, False),  # 8 % of 101 = 8.08
])
def test_small_business_new_hire_ratio(staff, hires, passes):
    result = run(loan(loan_borrower="small_business", staff_count=staff, new_hires=hires))
    f = finding(result, "cy.loan.small_business")
    if passes:
        assert f.outcome is Outcome.PASS and result.decision is Decision.ACCEPT
        assert finding(result, "cy.loan.cap").outcome is Outcome.MANUAL
        assert result.total == Decimal("300000.00")
    else:
        refused_with_zero(result, "cy.loan.small_business")
    assert str(f.basis) == "郑政办〔2021〕13号 三、（三）7"


def test_small_business_more_hires_than_staff():
    result = run(loan(loan_borrower="small_business", staff_count=5, new_hires=6))
    assert finding(result, "cy.loan.small_business").effect is Effect.CORRECT


@pytest.mark.parametrize("choice", ["demo_project", "contest_award", "second_time", "credit_rated"])
def test_counter_guarantee_waived_in_principle(choice):
    result = run(loan(counter_guarantee=choice))
    f = finding(result, "cy.loan.counter_guarantee")
    assert f.outcome is Outcome.PASS and "原则上免除反担保" in f.message
    assert str(f.basis) == "郑政办〔2021〕13号 三、（三）7"
    assert result.decision is Decision.ACCEPT


def test_counter_guarantee_none_needs_the_proof_only_when_claimed():
    result = run(loan(), materials={"application_form": "provided", "id_card": "provided", "returnee_proof": "provided",
                                    "business_licence": "provided", "business_plan": "provided"})
    assert finding(result, "cy.loan.counter_guarantee").outcome is Outcome.NOT_APPLICABLE
    assert result.decision is Decision.ACCEPT
    claimed = run(loan(counter_guarantee="credit_rated"), materials={"application_form": "provided", "id_card": "provided",
                                                                     "returnee_proof": "provided",
                                                                     "business_licence": "provided",
                                                                     "business_plan": "provided"})
    assert [m.key for m in claimed.missing_materials] == ["counter_guarantee_proof"]


@pytest.mark.parametrize("amount, outcome", [("200000", Outcome.PASS), ("200000.01", Outcome.MANUAL)])
def test_graduate_prize_within_200000(amount, outcome):
    result = run(loan(applicant_category="college_graduate", counter_guarantee="graduate_prize", loan_amount=amount))
    assert finding(result, "cy.loan.counter_guarantee").outcome is outcome
    assert result.decision is Decision.ACCEPT


def test_graduate_prize_is_for_graduates_only():
    result = run(loan(counter_guarantee="graduate_prize"))
    f = finding(result, "cy.loan.counter_guarantee")
    assert (f.outcome, f.effect) == (Outcome.FAIL, Effect.CORRECT)


# --- training subsidy (三、（五）11) -----------------------------------------------------------


@pytest.mark.parametrize("kind, amount", [("gyb", "400.00"), ("syb", "1200.00"), ("iyb", "1000.00"),
                                          ("online", "800.00"), ("practical", "1500.00")])
def test_training_amount_is_the_hall_setting(kind, amount):
    result = run(answers("training", training_type=kind))
    assert result.decision is Decision.ACCEPT
    assert result.total == Decimal(amount)
    assert str(result.amounts[0].basis) == "郑政办〔2021〕13号 三、（五）11"
    assert_sums(result)


def test_every_dated_training_setting_is_within_200_to_1500():
    params = load_params("startup_subsidy", PARAMS_DIR)
    low, high = params.parameter("training_min"), params.parameter("training_max")
    for dated in params.parameter("training_amounts").values:
        for kind, amount in dated.value.items():
            assert low.at(dated.since).value <= amount <= high.at(dated.since).value, (dated.since, kind)


class _Params(dict):
    def __init__(self, day: date, **overrides):
        base = load_params("startup_subsidy", PARAMS_DIR).at(day)
        super().__init__({name: base[name] for name in ("training_min", "training_max", "training_amounts")})
        self.update(overrides)


def _training_ctx(amounts: dict) -> RuleContext:
    typed = {"claim_type": "training", "training_type": "syb", "training_end_date": date(2025, 5, 20)}
    return RuleContext(typed, {}, TODAY, _Params(TODAY, training_amounts=amounts), NO_HISTORY)


@pytest.mark.parametrize("setting, ok", [("199.99", False), ("200.00", True), ("1500.00", True), ("1500.01", False)])
def test_training_setting_outside_the_range_blocks(setting, ok):
    result = claims.training(_training_ctx({"syb": Decimal(setting)}))
    bad = [f for f in result.findings if f.rule_id == "cy.training.setting"]
    if ok:
        assert not bad and result.lines[0].amount == Decimal(setting)
    else:
        assert bad and bad[0].effect is Effect.CORRECT and not result.lines


def test_training_type_without_a_setting_blocks():
    result = claims.training(_training_ctx({}))
    assert [f.rule_id for f in result.findings] == ["cy.training.setting"]


def test_same_training_type_claimed_before_is_flagged():
    facts = {**NO_HISTORY, "earlier_claims": [{"case_no": "CY-T", "claim_type": "training", "training_type": "syb",
                                               "amount": "1200.00", "status": "paid"}]}
    result = run(answers("training"), facts=facts)
    assert finding(result, "cy.training.history").outcome is Outcome.MANUAL
    other = run(answers("training", training_type="iyb"), facts=facts)
    assert not [f for f in other.findings if f.rule_id == "cy.training.history"]


def test_training_needs_no_business():
    result = run(answers("training"))
    assert not [f for f in result.findings if f.field and f.field.startswith("business")]
