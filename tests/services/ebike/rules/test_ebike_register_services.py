"""Rules of 灭失登记, 找回登记 and 号牌补领/换领 (forms only): look-up, status, owner, dates, voided plates, materials."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from forms import registry
from forms.model import Decision, Effect, Outcome
from forms.service import assess

ROOT = Path(__file__).resolve().parents[4]
TODAY = date(2026, 11, 25)
NEW = ("ebike_destroyed", "ebike_recovered", "ebike_plate")
OTHER_ID = "41018219850612002X"
VOIDED = {"plate_no": "郑A12345", "reason": "lost", "voided_on": "2026-10-01", "case_no": "DP012610010001X",
          "replaced_by": "郑A00077"}


def run(service_id, answers=None, registration=None, materials=None, facts=None, today=TODAY, drop_materials=()):
    service = registry.get(service_id)
    case = service.example(today)
    case["answers"].update(answers or {})
    given = dict(case["facts"])
    if registration is not None:
        given["registration"] = None if registration == "none" else {**given["registration"], **registration}
    given.update(facts or {})
    used = dict(case["materials"] if materials is None else materials)
    for key in drop_materials:
        used.pop(key)
    return assess(service, case["answers"], used, today, given)


def one(assessment, rule_id):
    found = [f for f in assessment.findings if f.rule_id == rule_id]
    assert len(found) == 1, (rule_id, [f.rule_id for f in assessment.findings])
    return found[0]


@pytest.mark.parametrize("service_id", NEW)
def test_examples_are_accepted_with_their_promised_deadline_and_decided_at_the_window(service_id):
    service = registry.get(service_id)
    assert service.decided_at_window and service.paper_titles["refusal"] == "不予登记通知书"
    for today in (date(2025, 6, 2), TODAY, date.today()):
        result = run(service_id, today=today)
        assert result.decision is Decision.ACCEPT, [f.message for f in result.failures()]
        [deadline] = result.deadlines
        assert (deadline.count, deadline.unit, deadline.stage) == (1, "working_days", "completion")
        assert "默认值" in str(deadline.basis) and "第十五条" in str(deadline.basis)


def test_listed_by_the_cli_after_the_existing_services():
    out = subprocess.run([sys.executable, "-m", "forms", "list"], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout.splitlines()
    ids = [line.split("\t")[0] for line in out]
    assert ids[:5] == ["residence_permit", "ebike_registration", "ebike_transfer", "ebike_theft", "startup_subsidy"]
    assert ids[5:5 + len(NEW)] == list(NEW)  # Ctrl+1…Ctrl+5 keep their services; services added later follow


@pytest.mark.parametrize("service_id", NEW)
def test_cli_assesses_the_example_from_json(service_id, tmp_path):
    case = tmp_path / "case.json"
    example = subprocess.run([sys.executable, "-m", "forms", "example", service_id], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout
    case.write_text(example, encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "forms", "assess", service_id, str(case), "--today", date.today().isoformat()],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert json.loads(out)["decision"] == "accept"


@pytest.mark.parametrize("service_id,prefix", [("ebike_destroyed", "dm"), ("ebike_recovered", "dh"),
                                               ("ebike_plate", "dp")])
def test_lookups_refuse_unknown_bikes_a_voided_plate_and_a_stranger(service_id, prefix):
    none = run(service_id, registration="none")
    assert none.decision is Decision.REFUSE and "未找到" in one(none, f"{prefix}.registration").message
    voided = run(service_id, facts={"voided_plate": VOIDED})
    finding = one(voided, f"{prefix}.registration")
    assert voided.decision is Decision.REFUSE and finding.effect is Effect.REFUSE
    assert "郑A12345已于2026-10-01作废（号牌遗失补领，案件DP012610010001X）" in finding.message
    assert "郑A00077" not in finding.message and "第二十一条" in str(finding.basis)  # the new plate is not told
    stranger = run(service_id, {"owner_id_number": OTHER_ID, "owner_name": "李娜"})
    owner = one(stranger, f"{prefix}.owner")
    assert stranger.decision is Decision.REFUSE and owner.effect is Effect.REFUSE
    assert "张伟" not in owner.message  # the paper to a non-owner does not name the owner
    # An old record without the owner's ID: the clerk compares the papers (the hook compares again).
    old = run(service_id, registration={"owner_id_number": None})
    assert one(old, f"{prefix}.owner").outcome is Outcome.MANUAL and old.decision is Decision.ACCEPT
    mismatch = run(service_id, {"frame_no": "119TDT240599999"})
    assert mismatch.decision is Decision.INCOMPLETE and "不一致" in one(mismatch, f"{prefix}.registration").message


def test_not_looked_up_is_a_manual_check_never_a_silent_pass():
    service = registry.get("ebike_destroyed")
    case = service.example(TODAY)
    result = assess(service, case["answers"], case["materials"], TODAY, {})
    assert one(result, "dm.registration").outcome is Outcome.MANUAL


# --- 灭失 -----------------------------------------------------------------------------------------


def test_destroyed_status_and_dates():
    again = run("ebike_destroyed", registration={"status": "destroyed"})
    assert again.decision is Decision.REFUSE and "已经终止" in one(again, "dm.status").message
    stolen = run("ebike_destroyed", registration={"status": "stolen"})
    assert one(stolen, "dm.status").outcome is Outcome.MANUAL and stolen.decision is Decision.ACCEPT
    early = run("ebike_destroyed", {"destroyed_date": (TODAY - timedelta(days=300)).isoformat()})
    finding = one(early, "dm.destroyed")
    assert early.decision is Decision.INCOMPLETE and finding.effect is Effect.CORRECT and "早于该车登记日期" in finding.message
    future = run("ebike_destroyed", {"destroyed_date": (TODAY + timedelta(days=1)).isoformat()})
    assert future.decision is Decision.INCOMPLETE


def test_destroyed_plate_not_returned_only_warns_and_the_proof_is_optional():
    kept = run("ebike_destroyed", {"plate_returned": False})
    finding = one(kept, "dm.plate")
    assert kept.decision is Decision.ACCEPT and finding.effect is Effect.WARN and "仍予作废" in finding.message
    bare = run("ebike_destroyed", materials={"application_form": "provided"})
    assert bare.decision is Decision.INCOMPLETE and [m.key for m in bare.missing_materials] == ["owner_id"]


# --- 找回 -----------------------------------------------------------------------------------------


def test_recovered_needs_a_stolen_or_lost_record():
    for status, words in (("registered", "未登记为被盗或遗失"), ("destroyed", "灭失")):
        result = run("ebike_recovered", registration={"status": status})
        assert result.decision is Decision.REFUSE and words in one(result, "dh.status").message
    lost = run("ebike_recovered", registration={"status": "lost", "police_report_no": None})
    assert lost.decision is Decision.ACCEPT and "遗失" in one(lost, "dh.status").message


def test_recovered_by_the_police_needs_their_return_paper():
    no_number = run("ebike_recovered", {"police_return_no": None})
    assert no_number.decision is Decision.INCOMPLETE and one(no_number, "dh.found").outcome is Outcome.MISSING
    no_paper = run("ebike_recovered", drop_materials=("police_return",))
    assert [m.key for m in no_paper.missing_materials] == ["police_return"]


def test_a_stolen_bike_the_owner_found_needs_the_police_told_a_lost_one_does_not():
    owner = {"found_by": "owner", "police_return_no": None}
    materials = {"application_form": "provided", "owner_id": "provided"}
    asked = run("ebike_recovered", owner, materials=materials)
    assert asked.decision is Decision.INCOMPLETE and one(asked, "dh.found").outcome is Outcome.MISSING
    untold = run("ebike_recovered", {**owner, "police_informed": False}, materials=materials)
    finding = one(untold, "dh.found")
    assert finding.effect is Effect.CORRECT and "J4101050000002025001234" in finding.message
    told = run("ebike_recovered", {**owner, "police_informed": True}, materials=materials)
    assert told.decision is Decision.ACCEPT
    lost = run("ebike_recovered", owner, registration={"status": "lost", "police_report_no": None},
               materials=materials)
    assert lost.decision is Decision.ACCEPT, [f.message for f in lost.failures()]


def test_recovered_date_and_inspection():
    early = run("ebike_recovered", {"found_date": (TODAY - timedelta(days=25)).isoformat()})
    assert early.decision is Decision.INCOMPLETE and "早于被盗日期" in one(early, "dh.found").message
    unseen = run("ebike_recovered", {"vehicle_inspected": False})
    assert unseen.decision is Decision.INCOMPLETE and one(unseen, "dh.inspected").effect is Effect.CORRECT


# --- 补领/换领 ------------------------------------------------------------------------------------


def test_plate_replacement_needs_a_registered_bike_with_a_plate():
    for status, words in (("stolen", "请先办理找回登记"), ("lost", "请先办理找回登记"), ("destroyed", "灭失")):
        result = run("ebike_plate", registration={"status": status})
        assert result.decision is Decision.REFUSE and words in one(result, "dp.status").message
    plateless = run("ebike_plate", {"plate_no": None}, registration={"plate_no": None})
    assert plateless.decision is Decision.REFUSE and "尚未核发号牌" in one(plateless, "dp.status").message


def test_plate_replacement_says_a_new_number_is_issued_and_a_damaged_plate_is_handed_in():
    lost = run("ebike_plate")
    assert "核发新号牌号码，原号牌郑A12345作废" in one(lost, "dp.event").message
    damaged = run("ebike_plate", {"plate_event": "damaged"})
    assert damaged.decision is Decision.INCOMPLETE and [m.key for m in damaged.missing_materials] == ["damaged_plate"]
    handed = run("ebike_plate", {"plate_event": "damaged"},
                 materials={"application_form": "provided", "owner_id": "provided", "damaged_plate": "provided"})
    assert handed.decision is Decision.ACCEPT
    unseen = run("ebike_plate", {"vehicle_inspected": False})
    assert unseen.decision is Decision.INCOMPLETE and "第二十一条" in str(one(unseen, "dp.inspected").basis)


# --- the existing procedures meet the new ones ---------------------------------------------------


def test_transfer_of_a_stolen_bike_points_to_the_recovery_procedure():
    result = run_existing("ebike_transfer", {"status": "stolen"})
    [status] = [f for f in result.findings if f.rule_id == "dz.status"]
    assert "请先办理找回登记" in status.message and "撤销" not in status.message


def test_existing_procedures_refuse_a_voided_plate():
    for service_id in ("ebike_transfer", "ebike_theft"):
        result = run_existing(service_id, None, {"voided_plate": VOIDED})
        assert result.decision is Decision.REFUSE
        assert any("作废" in f.message for f in result.failures()), service_id
    service = registry.get("ebike_registration")
    case = service.example(TODAY)
    result = assess(service, {**case["answers"], "plate_no": "郑A12345"}, case["materials"], TODAY,
                    {**case["facts"], "voided_plate": VOIDED})
    assert result.decision is Decision.REFUSE and one(result, "dc.plate_voided").effect is Effect.REFUSE


def test_a_destroyed_frame_number_is_refused_for_good():
    service = registry.get("ebike_registration")
    case = service.example(TODAY)
    result = assess(service, case["answers"], case["materials"], TODAY,
                    {"frame_registered": {"case_no": "DC012601010001X", "plate_no": "郑A00001", "status": "destroyed"}})
    finding = one(result, "dc.frame_unique")
    assert result.decision is Decision.REFUSE and "灭失登记" in finding.message and "永久不得再次登记" in finding.message


def run_existing(service_id, registration=None, facts=None):
    service = registry.get(service_id)
    case = service.example(TODAY)
    given = dict(case["facts"])
    if registration:
        given["registration"] = {**given["registration"], **registration}
    given.update(facts or {})
    return assess(service, case["answers"], case["materials"], TODAY, given)
