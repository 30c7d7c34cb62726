"""Start-up: the QApplication, the CJK font, the crash handler, the database, sign-in, the main window."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QDialog

from desktop import __version__, hall_db, lastrun, logs, paths, settings as settings_store
from desktop.fonts import FontUnavailable, find_font
from desktop.preload import DataLayer
from desktop.settings import Settings
from desktop.store.errors import EnvironmentFailure
from desktop.ui.crash import install_crash_handler
from desktop.ui.msgbox import headless, show_environment_failure, show_error
from desktop.ui.qtfont import install_app_font
from desktop.ui.qttranslations import install_qt_translations
from forms.resources import resource

if TYPE_CHECKING:
    from desktop.cases.dto import AccountInfo, Actor
    from desktop.store.database import Database
    from desktop.ui.main_window import MainWindow

# NOTE: issue 15: nothing above imports SQLAlchemy, the models or the main window; the sign-in
# dialog paints first and the data layer loads on a worker thread while the clerk types
# (desktop/preload.py). A test keeps the sign-in path's imports light.
log = logging.getLogger(__name__)
EXIT_OK = 0
EXIT_DATABASE = 2
EXIT_FONT = 3


class StartupFailure(Exception):
    """HallDesk cannot start; ``message`` is for the clerk, ``exit_code`` for the shell."""

    def __init__(self, message: str, exit_code: int, cause: Exception | None = None):
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
        self.cause = cause


def create_application(argv: list[str] | None = None) -> QApplication:
    """The one QApplication (reused when it exists, as under pytest-qt)."""
    app = QApplication.instance() or QApplication(argv or [sys.argv[0]])
    app.setApplicationName("HallDesk")
    app.setApplicationDisplayName("HallDesk 政务窗口受理台")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("halldesk")  # the package's menu entry (halldesk.desktop)
    icon = resource("icons", "halldesk.png")  # NOTE: the frozen build ships it (packaging/halldesk.spec)
    if not icon.is_file():
        icon = Path(__file__).resolve().parents[1] / "packaging" / "icons" / "halldesk.png"
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    if app.style().name().lower() != "fusion":  # NOTE: Qt's default here already; a second one costs ≈ 5 ms
        app.setStyle("Fusion")
    install_qt_translations(app)
    return app


def setup_font(app: QApplication, settings: Settings) -> str:
    """Make the CJK font the application font; raises StartupFailure when there is none."""
    # NOTE: without a CJK font every label would be boxes (tofu); refusing to start is kinder.
    try:
        choice = find_font(settings.font_path or None)
        family = install_app_font(app, choice.path)
    except FontUnavailable as exc:
        raise StartupFailure(str(exc), EXIT_FONT, exc) from exc
    log.info("font %s from %s (%s)", family, choice.path, choice.origin)
    return family


def _joined(data: DataLayer) -> Database:
    """The database the loader opened; its failure as the StartupFailure it is."""
    try:
        return data.join()
    except EnvironmentFailure as exc:
        raise StartupFailure(exc.message, EXIT_DATABASE, exc) from exc


def _is_new_hall(target: str | None) -> bool:
    """True when a SQLite file does not exist yet: a first start, whose dialog needs the accounts first."""
    if target and "://" in target and not target.startswith("sqlite:"):
        return False  # NOTE: hall mode: the server says whether it has accounts, after loading
    path = target.removeprefix("sqlite:///") if target else str(paths.default_db_path())
    return not Path(path).exists()


def warm_up_main_window() -> None:
    """Import the main window's own modules (Qt widgets, the tabs) while the clerk types."""
    logs.rotate_from_now()  # NOTE: its module was imported by the loader (desktop/preload.py)
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import (
        QCheckBox,
        QCommandLinkButton,
        QDateEdit,
        QGroupBox,
        QMenu,
        QScrollArea,
        QSplitter,
        QStackedWidget,
        QTableView,
        QTabWidget,
    )

    import desktop.ui.admin_menus  # noqa: F401
    import desktop.ui.backup_scheduler  # noqa: F401
    import desktop.ui.connection_dialog  # noqa: F401  (管理 → 数据库与打印机, installed at build)
    import desktop.ui.lazy_tab  # noqa: F401
    import desktop.ui.pages  # noqa: F401
    import desktop.ui.recovery  # noqa: F401
    import desktop.ui.search_panel  # noqa: F401
    import desktop.ui.worklists_page  # noqa: F401

    # NOTE: the first instance of a Qt class makes PySide6 create the Python enums of its module
    # (≈ 120 enum types, 50–90 ms here); one throwaway of each class the window uses does it now.
    for cls in (QTabWidget, QTableView, QSplitter, QScrollArea, QStackedWidget, QCommandLinkButton, QGroupBox,
                QCheckBox, QDateEdit, QMenu):
        cls().deleteLater()
    QAction().deleteLater()


def sign_in_flow(data: DataLayer | Database, settings: Settings) -> AccountInfo | None:
    """First start: create the administrator; then sign in. None when the clerk gave up."""
    from desktop.ui.login import FirstAdminDialog, LoginDialog

    if isinstance(data, DataLayer) and _is_new_hall(data.target):
        data.run_here()  # NOTE: a new hall is being created: the first-admin dialog needs it at once
    if isinstance(data, DataLayer) and data.done.is_set():
        data = _joined(data)
    if not isinstance(data, DataLayer):
        from desktop.cases import accounts

        if not accounts.has_accounts(data) and FirstAdminDialog.ask(data) is None:
            return None
        return LoginDialog.ask(data, settings.window_no)
    dialog = LoginDialog(data, settings.window_no, warm_up=warm_up_main_window)
    code = dialog.exec()
    if code == QDialog.DialogCode.Accepted:
        return dialog.result_account
    if code == LoginDialog.NEEDS_FIRST_ADMIN:  # NOTE: a hall file with no account yet (or a new server)
        return sign_in_flow(_joined(data), settings)
    if code == LoginDialog.DATA_FAILED:
        _joined(data)  # raises the StartupFailure
    return None


def build_main_window(db: Database, actor: Actor, settings: Settings) -> MainWindow:
    """The signed-in clerk's main window with its pages and (by role) the admin menus; not shown."""
    from desktop.ui.main_window import MainWindow
    from desktop.ui.pages import install_pages

    window = MainWindow(db, actor, settings)
    install_pages(window)
    # NOTE: imported where used: the admin menus pull in the idle lock, sessions and the audit
    # report, which nothing before sign-in needs, so the sign-in dialog appears sooner.
    from desktop.ui.admin_menus import install_admin_tools

    install_admin_tools(window)
    from desktop.ui.connection_dialog import install_connection_tools

    install_connection_tools(window)  # 管理 → 数据库与打印机… (issue 17: the set-up's choices, later)
    return window


def bootstrap(args: argparse.Namespace, app: QApplication | None = None,
              after_unclean_end: bool = False) -> MainWindow | None:
    """Everything up to the main window (not shown); None when the clerk quit at a dialog."""
    app = app or create_application()
    settings = settings_store.load()
    setup_font(app, settings)
    cli_db = getattr(args, "db", None)
    if hall_db.first_run_needed(cli_db):
        # NOTE: imported where used: the wizard (and QtPrintSupport's printer list) serves one start.
        from desktop.ui.setup_wizard import SetupWizard

        outcome = SetupWizard.ask(settings)
        if outcome is None:
            return None
        settings, db = outcome.settings, outcome.db
        account = sign_in_flow(db, settings)
        if account is None:
            db.close()
            return None
    else:
        try:
            target = hall_db.target(cli_db, settings)  # --db, else what the settings name (issue 17)
        except EnvironmentFailure as exc:
            raise StartupFailure(exc.message, EXIT_DATABASE, exc) from exc
        data = DataLayer(target, after_unclean_end=after_unclean_end)
        account = sign_in_flow(data, settings)
        if account is None:
            # NOTE: a loader still running (quick_check, an upgrade) dies with the process: opening is
            # all or nothing and survives a SIGKILL at any step (make crash), so nobody waits for it.
            if data.done.is_set() and data.db is not None:
                data.db.close()
            return None
        db = _joined(data)
    logs.rotate_from_now()  # NOTE: where the warm-up did not (a first start, a quick clerk); else nothing
    from desktop.cases.dto import Actor  # NOTE: after sign-in: its dataclasses cost ≈ 5 ms (issue 15)

    actor = Actor(account=account, window=settings.window_no, hall=settings.hall_name,
                  hall_address=settings.hall_address, hall_phone=settings.hall_phone)
    return build_main_window(db, actor, settings)


def report_startup_failure(failure: StartupFailure) -> None:
    """Always to stderr (and the log); also a message box when someone can see it."""
    log.error("start-up failed (exit %s): %s", failure.exit_code, failure.message)
    print(failure.message, file=sys.stderr)
    if headless():
        return
    if isinstance(failure.cause, EnvironmentFailure):
        show_environment_failure(None, failure.cause)
    else:
        show_error(None, failure.message)


def run_gui(args: argparse.Namespace) -> int:
    log_file = logs.setup_logging(rotating=False)  # NOTE: rotating once the clerk can type (desktop/logs.py)
    logs.enable_fatal_log()
    log.info("HallDesk %s starting", __version__)
    session = lastrun.SessionMarker()
    previous = session.begin()
    app = create_application()
    install_crash_handler(log_file)
    code, told = _run_session(args, app, previous)
    # NOTE: only a return gets here; a crash or a kill leaves the marker for the next start to find.
    # A dead session nobody was told about (the clerk quit at sign-in) is carried to the next start.
    session.end(keep=None if told else previous)
    return code


def _run_session(args: argparse.Namespace, app: QApplication,
                 previous: lastrun.AbnormalEnd | None) -> tuple[int, bool]:
    """The exit code, and whether the clerk was told about ``previous``."""
    try:
        window = bootstrap(args, app, after_unclean_end=previous is not None)
    except StartupFailure as failure:
        report_startup_failure(failure)
        return failure.exit_code, False
    if window is None:
        return EXIT_OK, False
    window.show()
    from desktop.ui.recovery import offer_at_start

    # NOTE: after sign-in, over the shown window: the clerk is known, and restored pages open as tabs.
    told = offer_at_start(window, previous)
    code = app.exec()
    from desktop.cases import accounts

    try:
        accounts.sign_out(window.db, window.actor.account, window.actor.window)
    except EnvironmentFailure:
        log.warning("sign-out not recorded", exc_info=True)
    window.db.close()
    return code, told
