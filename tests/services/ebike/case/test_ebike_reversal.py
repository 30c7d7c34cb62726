"""Revoking (撤销) an e-bike case concluded at the window takes its registry change back, over a real SQLite file.

Since issue 13 an e-bike case is decided at the window: there is no later refusal, only a revocation
with a supervisor's countersign, which prints a 撤销登记决定书 (desktop/cases/at_window.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from desktop.cases import intake, lifecycle, queries, worklists
from desktop.cases.errors import ActionRefused
from desktop.cases.hall_context import HallContext
from desktop.cases.services.ebike import registry as ebike
from desktop.cases.services.ebike.models import EbikeRegistration
from desktop.store.models import AuditEvent
from forms import registry

NOW = datetime(2026, 11, 25, 10, 30)
FRAME = "119TDT240512345"


def _accept(db, actor, tmp_path, service_id: str, now: datetime, **changes):
    case = registry.get(service_id).example(now.date())
    if service_id != "ebike_registration":
        changes = {"plate_no": "郑A00001", **changes}
    answers = dict(case["answers"], **changes)
    return intake.accept(HallContext(db, actor, tmp_path), service_id, answers, case["materials"], now=now).case


def _actions(db) -> list[str]:
    with db.unit() as s:
        return list(s.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_cancelled_registration_frees_the_frame_number_but_not_the_plate(db, people, tmp_path, signs):
    first = _accept(db, people["clerk"], tmp_path, "ebike_registration", NOW - timedelta(days=2))
    lifecycle.cancel(HallContext(db, people["sup"], tmp_path),
                     first.id, "车架号录入错误", signs["sup2"], now=NOW - timedelta(days=1))
    assert ebike.find_registration(db, FRAME) is None and ebike.find_registration(db, "郑A00001") is None
    assert "ebike.registration_voided" in _actions(db)
    again = _accept(db, people["clerk"], tmp_path, "ebike_registration", NOW)
    view = ebike.find_registration(db, FRAME)
    assert view.registered_case_no == again.case_no and view.plate_no == "郑A00002"  # 00001 is never reissued


def test_a_registration_concluded_at_the_window_has_no_refusal_after_it(db, people, tmp_path):
    case = _accept(db, people["clerk"], tmp_path, "ebike_registration", NOW - timedelta(days=2))
    with pytest.raises(ActionRefused, match="没有审核环节"):
        lifecycle.refuse(HallContext(db, people["sup"], tmp_path), case.id, ["EB01"], "合格证与实车不符", now=NOW)
    assert ebike.find_registration(db, FRAME).registered_case_no == case.case_no  # untouched
    assert queries.get_case(db, case.id).summary.status == "issued"


def test_registration_with_a_later_transfer_cannot_be_voided(db, people, tmp_path, signs):
    first = _accept(db, people["clerk"], tmp_path, "ebike_registration", NOW - timedelta(days=30))
    transfer = _accept(db, people["clerk"], tmp_path, "ebike_transfer", NOW)
    with pytest.raises(ActionRefused, match=transfer.case_no):
        lifecycle.cancel(HallContext(db, people["sup"], tmp_path), first.id, "误录", signs["sup2"], now=NOW)
    view = ebike.find_registration(db, FRAME)
    assert view.owner_name == "李娜" and len(view.owners) == 2
    assert queries.get_case(db, first.id).summary.status == "issued"  # nothing half-done


def test_revoked_transfer_gives_the_bike_back_to_the_previous_owner(db, people, tmp_path, signs):
    _accept(db, people["clerk"], tmp_path, "ebike_registration", NOW - timedelta(days=30))
    transfer = _accept(db, people["clerk"], tmp_path, "ebike_transfer", NOW - timedelta(days=3))
    assert ebike.find_registration(db, FRAME).owner_name == "李娜"
    step = lifecycle.cancel(HallContext(db, people["sup"], tmp_path),
                            transfer.id, "转移证明系伪造", signs["sup2"], now=NOW)
    assert [p.title for p in step.papers] == ["撤销登记决定书"]
    decision = "".join(page.extract_text() for page in PdfReader(step.papers[0].pdf_path).pages).replace("\n", "")
    assert "转移证明系伪造" in decision and "作废" not in decision  # a transfer voids no plate
    view = ebike.find_registration(db, FRAME)
    assert view.owner_name == "张伟" and view.owner_id_masked == "410105********0019"
    assert [o.name for o in view.owners] == ["张伟"]
    assert "ebike.transfer_reverted" in _actions(db)
    labels = [(e.label, e.actor) for e in worklists.timeline(db, transfer.id)]
    assert ("转移登记", "张伟（zhang）") in labels and ("恢复原所有人", "李娜（li）") in labels
    assert ("当场办结", "张伟（zhang）") in labels and ("撤销登记", "李娜（li）") in labels


def test_transfer_with_a_later_theft_report_cannot_be_reverted(db, people, tmp_path, signs):
    _accept(db, people["clerk"], tmp_path, "ebike_registration", NOW - timedelta(days=30))
    transfer = _accept(db, people["clerk"], tmp_path, "ebike_transfer", NOW - timedelta(days=3))
    new_owner = registry.get("ebike_transfer").example(NOW.date())["answers"]
    theft = _accept(db, people["clerk"], tmp_path, "ebike_theft", NOW, owner_name=new_owner["new_owner_name"],
                    owner_id_type=new_owner["new_owner_id_type"], owner_id_number=new_owner["new_owner_id_number"])
    with pytest.raises(ActionRefused, match=theft.case_no):
        lifecycle.cancel(HallContext(db, people["sup"], tmp_path), transfer.id, "误录", signs["sup2"], now=NOW)
    assert ebike.find_registration(db, FRAME).status == "stolen"


def test_revoked_theft_report_restores_the_status(db, people, tmp_path, signs):
    _accept(db, people["clerk"], tmp_path, "ebike_registration", NOW - timedelta(days=30))
    theft = _accept(db, people["clerk"], tmp_path, "ebike_theft", NOW - timedelta(days=1))
    assert ebike.find_registration(db, FRAME).status == "stolen"
    lifecycle.cancel(HallContext(db, people["sup"], tmp_path),
                     theft.id, "误将他人车辆登记为被盗", signs["sup2"], now=NOW)
    view = ebike.find_registration(db, FRAME)
    assert view.status == "registered" and [h.status for h in view.statuses] == ["registered"]
    with db.unit() as s:
        assert s.scalar(select(EbikeRegistration.status)) == "registered"
    assert "ebike.status_reverted" in _actions(db)
