"""The steps a case offers, by state and role, over a real SQLite file."""

from __future__ import annotations

from datetime import datetime

from desktop.cases import actions, casefile, intake, lifecycle
from desktop.cases.hall_context import HallContext
from forms import registry

NOW = datetime(2026, 11, 25, 10, 0)


def test_steps_follow_the_state_and_the_role(db, people, tmp_path):
    case = registry.get("residence_permit").example(NOW.date())
    accepted = intake.accept(HallContext(db, people["clerk"], tmp_path),
                             "residence_permit", case["answers"], case["materials"], now=NOW).case
    file = casefile.load(db, accepted.id)
    assert actions.offered(file, people["clerk"].account) == {"supplement", "cancel"}
    assert actions.offered(file, people["sup"].account) == {"supplement", "approve", "decline", "extend", "cancel"}
    lifecycle.approve(HallContext(db, people["sup"], tmp_path), accepted.id, now=NOW)
    file = casefile.load(db, accepted.id)
    assert actions.offered(file, people["clerk"].account) == {"issue", "cancel"}
    assert actions.offered(file, people["sup"].account) == {"issue", "extend", "cancel"}
    lifecycle.issue(HallContext(db, people["clerk"]),
                    accepted.id, "欧阳娜娜", case["answers"]["id_number"], by_proxy=False, now=NOW)
    assert actions.offered(casefile.load(db, accepted.id), people["sup"].account) == frozenset()
