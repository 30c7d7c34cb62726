"""The administrator's holiday table: entries change deadlines; clerks cannot change it."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtWidgets import QLineEdit, QPushButton
from qt_helpers import type_text

from desktop.cases import accounts, calendars, intake
from desktop.cases.dto import Actor
from desktop.cases.errors import ActionRefused
from desktop.ui.calendar_dialog import CalendarDialog
from forms import registry


def test_admin_adds_a_2027_holiday_and_the_deadline_moves(qtbot, db, admin):
    service = registry.get("residence_permit")
    today = date(2027, 9, 30)
    case = service.example(today)
    before = intake.assess_case(db, "residence_permit", case["answers"], case["materials"], today)
    review = next(d for d in before.deadlines if d.key == "review")
    assert review.provisional and review.due == date(2027, 10, 8)  # 10-01…03 国庆节 by law already

    dialog = CalendarDialog(db, Actor(admin, "03", "大厅"))
    qtbot.addWidget(dialog)
    for day in ("2027-10-01", "2027-10-04", "2027-10-05"):
        dialog.findChild(QLineEdit, "day").setText(day)
        type_text(dialog.findChild(QLineEdit, "name"), "国庆节")
        dialog.findChild(QLineEdit, "source").setText("国办发明电〔2026〕1号")
        dialog.findChild(QPushButton, "save_override").click()
    assert dialog.table.rowCount() == 3 and dialog.table.item(0, 2).text() == "国庆节"

    after = intake.assess_case(db, "residence_permit", case["answers"], case["materials"], today)
    review = next(d for d in after.deadlines if d.key == "review")
    # 2027 now counts as published: 10-01, 10-04, 10-05 skipped as 国庆节.
    assert not review.provisional and review.due == date(2027, 10, 12)
    assert any(s.reason == "国庆节" for s in review.skipped)


def test_bad_entry_is_shown_in_the_dialog(qtbot, db, admin):
    dialog = CalendarDialog(db, Actor(admin, "03", "大厅"))
    qtbot.addWidget(dialog)
    dialog.findChild(QLineEdit, "day").setText("2027-02-30")
    dialog.findChild(QPushButton, "save_override").click()
    assert "日期无效" in dialog.error.text() and dialog.table.rowCount() == 0


def test_a_clerk_cannot_change_the_calendar(db, admin):
    clerk = accounts.create_account(db, admin, "zhang", "张伟", "clerk", "secret-456", "secret-456")
    with pytest.raises(ActionRefused):
        calendars.set_override(db, date(2027, 1, 1), "holiday", "元旦", "通知", clerk, "03")
