"""Tests for the e-bike theft/loss service: look-up, repeated reports, the owner, the police report."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from forms.model import Decision, Effect, Outcome
from forms.service import assess
from forms.services.ebike.theft import SERVICE

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


LOST = {"report_kind": "lost", "police_report_no": None}
LOST_MATERIALS = {"application_form": "provided", "owner_id": "provided"}


def test_example_is_accepted():
    for today in (TODAY, date.today()):
        result = run(today=today)
        assert result.decision is Decision.ACCEPT, [f.message for f in result.failures()]
        # The hall's 承诺办结时限 (a shipped default of one working day, issue 14).
        assert [(d.key, d.count, d.unit, d.stage) for d in result.deadlines] == [
            ("promised", 1, "working_days", "completion")]
        assert "默认值" in str(result.deadlines[0].basis)


def test_loss_needs_no_police_report():
    assert run(answers=LOST, materials=LOST_MATERIALS).decision is Decision.ACCEPT


def test_theft_needs_police_report_number_and_receipt():
    result = run(drop=("police_report_no",), materials=LOST_MATERIALS)
    assert one(result, "dd.report").outcome is Outcome.MISSING
    assert [m.key for m in result.missing_materials] == ["police_receipt"]
    assert result.decision is Decision.INCOMPLETE


@pytest.mark.parametrize("kind", ["stolen", "lost"])
def test_already_reported_is_refused_with_the_reason(kind):
    answers = {} if kind == "stolen" else LOST
    result = run(answers=answers, registration={"status": kind})
    finding = one(result, "dd.status")
    assert (finding.outcome, finding.effect) == (Outcome.FAIL, Effect.REFUSE)
    assert "无需重复登记" in finding.message
    assert result.decision is Decision.REFUSE


def test_lost_then_stolen_is_a_manual_check():
    result = run(registration={"status": "lost"})
    assert one(result, "dd.status").outcome is Outcome.MANUAL
    assert result.decision is Decision.ACCEPT


def test_destroyed_bike_is_refused():
    assert run(registration={"status": "destroyed"}).decision is Decision.REFUSE


def test_registration_not_found_or_not_looked_up():
    refused = run(registration=None)
    assert one(refused, "dd.registration").effect is Effect.REFUSE
    assert refused.decision is Decision.REFUSE
    assert one(run(registration="absent"), "dd.registration").outcome is Outcome.MANUAL


def test_plate_or_frame_number_needed():
    result = run(drop=("plate_no", "frame_no"))
    assert one(result, "dd.registration").outcome is Outcome.MISSING
    assert result.decision is Decision.INCOMPLETE


def test_applicant_must_be_the_owner():
    result = run(answers={"owner_id_number": "41018219850612002X", "owner_name": "李娜"})
    finding = one(result, "dd.owner")
    assert (finding.outcome, finding.effect) == (Outcome.FAIL, Effect.REFUSE)
    unknown_id = run(registration={"owner_id_number": None})
    assert one(unknown_id, "dd.owner").outcome is Outcome.MANUAL


def test_loss_date_after_today_is_a_field_error():
    result = run(answers={"loss_date": (TODAY + timedelta(days=1)).isoformat()})
    assert one(result, "field.loss_date.format").effect is Effect.CORRECT
    assert result.decision is Decision.INCOMPLETE
    assert run(answers={"loss_date": TODAY.isoformat()}).decision is Decision.ACCEPT


def test_malformed_frame_number():
    result = run(answers={"frame_no": "119-TDT-2405-1234-5X"})
    assert one(result, "dd.frame_no").effect is Effect.CORRECT


@pytest.mark.parametrize(
    "id_type, bad",
    [("resident_id", "41010519750101001X"), ("passport", "E1"), ("taiwan_travel_permit", "123")],
)
def test_bad_owner_id(id_type, bad):
    result = run(answers={"owner_id_type": id_type, "owner_id_number": bad})
    assert one(result, "field.owner_id_number.format").effect is Effect.CORRECT


def test_cli_assesses_the_example(tmp_path):
    today = date.today()
    path = tmp_path / "case.json"
    path.write_text(json.dumps(SERVICE.example(today), ensure_ascii=False), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "forms", "assess", "ebike_theft", str(path), "--today", today.isoformat()],
        cwd=ROOT, capture_output=True, text=True, encoding="utf-8", check=True,
    )
    assert json.loads(done.stdout)["decision"] == "accept"


def test_a_refusal_for_a_non_owner_names_no_owner():
    result = run(answers={"owner_id_number": "41018219850612002X", "owner_name": "李娜"})
    finding = one(result, "dd.owner")
    assert "张伟" not in finding.message and "不是该车的登记所有人" in finding.message


def test_loss_date_before_the_registration_or_the_owners_transfer_is_a_field_error():
    registered = (TODAY - timedelta(days=200)).isoformat()
    result = run(answers={"loss_date": (TODAY - timedelta(days=300)).isoformat()})
    finding = one(result, "dd.report")
    assert (finding.outcome, finding.effect, finding.field) == (Outcome.FAIL, Effect.CORRECT, "loss_date")
    assert registered in finding.message and result.decision is Decision.INCOMPLETE
    bought = (TODAY - timedelta(days=5)).isoformat()
    result = run(answers={"loss_date": (TODAY - timedelta(days=6)).isoformat()},
                 registration={"last_transfer_on": bought})
    assert one(result, "dd.report").effect is Effect.CORRECT and bought in one(result, "dd.report").message
    # Without the dates in the facts nothing is checked (an old caller), never a crash.
    assert one(run(registration={"registered_on": None, "last_transfer_on": None}), "dd.report").outcome is Outcome.PASS
