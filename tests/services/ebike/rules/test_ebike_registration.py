"""Tests for the e-bike first registration service: each rule on both sides of its boundary."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from forms.model import Decision, Effect, Outcome
from forms.service import assess
from forms.services.ebike import common as ec
from forms.services.ebike.registration import SERVICE

ROOT = Path(__file__).resolve().parents[4]
TODAY = date(2025, 6, 2)


def run(today=TODAY, answers=None, materials=None, facts="example", drop=()):
    case = SERVICE.example(today)
    case["answers"].update(answers or {})
    for key in drop:
        case["answers"].pop(key)
    if materials is not None:
        case["materials"] = materials
    return assess(SERVICE, case["answers"], case["materials"], today, case["facts"] if facts == "example" else facts)


def one(assessment, rule_id):
    found = [f for f in assessment.findings if f.rule_id == rule_id]
    assert len(found) == 1, (rule_id, [f.rule_id for f in assessment.findings])
    return found[0]


def test_example_is_accepted():
    for today in (TODAY, date(2025, 9, 1), date.today()):
        result = run(today)
        assert result.decision is Decision.ACCEPT, [f.message for f in result.failures()]
        # The hall's 承诺办结时限 (a shipped default of one working day, issue 14).
        assert [(d.key, d.count, d.unit, d.stage) for d in result.deadlines] == [
            ("promised", 1, "working_days", "completion")]
        assert "默认值" in str(result.deadlines[0].basis)


def test_every_finding_cites_an_article_of_the_measures():
    result = run(answers={"mass": 60, "owner_district": "410122"}, facts={})
    for finding in result.findings:
        if finding.rule_id.startswith("dc."):
            assert finding.basis.document == ec.DOC
            assert finding.basis.clause.startswith("第")


# --- the standard the bike was made to (issue 13) ----------------------------------------------

def made_to(edition, bought, today):
    return run(today, {"standard_edition": edition, "purchase_date": bought.isoformat()})


def test_a_45_kmh_80_kg_bike_bought_in_november_2026_is_refused():
    result = run(date(2026, 11, 20), {"standard_edition": "gb17761_2024", "purchase_date": "2026-11-10",
                                      "max_speed": 45, "mass": 80})
    assert result.decision is Decision.REFUSE
    for rule_id, limit in (("dc.standard.max_speed", "25 km/h"), ("dc.standard.mass", "55 kg")):
        finding = one(result, rule_id)
        assert (finding.outcome, finding.effect) == (Outcome.FAIL, Effect.REFUSE)
        assert "GB 17761-2024" in finding.message and limit in finding.message
        assert "核实" not in finding.message  # the source's caveat lives in the parameter file
    # …and refused the same way in June 2025, under GB 17761-2018.
    assert run(TODAY, {"max_speed": 45, "mass": 80}).decision is Decision.REFUSE


@pytest.mark.parametrize("today", [date(2021, 6, 1), date(2025, 8, 31), date(2025, 9, 1), date(2026, 12, 1)])
def test_25_kmh_is_the_limit_on_both_sides_of_2025_09_01(today):
    edition = "gb17761_2024" if today >= date(2025, 9, 1) else "gb17761_2018"
    bought = today - timedelta(days=3)
    assert one(made_to(edition, bought, today), "dc.standard.edition").outcome is Outcome.PASS
    ok = run(today, {"standard_edition": edition, "purchase_date": bought.isoformat(), "max_speed": 25})
    over = run(today, {"standard_edition": edition, "purchase_date": bought.isoformat(), "max_speed": "25.5"})
    assert one(ok, "dc.standard.max_speed").outcome is Outcome.PASS
    assert one(over, "dc.standard.max_speed").effect is Effect.REFUSE and over.decision is Decision.REFUSE


@pytest.mark.parametrize("answers, rule_id", [
    ({"battery_type": "lead_acid", "mass": 63}, "dc.standard.mass"),
    ({"pedalling": False}, "dc.standard.pedalling"),
])
def test_2024_lets_63_kg_lead_acid_and_pedal_less_bikes_through_2018_does_not(answers, rule_id):
    new = run(date(2026, 12, 1), {**answers, "standard_edition": "gb17761_2024", "purchase_date": "2026-11-28"})
    assert one(new, rule_id).outcome is Outcome.PASS and new.decision is Decision.ACCEPT
    old = run(date(2026, 12, 1), {**answers, "standard_edition": "gb17761_2018", "purchase_date": "2025-11-20"})
    refused = one(old, rule_id)
    assert (refused.outcome, refused.effect) == (Outcome.FAIL, Effect.REFUSE)
    assert "GB 17761-2018" in refused.message
    assert run(date(2026, 12, 1), {**answers, "standard_edition": "gb17761_2024", "purchase_date": "2026-11-28",
                                   "battery_type": "lead_acid", "mass": "63.5"}).decision is Decision.REFUSE


@pytest.mark.parametrize("bought, passes", [(date(2025, 11, 30), True), (date(2025, 12, 1), False)])
def test_a_2018_standard_bike_conforms_if_it_was_bought_while_it_could_be_sold(bought, passes):
    # Registered late (a warning, not a refusal), judged by the edition it was made to.
    result = made_to("gb17761_2018", bought, date(2026, 1, 5))
    finding = one(result, "dc.standard.edition")
    if passes:
        assert finding.outcome is Outcome.PASS and result.decision is Decision.ACCEPT
        assert one(result, "dc.standard.max_speed").message.endswith("GB 17761-2018规定的25 km/h")
    else:
        assert (finding.outcome, finding.effect) == (Outcome.FAIL, Effect.REFUSE)
        assert "2025-11-30" in finding.message and result.decision is Decision.REFUSE


def test_an_edition_not_yet_in_force_must_be_corrected_and_a_missing_one_asked_for():
    early = made_to("gb17761_2024", date(2025, 5, 20), date(2025, 6, 1))
    finding = one(early, "dc.standard.edition")
    assert (finding.outcome, finding.effect) == (Outcome.FAIL, Effect.CORRECT)
    missing = run(TODAY, drop=("standard_edition",))
    assert one(missing, "dc.standard.edition").outcome is Outcome.MISSING
    assert missing.decision is Decision.INCOMPLETE


def test_every_limit_names_its_source_in_the_facts():
    result = run(date(2026, 12, 1))
    for rule_id in ("dc.standard.max_speed", "dc.standard.mass", "dc.standard.pedalling"):
        assert "GB 17761-2024" in one(result, rule_id).facts["source"]


@pytest.mark.parametrize(
    "key, ok, too_high",
    [("max_speed", 25, "25.01"), ("mass", 55, "55.01"), ("motor_power", 400, 401), ("battery_voltage", 48, "48.5")],
)
def test_2018_limits_both_sides(key, ok, too_high):
    assert one(run(answers={key: ok}), f"dc.standard.{key}").outcome is Outcome.PASS
    over = run(answers={key: too_high})
    assert one(over, f"dc.standard.{key}").outcome is Outcome.FAIL
    assert over.decision is Decision.REFUSE


def test_lead_acid_and_lithium_share_the_2018_mass_limit():
    assert run(answers={"battery_type": "lead_acid", "mass": 55}).decision is Decision.ACCEPT
    assert run(answers={"battery_type": "lithium", "mass": 56}).decision is Decision.REFUSE


@pytest.mark.parametrize("key, value", [("max_speed", 0), ("max_speed", 300), ("mass", -5), ("motor_power", 0)])
def test_absurd_values_are_field_errors_not_refusals(key, value):
    result = run(answers={key: value})
    error = one(result, f"field.{key}.format")
    assert error.effect is Effect.CORRECT
    assert result.decision is Decision.INCOMPLETE
    assert one(result, f"dc.standard.{key}").outcome is Outcome.MISSING


def test_missing_battery_type_is_missing_information():
    result = run(drop=("battery_type",))
    assert one(result, "dc.standard.mass").outcome is Outcome.MISSING
    assert result.decision is Decision.INCOMPLETE


def test_ccc_catalog():
    refused = run(answers={"ccc_in_catalog": False})
    assert one(refused, "dc.ccc_catalog").effect is Effect.REFUSE
    assert refused.decision is Decision.REFUSE
    assert one(run(drop=("ccc_in_catalog",)), "dc.ccc_catalog").outcome is Outcome.MISSING


# --- 30 days from purchase, 第四十条 transition ------------------------------------------------


def test_window_day_30_and_31():
    bought = date(2025, 6, 1)
    on_time = run(bought + timedelta(days=30), {"purchase_date": bought.isoformat()})
    assert one(on_time, "dc.window").outcome is Outcome.PASS
    late = run(bought + timedelta(days=31), {"purchase_date": bought.isoformat()})
    finding = one(late, "dc.window")
    assert (finding.outcome, finding.effect) == (Outcome.FAIL, Effect.WARN)
    assert "第三十七条" in finding.message and finding.facts["days_late"] == 1
    assert late.decision is Decision.ACCEPT  # late is still registered


def test_article_40_transition():
    old = {"purchase_date": "2021-03-01", "ccc_cert_no": "2020011119123456"}
    on_time = one(run(date(2021, 5, 31), old), "dc.window")
    assert on_time.outcome is Outcome.PASS and on_time.basis.clause == "第四十条第一款"
    assert on_time.facts["last_day"] == date(2021, 5, 31)
    late = one(run(date(2021, 6, 1), old), "dc.window")
    assert (late.outcome, late.effect) == (Outcome.FAIL, Effect.WARN)
    assert late.basis.clause == "第四十条第一款"


def test_purchase_date_after_today_is_a_field_error():
    result = run(answers={"purchase_date": (TODAY + timedelta(days=1)).isoformat()})
    assert one(result, "field.purchase_date.format").effect is Effect.CORRECT
    assert one(result, "dc.window").outcome is Outcome.MISSING
    assert result.decision is Decision.INCOMPLETE
    assert run(answers={"purchase_date": TODAY.isoformat()}).decision is Decision.ACCEPT


# --- frame number, CCC number, uniqueness -------------------------------------------------------


@pytest.mark.parametrize("frame", ["119TDT24051234", "119TDT2405123456", "119TDT24051234#", "119TDT24051234中"])
def test_malformed_frame_number(frame):
    result = run(answers={"frame_no": frame})
    finding = one(result, "dc.frame_no")
    assert (finding.outcome, finding.effect) == (Outcome.FAIL, Effect.CORRECT)
    assert result.decision is Decision.INCOMPLETE


def test_frame_number_is_normalized_and_structure_only_warns():
    assert run(answers={"frame_no": "１１９tdt-2405 12345"}).decision is Decision.ACCEPT
    result = run(answers={"frame_no": "119TDTO40512345"})
    warning = [f for f in result.findings if f.rule_id == "dc.frame_no.structure"]
    assert warning and warning[0].effect is Effect.WARN
    assert result.decision is Decision.ACCEPT


@pytest.mark.parametrize("ccc", ["202401111912345", "20240111191234567", "2024O11119123456"])
def test_malformed_ccc_number(ccc):
    result = run(answers={"ccc_cert_no": ccc})
    assert one(result, "dc.ccc_cert_no").effect is Effect.CORRECT
    assert result.decision is Decision.INCOMPLETE


def test_ccc_structure_only_warns():
    result = run(answers={"ccc_cert_no": "2030010101123456"})
    warnings = [f for f in result.findings if f.rule_id == "dc.ccc_cert_no.structure"]
    assert len(warnings) == 2 and all(w.effect is Effect.WARN for w in warnings)
    assert result.decision is Decision.ACCEPT


def test_duplicate_frame_number_is_refused_naming_the_case():
    existing = {"case_no": "DC012501020001X", "plate_no": "郑A00001", "status": "registered"}
    result = run(facts={"frame_registered": existing})
    finding = one(result, "dc.frame_unique")
    assert (finding.outcome, finding.effect) == (Outcome.FAIL, Effect.REFUSE)
    # The refusal may be handed to someone who is not the registered bike's owner: its plate masked.
    assert "DC012501020001X" in finding.message and "号牌***0001" in finding.message
    assert "郑A00001" not in finding.message
    assert result.decision is Decision.REFUSE


def test_a_standalone_pc_tells_the_clerk_its_frame_check_covers_only_this_pc():
    result = run(facts={"frame_registered": None, "frame_register_scope": "standalone"})
    finding = one(result, "dc.frame_unique")
    assert (finding.outcome, finding.effect) == (Outcome.MANUAL, Effect.WARN)
    assert "单机模式" in finding.message and "其他窗口电脑上的登记无法查询" in finding.message
    assert result.decision is Decision.ACCEPT  # a warning: the clerk checks, the case goes on


def test_duplicate_frame_of_a_stolen_bike_says_so():
    existing = {"case_no": "DC012501020001X", "plate_no": "郑A00001", "status": "stolen"}
    assert "被盗" in one(run(facts={"frame_registered": existing}), "dc.frame_unique").message


def test_frame_lookup_absent_is_a_manual_check():
    finding = one(run(facts={}), "dc.frame_unique")
    assert finding.outcome is Outcome.MANUAL and "未查询车架号是否已登记" in finding.message
    assert one(run(facts={"frame_registered": None}), "dc.frame_unique").outcome is Outcome.PASS


# --- owner, scope, materials, inspection ------------------------------------------------------------

GOOD_IDS = {
    "resident_id": "410105197501010019",
    "hmt_residence_permit": "810000199003071237",
    "foreign_permanent_resident": "USA123456789012",
    "hk_macau_travel_permit": "H12345678",
    "taiwan_travel_permit": "12345678",
    "passport": "E12345678",
}
BAD_IDS = {
    "resident_id": "410105197501010018",
    "hmt_residence_permit": "410105197501010019",
    "foreign_permanent_resident": "US1234567890123",
    "hk_macau_travel_permit": "X12345678",
    "taiwan_travel_permit": "1234567",
    "passport": "E1",
}


@pytest.mark.parametrize("id_type", list(GOOD_IDS))
def test_each_owner_id_type(id_type):
    good = run(answers={"owner_id_type": id_type, "owner_id_number": GOOD_IDS[id_type]})
    assert good.decision is Decision.ACCEPT, [f.message for f in good.failures()]
    bad = run(answers={"owner_id_type": id_type, "owner_id_number": BAD_IDS[id_type]})
    assert one(bad, "field.owner_id_number.format").effect is Effect.CORRECT
    assert bad.decision is Decision.INCOMPLETE


def test_scope_outside_urban_area_is_flagged_not_refused():
    result = run(answers={"owner_district": "410122"})
    finding = one(result, "dc.scope")
    assert (finding.outcome, finding.effect) == (Outcome.MANUAL, Effect.WARN)
    assert finding.basis.clause == "第四十一条第二款"
    assert result.decision is Decision.ACCEPT
    zone = one(run(answers={"owner_district": "410173"}), "dc.scope")
    assert zone.outcome is Outcome.PASS and zone.basis.clause == "第四十一条第一款"


def test_invoice_or_other_proof_of_origin():
    base = {"application_form": "provided", "owner_id": "provided", "conformity_cert": "provided"}
    assert run(materials={**base, "origin_proof": "provided"}).decision is Decision.ACCEPT
    result = run(materials=base)
    assert [m.key for m in result.missing_materials] == ["purchase_invoice"]
    assert "其他合法来历证明材料" in result.missing_materials[0].label
    assert result.decision is Decision.INCOMPLETE


def test_all_missing_materials_at_once():
    result = run(materials={})
    assert {m.key for m in result.missing_materials} == {
        "application_form", "owner_id", "purchase_invoice", "conformity_cert",
    }


INSPECTION = ("inspect_frame", "inspect_motor", "inspect_certificate")


@pytest.mark.parametrize("key", INSPECTION)
def test_an_unanswered_inspection_item_is_missing_never_false(key):
    result = run(drop=(key,))
    found = [f for f in result.findings if f.field == key]
    assert [(f.outcome, f.effect) for f in found] == [(Outcome.MISSING, Effect.CORRECT)]
    assert found[0].basis == ec.B("第十四条")
    assert result.decision is Decision.INCOMPLETE
    assert not result.corrections()  # a one-time notice can tell it


@pytest.mark.parametrize("key", INSPECTION)
def test_a_mismatch_refuses_citing_article_14_and_needs_its_note(key):
    result = run(answers={key: "mismatch"})
    refusal = next(f for f in result.findings if f.field == key)
    assert (refusal.outcome, refusal.effect) == (Outcome.FAIL, Effect.REFUSE)
    assert refusal.basis == ec.B("第十四条") and "不予登记" in refusal.message
    assert result.decision is Decision.REFUSE
    # the written refusal must say what did not match: refused until the note is written
    assert [f.field for f in result.corrections()] == ["inspect_note"]
    noted = run(answers={key: "mismatch", "inspect_note": "车架钢印为119TDT240599999"})
    assert not noted.corrections()
    assert "车架钢印为119TDT240599999" in next(f for f in noted.findings if f.field == key).message
    others = [f for f in noted.findings if f.field in INSPECTION and f.field != key]
    assert [f.outcome for f in others] == [Outcome.PASS, Outcome.PASS]


def test_every_item_matching_passes_and_the_note_is_not_asked():
    result = run()
    assert [f.outcome for f in result.findings if f.rule_id.startswith("dc.inspected")] == [Outcome.PASS] * 3
    assert result.decision is Decision.ACCEPT


def test_an_old_case_with_the_single_tick_still_assesses():
    """Saved before the inspection was data: "vehicle_inspected" means the frame number matched, no more."""
    ticked = run(answers={"vehicle_inspected": True}, drop=INSPECTION)
    by_field = {f.field: f for f in ticked.findings if f.rule_id.startswith("dc.inspected")}
    assert by_field["inspect_frame"].outcome is Outcome.PASS
    assert by_field["inspect_motor"].outcome is Outcome.MISSING
    assert by_field["inspect_certificate"].outcome is Outcome.MISSING
    assert ticked.decision is Decision.INCOMPLETE
    unticked = run(answers={"vehicle_inspected": False}, drop=INSPECTION)
    assert {f.field for f in unticked.findings if f.outcome is Outcome.MISSING} >= set(INSPECTION)
    assert SERVICE.upgrade_answers({"vehicle_inspected": True, "inspect_frame": "mismatch"}) == {
        "inspect_frame": "mismatch"}  # what the new form says wins


def test_cli_assesses_an_old_case_file(tmp_path):
    case = SERVICE.example(date.today())
    for key in INSPECTION:
        case["answers"].pop(key)
    case["answers"]["vehicle_inspected"] = True
    path = tmp_path / "old.json"
    path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "forms", "assess", "ebike_registration", str(path)],
                          capture_output=True, text=True, cwd=ROOT)
    assert "未知字段" not in done.stdout + done.stderr
    assert "电机号" in done.stdout


def test_cli_assesses_the_example(tmp_path):
    today = date.today()
    path = tmp_path / "case.json"
    path.write_text(json.dumps(SERVICE.example(today), ensure_ascii=False), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "forms", "assess", "ebike_registration", str(path), "--today", today.isoformat()],
        cwd=ROOT, capture_output=True, text=True, encoding="utf-8", check=True,
    )
    assert json.loads(done.stdout)["decision"] == "accept"
