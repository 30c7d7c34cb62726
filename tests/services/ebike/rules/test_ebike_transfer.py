"""Tests for the e-bike transfer service: the registration look-up, stolen bikes, the new owner."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from forms.model import Decision, Effect, Outcome
from forms.service import assess
from forms.services.ebike.transfer import SERVICE

ROOT = Path(__file__).resolve().parents[4]
TODAY = date(2025, 9, 1)


def run(answers=None, registration="example", materials=None, today=TODAY, drop=()):
    case = SERVICE.example(today)
    case["answers"].update(answers or {})
    for key in drop:
        case["answers"].pop(key)
    facts = case["facts"]
    if registration is None:
        facts = {"registration": None}
    elif registration == "absent":
        facts = {}
    elif registration != "example":
        facts = {"registration": {**facts["registration"], **registration}}
    return assess(SERVICE, case["answers"], case["materials"] if materials is None else materials, today, facts)


def one(assessment, rule_id):
    found = [f for f in assessment.findings if f.rule_id == rule_id]
    assert len(found) == 1, (rule_id, [f.rule_id for f in assessment.findings])
    return found[0]


def test_example_is_accepted():
    for today in (TODAY, date.today()):
        result = run(today=today)
        assert result.decision is Decision.ACCEPT, [f.message for f in result.failures()]
        # The hall's 承诺办结时限 (a shipped default of one working day, issue 14).
        assert [(d.key, d.count, d.unit, d.stage) for d in result.deadlines] == [
            ("promised", 1, "working_days", "completion")]
        assert "默认值" in str(result.deadlines[0].basis)


@pytest.mark.parametrize("status, label", [("stolen", "被盗"), ("lost", "遗失"), ("destroyed", "灭失")])
def test_bike_reported_stolen_or_lost_cannot_be_transferred(status, label):
    result = run(registration={"status": status})
    finding = one(result, "dz.status")
    assert (finding.outcome, finding.effect) == (Outcome.FAIL, Effect.REFUSE)
    assert label in finding.message and finding.basis.clause == "第十五条"
    assert result.decision is Decision.REFUSE


def test_registration_not_found_is_refused():
    result = run(registration=None)
    finding = one(result, "dz.registration")
    assert finding.effect is Effect.REFUSE and "未找到该号牌/车架号的登记" in finding.message
    assert result.decision is Decision.REFUSE


def test_registration_not_looked_up_is_a_manual_check():
    finding = one(run(registration="absent"), "dz.registration")
    assert finding.outcome is Outcome.MANUAL


def test_plate_or_frame_number_needed():
    result = run(drop=("plate_no", "frame_no"))
    assert one(result, "dz.registration").outcome is Outcome.MISSING
    assert result.decision is Decision.INCOMPLETE
    assert run(drop=("frame_no",)).decision is Decision.ACCEPT
    assert run(drop=("plate_no",)).decision is Decision.ACCEPT


def test_plate_not_matching_the_registration_must_be_corrected():
    result = run(answers={"plate_no": "郑A99999"})
    finding = one(result, "dz.registration")
    assert (finding.outcome, finding.effect) == (Outcome.FAIL, Effect.CORRECT)
    assert result.decision is Decision.INCOMPLETE


def test_malformed_frame_number():
    result = run(answers={"frame_no": "119TDT24051234"})
    assert one(result, "dz.frame_no").effect is Effect.CORRECT
    assert result.decision is Decision.INCOMPLETE


def test_new_owner_same_as_current_owner():
    same = run(answers={"new_owner_id_number": "410105197501010019", "new_owner_name": "张伟"})
    finding = one(same, "dz.new_owner")
    assert (finding.outcome, finding.effect) == (Outcome.FAIL, Effect.CORRECT)
    assert same.decision is Decision.INCOMPLETE


def test_same_name_without_registered_id_is_a_manual_check():
    result = run(answers={"new_owner_name": "张伟"}, registration={"owner_id_number": None})
    assert one(result, "dz.new_owner").outcome is Outcome.MANUAL
    assert result.decision is Decision.ACCEPT


@pytest.mark.parametrize(
    "id_type, good, bad",
    [
        ("resident_id", "41018219850612002X", "410182198506120021"),
        ("hmt_residence_permit", "810000199003071237", "820000199003071237"),
        ("foreign_permanent_resident", "USA123456789012", "USA12345678901"),
        ("hk_macau_travel_permit", "M1234567890", "M123456789"),
        ("taiwan_travel_permit", "87654321", "8765432A"),
        ("passport", "P1234567", "P-1"),
    ],
)
def test_new_owner_id_types(id_type, good, bad):
    assert run(answers={"new_owner_id_type": id_type, "new_owner_id_number": good}).decision is Decision.ACCEPT
    result = run(answers={"new_owner_id_type": id_type, "new_owner_id_number": bad})
    assert one(result, "field.new_owner_id_number.format").effect is Effect.CORRECT


def test_transfer_date_after_today_is_a_field_error():
    result = run(answers={"transfer_date": (TODAY + timedelta(days=1)).isoformat()})
    assert one(result, "field.transfer_date.format").effect is Effect.CORRECT
    assert one(result, "dz.transfer").outcome is Outcome.MISSING
    assert run(answers={"transfer_date": TODAY.isoformat()}).decision is Decision.ACCEPT


def test_new_owner_outside_urban_area_is_flagged():
    finding = one(run(answers={"new_owner_district": "410106"}), "dz.scope")
    assert (finding.outcome, finding.effect) == (Outcome.MANUAL, Effect.WARN)


def test_proof_of_transfer_is_required():
    result = run(materials={"application_form": "provided", "new_owner_id": "provided"})
    assert [m.key for m in result.missing_materials] == ["transfer_proof"]
    assert result.decision is Decision.INCOMPLETE


def test_cli_assesses_the_example(tmp_path):
    today = date.today()
    path = tmp_path / "case.json"
    path.write_text(json.dumps(SERVICE.example(today), ensure_ascii=False), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "forms", "assess", "ebike_transfer", str(path), "--today", today.isoformat()],
        cwd=ROOT, capture_output=True, text=True, encoding="utf-8", check=True,
    )
    assert json.loads(done.stdout)["decision"] == "accept"


def test_transfer_date_before_the_registration_is_a_field_error():
    registered = (TODAY - timedelta(days=200)).isoformat()  # the example's registration date
    result = run(answers={"transfer_date": (TODAY - timedelta(days=201)).isoformat()})
    finding = one(result, "dz.transfer")
    assert (finding.outcome, finding.effect, finding.field) == (Outcome.FAIL, Effect.CORRECT, "transfer_date")
    assert f"早于该车的登记日期{registered}" in finding.message and "第十五条" in str(finding.basis)
    assert result.decision is Decision.INCOMPLETE
    # The day of the registration itself is possible.
    assert one(run(answers={"transfer_date": registered}), "dz.transfer").outcome is Outcome.PASS


def test_transfer_date_before_the_last_transfer_is_a_field_error():
    last = (TODAY - timedelta(days=10)).isoformat()
    result = run(answers={"transfer_date": (TODAY - timedelta(days=11)).isoformat()},
                 registration={"last_transfer_on": last})
    finding = one(result, "dz.transfer")
    assert (finding.effect, finding.field) == (Effect.CORRECT, "transfer_date") and last in finding.message
    assert one(run(answers={"transfer_date": last}, registration={"last_transfer_on": last}),
               "dz.transfer").outcome is Outcome.PASS


def test_a_mismatch_names_the_registers_numbers_masked():
    finding = one(run(answers={"plate_no": "郑A99999"}), "dz.registration")
    assert "郑A99999" in finding.message and "***2345" in finding.message and "郑A12345" not in finding.message
    finding = one(run(answers={"frame_no": "119TDT240599999", "plate_no": None}), "dz.registration")
    assert "119TDT*****2345" in finding.message and "119TDT240512345" not in finding.message
