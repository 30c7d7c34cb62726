"""The 待办 tab over two weeks of simulated days (an injected today): each deadline goes due and overdue on its own."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from case_helpers import HALL, accept_example, make_people
from PySide6.QtCore import Qt
from qt_helpers import type_text

from desktop.cases import lifecycle, promised
from desktop.cases.dto import Actor
from desktop.cases.hall_context import HallContext
from desktop.ui.accounts_dialog import AccountsDialog
from desktop.ui.worklists_page import WorklistsPage

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")
NOW = datetime(2026, 11, 25, 10, 0)  # a Wednesday


@pytest.fixture
def people(db, admin):
    return make_people(db, admin)


def _shown(model) -> list[tuple[str, str, str]]:
    """(applicant, deadline, due) of each row, as the clerk reads them."""
    return [tuple(model.data(model.index(r, c)) for c in (1, 2, 3)) for r in range(model.rowCount())]


def test_two_weeks_of_days_each_deadline_on_its_own(qtbot, db, people, tmp_path):
    permit = accept_example(db, people["clerk"], tmp_path, now=NOW, name="欧阳娜娜").case
    bike = accept_example(db, people["clerk"], tmp_path, "ebike_registration", now=NOW, owner_name="王芳").case
    day = {"today": NOW.date()}
    page = WorklistsPage(db, today=lambda: day["today"])
    qtbot.addWidget(page)
    page.show()
    seen = {}
    for offset in range(15):
        day["today"] = NOW.date() + timedelta(days=offset)
        if day["today"] == date(2026, 12, 3):  # the supervisor decides a day late
            lifecycle.approve(HallContext(db, people["sup"], tmp_path), permit.id, now=datetime(2026, 12, 3, 9))
        page.refresh()
        seen[day["today"]] = (_shown(page.due_soon_model), _shown(page.overdue_model))
    # Issue 13: the e-bike was registered and its plate issued at the window: its promise is met,
    # it never goes due or late. Day 0 and 11-27: nothing near, nothing late (the review is 12-02).
    assert all("王芳" not in {row[0] for rows in lists for row in rows} for lists in seen.values())
    assert bike.status == "issued"
    assert seen[date(2026, 11, 25)] == ([], []) and seen[date(2026, 11, 27)] == ([], [])
    # 11-30: the review is due within two days, the issue (12-07) not yet.
    assert ("欧阳娜娜", "审核完毕", "2026-12-02") in seen[date(2026, 11, 30)][0]
    # 12-03 before the decision would be late; after it the review is met and gone, the issue still runs.
    assert all(row[1] != "审核完毕" for row in seen[date(2026, 12, 3)][1])
    assert ("欧阳娜娜", "制作发放居住证", "2026-12-07") in seen[date(2026, 12, 5)][0]
    assert seen[date(2026, 12, 8)][1] == [("欧阳娜娜", "制作发放居住证", "2026-12-07")]
    # Overdue cells are red, the box title red and counted.
    assert page.overdue_model.data(page.overdue_model.index(0, 2), Qt.ItemDataRole.ForegroundRole) is not None
    assert page.boxes["overdue"].title().startswith("已超期　1")
    assert page.overdue_model.data(page.overdue_model.index(0, 0), Qt.ItemDataRole.ToolTipRole) == "居住证申领"
    with qtbot.waitSignal(page.sig_case_activated) as opened:
        page.views["overdue"].activated.emit(page.overdue_model.index(0, 0))
    assert opened.args == [permit.id]


def test_an_administrator_sets_the_promised_days_in_the_dialog(qtbot, db, admin, tmp_path):
    dialog = AccountsDialog(db, Actor(admin, "01", HALL))
    qtbot.addWidget(dialog)
    dialog.show()
    tab = dialog.promised_tab
    dialog.tabs.setCurrentWidget(tab)
    names = [tab.table.item(r, 0).text() for r in range(tab.table.rowCount())]
    assert names[:1] and "返乡入乡创业补贴申领" in names and "居住证申领" not in names  # 居住证 has its statutory days
    row = names.index("电动自行车登记上牌")
    tab.table.selectRow(row)
    tab.days.setValue(2)
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert "请填写依据" in tab.guide_error.text() and tab.guide_error.isVisible()  # next to its field
    type_text(tab.guide, "本中心《电动自行车登记上牌办事指南》")
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert not tab.guide_error.isVisible()
    assert tab.table.item(row, 1).text() == "2 个工作日" and "办事指南" in tab.table.item(row, 3).text()
    assert {r.service_id: r.days for r in promised.list_promised(db)}["ebike_registration"] == 2
    dialog.resize(1366, 700)
    dialog.grab().save(str(tmp_path / "promised-tab.png"))
