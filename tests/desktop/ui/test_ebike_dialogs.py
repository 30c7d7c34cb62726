"""The e-bike status lookup and the plate series dialog over a real SQLite file."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import QLineEdit

from desktop.cases import accounts, intake, plates
from desktop.cases.dto import Actor
from desktop.ui.ebike_dialogs import BikeStatusDialog, PlateSeriesDialog
from forms import registry

NOW = datetime(2026, 11, 25, 10, 0)


def _register(db, actor, tmp_path):
    case = registry.get("ebike_registration").example(NOW.date())
    return intake.accept(db, actor, "ebike_registration", case["answers"], case["materials"], now=NOW,
                         papers_dir=tmp_path)


def test_status_lookup_by_plate_then_after_theft(qtbot, db, admin, tmp_path):
    actor = Actor(admin, "03", "大厅")
    _register(db, actor, tmp_path)
    dialog = BikeStatusDialog(db)
    qtbot.addWidget(dialog)
    dialog.query.setText("郑a 00001")  # typed loosely
    view = dialog.search()
    assert view is not None and view.status == "registered"
    assert "正常" in dialog.result.text() and "张伟" in dialog.result.text()
    assert "410105********0019" in dialog.result.text()
    theft = registry.get("ebike_theft").example(NOW.date())
    answers = dict(theft["answers"], plate_no="郑A00001")
    intake.accept(db, actor, "ebike_theft", answers, theft["materials"], now=NOW, papers_dir=tmp_path)
    dialog.query.setText("119TDT240512345")
    assert dialog.search().status == "stolen"
    assert "被盗" in dialog.result.text() and dialog.history.rowCount() >= 3
    dialog.query.setText("郑A99999")
    assert dialog.search() is None and "未找到" in dialog.result.text()


def test_plate_series_dialog_admin_only(qtbot, db, admin):
    dialog = PlateSeriesDialog(db, Actor(admin, "01", "大厅"))
    qtbot.addWidget(dialog)
    assert "郑A" in dialog.current.text()
    dialog.prefix.setText("A")
    dialog._on_save_clicked()
    assert "前缀" in dialog.error.text()
    dialog.prefix.clear()
    from qt_helpers import type_text

    type_text(dialog.findChild(QLineEdit, "prefix"), "郑B")
    dialog._on_save_clicked()
    assert plates.current_series(db).prefix == "郑B"
    clerk = accounts.create_account(db, admin, "zhang", "张伟", "clerk", "secret-456", "secret-456")
    other = PlateSeriesDialog(db, Actor(clerk, "03", "大厅"))
    qtbot.addWidget(other)
    other._on_save_clicked()
    assert "管理员" in other.error.text()


def test_qt_standard_buttons_speak_chinese(qtbot, qapp):
    from PySide6.QtWidgets import QDialogButtonBox

    from desktop.app import create_application

    assert create_application() is qapp
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close | QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    assert box.button(QDialogButtonBox.StandardButton.Close).text() == "关闭"
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "取消"
