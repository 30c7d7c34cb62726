"""Start-up: the QApplication, the CJK font, the crash handler, the database, sign-in, the main window."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from desktop import __version__, hall_db, lastrun, logs
from desktop import settings as settings_store
from desktop.cases.dto import AccountInfo, Actor
from desktop.fonts import FontUnavailable, find_font
from desktop.settings import Settings
from desktop.store.database import Database, open_database
from desktop.store.errors import EnvironmentFailure
from desktop.ui.crash import install_crash_handler
from desktop.ui.main_window import MainWindow
from desktop.ui.pages import install_pages
from desktop.ui.msgbox import headless, show_environment_failure, show_error
from desktop.ui.qtfont import install_app_font
from desktop.ui.qttranslations import install_qt_translations
from desktop.ui.screen_fit import install as install_screen_fit
from forms.resources import resource

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
    app.setStyle("Fusion")
    install_qt_translations(app)
    install_screen_fit(app)
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


def open_store(target: str | None, settings: Settings | None = None) -> Database:
    """``--db``, else the database the settings name (the hall server, or SQLite in the data folder)."""
    try:
        return open_database(hall_db.target(target, settings or Settings()))
    except EnvironmentFailure as exc:
        raise StartupFailure(exc.message, EXIT_DATABASE, exc) from exc


def sign_in_flow(db: Database, settings: Settings) -> AccountInfo | None:
    """First start: create the administrator; then sign in. None when the clerk gave up."""
    # NOTE: imported where used: the sign-in dialogs and accounts (argon2) serve only this step.
    from desktop.cases import accounts
    from desktop.ui.login import FirstAdminDialog, LoginDialog

    if not accounts.has_accounts(db) and FirstAdminDialog.ask(db) is None:
        return None
    return LoginDialog.ask(db, settings.window_no)


def bootstrap(args: argparse.Namespace, app: QApplication | None = None) -> MainWindow | None:
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
    else:
        db = open_store(cli_db, settings)
    account = sign_in_flow(db, settings)
    if account is None:
        db.close()
        return None
    actor = Actor(account=account, window=settings.window_no, hall=settings.hall_name,
                  hall_address=settings.hall_address, hall_phone=settings.hall_phone)
    window = MainWindow(db, actor, settings)
    install_pages(window)
    # NOTE: imported where used: the admin menus pull in the idle lock, sessions and the audit
    # report, which nothing before sign-in needs, so the sign-in dialog appears sooner.
    from desktop.ui.admin_menus import install_admin_tools

    install_admin_tools(window)
    from desktop.ui.connection_dialog import install_connection_tools

    install_connection_tools(window)  # 管理 → 数据库与打印机… (issue 17: the set-up's choices, later)
    return window


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
    log_file = logs.setup_logging()
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
        window = bootstrap(args, app)
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
