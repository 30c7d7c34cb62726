"""The e-bike procedures in the installation self-test: a plate series first, then one bike registered, transferred, stolen."""

from __future__ import annotations

from typing import Any

from desktop.cases import selftest_plans
from desktop.cases.dto import Actor
from desktop.cases.errors import ActionRefused
from desktop.cases.halldb import Database
from desktop.cases.selftest_plans import Carried, SelftestPlan
from desktop.cases.services.ebike import plates, registry

PLATE, OWNER = "ebike.plate_no", "ebike.owner"  # what the run carries from one procedure to the next
# The self-test's own block on a standalone PC (issue 13): far from the 郑A00001… the demo and a hall begin with.
BLOCK = ("郑A", 5, 90000, 90999)


def _plate_series(db: Database, actor: Actor) -> None:
    """What the administrator does under 文件 → 号牌号段 before the first registration."""
    try:
        plates.current_series(db)
    except ActionRefused:
        plates.set_series(db, actor.account, "郑A", 5, window=actor.window)
    if plates.is_standalone(db) and not any(b.window == actor.window for b in plates.list_blocks(db)):
        # A standalone PC issues plates only from its window's own block (issue 13).
        prefix, width, first, last = BLOCK
        plates.assign_block(db, actor.account, actor.window, prefix, width, first, last, window=actor.window)


def _registered(db: Database, _case_id: int, answers: dict[str, Any], carried: Carried) -> None:
    view = registry.find_registration(db, answers["frame_no"])
    if view is not None and view.plate_no:
        carried[PLATE] = view.plate_no
    carried[OWNER] = {key: answers[f"owner_{key}"] for key in ("id_type", "id_number", "name", "phone")}


def _on_the_bike(answers: dict[str, Any], carried: Carried) -> None:
    """A procedure on the bike the run registered: its plate, and its owner as the register now has it."""
    answers["plate_no"] = carried.get(PLATE) or answers.get("plate_no")
    owner = carried.get(OWNER)
    if owner and "owner_id_number" in answers:
        answers.update({f"owner_{key}": value for key, value in owner.items()})


def _transferred(_db: Database, _case_id: int, answers: dict[str, Any], carried: Carried) -> None:
    # NOTE: after the transfer the bike's owner is its new owner: the theft report is theirs.
    carried[OWNER] = {key: answers[f"new_owner_{key}"] for key in ("id_type", "id_number", "name", "phone")}


selftest_plans.declare(SelftestPlan("ebike_registration", setup=_plate_series, accepted=_registered))
selftest_plans.declare(SelftestPlan("ebike_transfer", answers=_on_the_bike, accepted=_transferred))
selftest_plans.declare(SelftestPlan("ebike_theft", answers=_on_the_bike))
# NOTE: 灭失, 找回 and 号牌补领/换领 would each need a bike in another state (destroyed, stolen, …) than the one
# the run leaves; they are left to the tests.
for _service_id in ("ebike_destroyed", "ebike_recovered", "ebike_plate"):
    selftest_plans.declare(SelftestPlan(_service_id, staged=False))
