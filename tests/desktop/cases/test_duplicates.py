"""Duplicate and conflicting applications are findings at intake, naming the other case (issue 14)."""

from __future__ import annotations

from datetime import datetime

from desktop.cases import intake
from desktop.cases.dto import Actor
from desktop.cases.hall_context import HallContext
from forms import registry
from forms.model import Outcome
from forms.service import assess

NOW = datetime(2026, 11, 25, 10, 0)
HALL = "郑州市金水区政务服务中心"


def _finding(assessment, rule_id):
    return next(f for f in assessment.findings if f.rule_id == rule_id)


def test_second_open_residence_case_and_other_name_are_found(db, admin, tmp_path):
    actor = Actor(admin, "03", HALL)
    case = registry.get("residence_permit").example(NOW.date())
    first = intake.accept(HallContext(db, actor, tmp_path),
                          "residence_permit", case["answers"], case["materials"], now=NOW)
    again = intake.assess_case(db, "residence_permit", case["answers"], case["materials"], NOW.date())
    dup = _finding(again, "dup.open_case")
    assert dup.outcome is Outcome.MANUAL and first.case.case_no in dup.message
    assert dup.facts["case_nos"] == [first.case.case_no] and str(dup.basis) == "郑政办〔2021〕8号"
    assert _finding(again, "dup.id_name").outcome is Outcome.PASS
    renamed = dict(case["answers"], name="欧阳娜")
    other = intake.assess_case(db, "residence_permit", renamed, case["materials"], NOW.date())
    conflict = _finding(other, "dup.id_name")
    assert conflict.outcome is Outcome.MANUAL and "欧阳娜娜" in conflict.message
    assert first.case.case_no in conflict.message and str(conflict.basis) == "GB 11643-1999《公民身份号码》"
    # The name conflict is found from another procedure's case too.
    sub = registry.get("startup_subsidy").example(NOW.date())
    claim = dict(sub["answers"], id_number=case["answers"]["id_number"], name="欧阳娜")
    found = intake.assess_case(db, "startup_subsidy", claim, sub["materials"], NOW.date())
    assert first.case.case_no in _finding(found, "dup.id_name").message
    assert _finding(found, "dup.open_case").outcome is Outcome.PASS  # another procedure is not a duplicate


def test_the_same_case_reassessed_is_not_its_own_duplicate(db, admin, tmp_path):
    case = registry.get("residence_permit").example(NOW.date())
    first = intake.accept(HallContext(db, Actor(admin, "03", HALL), tmp_path),
                          "residence_permit", case["answers"], case["materials"],
                          now=NOW)
    itself = intake.assess_case(db, "residence_permit", case["answers"], case["materials"], NOW.date(),
                                case_id=first.case.id)
    assert _finding(itself, "dup.open_case").outcome is Outcome.PASS


def test_subsidy_claims_of_other_kinds_are_not_duplicates(db, admin, tmp_path):
    sub = registry.get("startup_subsidy").example(NOW.date())
    intake.accept(HallContext(db, Actor(admin, "03", HALL), tmp_path),
                  "startup_subsidy", sub["answers"], sub["materials"], now=NOW)
    same = intake.assess_case(db, "startup_subsidy", sub["answers"], sub["materials"], NOW.date())
    assert _finding(same, "dup.open_case").outcome is Outcome.MANUAL
    other = intake.assess_case(db, "startup_subsidy", dict(sub["answers"], claim_type="startup_once"),
                               sub["materials"], NOW.date())
    assert _finding(other, "dup.open_case").outcome is Outcome.PASS


def test_without_the_facts_it_is_a_manual_check_not_a_pass():
    service = registry.get("residence_permit")
    case = service.example(NOW.date())
    found = assess(service, case["answers"], case["materials"], NOW.date(), {})
    assert _finding(found, "dup.open_case").outcome is Outcome.MANUAL
    assert _finding(found, "dup.id_name").outcome is Outcome.MANUAL
