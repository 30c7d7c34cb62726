"""Start-up as the clerk sees it (issue 15): light sign-in imports, lazy tabs, work lists that never measure all rows."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
from modals import on_next_dialog
from PySide6.QtWidgets import QPushButton
from sqlalchemy import event, insert, select

from bench import generate
from desktop.app import StartupFailure, build_main_window, sign_in_flow
from desktop.cases import accounts
from desktop.cases.dto import Actor
from desktop.preload import DataLayer
from desktop.settings import Settings
from desktop.store.database import open_database
from desktop.store.deadline_models import CaseDeadline
from desktop.store.models import Case
from desktop.ui.case_table import CaseTableModel
from desktop.ui.lazy_tab import LazyTab
from desktop.ui.login import FirstAdminDialog, LoginDialog
from desktop.ui.row_models import RowsModel
from desktop.ui.tables import SAMPLE_ROWS
from desktop.ui.worklists_page import LIST_LIMIT, WorklistsPage

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support .*")
ROOT = Path(__file__).resolve().parents[3]
HALL = "郑州市金水区政务服务中心"


def test_the_sign_in_dialog_needs_no_data_layer():
    """Everything up to the painted sign-in dialog imports neither SQLAlchemy nor the models nor the main window."""
    code = ("import sys, desktop.__main__ as m; m.build_parser(); import desktop.app, desktop.ui.login, "
            "desktop.lastrun, desktop.logs; "
            "print(sorted(n for n in ('sqlalchemy', 'desktop.store.models', 'desktop.cases.accounts', 'argon2', "
            "'desktop.ui.main_window', 'cryptography') if n in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_way_to_the_sign_in_dialog_loads_only_what_it_needs(data_dir):
    """What was moved off the way to the first paint stays off it (issue 15), and the Qt-free part imports no Qt.

    filelock (≈ 20 ms: platform, decimal, secrets) gave way to the OS lock itself; the dataclasses of
    the case layer's DTOs, the database password store (secrets, hashlib) and the 查询/待办 pages load
    after the dialog has painted; so do the rotating log's module (socket, pickle, queue) and the
    command-line parser's translations (locale).
    """
    code = ("import sys, desktop.__main__ as m; m.import_before_qt(); "
            "before = sorted(n for n in sys.modules if n.startswith('PySide6')); "
            "m.window_args(['--db', 'x']); import desktop.logs; desktop.logs.setup_logging(rotating=False); "
            "import desktop.app, desktop.ui.login; "
            "print(before, sorted(n for n in ('filelock', 'desktop.cases.dto', 'desktop.db_password', 'secrets', "
            "'desktop.ui.search_panel', 'desktop.ui.worklists_page', 'desktop.ui.pages', 'sqlalchemy', "
            "'logging.handlers', 'locale') if n in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                            env={**os.environ, "PYTHONPATH": str(ROOT), "HALLDESK_DATA_DIR": str(data_dir)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[] []"


def _hall(path: Path) -> None:
    db = open_database(path)
    admin = accounts.create_first_admin(db, "admin", "王丽", "secret-123", "secret-123", window="03")
    accounts.create_account(db, admin, "zhang", "张伟", "clerk", "secret-123", "secret-123")
    db.close()


def test_signing_in_while_the_data_layer_loads(qtbot, tmp_path):
    _hall(tmp_path / "hall.sqlite3")
    data = DataLayer(str(tmp_path / "hall.sqlite3"))
    dialog = LoginDialog(data, "03")
    qtbot.addWidget(dialog)
    assert not data.done.is_set()  # nothing is loaded before the dialog has painted
    dialog.show()
    qtbot.waitUntil(data.done.is_set, timeout=60_000)  # started by the first paint, on a worker thread
    assert data._thread is not None and data._thread.name == "halldesk-data-layer"
    dialog.edits["username"].setText("zhang")
    dialog.edits["password"].setText("secret-123")
    with qtbot.waitSignal(dialog.accepted):
        dialog.findChild(QPushButton, "submit").click()
    assert dialog.result_account.username == "zhang" and dialog.result_account.role == "clerk"
    data.join().close()


_PAINTED_WITHOUT_QT = r"""
import os, sys
import desktop.__main__ as m
m.import_before_qt()  # as python -m desktop does
from PySide6 import QtCore
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

app = QApplication([sys.argv[0]])


class Watch(QObject):
    def eventFilter(self, obj, event):  # noqa: N802
        if event.type() == QEvent.Type.Paint and obj.objectName() == "login_dialog":
            made = "Qt" in QtCore.__dict__  # a lazy module: the name appears once PySide6 has made it
            QTimer.singleShot(0, lambda: (print(made, flush=True), os._exit(0)))  # once it has painted
        return False


watch = Watch()
app.installEventFilter(watch)
m.main(["--db", sys.argv[1], "--data-dir", sys.argv[2]])
"""


def test_the_sign_in_dialog_paints_before_the_qt_namespace_is_made(tmp_path, data_dir):
    """PySide6 makes every Python enum of its Qt namespace at the namespace's first use (≈ 25–50 ms, issue 15):
    the real start paints the sign-in dialog (crash handler, screen fitter, label alignment) without it."""
    _hall(tmp_path / "hall.sqlite3")
    result = subprocess.run([sys.executable, "-c", _PAINTED_WITHOUT_QT, str(tmp_path / "hall.sqlite3"),
                             str(data_dir)], cwd=ROOT, capture_output=True, text=True, timeout=120,
                            env={**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def _answer(kind, then) -> None:
    """When a dialog of ``kind`` is up, call ``then(dialog)`` (tests/support/modals.py: the dialog runs its own loop)."""
    on_next_dialog(kind, then)


def test_a_database_that_cannot_open_is_reported_from_the_sign_in_dialog(qtbot, tmp_path):
    broken = tmp_path / "hall.sqlite3"
    broken.write_bytes(b"not a database at all" * 100)
    with pytest.raises(StartupFailure) as failure:
        sign_in_flow(DataLayer(str(broken)), Settings(window_no="03"))  # the dialog closes itself
    assert failure.value.exit_code == 2 and "数据库" in failure.value.message
    assert broken.read_bytes() == b"not a database at all" * 100  # refused untouched


def test_a_hall_without_accounts_gets_the_first_admin_dialog(qtbot, tmp_path):
    open_database(tmp_path / "hall.sqlite3").close()  # the file exists, with no account yet
    seen = []
    _answer(FirstAdminDialog, lambda dialog: (seen.append(dialog.objectName()), dialog.reject()))
    assert sign_in_flow(DataLayer(str(tmp_path / "hall.sqlite3")), Settings(window_no="03")) is None
    assert seen == ["first_admin_dialog"]


# --- the main window at N cases -------------------------------------------------------------------

def _big_hall(path: Path, cases: int, overdue: int) -> None:
    """Generated cases (bench/generate.py), plus ``overdue`` running deadlines past due and as many due soon."""
    generate.generate(path, cases)
    db = open_database(path)
    today = date.today()
    with db.engine.begin() as conn:
        ids = conn.scalars(select(Case.id).order_by(Case.id).limit(overdue)).all()
        rows = [{"case_id": case_id, "key": key, "label": "承诺办结", "stage": "completion", "count": 1,
                 "unit": "working_days", "extended_days": 0, "basis": "test", "explanation": "",
                 "due_on": today + timedelta(days=shift), "provisional": False, "state": "running", "met_on": None}
                for n, case_id in enumerate(ids) for key, shift in (("promised", -1 - n % 300), ("issue", n % 3))]
        if rows:
            conn.execute(insert(CaseDeadline.__table__), rows)
    db.close()


def _count_data_calls(monkeypatch) -> Counter:
    """Counts data() calls per model object (the real method runs; only the calls are counted)."""
    calls: Counter = Counter()
    for cls in (RowsModel, CaseTableModel):
        original = cls.data

        def counting(self, *args, _original=original):
            calls[id(self)] += 1
            return _original(self, *args)

        monkeypatch.setattr(cls, "data", counting)
    return calls


def _signed_in_window(qtbot, path: Path):
    db = open_database(path)
    account = accounts.sign_in(db, "clerk1", generate.PASSWORD, "01")
    window = build_main_window(db, Actor(account, "01", HALL), Settings(window_no="01", hall_name=HALL))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return db, window


def _worklists_tab(window) -> LazyTab:
    return window.fixed_pages[1]


def _worklists(window) -> WorklistsPage:
    """The 待办 page, shown (it is built at its tab's first show)."""
    tab = _worklists_tab(window)
    window.tabs.setCurrentWidget(tab)
    assert isinstance(tab.page, WorklistsPage)
    return tab.page


def test_tabs_are_built_when_first_shown(qtbot, tmp_path):
    path = tmp_path / "hall.sqlite3"
    _big_hall(path, 300, 50)
    statements: list[str] = []
    db = open_database(path)
    account = accounts.sign_in(db, "clerk1", generate.PASSWORD, "01")
    event.listen(db.engine, "before_cursor_execute",
                 lambda _c, _cur, statement, *_: statements.append(statement))
    db.reader.watchers.append(lambda statement, _parameters: statements.append(statement))  # the lists' read path
    window = build_main_window(db, Actor(account, "01", HALL), Settings(window_no="01", hall_name=HALL))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.wait(50)
    tab = _worklists_tab(window)
    assert tab.page is None and window.fixed_pages[0].page is None  # 查询 and 待办 are not even built
    assert not [s for s in statements if "case_deadlines" in s or "pledges" in s]  # the 待办 tab read nothing
    assert any("FROM cases" in s for s in statements)  # the case list (the tab on screen) did read
    window.refresh_cases()  # a case change while the tab is hidden does not read it either
    for page_ in window.fixed_pages:
        page_.refresh()
    assert not [s for s in statements if "case_deadlines" in s]
    page = _worklists(window)
    qtbot.waitUntil(lambda: page.loaded)
    assert [s for s in statements if "case_deadlines" in s]
    assert page.overdue_model.rowCount() >= 50  # ours, and what the generator left overdue
    db.close()


@pytest.mark.parametrize("overdue", [30, 1500])
def test_the_work_lists_never_measure_all_rows(qtbot, tmp_path, monkeypatch, overdue):
    """Showing 待办 at N cases calls the work-list models' data() a bounded number of times, whatever N is."""
    path = tmp_path / "hall.sqlite3"
    _big_hall(path, 2000, overdue)
    calls = _count_data_calls(monkeypatch)
    db, window = _signed_in_window(qtbot, path)
    page = _worklists(window)
    qtbot.waitUntil(lambda: page.loaded)
    qtbot.wait(50)  # the paints of the shown tab
    models = [page.due_soon_model, page.overdue_model, page.pledges_model, page.review_model]
    shown = {name: model.rowCount() for name, model in zip(("due_soon", "overdue", "pledges", "review"), models, strict=True)}
    assert min(overdue, LIST_LIMIT) <= shown["overdue"] <= LIST_LIMIT
    assert page.boxes["overdue"].title().startswith(f"已超期　{shown['overdue']}")
    assert page.boxes["overdue"].title().startswith("已超期　500+ 件") == (overdue > LIST_LIMIT)
    # NOTE: the bound: each list measures SAMPLE_ROWS rows for its column widths and paints the rows
    # on screen (a quarter of a 1366×768 window holds < 20), each cell asked for ≈ 10 roles; it does
    # not grow with the rows read. Before issue 15 this was ≈ 444,000 calls at a million cases.
    bound = len(models) * (SAMPLE_ROWS + 20) * 8 * 12
    total = sum(calls[id(m)] for m in models)
    assert 0 < total <= bound, (total, bound, shown)
    db.close()


def test_only_a_plain_start_skips_the_subcommand_parsers():
    from desktop.__main__ import wants_window

    assert wants_window([]) and wants_window(["--db", "hall.sqlite3", "--data-dir", "d"])
    assert wants_window(["--db=postgresql+psycopg://u@h/db"])
    for argv in (["audit", "verify"], ["--db", "x", "backup"], ["--help"], ["--version"], ["-h"]):
        assert not wants_window(argv), argv
