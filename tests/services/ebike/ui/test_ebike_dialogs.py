"""The e-bike status lookup and the plate series dialog over a real SQLite file."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import QLineEdit

from desktop.cases import accounts, intake
from desktop.cases.dto import Actor
from desktop.cases.hall_context import HallContext
from desktop.cases.services.ebike import plates
from desktop.ui.services.ebike.plate_dialog import PlateSeriesDialog
from desktop.ui.services.ebike.status_dialog import BikeStatusDialog
from forms import registry

NOW = datetime(2026, 11, 25, 10, 0)


def _register(db, actor, tmp_path):
    case = registry.get("ebike_registration").example(NOW.date())
    return intake.accept(HallContext(db, actor, tmp_path),
                         "ebike_registration", case["answers"], case["materials"], now=NOW)


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
    intake.accept(HallContext(db, actor, tmp_path), "ebike_theft", answers, theft["materials"], now=NOW)
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


def test_window_blocks_are_assigned_and_closed_in_the_dialog(qtbot, tmp_path):
    from qt_helpers import answer_next_box, type_text

    from desktop.store.database import open_database

    db = open_database(tmp_path / "pc.sqlite3")  # a standalone PC's own file
    admin = accounts.create_first_admin(db, "admin", "王丽", "secret-123", "secret-123", window="03")
    dialog = PlateSeriesDialog(db, Actor(admin, "03", "大厅"))
    qtbot.addWidget(dialog)
    assert "单机模式" in dialog.mode.text() and "尚未分配号段" in dialog.source.text()
    assert "单机模式下不使用" in dialog.current.text()
    dialog.first_no.setText("19999")
    dialog.last_no.setText("10000")
    dialog._on_assign_clicked()
    assert "不能小于" in dialog.field_errors["last_no"].text() and dialog.table.rowCount() == 0
    dialog.first_no.setText("10000")
    dialog.last_no.setText("19999")
    dialog._on_assign_clicked()
    assert dialog.table.rowCount() == 1 and dialog.table.item(0, 1).text() == "郑A10000–郑A19999"
    assert "郑A10000" in dialog.source.text() and not dialog.field_errors["last_no"].isVisible()
    dialog.block_window.clear()
    type_text(dialog.block_window, "4")
    dialog.first_no.setText("15000")
    dialog.last_no.setText("15999")
    dialog._on_assign_clicked()
    assert "重叠" in dialog.field_errors["first_no"].text() and dialog.table.rowCount() == 1
    dialog.table.selectRow(0)
    seen: list[str] = []
    answer_next_box(seen, 0)
    dialog._on_close_block_clicked()
    assert "停用03号窗口" in seen[0] and dialog.table.item(0, 4).text() == "已停用"
    answer_next_box(seen, 0)
    dialog._on_mode_clicked()
    assert "大厅模式" in seen[1] and not plates.is_standalone(db) and "大厅模式" in dialog.mode.text()
    db.close()


def test_the_owner_query_sheet_is_printed_from_the_status_dialog_after_the_id_check(qtbot, db, admin, tmp_path):
    import re

    from pypdf import PdfReader
    from qt_helpers import type_text
    from sqlalchemy import select

    from desktop.settings import Settings
    from desktop.store.models import AuditEvent

    actor = Actor(admin, "03", "大厅")
    _register(db, actor, tmp_path)
    dialog = BikeStatusDialog(db, actor, Settings(output_dir=str(tmp_path / "papers")))
    qtbot.addWidget(dialog)
    assert not dialog.print_button.isEnabled()  # nothing found yet, nothing to print
    dialog.query.setText("郑A00001")
    dialog.search()
    assert dialog.print_button.isEnabled() and dialog.id_type.value() == "resident_id"
    type_text(dialog.id_number, "41018219850612002X")  # someone else's card
    assert dialog.print_query() is None
    assert "不一致" in dialog.id_error.text() and not dialog.previews
    dialog.id_number.clear()
    type_text(dialog.id_number, "410105197501010019")
    paper = dialog.print_query()
    assert paper is not None and dialog.previews and dialog.id_number.text() == ""
    assert not dialog.id_error.isVisible()
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(paper.pdf_path).pages))
    assert "电动自行车登记信息查询单" in text and "郑A00001" in text and "张伟" in text
    assert "410105197501010019" not in text
    dialog.previews[0].record_print(1, "HP LaserJet")  # what the preview calls once the printer took it
    with db.read() as s:
        actions = [e.action for e in s.scalars(select(AuditEvent).where(AuditEvent.document_id == paper.id))]
    assert actions == ["paper.made", "paper.printed"]
    for preview in dialog.previews:
        preview.close()
