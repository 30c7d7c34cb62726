"""居住证 rules on both sides of every boundary (郑政办〔2021〕8号)."""

from __future__ import annotations

from datetime import date

import pytest

from forms import registry
from forms.model import Decision, Outcome
from forms.service import assess
from forms.workdays import WorkCalendar

SERVICE = registry.get("residence_permit")


def rid(body17: str) -> str:
    """A resident ID number with its real GB 11643 check character."""
    from stdnum.cn import ric

    return body17 + ric.calc_check_digit(body17 + "0")
TODAY = date(2026, 11, 25)


def case(**changes):
    example = SERVICE.example(TODAY)
    answers = dict(example["answers"])
    materials = dict(example["materials"])
    for key, value in changes.items():
        if value is None:
            answers.pop(key, None)
        else:
            answers[key] = value
    return answers, materials


def run(answers, materials, today=TODAY):
    return assess(SERVICE, answers, materials, today, {}, WorkCalendar())


def finding(result, rule_id):
    matches = [f for f in result.findings if f.rule_id == rule_id]
    assert matches, f"no finding {rule_id}: {[f.rule_id for f in result.findings]}"
    return matches[0]


def test_example_is_accepted():
    result = run(*case())
    assert result.decision is Decision.ACCEPT, [f.message for f in result.failures()]
    assert all(str(f.basis) for f in result.findings)


def test_every_finding_cites_a_document_and_clause():
    result = run(*case(hukou_in_zhengzhou=True, phone=None))
    for f in result.findings:
        # NOTE: the duplicate check cites the procedure's document and GB 11643-1999 as a whole.
        assert f.basis.document and (f.basis.clause or f.rule_id.startswith("dup.")), f


def test_hukou_in_zhengzhou_is_refused():
    result = run(*case(hukou_in_zhengzhou=True))
    assert result.decision is Decision.REFUSE
    f = finding(result, "rp.hukou_outside")
    assert f.outcome is Outcome.FAIL and "郑政办〔2021〕8号 第一部分" == str(f.basis)


def test_missing_hukou_answer_is_missing_information_not_false():
    result = run(*case(hukou_in_zhengzhou=None))
    assert finding(result, "rp.hukou_outside").outcome is Outcome.MISSING
    assert result.decision is Decision.INCOMPLETE


@pytest.mark.parametrize("condition, key", [("study", "enrolment_date"), ("business", "licence_date")])
def test_half_year_exact_and_one_day_short(condition, key):
    # 2026-05-25 + 6 months = 2026-11-25: complete on that day, not the day before.
    answers, materials = case(condition=condition, social_insurance=None, **{key: "2026-05-25"})
    materials.pop("social_insurance_proof")
    materials["enrolment_proof" if condition == "study" else "business_licence"] = "shared"
    on_day = run(answers, materials)
    assert on_day.decision is Decision.ACCEPT, [f.message for f in on_day.failures()]
    day_before = run(answers, materials, date(2026, 11, 24))
    assert day_before.decision is Decision.REFUSE
    assert "2026-11-25起方满半年" in finding(day_before, f"rp.half_year.{condition}").message


def test_half_year_from_month_end_uses_last_day_of_month():
    answers, materials = case(condition="residence", social_insurance=None, housing_proof="rental_filing",
                              housing_proof_date="2026-05-31")
    materials.pop("social_insurance_proof")
    materials["housing_proof_doc"] = "provided"
    # 2026-05-31 + 6 months: November has no 31st, so the period ends on 2026-11-30.
    assert run(answers, materials, date(2026, 11, 29)).decision is Decision.REFUSE
    assert run(answers, materials, date(2026, 11, 30)).decision is Decision.ACCEPT


def test_social_insurance_counts_only_months_inside_the_last_year():
    # Window for 2026-11-25: 2025-12 … 2026-11. Six months inside it are enough.
    inside = [{"start": "2026-06-01", "end": "2026-11-01"}]
    assert run(*case(social_insurance=inside)).decision is Decision.ACCEPT
    five = [{"start": "2026-07-01", "end": "2026-11-01"}]
    r = run(*case(social_insurance=five))
    assert r.decision is Decision.REFUSE
    assert finding(r, "rp.half_year.social_insurance").facts["months_counted"] == 5
    # Twelve months paid, but seven of them before the window: only five count.
    old = [{"start": "2025-05-01", "end": "2025-11-30"}, {"start": "2026-07-01", "end": "2026-11-01"}]
    r = run(*case(social_insurance=old))
    assert r.decision is Decision.REFUSE
    assert finding(r, "rp.half_year.social_insurance").facts["months_outside_window"] == 7
    # The first month of the window counts; the month before it does not.
    edge = [{"start": "2025-12-01", "end": "2025-12-31"}, {"start": "2026-07-01", "end": "2026-11-01"}]
    assert run(*case(social_insurance=edge)).decision is Decision.ACCEPT
    before = [{"start": "2025-11-01", "end": "2025-11-30"}, {"start": "2026-07-01", "end": "2026-11-01"}]
    assert run(*case(social_insurance=before)).decision is Decision.REFUSE


def test_overlapping_records_count_each_month_once():
    overlapping = [{"start": "2026-07-01", "end": "2026-10-01"}, {"start": "2026-08-01", "end": "2026-11-01"}]
    r = run(*case(social_insurance=overlapping))
    assert finding(r, "rp.half_year.social_insurance").facts["months_counted"] == 5


@pytest.mark.parametrize("exemption, extra, material", [
    ("talent", {"talent_cert_no": "ZZRC-2026-0012"}, {"talent_cert": "shared"}),
    ("talent_relative", {"talent_cert_no": "ZZRC-2026-0012"}, {"talent_cert": "shared", "kinship_proof": "provided"}),
    ("spouse", {"spouse_id_number": rid("41010519880303002")}, {"marriage_proof": "shared"}),
])
def test_exemptions_make_half_year_not_applicable(exemption, extra, material):
    answers, materials = case(exemption=exemption, condition=None, social_insurance=None, **extra)
    materials.pop("social_insurance_proof")
    materials.update(material)
    r = run(answers, materials)
    half = finding(r, "rp.half_year")
    assert half.outcome is Outcome.NOT_APPLICABLE and "末段" in str(half.basis)
    assert r.decision is Decision.ACCEPT, [f.message for f in r.failures()]


def test_exemption_without_its_proof_is_incomplete():
    answers, materials = case(exemption="talent", condition=None, social_insurance=None)
    r = run(answers, materials)
    assert finding(r, "rp.exemption").outcome is Outcome.MISSING
    assert any(m.key == "talent_cert" for m in r.missing_materials)


def test_proxy_for_a_child_under_16():
    child = rid("41030520110303001")  # born 2011-03-03: 15 on 2026-11-25
    answers, materials = case(id_number=child, applicant_mode="proxy", proxy_reason="minor", proxy_name="欧阳明",
                              proxy_id_number=rid("41030519800101001"), proxy_relation="guardian")
    materials["proxy_id"] = "provided"
    r = run(answers, materials)
    assert finding(r, "rp.proxy").outcome is Outcome.PASS
    assert r.decision is Decision.ACCEPT, [f.message for f in r.failures()]
    # The same child on the 16th birthday must come in person.
    r16 = run(answers, materials, date(2027, 3, 3))
    assert finding(r16, "rp.proxy").outcome is Outcome.FAIL


def test_proxy_needs_the_proxy_id():
    answers, materials = case(applicant_mode="proxy", proxy_reason="disabled", proxy_name="欧阳明",
                              proxy_id_number=rid("41030519800101001"), proxy_relation="relative")
    r = run(answers, materials)
    assert any(m.key == "proxy_id" for m in r.missing_materials)
    assert finding(r, "rp.proxy").outcome is Outcome.MANUAL


def test_elderly_proxy_boundary():
    old = rid("41030519661125001")  # 60 on 2026-11-25
    answers, materials = case(id_number=old, applicant_mode="proxy", proxy_reason="elderly", proxy_name="欧阳明",
                              proxy_id_number=rid("41030519800101001"), proxy_relation="relative")
    materials["proxy_id"] = "provided"
    assert finding(run(answers, materials), "rp.proxy").outcome is Outcome.MANUAL
    assert finding(run(answers, materials, date(2026, 11, 24)), "rp.proxy").outcome is Outcome.FAIL


@pytest.mark.parametrize("key, value, fragment", [
    ("id_number", "410305199001011230", "校验位"),
    ("id_number", rid("41030519900230123"), "出生日期"),
    ("temp_registration_date", "2026-02-30", "日期无效"),
    ("temp_registration_date", "2027-01-01", "不能晚于今天"),
    ("phone", "12345", "手机"),
])
def test_bad_input_is_a_finding_next_to_its_field(key, value, fragment):
    r = run(*case(**{key: value}))
    errors = [f for f in r.findings if f.field == key and f.blocks]
    assert errors and fragment in errors[0].message, [f.message for f in r.findings if f.field == key]
    assert r.decision is Decision.INCOMPLETE


def test_all_failures_are_reported_at_once():
    answers, materials = case(phone=None, hukou_address=None)
    materials.pop("photo")
    materials.pop("application_form")
    r = run(answers, materials)
    keys = {f.field for f in r.failures() if f.field} | {m.key for m in r.missing_materials}
    assert {"phone", "hukou_address", "photo", "application_form"} <= keys


def test_material_alternative_replaces_the_id_card():
    answers, materials = case()
    materials.pop("id_card")
    assert any(m.key == "id_card" for m in run(answers, materials).missing_materials)
    materials["id_photo_standard"] = "provided"
    assert run(answers, materials).decision is Decision.ACCEPT


def test_paper_only_material_cannot_be_marked_shared():
    answers, materials = case()
    materials["application_form"] = "shared"
    r = run(answers, materials)
    assert r.decision is Decision.INCOMPLETE
    assert any(f.rule_id == "material.application_form.not_shareable" for f in r.findings)


def test_deadlines_around_national_day_2021():
    today = date(2021, 9, 30)
    r = assess(SERVICE, *SERVICE.example(today).values(), today, {}, WorkCalendar())
    review = next(d for d in r.deadlines if d.key == "review")
    # 10-01…10-07 are holidays, 10-09 (Saturday) a make-up working day: 10-08, 10-09, 10-11, 10-12, 10-13.
    assert review.due == date(2021, 10, 13) and not review.provisional
    assert any(s.reason == "国庆节" for s in review.skipped)
    issue = next(d for d in r.deadlines if d.key == "issue")
    # 10 calendar days end on 10-10, a Sunday: moved to Monday 10-11 (民法典 第二百零三条).
    assert issue.due == date(2021, 10, 11)


def test_deadline_in_an_unpublished_year_is_provisional():
    today = date(2027, 9, 30)
    r = assess(SERVICE, *SERVICE.example(today).values(), today, {}, WorkCalendar())
    review = next(d for d in r.deadlines if d.key == "review")
    # 国庆节 2027-10-01…03 is statutory even before the 2027 notice; 10-04…10-08 are the 5 working days.
    assert review.provisional and review.due == date(2027, 10, 8)


def test_parameters_before_their_first_date_are_an_error():
    from forms.params import ParameterError

    with pytest.raises(ParameterError):
        assess(SERVICE, *SERVICE.example(date(2020, 6, 1)).values(), date(2020, 6, 1), {}, WorkCalendar())
