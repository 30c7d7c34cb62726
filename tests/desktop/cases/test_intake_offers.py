"""The intake steps the page offers are exactly those intake takes: each one not offered is refused by intake itself."""

from __future__ import annotations

from datetime import datetime

import pytest

from desktop.cases import intake, intake_offers, pledges
from desktop.cases.errors import ActionRefused
from desktop.cases.hall_context import HallContext
from forms import registry
from forms.model import Decision

NOW = datetime(2026, 11, 25, 10, 30)


def _wrong_digit(number: str) -> str:
    return number[:-1] + ("1" if number[-1] == "0" else "0")


def _scenario(name: str) -> tuple[str, dict, dict]:
    service_id = "ebike_registration" if name == "ebike" else "residence_permit"
    example = registry.get(service_id).example(NOW.date())
    answers, materials = dict(example["answers"]), dict(example["materials"])
    if name == "core_missing":
        materials.pop("application_form")
    elif name == "non_core_missing":
        materials.pop("residence_proof")
    elif name in ("refusable", "refusable_mistyped"):
        answers["hukou_in_zhengzhou"] = True
    if name in ("refusable_mistyped", "incomplete_mistyped"):
        answers["id_number"] = _wrong_digit(answers["id_number"])
    if name == "incomplete_mistyped":
        materials = {}
    return service_id, answers, materials


SCENARIOS = {
    "example": {"accept"},
    "core_missing": {"notice"},
    "non_core_missing": {"notice", "rongque"},
    "refusable": {"refuse"},
    "refusable_mistyped": set(),  # a refusal would print the mistyped number (issue 12)
    "incomplete_mistyped": set(),
    "ebike": {"accept"},  # concluded at the window: never 容缺
}


def _run(step: str, db, actor, service_id, answers, materials, assessment, papers):
    hall = HallContext(db, actor, papers)
    if step == "rongque":
        due = pledges.default_due(assessment, NOW.date())[0]
        return intake.accept_with_pledge(hall, service_id, answers, materials, due=due, now=NOW)
    call = {"accept": intake.accept, "notice": intake.give_notice, "refuse": intake.refuse}[step]
    return call(hall, service_id, answers, materials, now=NOW)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_offered_steps_are_the_steps_intake_takes(db, people, tmp_path, name):
    service_id, answers, materials = _scenario(name)
    service = registry.get(service_id)
    assessment = intake.assess_case(db, service_id, answers, materials, NOW.date())
    offered = intake_offers.offered(service, assessment)
    assert offered == SCENARIOS[name]
    for step in set(intake_offers.INTAKE_STEPS) - offered:
        with pytest.raises(ActionRefused):
            _run(step, db, people["clerk"], service_id, answers, materials, assessment, tmp_path)
    for step in sorted(offered)[:1]:  # one offered step is taken (a second would meet the first case)
        result = _run(step, db, people["clerk"], service_id, answers, materials, assessment, tmp_path)
        assert result.paper is not None


def test_the_words_come_from_the_service():
    bike, permit = registry.get("ebike_registration"), registry.get("residence_permit")
    assert intake_offers.paper_title(bike, "refusal") == "不予登记通知书"
    assert intake_offers.paper_title(permit, "refusal") == "不予受理通知书"
    assert intake_offers.accept_label(bike) == "登记并发牌（当场办结）"
    assert intake_offers.accept_label(permit) == "受理并打印回执"


def test_the_verdict_in_the_procedures_own_words(db):
    bike = registry.get("ebike_registration")
    example = bike.example(NOW.date())
    accepted = intake.assess_case(db, bike.service_id, example["answers"], example["materials"], NOW.date())
    assert accepted.decision is Decision.ACCEPT and intake_offers.verdict(bike, accepted) == "可以当场办结"
    permit = registry.get("residence_permit")
    _sid, answers, materials = _scenario("refusable")
    refused = intake.assess_case(db, permit.service_id, answers, materials, NOW.date())
    assert intake_offers.verdict(permit, refused) == "不予受理"
    assert intake_offers.verdict(None, refused) == refused.decision.label
