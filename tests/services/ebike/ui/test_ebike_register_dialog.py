"""The status dialog finds a bike by a voided plate, says it is voided, and lists the plate history."""

from __future__ import annotations

from datetime import datetime, timedelta

from desktop.cases import intake
from desktop.cases.dto import Actor
from desktop.cases.hall_context import HallContext
from desktop.ui.services.ebike.status_dialog import BikeStatusDialog
from forms import registry

NOW = datetime(2026, 11, 25, 10, 0)


def _accept(db, actor, tmp_path, service_id, now, **changes):
    case = registry.get(service_id).example(now.date())
    return intake.accept(HallContext(db, actor, tmp_path),
                         service_id, dict(case["answers"], **changes), case["materials"], now=now)


def test_a_voided_plate_leads_to_its_bike_in_red(qtbot, db, admin, tmp_path):
    actor = Actor(admin, "03", "大厅")
    _accept(db, actor, tmp_path, "ebike_registration", NOW - timedelta(days=30))
    replaced = _accept(db, actor, tmp_path, "ebike_plate", NOW, plate_no="郑A00001")
    dialog = BikeStatusDialog(db)
    qtbot.addWidget(dialog)
    dialog.query.setText("郑a00001")
    view = dialog.search()
    assert view is not None and view.plate_no == "郑A00002"
    text = dialog.result.text()
    assert "号牌郑A00001已于2026-11-25作废（号牌遗失补领" in text and replaced.case.case_no in text
    rows = [[dialog.history.item(r, c).text() for c in range(4)] for r in range(dialog.history.rowCount())]
    assert ["2026-11-25", "号牌作废", "郑A00001（号牌遗失补领），改发郑A00002", replaced.case.case_no] in rows
    dialog.query.setText("郑A00002")  # by the current plate: no warning, the history still shows the old one
    dialog.search()
    assert "作废（" not in dialog.result.text().split("<br>")[0] and dialog.history.rowCount() == len(rows)
    dialog.resize(760, 520)
    dialog.query.setText("郑A00001")
    dialog.search()
    dialog.grab().save(str(tmp_path / "status-dialog.png"))
