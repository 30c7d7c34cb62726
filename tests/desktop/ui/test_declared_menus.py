"""The main window builds the menu items the services' UI packages declare (issue 16), shown by their permissions."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from modals import on_next_dialog
from PySide6.QtWidgets import QDialog, QMenu, QTableWidget

from desktop.cases import accounts, permissions
from desktop.cases.dto import Actor
from desktop.cases.registration import DuplicateRegistration
from desktop.settings import Settings
from desktop.ui import menu_actions
from desktop.ui.accounts_dialog import AccountsDialog
from desktop.ui.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")
ROOT = Path(__file__).resolve().parents[3]
HALL = "郑州市金水区政务服务中心"


def make_window(qtbot, db, account) -> MainWindow:
    window = MainWindow(db, Actor(account, "03", HALL), Settings(window_no="03"))
    qtbot.addWidget(window)
    window.show()
    return window


def menu_of(window: MainWindow, title: str):
    # NOTE: found as the menu bar's child, not by QAction.menu() (deletes the menu under PySide6 6.9.3).
    return next(m for m in window.menuBar().findChildren(QMenu) if m.title() == title)


def test_every_declared_item_is_in_its_menu_where_the_file_menu_keeps_settings_last(qtbot, db, admin):
    window = make_window(qtbot, db, admin)
    declared = menu_actions.declared()
    assert {d.object_name for d in declared} >= {"plate_series_action", "bike_status_action"}
    file_names = [a.objectName() for a in menu_of(window, "文件(&F)").actions()]
    service_names = [a.objectName() for a in menu_of(window, "服务(&S)").actions()]
    for d in declared:
        action = window.declared_actions[d.object_name]
        assert action.text() == d.text
        assert d.object_name in (file_names if d.menu == menu_actions.FILE_MENU else service_names)
    # the administrator's settings of a service come just above 节假日与调休…, the lookups after the services
    assert file_names.index("plate_series_action") == file_names.index("calendar_action") - 1
    assert service_names.index("bike_status_action") > max(service_names.index(f"service_action_{sid}")
                                                           for sid in window.services)


def test_an_item_is_shown_by_its_declared_permission_and_follows_the_user(qtbot, db, admin):
    clerk = accounts.create_account(db, admin, "zhang", "张伟", "clerk", "secret-456", "secret-456")
    window = make_window(qtbot, db, clerk)
    plate, lookup = window.declared_actions["plate_series_action"], window.declared_actions["bike_status_action"]
    assert not plate.isVisible() and lookup.isVisible()  # "plates" is the administrator's; the lookup anyone's
    window.set_actor(Actor(admin, "03", HALL))
    assert plate.isVisible() and permissions.can(admin, "plates")
    window.set_actor(Actor(clerk, "03", HALL))
    assert not plate.isVisible()


def test_the_declared_item_opens_its_dialog(qtbot, db, admin):
    window = make_window(qtbot, db, admin)
    seen: list[str] = []

    def close(dialog: QDialog) -> None:
        seen.append(f"{type(dialog).__module__}.{type(dialog).__name__} {dialog.windowTitle()}")
        dialog.reject()

    on_next_dialog(QDialog, close, name="plate_series_dialog")
    window.declared_actions["plate_series_action"].trigger()
    assert seen == ["desktop.ui.services.ebike.plate_dialog.PlateSeriesDialog 号牌号段"]


def test_an_item_declared_twice_is_refused():
    before = menu_actions.declared()
    with pytest.raises(DuplicateRegistration, match="menu action 'plate_series_action' registered twice"):
        menu_actions.declare(menu_actions.MenuAction("plate_series_action", menu_actions.FILE_MENU, "别的…",
                                                     lambda window: None))
    with pytest.raises(ValueError, match="unknown menu"):
        menu_actions.declare(menu_actions.MenuAction("zz_action", "help", "别的…", lambda window: None))
    assert menu_actions.declared() == before


def _start_with_extra_ui_package(tmp_path: Path, body: str) -> subprocess.CompletedProcess:
    """A fresh interpreter whose desktop.ui.services also holds ``zz_extra``; it loads the UI packages."""
    package = tmp_path / "zz_extra"
    package.mkdir()
    (package / "__init__.py").write_text(textwrap.dedent(body), encoding="utf-8")
    code = (f"import desktop.ui.services as s; s.__path__.append({str(tmp_path)!r})\n"
            "from desktop.ui import menu_actions\n"
            "print([d.object_name for d in menu_actions.declared()])\n")
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                          capture_output=True, text=True, timeout=120)


def test_a_new_ui_package_is_found_and_a_taken_object_name_stops_the_start(tmp_path):
    (tmp_path / "new").mkdir()
    found = _start_with_extra_ui_package(tmp_path / "new", '''
        from desktop.ui.menu_actions import SERVICE_MENU, MenuAction, declare
        declare(MenuAction("zz_lookup_action", SERVICE_MENU, "编码查询…", lambda window: None))
    ''')
    assert found.returncode == 0, found.stderr
    assert found.stdout.strip().endswith("'zz_lookup_action']") and "'plate_series_action'" in found.stdout
    (tmp_path / "taken").mkdir()
    taken = _start_with_extra_ui_package(tmp_path / "taken", '''
        from desktop.ui.menu_actions import FILE_MENU, MenuAction, declare
        declare(MenuAction("plate_series_action", FILE_MENU, "号牌号段…", lambda window: None))
    ''')
    assert taken.returncode != 0
    assert "DuplicateRegistration" in taken.stderr and "zz_extra" in taken.stderr
    assert "desktop.ui.services.ebike" in taken.stderr  # both places are named


def test_the_accounts_dialog_lists_every_permission_from_the_registry(qtbot, db, admin):
    dialog = AccountsDialog(db, Actor(admin, "01", HALL))
    qtbot.addWidget(dialog)
    dialog.show()
    assert [dialog.tabs.tabText(i) for i in range(2)] == ["账号", "权限"]
    table = dialog.findChild(QTableWidget, "permissions_table")
    rows = {table.item(r, 0).text(): [table.item(r, c).text() for c in range(1, table.columnCount())]
            for r in range(table.rowCount())}
    assert table.rowCount() == len(permissions.declared())
    assert rows["设置号牌号段"] == ["电动自行车登记", "", "", "✓"]  # the e-bike package's own, the administrator's
    assert rows["作出审核决定"] == ["通用", "", "✓", ""]
    assert rows["受理"] == ["通用", "✓", "✓", "✓"]
    assert [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())] == [
        "操作", "所属", "受理", "审核", "管理员"]


def test_the_main_window_imports_no_service_dialog_until_its_item_is_chosen(tmp_path):
    code = textwrap.dedent(f'''
        import sys
        from PySide6.QtWidgets import QApplication
        app = QApplication([])
        from desktop.cases import accounts
        from desktop.cases.dto import Actor
        from desktop.settings import Settings
        from desktop.store.database import open_database
        from desktop.ui.main_window import MainWindow
        db = open_database({str(tmp_path / "hall.sqlite3")!r})
        admin = accounts.create_first_admin(db, "admin", "王丽", "secret-123", "secret-123", window="03")
        window = MainWindow(db, Actor(admin, "03", "大厅"), Settings(window_no="03"))
        print(sorted(n for n in sys.modules if n.startswith("desktop.ui.services.")))
        db.close()
    ''')
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen",
           "HALLDESK_DATA_DIR": str(tmp_path / "data")}
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip().splitlines()[-1] == "['desktop.ui.services.ebike']"  # declared, no dialog loaded
