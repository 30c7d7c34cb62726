"""Once only: a resumed draft names who accepted it, and the subsidy hook refuses a claim whose history changed."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from sqlalchemy import func, select

from desktop.cases import hooks, intake, lifecycle
from desktop.cases.calendars import calendar_for
from desktop.cases.dto import Actor
from desktop.cases.errors import ActionRefused
from desktop.cases.facts import facts_for
from desktop.cases.hall_context import HallContext
from desktop.cases.services.subsidy import claims as subsidy
from desktop.cases.services.subsidy.models import SubsidyClaim
from desktop.store.models import AuditEvent, Case, Document
from forms import registry
from forms.service import assess

NOW = datetime(2026, 11, 25, 10, 30)
HALL = "郑州市金水区政务服务中心"


def test_a_resumed_draft_already_accepted_names_who_accepted_it(db, people, tmp_path):
    case = registry.get("residence_permit").example(NOW.date())
    clerk, other = people["clerk"], Actor(people["clerk"].account, "07", HALL)
    draft = intake.save_draft(db, clerk, "residence_permit", case["answers"], case["materials"], now=NOW)
    done = intake.accept(HallContext(db, clerk, tmp_path),
                         "residence_permit", case["answers"], case["materials"], case_id=draft.id,
                         now=NOW)
    with pytest.raises(ActionRefused) as info:
        intake.accept(HallContext(db, other, tmp_path),
                      "residence_permit", case["answers"], case["materials"], case_id=draft.id,
                      now=NOW)
    # Who and where from the audit event (its time is the clock's, not the test's NOW).
    assert re.match(r"该案件已由张伟（03号窗口）于\d{4}-\d\d-\d\d \d\d:\d\d受理（案件号(\w+)），不能再次受理",
                    info.value.message).group(1) == done.case.case_no
    with db.unit() as s:
        assert s.scalar(select(func.count(Document.id)).where(Document.case_id == draft.id)) == 1
        assert s.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.case_id == draft.id,
                                                                AuditEvent.action == "case.accepted")) == 1


def test_a_decided_case_refuses_the_second_decision(db, people, tmp_path):
    case = registry.get("residence_permit").example(NOW.date())
    done = intake.accept(HallContext(db, people["clerk"], tmp_path),
                         "residence_permit", case["answers"], case["materials"], now=NOW)
    lifecycle.approve(HallContext(db, people["sup"], tmp_path), done.case.id, now=NOW)
    with pytest.raises(ActionRefused, match="已批准待发放"):
        lifecycle.approve(HallContext(db, people["sup2"], tmp_path), done.case.id, now=NOW)
    code = lifecycle.decision_reasons(db, "residence_permit")[0].code
    with pytest.raises(ActionRefused, match="已批准待发放"):
        lifecycle.refuse(HallContext(db, people["sup2"], tmp_path), done.case.id, [code], now=NOW)
    with db.unit() as s:
        assert s.scalar(select(func.count(Document.id)).where(Document.case_id == done.case.id,
                                                              Document.kind == "permit_collection")) == 1


def _site_claim(months: list[str]) -> tuple[dict, dict]:
    example = registry.get("startup_subsidy").example(NOW.date())
    rows = [{"month": f"{m}-01", "category": "rent", "amount": "10000.00"} for m in months]
    return dict(example["answers"], park_costs=rows), example["materials"]


def _run_accept_hook(db, actor, answers, materials, facts):
    """The accept step as intake runs it, but with the facts another unit read a moment earlier."""
    service = registry.get("startup_subsidy")
    with db.unit() as s:
        assessment = assess(service, answers, materials, NOW.date(), facts, calendar_for(db), strict=False)
        row = Case(service_id=service.service_id, status="accepted", window=actor.window,
                   clerk_id=actor.account.id, created_at=NOW, updated_at=NOW, received_on=NOW.date(),
                   answers=answers, materials=materials, case_no="CY072611250099X")
        s.add(row)
        s.flush()
        hooks.run("accepted", hooks.IntakeContext(s, row, service, answers, assessment, actor, NOW, facts))


def test_subsidy_hook_refuses_when_a_claim_appeared_after_the_facts_were_read(db, people, tmp_path):
    service = registry.get("startup_subsidy")
    answers, materials = _site_claim(["2026-01", "2026-02", "2026-03"])
    with db.read() as s:
        stale = facts_for(s, service, answers, None)
    assert stale["earlier_claims"] == []
    # Another window accepts the same claim in between: the year's room is now 5,000, not 20,000.
    intake.accept(HallContext(db, people["clerk"], tmp_path), "startup_subsidy", answers, materials, now=NOW)
    with pytest.raises(ActionRefused) as info:
        _run_accept_hook(db, Actor(people["clerk"].account, "07", HALL), answers, materials, stale)
    assert info.value.message == subsidy.CHANGED
    with pytest.raises(ActionRefused):  # facts the hook cannot compare are no facts
        _run_accept_hook(db, Actor(people["clerk"].account, "07", HALL), answers, materials, None)
    with db.read() as s:
        fresh = facts_for(s, service, answers, None)
        assert s.scalar(select(func.count(SubsidyClaim.id))) == 1 and s.scalar(select(func.count(Case.id))) == 1
    _run_accept_hook(db, Actor(people["clerk"].account, "07", HALL), answers, materials, fresh)  # current: recorded
    with db.read() as s:
        assert s.scalar(select(func.count(SubsidyClaim.id))) == 2
