"""返乡入乡创业补贴: park site costs and rural e-commerce costs — 50 %, the 20,000 yearly cap, the 3-year limit."""

from __future__ import annotations

from decimal import Decimal

import pytest

from forms.model import Decision, Effect, Outcome

from .test_startup_subsidy import NO_HISTORY, answers, assert_sums, cost, finding, findings, refused_with_zero, run


def site(*rows, **changes):
    return answers("site_costs", park_costs=list(rows), **changes)


def earlier(case_no, months, amount, status="paid", claim="site_costs"):
    return {"case_no": case_no, "claim_type": claim, "months": months, "amount": amount, "status": status}


def history(*claims):
    return {**NO_HISTORY, "earlier_claims": list(claims)}


def months(year, first, last):
    return [f"{year}-{m:02d}" for m in range(first, last + 1)]


def cap_line(result):
    return next(line for line in result.amounts if "最高限额核减" in line.label)


def test_half_of_each_category_with_rounding_half_up():
    result = run(site(cost("2025-01", "property", "333.33"), cost("2025-02", "property", "0.01"),
                      cost("2025-01", "sanitation", "100.00")))
    assert result.decision is Decision.ACCEPT
    labels = {line.label: line.amount for line in result.amounts}
    assert labels["2025年物管费（2个月）"] == Decimal("166.67")  # 333.34 × 50 % = 166.67
    assert labels["2025年卫生费（1个月）"] == Decimal("50.00")
    assert result.total == Decimal("216.67")
    assert "333.34 × 50% = 166.67" in result.amounts[0].formula
    assert_sums(result)


def test_cap_of_20000_exactly_and_one_cent_above():
    rows = [cost(f"2025-0{m}", "rent", "10000.00") for m in range(1, 5)]
    exact = run(site(*rows))
    assert exact.total == Decimal("20000.00")
    assert cap_line(exact).amount == Decimal("0.00")
    assert_sums(exact)
    above = run(site(*rows, cost("2025-05", "utilities", "0.02")))
    assert above.decision is Decision.ACCEPT
    assert above.total == Decimal("20000.00")
    assert cap_line(above).amount == Decimal("-0.01")
    assert "核减0.01" in finding(above, "cy.site_costs.cap").message
    assert_sums(above)


def test_yearly_cap_counts_earlier_claims_of_the_same_year_only():
    rows = [cost("2025-04", "rent", "10000.00"), cost("2025-05", "rent", "10000.00")]
    facts = history(earlier("CY-1", months(2025, 1, 3), "15000.00"), earlier("CY-0", months(2024, 2, 12), "20000.00"),
                    earlier("CY-X", months(2025, 1, 3), "9999.00", status="refused"))
    result = run(site(*rows), facts=facts)
    assert result.total == Decimal("5000.00")
    assert cap_line(result).amount == Decimal("-5000.00")
    assert "已获补贴15000.00" in cap_line(result).formula
    assert_sums(result)


def test_yearly_cap_already_reached_is_refused():
    facts = history(earlier("CY-1", months(2025, 1, 3), "20000.00"))
    refused_with_zero(run(site(cost("2025-04", "rent", "100.00")), facts=facts), "cy.site_costs.cap")


def test_pending_earlier_claim_counts_and_is_flagged():
    facts = history(earlier("CY-2", months(2025, 1, 2), "19000.00", status="accepted"))
    result = run(site(cost("2025-04", "rent", "4000.00")), facts=facts)
    assert result.total == Decimal("1000.00")
    assert any(f.outcome is Outcome.MANUAL and "CY-2" in f.message for f in findings(result, "cy.site_costs.history"))


def test_three_year_limit_across_earlier_claims():
    # first subsidised month 2022-06, so the 36th month is 2025-05
    facts = history(earlier("A", months(2022, 6, 12), "3000.00"), earlier("B", months(2023, 1, 12), "6000.00"),
                    earlier("C", months(2024, 1, 12), "6000.00"), earlier("D", months(2025, 1, 4), "2000.00"))
    last_month = run(site(cost("2025-05", "rent", "1000.00")), facts=facts)
    assert last_month.decision is Decision.ACCEPT
    assert last_month.total == Decimal("500.00")
    assert "2022-06至2025-05" in finding(last_month, "cy.site_costs.period").message
    one_month_over = run(site(cost("2025-06", "rent", "1000.00")), facts=facts)
    refused_with_zero(one_month_over, "cy.site_costs.period")
    both = run(site(cost("2025-05", "rent", "1000.00"), cost("2025-06", "rent", "1000.00")), facts=facts)
    f = finding(both, "cy.site_costs.period")
    assert (f.outcome, f.effect) == (Outcome.FAIL, Effect.WARN)
    assert both.decision is Decision.ACCEPT and both.total == Decimal("500.00")
    assert any("超出3年" in line.label for line in both.amounts)
    assert_sums(both)


def test_three_year_limit_starts_with_this_claim_when_there_is_none_before():
    result = run(site(cost("2025-01", "rent", "1000.00")))
    assert "2025-01至2027-12" in finding(result, "cy.site_costs.period").message


def test_month_listed_twice_in_one_claim():
    result = run(site(cost("2025-01", "rent", "1000.00"), cost("2025-01", "utilities", "200.00"),
                      cost("2025-01", "rent", "1000.00")))
    f = finding(result, "cy.site_costs.rows")
    assert (f.outcome, f.effect, f.field) == (Outcome.FAIL, Effect.CORRECT, "park_costs[2].month")
    assert "第3行与第1行重复" in f.message
    assert result.decision is Decision.INCOMPLETE and result.total == Decimal("0.00")


def test_month_claimed_in_an_earlier_case_is_flagged():
    facts = history(earlier("CY-7", months(2025, 1, 1), "500.00"))
    result = run(site(cost("2025-01", "utilities", "200.00"), cost("2025-02", "rent", "1000.00")), facts=facts)
    flags = [f for f in findings(result, "cy.site_costs.history") if "2025-01" in f.message]
    assert flags and flags[0].outcome is Outcome.MANUAL and "CY-7" in flags[0].message


def test_one_claim_one_budget_year():
    result = run(site(cost("2024-12", "rent", "1000.00"), cost("2025-01", "rent", "1000.00")))
    assert "同一年度" in finding(result, "cy.site_costs.rows").message
    assert result.decision is Decision.INCOMPLETE


def test_costs_before_moving_in_are_corrected():
    result = run(site(cost("2024-01", "rent", "1000.00"), move_in_date="2024-02-10"))
    assert finding(result, "cy.site_costs.rows").field == "park_costs[0].month"


@pytest.mark.parametrize("amount, message", [("-100.00", "不能小于"), ("0", "不能小于"), ("1000000.01", "不能大于"),
                                             ("abc", "请填写数字")])
def test_negative_zero_or_absurd_costs(amount, message):
    result = run(site(cost("2025-01", "rent", amount)))
    assert any(f.field == "park_costs[0].amount" and message in f.message for f in result.findings)
    assert result.decision is Decision.INCOMPLETE
    assert result.total == Decimal("0.00") and result.amounts[0].label.startswith("信息不全")


def test_cost_month_after_today():
    result = run(site(cost("2025-07", "rent", "1000.00")))
    assert any(f.field == "park_costs[0].month" and "不能晚于今天" in f.message for f in result.findings)
    assert result.decision is Decision.INCOMPLETE


def test_missing_history_flags_and_still_shows_the_provisional_calculation():
    result = run(site(cost("2025-01", "rent", "1000.00")), facts={})
    assert finding(result, "cy.site_costs.history").outcome is Outcome.MANUAL
    assert any("未查询以往申领记录" in line.label for line in result.amounts)
    assert result.total == Decimal("500.00")
    assert_sums(result)


def test_malformed_history_is_an_error():
    from forms.values import AnswerError

    with pytest.raises(AnswerError):
        run(site(cost("2025-01", "rent", "1000.00")), facts=history(earlier("X", ["2025/01"], "1.00")))
    with pytest.raises(AnswerError):
        run(site(cost("2025-01", "rent", "1000.00")), facts=history(earlier("X", ["2025-01"], "1.00", status="paid?")))


# --- rural e-commerce platform (三、（二）6) ---------------------------------------------------


def shop(*rows, **changes):
    return answers("ecommerce", platform_costs=list(rows), **changes)


def test_ecommerce_half_of_rent_and_network_fees():
    result = run(shop(cost("2025-01", "site_rent", "2500.00"), cost("2025-01", "network", "199.99")))
    assert result.total == Decimal("1350.00")  # 1250.00 + 100.00 (99.995 rounded half up)
    assert_sums(result)


def test_ecommerce_cap_and_three_years_are_its_own():
    rows = [cost(f"2025-0{m}", "site_rent", "10000.00") for m in range(1, 5)]
    assert run(shop(*rows)).total == Decimal("20000.00")
    over = run(shop(*rows, cost("2025-05", "network", "100.00")))
    assert over.total == Decimal("20000.00") and cap_line(over).amount == Decimal("-50.00")
    site_history = history(earlier("S", months(2025, 1, 3), "20000.00"), earlier("S0", months(2022, 1, 12), "1.00"))
    assert run(shop(*rows), facts=site_history).total == Decimal("20000.00")
    own = history(earlier("E", months(2022, 1, 12), "1.00", claim="ecommerce"))
    refused_with_zero(run(shop(cost("2025-01", "site_rent", "100.00")), facts=own), "cy.ecommerce.period")


def test_ecommerce_cap_across_earlier_claims():
    facts = history(earlier("E1", months(2025, 1, 2), "18000.00", claim="ecommerce"))
    result = run(shop(cost("2025-03", "site_rent", "5000.00")), facts=facts)
    assert result.total == Decimal("2000.00")
    assert_sums(result)


def test_earlier_claim_with_only_a_year_or_nothing():
    year_only = {"case_no": "Y", "claim_type": "site_costs", "year": 2022, "amount": "1.00", "status": "paid"}
    result = run(site(cost("2025-01", "rent", "1000.00")), facts=history(year_only))
    assert result.decision is Decision.REFUSE  # 2022-01 + 36 months ends with 2024-12
    assert any("按2022年1月起算" in f.message for f in result.findings)
    bare = {**year_only, "year": None}
    result = run(site(cost("2025-01", "rent", "1000.00")), facts=history(bare))
    assert result.decision is Decision.ACCEPT
    assert any("未列明费用月份和年度" in f.message for f in result.findings)
