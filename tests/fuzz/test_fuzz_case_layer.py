"""Fuzz the case layer for every service: hostile answers and materials into assess, drafts and intake.

Allowed outcomes: an assessment (bad values are findings on their fields), or ActionRefused /
EnvironmentFailure with a Chinese message — and then nothing written: no case, paper, audit row or file.
"""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from hostile import FUZZ, RUNS, TODAY, answers_for, materials_for
from hypothesis import given, strategies as st
from sqlalchemy import func, select

from desktop.cases import intake
from desktop.cases.dto import Actor
from desktop.cases.errors import ActionRefused
from desktop.cases.hall_context import HallContext
from desktop.store.errors import EnvironmentFailure
from desktop.store.models import AuditEvent, Case, Document
from forms import registry
from forms.values import text_problem

SERVICES = list(registry.services())
NOW = datetime.combine(TODAY, datetime.min.time()).replace(hour=10)
CJK = re.compile("[\u4e00-\u9fff]")
ACTIONS = {"draft": None, "accept": intake.accept, "notice": intake.give_notice, "refuse": intake.refuse}


def written(db, papers) -> tuple:
    with db.unit() as s:
        counts = tuple(s.scalar(select(func.count()).select_from(t)) for t in (Case, Document, AuditEvent))
    return counts + (sorted(p.name for p in papers.glob("*")) if papers.exists() else [],)


def assert_message(exc: Exception) -> None:
    message = getattr(exc, "message", str(exc))
    assert CJK.search(message) and text_problem(message) is None, message


@pytest.mark.parametrize("service_id", SERVICES)
def test_assess_case_turns_hostile_values_into_findings(service_id, db):
    run_name = f"assess_case[{service_id}]"
    service = registry.get(service_id)

    @FUZZ
    @given(answers=answers_for(service), materials=materials_for(service))
    def run(answers, materials):
        RUNS[run_name] += 1
        try:
            assessment = intake.assess_case(db, service_id, answers, materials, TODAY)
        except ActionRefused as exc:  # a key the form does not know, a material state that does not exist
            assert_message(exc)
            return
        for finding in assessment.findings:
            assert text_problem(finding.message) is None, finding
        assessment.to_dict()

    run()
    assert RUNS[run_name] >= FUZZ.max_examples  # every input really ran


@pytest.mark.parametrize("service_id", SERVICES)
def test_intake_stores_or_refuses_with_nothing_half_written(service_id, db, admin, tmp_path):
    run_name = f"intake[{service_id}]"
    service = registry.get(service_id)
    actor = Actor(admin, "03", "郑州市金水区政务服务中心")
    papers = tmp_path / "papers"

    @FUZZ
    @given(answers=answers_for(service), materials=materials_for(service), action=st.sampled_from(list(ACTIONS)))
    def run(answers, materials, action):
        RUNS[run_name] += 1
        before = written(db, papers)
        try:
            if action == "draft":
                intake.save_draft(db, actor, service_id, answers, materials, now=NOW)
            else:
                ACTIONS[action](HallContext(db, actor, papers), service_id, answers, materials, now=NOW)
        except (ActionRefused, EnvironmentFailure) as exc:
            assert_message(exc)
            assert written(db, papers) == before
            return
        assert written(db, papers) != before

    run()
    assert RUNS[run_name] >= FUZZ.max_examples  # every input really ran
