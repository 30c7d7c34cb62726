"""A clerk's day as data: which service and outcome each case is, with believable applicants (seeded)."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from desktop.demo.people import People
from forms import registry

# What turns an accepted case into a refusal at the window (as the demo hall does it).
REFUSE = {
    "residence_permit": {"hukou_in_zhengzhou": True},
    "ebike_registration": {"ccc_in_catalog": False},
    "ebike_transfer": {"plate_no": "郑A99999", "frame_no": "ZZZ000000000000"},
    "ebike_theft": {"plate_no": "郑A99999", "frame_no": "ZZZ000000000000"},
    "startup_subsidy": {"applicant_category": "none"},
    "nrmm_registration": {"test_result": "fail"},  # 第九条第二款: only a machine that passed is registered
}
SERVICES = ("residence_permit", "ebike_registration", "ebike_transfer", "ebike_theft", "startup_subsidy",
            "nrmm_registration")
# NOTE: one cycle of eleven cases: every service accepted, registrations before the transfers and
# theft reports that need a registered bike, then a notice, a refusal, and a draft that is resumed.
# An accepted e-bike case is concluded at the window (已办结, issue 13); the others wait for a decision.
CYCLE = (("accept", "residence_permit"), ("accept", "ebike_registration"), ("accept", "startup_subsidy"),
         ("accept", "ebike_transfer"), ("accept", "ebike_registration"), ("accept", "ebike_theft"),
         ("accept", "nrmm_registration"), ("notice", None), ("refuse", None), ("draft", None), ("resume", None))
# Drafts, notices and refusals rotate through the services that need no registered bike here.
ROTATING = ("residence_permit", "startup_subsidy", "ebike_registration")
DRAFT_KEYS = 3  # a draft holds the first fields typed (name, ID number, phone) before the applicant left


@dataclass
class Case:
    """One applicant at the window: what the clerk types and ticks, and the paper that should come out."""

    n: int
    outcome: str  # accept, notice, refuse, draft, resume
    service_id: str
    answers: dict[str, Any]
    materials: dict[str, str]
    needs_bike: bool = False  # transfer / theft: plate, frame (and owner) filled from a bike registered today
    draft_of: Case | None = None  # resume: the draft case this continues
    result: dict[str, Any] = field(default_factory=dict)


def _applicant(people: People, service_id: str, answers: dict[str, Any], today: date) -> dict[str, Any]:
    service = registry.get(service_id)
    answers = copy.deepcopy(answers)
    if service_id == "ebike_transfer":
        answers.update(new_owner_name=people.name(), new_owner_id_number=people.id_number(),
                       new_owner_phone=people.phone(), new_owner_address=people.address())
        return answers
    answers[service.name_key] = people.name()
    answers[service.id_key] = people.id_number(people.birth(22, 60, today))
    answers[service.phone_key] = people.phone()
    if service_id == "ebike_registration":
        brand, model = people.brand()
        answers.update(frame_no=people.frame_no(), brand=brand, model=model, colour=people.colour(),
                       motor_no=people.motor_no(), owner_address=people.address())
    elif service_id == "residence_permit":
        answers.update(residence_address=people.address())
    elif service_id == "startup_subsidy":
        answers.update(business_uscc=people.uscc(), business_name=people.business_name(answers["name"]))
    elif service_id == "nrmm_registration":
        # A machine of its own (the register refuses the same product number twice), owned by the applicant.
        answers.update(product_no=people.frame_no(), engine_no=people.motor_no(), owner_address=people.address())
    return answers


def day_plan(cases: int, today: date, seed: int = 12) -> list[Case]:
    """``cases`` cases in cycles of ten (every service, every outcome); the same seed gives the same day."""
    people = People(seed)
    plan: list[Case] = []
    rotation = 0
    last_draft: Case | None = None
    for n in range(cases):
        outcome, service_id = CYCLE[n % len(CYCLE)]
        if outcome == "resume":
            if last_draft is None:
                outcome, service_id = "accept", "residence_permit"
            else:
                draft = last_draft
                plan.append(Case(n, "resume", draft.service_id, draft.result["full_answers"],
                                 draft.result["full_materials"], draft_of=draft))
                last_draft = None
                continue
        if service_id is None:
            service_id = ROTATING[rotation % len(ROTATING)]
            if outcome == "draft":
                rotation += 1
        service = registry.get(service_id)
        example = service.example(today)
        answers = _applicant(people, service_id, example["answers"], today)
        materials = dict(example["materials"])
        case = Case(n, outcome, service_id, answers, materials,
                    needs_bike=service_id in ("ebike_transfer", "ebike_theft") and outcome != "refuse")
        if outcome == "notice":
            # NOTE: the applicant forgot a core paper: the one-time notice lists it.
            materials.pop(next(k for k in materials if k != "application_form"))
        elif outcome == "refuse":
            answers.update(REFUSE[service_id])
        elif outcome == "draft":
            keys = [f.key for f in service.fields if f.key in answers]
            case.result["full_answers"], case.result["full_materials"] = answers, materials
            case.answers = {k: answers[k] for k in keys
                            if k in (service.name_key, service.id_key, service.phone_key)}
            case.materials = {}
            last_draft = case
        plan.append(case)
    return plan


def reviewed(service_id: str) -> bool:
    """Whether a supervisor decides this procedure's cases (issue 13: e-bikes are decided at the window)."""
    return not registry.get(service_id).decided_at_window


def decisions(cases: list[dict], count: int) -> list[dict]:
    """The supervisor decides the first ``count`` accepted cases; every fifth one is declined.

    Only procedures with a review: an e-bike case is 已办结 at the window (its accept concluded it),
    and the case layer refuses a decision on it."""
    accepted = [c for c in cases if c["status"] == "accepted" and c["case_no"] and reviewed(c["service"])]
    todo = []
    for n, c in enumerate(accepted[:count]):
        decline = n % 5 == 4
        todo.append({"case_no": c["case_no"], "case_id": c["case_id"], "service": c["service"],
                     "decision": "decline" if decline else "approve"})
    return todo
