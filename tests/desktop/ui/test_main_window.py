"""The main window over a real database: services, empty state, status bar, service picking, paging."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from modals import answer_box
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from desktop.cases.dto import Actor
from desktop.cases.queries import CaseFilter, list_cases, page_rows
from desktop.settings import Settings
from desktop.store.models import Case
from desktop.ui import case_table
from desktop.ui.case_table import CaseTableModel, Column
from desktop.ui.main_window import MainWindow
from forms import registry

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")


def add_cases(db, clerk_id: int, count: int) -> None:
    now = datetime(2025, 3, 3, 9, 30)
    with db.unit() as s:
        for n in range(count):
            s.add(Case(
                case_no=f"JZ0325030300{n:04d}", service_id="residence_permit", status="accepted",
                applicant_name="张伟", id_number="410105199001011234", window="03", clerk_id=clerk_id,
                created_at=now, updated_at=now, received_on=date(2025, 3, 3) - timedelta(days=n % 30),
                due_on=date(2025, 3, 17), answers={}, materials={},
            ))


def make_window(qtbot, db, admin) -> MainWindow:
    window = MainWindow(db, Actor(admin, "03", "郑州市政务服务中心"), Settings(window_no="03"))
    qtbot.addWidget(window)
    window.show()
    return window


def close_next_box(seen: list[str]) -> None:
    """Close the next modal message box (it would block the test), noting its text."""
    answer_box(seen, None, act=lambda box: box.done(0))


def test_lists_every_registered_service(qtbot, db, admin):
    window = make_window(qtbot, db, admin)
    services = registry.services()
    assert set(window.service_buttons) == set(services)
    for service_id, service in services.items():
        assert window.service_buttons[service_id].text() == service.name
        assert window.service_actions[service_id].text() == service.name


def test_menus(qtbot, db, admin):
    window = make_window(qtbot, db, admin)
    titles = [action.text() for action in window.menuBar().actions()]
    assert titles == ["文件(&F)", "服务(&S)", "案件(&C)", "帮助(&H)"]


def test_empty_state_with_no_cases(qtbot, db, admin):
    window = make_window(qtbot, db, admin)
    assert window.case_list.is_empty()
    label = window.findChild(QLabel, "empty_state")
    assert label.isVisible()
    assert label.text() == "还没有案件。从左侧选择一项服务开始受理。"


def test_cases_replace_the_empty_state_after_refresh(qtbot, db, admin):
    window = make_window(qtbot, db, admin)
    add_cases(db, admin.id, 3)
    window.refresh_cases()
    assert not window.case_list.is_empty()
    model = window.case_list.model
    assert model.rowCount() == 3
    assert model.index(0, Column.ID_MASKED).data() == "410105********1234"
    assert model.index(0, Column.SERVICE).data() == "居住证申领"
    assert model.index(0, Column.STATUS).data() == "已受理待审核"


def test_status_bar_names_clerk_window_and_database(qtbot, db, admin):
    window = make_window(qtbot, db, admin)
    text = window.status_text()
    assert "经办人：王丽（管理员）" in text
    assert "窗口号：03" in text
    assert db.location() in text


def test_service_without_factory_says_not_open(qtbot, db, admin):
    window = make_window(qtbot, db, admin)
    seen: list[str] = []
    close_next_box(seen)
    with qtbot.waitSignal(window.sig_service_requested) as signal:
        window.service_buttons["residence_permit"].click()
    assert signal.args == ["residence_permit"]
    assert seen == ["该服务暂未开放。"]
    assert window.tabs.count() == 1


def test_service_with_factory_adds_a_closable_tab(qtbot, db, admin):
    window = make_window(qtbot, db, admin)
    asked: list[str] = []

    def factory(service_id: str) -> QWidget:
        asked.append(service_id)
        return QWidget()

    window.page_factory = factory
    window.service_buttons["residence_permit"].click()
    assert asked == ["residence_permit"]
    assert window.tabs.count() == 2
    assert window.tabs.currentIndex() == 1
    assert window.tabs.tabText(1) == "居住证申领"
    window.tabs.tabCloseRequested.emit(0)  # the case list stays
    assert window.tabs.count() == 2
    window.tabs.tabCloseRequested.emit(1)
    assert window.tabs.count() == 1


def recording_loader(db, calls: list[tuple[int, int]]):
    """The real page query, noting each (offset, limit) the model asks for."""

    def loader(offset: int, limit: int):
        calls.append((offset, limit))
        return page_rows(db, CaseFilter(), offset, limit)

    return loader


def test_model_pages_lazily(qtbot, db, admin, qtmodeltester):
    add_cases(db, admin.id, case_table.PAGE_SIZE + 5)
    calls: list[tuple[int, int]] = []
    model = CaseTableModel(recording_loader(db, calls))
    model.reload()
    assert model.rowCount() == case_table.PAGE_SIZE and model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == case_table.PAGE_SIZE + 5 and not model.canFetchMore()
    assert calls == [(0, 200), (200, 200)]
    assert model.headerData(Column.DUE_ON, Qt.Orientation.Horizontal) == "办结期限"
    qtmodeltester.check(model)


def test_model_keeps_a_bounded_number_of_pages_and_reads_a_dropped_one_again(qtbot, db, admin, qtmodeltester,
                                                                              monkeypatch):
    monkeypatch.setattr(case_table, "PAGE_SIZE", 10)
    monkeypatch.setattr(case_table, "KEEP_PAGES", 3)
    add_cases(db, admin.id, 65)
    expected = [c.id for c in list_cases(db, CaseFilter(), 0, 100)]
    calls: list[tuple[int, int]] = []
    model = CaseTableModel(recording_loader(db, calls))
    model.reload()
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == 65 and model.pages_in_memory() == 3  # 7 pages seen, 3 kept
    assert calls == [(n, 10) for n in range(0, 70, 10)]
    calls.clear()
    # Every row is still there: a dropped page is read again when the view needs it.
    assert [model.row_at(r).id for r in range(65)] == expected
    assert calls[0] == (0, 10) and model.pages_in_memory() == 3
    assert model.data(model.index(64, Column.CASE_NO)) is not None and model.data(model.index(65, 0)) is None
    qtmodeltester.check(model)


def test_painting_a_dropped_row_reads_its_page_after_the_paint_once(qtbot, db, admin, monkeypatch):
    monkeypatch.setattr(case_table, "PAGE_SIZE", 10)
    monkeypatch.setattr(case_table, "KEEP_PAGES", 2)
    add_cases(db, admin.id, 40)
    calls: list[tuple[int, int]] = []
    model = CaseTableModel(recording_loader(db, calls))
    model.reload()
    while model.canFetchMore():
        model.fetchMore()
    calls.clear()
    # While the view paints, data() reads nothing: the dropped rows are blank for a moment.
    assert [model.data(model.index(r, Column.CASE_NO)) for r in (0, 5, 9)] == [None, None, None]
    assert calls == []
    with qtbot.waitSignal(model.dataChanged, timeout=1000) as changed:
        pass
    assert calls == [(0, 10)]  # one read for the page, however many of its cells were asked for
    assert (changed.args[0].row(), changed.args[1].row()) == (0, 9)
    assert model.data(model.index(0, Column.CASE_NO)) == list_cases(db, CaseFilter(), 0, 1)[0].case_no


def test_rows_set_without_a_loader_are_all_kept(qtbot, db, admin, monkeypatch):
    monkeypatch.setattr(case_table, "KEEP_PAGES", 1)
    add_cases(db, admin.id, 450)
    rows = page_rows(db, CaseFilter(), 0, 500)
    model = CaseTableModel()
    model.set_rows(rows)
    assert model.rowCount() == 450 and model.pages_in_memory() == 3  # nothing could fetch them again
    assert model.row_at(449).id == rows[-1][0]


def test_settings_dialog_shows_errors_then_saves(qtbot):
    from desktop import settings as settings_store
    from desktop.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.window_no.setText("0")
    dialog.findChild(QWidget, "submit").click()
    error = dialog.findChild(QLabel, "window_no_error")
    assert error.isVisible() and error.text() == "窗口号应为1到99之间的数字"
    assert dialog.result_settings is None and dialog.isVisible()
    dialog.window_no.setText("07")
    dialog.findChild(QWidget, "submit").click()
    assert dialog.result_settings.window_no == "07"
    assert settings_store.load().window_no == "07"


def test_settings_dialog_for_a_clerk_locks_the_hall_settings(qtbot, db, admin, tmp_path):
    from desktop import settings as settings_store
    from desktop.cases import accounts
    from desktop.ui.settings_dialog import SettingsDialog

    clerk = accounts.create_account(db, admin, "zhang", "张伟", "clerk", "secret-456", "secret-456")
    dialog = SettingsDialog(Settings(window_no="03"), account=clerk)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.window_no.isEnabled() and not dialog.hall_name.isEnabled()
    assert not dialog.idle_lock_minutes.isEnabled() and not dialog.output_dir.isEnabled()
    assert dialog.font_path.isEnabled() and "由管理员设置" in dialog.findChild(QLabel, "settings_note").text()
    dialog.window_no.setText("09")  # what a disabled field cannot get by typing, the case layer still refuses
    dialog.findChild(QWidget, "submit").click()
    assert "由管理员设置" in dialog.findChild(QLabel, "hall_name_error").text()
    assert dialog.result_settings is None and not settings_store.settings_path().exists()
    dialog.window_no.setText("03")
    font = tmp_path / "simsun.ttf"
    font.write_bytes(b"placeholder")  # validate() only checks that the file exists
    dialog.font_path.setText(str(font))
    dialog.findChild(QWidget, "submit").click()
    assert dialog.result_settings.font_path == str(font) and settings_store.load().window_no == "03"


def test_settings_dialog_checks_the_role_in_the_database_not_the_sign_in_copy(qtbot, db, admin):
    from desktop import settings as settings_store
    from desktop.cases import accounts, admin as admin_ops
    from desktop.ui.settings_dialog import SettingsDialog

    other = accounts.create_account(db, admin, "wang2", "王强", "admin", "secret-456", "secret-456")
    admin_ops.set_disabled(db, other, admin.id, True)  # after admin signed in: the copy still says 管理员
    dialog = SettingsDialog(Settings(window_no="03"), account=admin, db=db)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.window_no.setText("09")
    dialog.findChild(QWidget, "submit").click()
    assert dialog.findChild(QLabel, "hall_name_error").text()  # refused, with its reason next to the field
    assert dialog.result_settings is None and not settings_store.settings_path().exists()


def test_crash_dialog_copies_the_masked_details(qtbot):
    from desktop.ui.crash import CrashDialog, format_details

    try:
        raise RuntimeError("boom 410105199001011234")
    except RuntimeError as exc:
        details = format_details(type(exc), exc, exc.__traceback__)
    assert "RuntimeError: boom 410105********1234" in details
    dialog = CrashDialog(details, "/tmp/halldesk.log")
    qtbot.addWidget(dialog)
    dialog.copy_button.click()
    assert QApplication.clipboard().text() == details
    assert "/tmp/halldesk.log" in dialog.findChild(QLabel, "crash_log_path").text()
