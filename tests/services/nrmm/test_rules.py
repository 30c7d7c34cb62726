"""非道路移动机械编码登记 rules on both sides of each boundary (市政府令第240号 第九条、第十三条、第三十六条)."""

from __future__ import annotations

from datetime import date

import pytest

from forms import registry
from forms.model import Decision, Effect, Outcome
from forms.service import assess
from forms.services.nrmm import code
from forms.workdays import WorkCalendar

SERVICE = registry.get("nrmm_registration")
TODAY = date(2026, 12, 1)


def case(facts=None, today=TODAY, **changes):
    example = SERVICE.example(today)
    answers = dict(example["answers"])
    for key, value in changes.items():
        if value is None:
            answers.pop(key, None)
        else:
            answers[key] = value
    return assess(SERVICE, answers, example["materials"], today,
                  example["facts"] if facts is None else facts, WorkCalendar())


def finding(result, rule_id):
    matches = [f for f in result.findings if f.rule_id == rule_id]
    assert matches, f"no finding {rule_id}: {[f.rule_id for f in result.findings]}"
    return matches[0]


def test_service_is_discovered_and_example_accepted():
    assert "nrmm_registration" in registry.services()
    result = case()
    assert result.decision is Decision.ACCEPT, [f.message for f in result.failures()]
    for f in result.findings:
        assert f.basis.document, f


def test_every_listed_type_passes_and_other_is_manual_not_silent():
    for key, label in SERVICE.field("machine_type").choices[:-1]:
        f = finding(case(machine_type=key), "nr.machine_type")
        assert f.outcome is Outcome.PASS and label in f.message
        assert f.basis.clause == "第三十六条"
    f = finding(case(machine_type="other", machine_type_other="隧道掘进机"), "nr.machine_type")
    assert f.outcome is Outcome.MANUAL and "隧道掘进机" in f.message and f.effect is Effect.WARN
    missing = finding(case(machine_type="other"), "nr.machine_type")
    assert missing.outcome is Outcome.MISSING
    assert case(machine_type="other").decision is Decision.INCOMPLETE


def test_failed_emission_test_is_refused_missing_result_is_missing():
    result = case(test_result="fail")
    assert result.decision is Decision.REFUSE
    f = finding(result, "nr.emission_test")
    assert f.effect is Effect.REFUSE and f.basis.clause == "第九条第二款"
    result = case(test_result=None)
    assert result.decision is Decision.INCOMPLETE
    assert finding(result, "nr.emission_test").outcome is Outcome.MISSING
    no_report = case(test_report_no=None)
    assert no_report.decision is Decision.INCOMPLETE
    assert not [f for f in no_report.findings if f.rule_id.startswith("nr.emission_test")]  # the form asks, once
    assert [f.field for f in no_report.failures()] == ["test_report_no"]


def test_fifteen_days_boundary_late_is_a_warning_not_a_refusal():
    # 2026-11-16 + 15 days = 2026-12-01 (a Tuesday, a working day): the last day, still in time
    on_time = case(acquisition_date="2026-11-16")
    f = finding(on_time, "nr.report_window")
    assert f.outcome is Outcome.PASS and "2026-12-01" in f.message
    late = case(acquisition_date="2026-11-15")
    f = finding(late, "nr.report_window")
    assert f.outcome is Outcome.FAIL and f.effect is Effect.WARN and f.facts["late_days"] == 1
    assert late.decision is Decision.ACCEPT  # a late report is registered (the owner's duty, not a bar)


def test_last_day_on_a_holiday_moves_to_the_next_working_day():
    # bought 2026-09-16: day 15 is 2026-10-01 (国庆节); the period runs to the first working day after
    f = finding(case(acquisition_date="2026-09-16", today=date(2026, 10, 8),
                     manufacture_date="2026-06-01", test_date="2026-09-20"), "nr.report_window")
    assert f.outcome is Outcome.PASS, f.message


def test_before_the_measures_took_effect_the_window_does_not_apply():
    f = finding(case(acquisition_date="2021-03-09", manufacture_date="2020-01-01", test_date="2021-01-01"),
                "nr.report_window")
    assert f.outcome is Outcome.NOT_APPLICABLE and f.basis.clause == "第三十七条"


def test_acquired_before_made_is_a_correction():
    f = finding(case(acquisition_date="2026-09-01", manufacture_date="2026-10-01", test_date="2026-11-01"),
                "nr.report_window")
    assert f.outcome is Outcome.FAIL and f.effect is Effect.CORRECT


def test_emission_stage_by_manufacture_date():
    made_after = case(emission_stage="3", manufacture_date="2022-12-01", acquisition_date="2026-11-20",
                      test_date="2026-11-21")
    f = finding(made_after, "nr.emission_stage")
    assert f.outcome is Outcome.MANUAL and f.effect is Effect.WARN and "HJ 1014-2020" in str(f.basis)
    made_before = case(emission_stage="3", manufacture_date="2022-11-30", acquisition_date="2026-11-20",
                       test_date="2026-11-21")
    assert finding(made_before, "nr.emission_stage").outcome is Outcome.PASS
    assert finding(case(emission_stage=None), "nr.emission_stage").outcome is Outcome.MISSING
    electric = case(fuel="electric", emission_stage=None, engine_no=None, engine_type_no=None)
    assert finding(electric, "nr.emission_stage").outcome is Outcome.NOT_APPLICABLE
    assert finding(electric, "nr.engine").outcome is Outcome.MANUAL


UNIT = dict(owner_kind="unit", owner_name="郑州市示例建设工程有限公司", owner_uscc="91410100MA44D2LQ5T",
            contact_name="李强", owner_id_type=None, owner_id_number=None)


def test_owner_unit_or_person():
    assert finding(case(), "nr.owner").outcome is Outcome.PASS  # the example's owner is a person
    unit = case(**UNIT)
    assert finding(unit, "nr.owner").outcome is Outcome.PASS
    assert unit.decision is Decision.INCOMPLETE  # a unit shows its licence, not a person's ID
    assert [m.key for m in unit.missing_materials] == ["owner_licence"]
    assert finding(case(**dict(UNIT, owner_uscc="91410100MA44D2LQ5K")), "nr.owner").effect is Effect.CORRECT
    assert finding(case(**dict(UNIT, contact_name=None)), "nr.owner").outcome is Outcome.MISSING


def test_already_registered_is_refused_pending_is_corrected_unknown_is_manual():
    done = case(facts={"registration": {"status": "registered", "code": "41010501000001X", "case_no": "FD0126…",
                                        "registered_on": "2026-11-02"}})
    assert done.decision is Decision.REFUSE
    assert "41010501000001X" in finding(done, "nr.once").message
    pending = case(facts={"registration": {"status": "pending", "case_no": "FD01"}})
    assert pending.decision is Decision.INCOMPLETE
    unknown = case(facts={})
    f = finding(unknown, "nr.once")
    assert f.outcome is Outcome.MANUAL  # shown; the register's own check at acceptance is the guard


def test_deadline_is_seven_working_days_met_by_the_decision():
    (d,) = case().deadlines
    assert (d.key, d.stage, d.count, d.unit) == ("registration", "decision", 7, "working_days")
    assert d.due == date(2026, 12, 10)  # 12-01 Tue + 7 working days, skipping one weekend
    assert d.basis.clause == "第九条第三款"
    # across 国庆: accepted 2026-09-30 → 10-01..10-07 holidays (10-10 a 调休 Saturday counts)
    (d,) = case(today=date(2026, 9, 30)).deadlines
    assert d.due > date(2026, 10, 8)


def test_parameters_are_dated_and_sourced():
    params = SERVICE.params().at(TODAY)
    assert params["report_days"] == 15 and "第九条第二款" in params.source("report_days")
    assert params["registration_working_days"] == 7 and "第九条第三款" in params.source("registration_working_days")
    structure = params["code_structure"]
    assert "国家统一编码规则" in params.source("code_structure")
    with pytest.raises(LookupError):
        SERVICE.params().at(date(2021, 3, 9))["report_days"]
    first = code.compose(structure, "410105", "3", 1)
    assert first.startswith("41010503000001") and len(first) == 15 and code.is_valid(first)
    assert not code.is_valid(first[:-1] + ("A" if first[-1] != "A" else "B"))
    with pytest.raises(OverflowError):
        code.compose(structure, "410105", "3", 10 ** 6)
