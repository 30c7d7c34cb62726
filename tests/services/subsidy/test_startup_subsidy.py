"""返乡入乡创业补贴: applicant and business rules, the one-time subsidy, the poor-labour award, example and CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from stdnum.cn import ric, uscc

from forms import periods, registry
from forms.model import Decision, Effect, Outcome
from forms.params import ParameterError
from forms.service import assess
from forms.workdays import WorkCalendar

SERVICE = registry.get("startup_subsidy")
TODAY = date(2025, 6, 16)
ROOT = Path(__file__).resolve().parents[3]


def rid(body17: str) -> str:
    return body17 + ric.calc_check_digit(body17 + "0")


APPLICANT_ID = rid("41018219850612301")
USCC = "91410182MA9K2B3X0" + uscc.calc_check_digit("91410182MA9K2B3X0")


def worker_id(n: int) -> str:
    return rid(f"41010519900{n // 28 + 1:01d}{n % 28 + 1:02d}00{n % 10}")


def emp(n: int, start: date = date(2024, 2, 1), poor: bool | None = False, end: date | None = None) -> dict:
    row = {"name": f"职工{n}", "id_number": worker_id(n), "start_date": start.isoformat()}
    if poor is not None:
        row["poor_household"] = poor
    if end is not None:
        row["end_date"] = end.isoformat()
    return row


def cost(month: str, category: str, amount: str) -> dict:
    return {"month": f"{month}-01", "category": category, "amount": amount}


BASE = {
    "name": "张建国", "id_number": APPLICANT_ID, "phone": "13903710000", "applicant_category": "migrant_worker",
}
BUSINESS = {
    "business_name": "荥阳市建国农副产品加工有限公司", "business_uscc": USCC, "registration_date": "2024-01-10",
    "operating_start_date": "2024-01-15", "business_address": "郑州市荥阳市豫龙镇返乡创业园3号楼",
}
CLAIMS = {
    "startup_once": {**BUSINESS, "employees": [emp(i) for i in range(3)]},
    "poor_labour": {**BUSINESS, "employees": [emp(i, date(2024, 3, 1), True) for i in range(4)]},
    "site_costs": {
        **BUSINESS, "park_type": "incubator", "park_name": "荥阳市创业孵化基地", "move_in_date": "2024-02-01",
        "park_costs": [cost("2025-01", "rent", "3000.00"), cost("2025-01", "utilities", "400.00"),
                       cost("2025-02", "rent", "3000.00")],
    },
    "ecommerce": {
        **BUSINESS, "platform_name": "豫龙镇农村电商服务站",
        "platform_costs": [cost("2025-03", "site_rent", "2000.00"), cost("2025-03", "network", "300.00")],
    },
    "training": {"training_type": "syb", "training_end_date": "2025-05-20", "training_cert_no": "SYB2025-0001"},
    "guaranteed_loan": {**BUSINESS, "loan_borrower": "individual", "loan_amount": "300000", "counter_guarantee": "none"},
}
EXPECTED_TOTAL = {
    "startup_once": "10000.00", "poor_labour": "4000.00", "site_costs": "3200.00", "ecommerce": "1150.00",
    "training": "1200.00", "guaranteed_loan": "300000.00",
}
ALL_MATERIALS = {m.key: "provided" for m in SERVICE.materials}
NO_HISTORY = {"earlier_claims": [], "workers_elsewhere": [], "duplicates.open_cases": [], "duplicates.other_names": []}


def answers(claim: str, **changes) -> dict:
    out = {"claim_type": claim, **BASE, **CLAIMS[claim]}
    for key, value in changes.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = value
    return out


def run(raw: dict, facts: dict | None = NO_HISTORY, today: date = TODAY, materials: dict | None = None):
    return assess(SERVICE, raw, ALL_MATERIALS if materials is None else materials, today, facts, WorkCalendar())


def findings(result, rule_id: str) -> list:
    return [f for f in result.findings if f.rule_id == rule_id]


def finding(result, rule_id: str):
    matches = findings(result, rule_id)
    assert matches, f"no finding {rule_id}: {[f.rule_id for f in result.findings]}"
    return matches[0]


def assert_sums(result) -> None:
    assert result.total == sum((line.amount for line in result.amounts), Decimal("0.00"))
    assert all(line.amount == line.amount.quantize(Decimal("0.01")) for line in result.amounts)
    assert result.total.as_tuple().exponent == -2


def refused_with_zero(result, rule_id: str) -> None:
    assert result.decision is Decision.REFUSE, [f.message for f in result.failures()]
    assert finding(result, rule_id).outcome is Outcome.FAIL
    assert result.total == Decimal("0.00")
    assert result.amounts and all(line.label.startswith("不予核定") for line in result.amounts)
    assert all(str(line.basis) for line in result.amounts)


# --- every claim, the example, the CLI ------------------------------------------------------


@pytest.mark.parametrize("claim", list(CLAIMS))
def test_each_claim_accepted_with_its_amount(claim):
    result = run(answers(claim))
    assert result.decision is Decision.ACCEPT, [f.message for f in result.failures()]
    assert result.total == Decimal(EXPECTED_TOTAL[claim])
    assert_sums(result)
    assert all(str(f.basis).strip() for f in result.findings)


@pytest.mark.parametrize("today", [TODAY, date(2026, 1, 3), date(2025, 12, 31), date.today()])
def test_example_is_accepted(today):
    case = SERVICE.example(today)
    assert "facts" in case
    result = assess(SERVICE, case["answers"], case["materials"], today, case["facts"], WorkCalendar())
    assert result.decision is Decision.ACCEPT, [f.message for f in result.failures()]
    assert result.total > 0
    assert_sums(result)
    assert not [f for f in result.findings if f.outcome is Outcome.MANUAL]


def test_cli_assesses_a_case_file(tmp_path):
    path = tmp_path / "case.json"
    path.write_text(json.dumps(SERVICE.example(TODAY), ensure_ascii=False), encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "forms", "assess", "startup_subsidy", str(path), "--today",
                          TODAY.isoformat()], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["decision"] == "accept"
    assert Decimal(data["total"]) == sum(Decimal(line["amount"]) for line in data["amounts"])
    assert data["amounts"][0]["basis"] == "郑政办〔2021〕13号 三、（二）6"


def test_cli_without_facts_flags_history(tmp_path):
    case = SERVICE.example(TODAY)
    del case["facts"]
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "forms", "assess", "startup_subsidy", str(path), "--today",
                          TODAY.isoformat()], cwd=ROOT, capture_output=True, text=True, timeout=60)
    data = json.loads(out.stdout)
    assert any(f["outcome"] == "needs_manual_check" and "未查询以往申领记录" in f["message"] for f in data["findings"])


def test_a_day_before_the_plan_has_no_parameters():
    with pytest.raises(ParameterError):
        run(answers("training", training_end_date="2021-01-05"), today=date(2021, 2, 1))


# --- applicant and business -------------------------------------------------------------------


@pytest.mark.parametrize("claim", list(CLAIMS))
def test_not_a_returnee_is_refused_with_zero(claim):
    result = run(answers(claim, applicant_category="none"))
    refused_with_zero(result, "cy.applicant")


@pytest.mark.parametrize("category", ["college_graduate", "other_returnee"])
def test_one_time_subsidy_only_for_migrant_workers(category):
    refused_with_zero(run(answers("startup_once", applicant_category=category)), "cy.applicant")


def test_bad_credit_code_is_a_field_finding():
    result = run(answers("site_costs", business_uscc=USCC[:-1] + ("0" if USCC[-1] != "0" else "1")))
    f = finding(result, "cy.business.uscc")
    assert (f.outcome, f.effect, f.field) == (Outcome.FAIL, Effect.CORRECT, "business_uscc")
    assert "校验位" in f.message
    assert result.decision is Decision.INCOMPLETE
    assert result.total == Decimal("0.00") and result.amounts[0].label.startswith("信息不全")


@pytest.mark.parametrize("key", ["registration_date", "operating_start_date"])
def test_dates_after_today_are_rejected(key):
    result = run(answers("startup_once", **{key: (TODAY + timedelta(days=1)).isoformat()}))
    assert any(f.field == key and "不能晚于今天" in f.message for f in result.findings)
    assert result.decision is Decision.INCOMPLETE
    assert result.total == Decimal("0.00")


def test_operating_before_registration_is_corrected():
    result = run(answers("startup_once", operating_start_date="2024-01-01"))
    f = finding(result, "cy.business.dates")
    assert (f.effect, f.field) == (Effect.CORRECT, "operating_start_date")


def test_employee_without_valid_id():
    rows = [emp(0), {**emp(1), "id_number": worker_id(1)[:-1] + "0" if worker_id(1)[-1] != "0" else "1"}, emp(2)]
    result = run(answers("startup_once", employees=rows))
    f = finding(result, "cy.employees.row")
    assert (f.outcome, f.effect, f.field) == (Outcome.FAIL, Effect.CORRECT, "employees[1].id_number")
    assert "第2行" in f.message and "校验位" in f.message
    assert result.decision is Decision.INCOMPLETE and result.total == Decimal("0.00")


def test_employee_listed_twice_or_the_applicant_himself():
    twice = run(answers("startup_once", employees=[emp(0), emp(1), emp(1)]))
    assert finding(twice, "cy.employees.row").field == "employees[2].id_number"
    himself = run(answers("startup_once", employees=[emp(0), emp(1), {**emp(2), "id_number": APPLICANT_ID}]))
    assert "申请人本人" in finding(himself, "cy.employees.row").message


def test_employee_start_before_registration():
    result = run(answers("startup_once", employees=[emp(0), emp(1), emp(2, start=date(2023, 12, 1))]))
    assert finding(result, "cy.employees.row").field == "employees[2].start_date"


def test_missing_history_is_a_manual_check_never_a_pass():
    result = run(answers("startup_once"), facts={})
    manual = [f for f in result.findings if f.outcome is Outcome.MANUAL and not f.rule_id.startswith("dup.")]
    assert {f.rule_id for f in manual} == {"cy.startup_once.once", "cy.employees.elsewhere"}
    assert all("未查询以往申领记录" in f.message for f in manual)
    assert any("未查询以往申领记录" in line.label for line in result.amounts)
    assert_sums(result)


def test_same_worker_counted_by_another_business():
    other = {"id_number": worker_id(1), "business_uscc": "91410100MA0000000X", "case_no": "CY20250101-0003"}
    result = run(answers("startup_once"), facts={"earlier_claims": [], "workers_elsewhere": [other]})
    f = finding(result, "cy.employees.elsewhere")
    assert f.outcome is Outcome.MANUAL and f.field == "employees[1].id_number"
    assert "其他经营主体" in f.message and "CY20250101-0003" in f.message


# --- one-time startup subsidy (三、（二）5) --------------------------------------------------


def test_three_months_of_operation_exactly_counts():
    start = periods.add_months(TODAY, -3)
    rows = [emp(i, start=start) for i in range(3)]
    ok = run(answers("startup_once", registration_date=start.isoformat(), operating_start_date=start.isoformat(),
                     employees=rows))
    assert finding(ok, "cy.startup_once.operating").outcome is Outcome.PASS
    assert ok.decision is Decision.ACCEPT and ok.total == Decimal("10000.00")
    later = (start + timedelta(days=1)).isoformat()
    rows = [emp(i, start=start + timedelta(days=1)) for i in range(3)]
    short = run(answers("startup_once", registration_date=later, operating_start_date=later, employees=rows))
    refused_with_zero(short, "cy.startup_once.operating")
    assert "未满3个月" in finding(short, "cy.startup_once.operating").message


def test_three_people_exactly_count_two_do_not():
    assert finding(run(answers("startup_once")), "cy.startup_once.employees").outcome is Outcome.PASS
    refused_with_zero(run(answers("startup_once", employees=[emp(0), emp(1)])), "cy.startup_once.employees")


def test_a_worker_who_left_is_not_counted():
    rows = [emp(0), emp(1), emp(2, end=date(2025, 5, 31))]
    refused_with_zero(run(answers("startup_once", employees=rows)), "cy.startup_once.employees")


def test_one_time_subsidy_already_paid():
    paid = {"case_no": "CY20240901-0001", "claim_type": "startup_once", "amount": "10000.00", "status": "paid"}
    refused_with_zero(run(answers("startup_once"), facts={**NO_HISTORY, "earlier_claims": [paid]}),
                      "cy.startup_once.once")
    refused = {**paid, "status": "refused"}
    assert run(answers("startup_once"), facts={**NO_HISTORY, "earlier_claims": [refused]}).decision is Decision.ACCEPT
    pending = {**paid, "status": "accepted"}
    result = run(answers("startup_once"), facts={**NO_HISTORY, "earlier_claims": [pending]})
    assert finding(result, "cy.startup_once.once").outcome is Outcome.MANUAL


# --- poor-household labour (三、（二）5) -----------------------------------------------------


def test_one_year_of_employment_exactly_counts_one_day_short_does_not():
    year_ago = periods.add_months(TODAY, -12)
    rows = [emp(0, year_ago, True), emp(1, year_ago + timedelta(days=1), True)]
    result = run(answers("poor_labour", employees=rows))
    assert result.decision is Decision.ACCEPT
    assert result.total == Decimal("1000.00")
    assert finding(result, "cy.poor_labour").facts["counted"] == 1
    assert "职工1" in finding(result, "cy.poor_labour.waiting").message
    assert_sums(result)


@pytest.mark.parametrize("n, total", [(9, "9000.00"), (10, "20000.00"), (11, "22000.00")])
def test_nine_versus_ten_workers(n, total):
    rows = [emp(i, date(2024, 3, 1), True) for i in range(n)] + [emp(40, date(2024, 3, 1), False)]
    result = run(answers("poor_labour", employees=rows))
    assert result.total == Decimal(total)
    extra = next(line for line in result.amounts if "再奖励" in line.label)
    assert extra.amount == (Decimal(1000 * n) if n >= 10 else Decimal("0.00"))
    assert_sums(result)


def test_ten_listed_but_one_short_of_a_year_gives_nine():
    rows = [emp(i, date(2024, 3, 1), True) for i in range(9)] + [emp(9, periods.add_months(TODAY, -12) + timedelta(days=1), True)]
    assert run(answers("poor_labour", employees=rows)).total == Decimal("9000.00")


def test_left_after_a_full_year_counts_left_before_does_not():
    rows = [emp(0, date(2023, 5, 1), True, end=date(2024, 5, 1)), emp(1, date(2023, 5, 1), True, end=date(2024, 4, 30))]
    result = run(answers("poor_labour", employees=rows, registration_date="2023-01-10",
                         operating_start_date="2023-01-15"))
    assert result.decision is Decision.ACCEPT and result.total == Decimal("1000.00")


def test_no_full_year_poor_worker_is_refused():
    rows = [emp(0, date(2024, 3, 1), False), emp(1, date(2025, 3, 1), True)]
    refused_with_zero(run(answers("poor_labour", employees=rows)), "cy.poor_labour")


def test_poor_household_flag_missing():
    result = run(answers("poor_labour", employees=[emp(0, date(2024, 3, 1), None)]))
    f = finding(result, "cy.poor_labour")
    assert f.outcome is Outcome.MISSING and f.field == "employees[0].poor_household"
    assert result.decision is Decision.INCOMPLETE


@pytest.mark.parametrize("claim", ["startup_once", "poor_labour"])
def test_a_blank_start_date_is_incomplete_not_a_refusal(claim):
    rows = [emp(0, date(2024, 3, 1), True), emp(1, date(2024, 3, 1), True), {**emp(2, poor=True), "start_date": ""}]
    if claim == "poor_labour":
        rows = [{**emp(0, poor=True), "start_date": ""}]
    result = run(answers(claim, employees=rows))
    assert result.decision is Decision.INCOMPLETE, [f.message for f in result.failures()]
    assert any(f.field == f"employees[{len(rows) - 1}].start_date" for f in result.findings)
