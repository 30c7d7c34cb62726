"""The main window: menus, the service list, the tabbed work area with the case list, the status bar."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCommandLinkButton,
    QFrame,
    QLabel,
    QLineEdit,
    QMainWindow,
    QScrollArea,
    QSplitter,
    QTabBar,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop import __version__
from desktop.cases import permissions
from desktop.cases.case_rows import CaseRow
from desktop.cases.dto import Actor
from desktop.cases.errors import EnvironmentFailure
from desktop.cases.halldb import Database
from desktop.cases.queries import CaseFilter, page_rows
from desktop.settings import Settings
from desktop.ui.case_table import CaseListPanel
from desktop.ui.msgbox import show_environment_failure, show_info
from desktop.ui.screen_fit import fit_main_window
from forms import registry

log = logging.getLogger(__name__)
SERVICE_PANEL_WIDTH = 320
SERVICE_POINT_SIZE = 11.5  # NOTE: the service entries are the clerk's main targets; a bit larger.
# NOTE: Ctrl+digit, not F-keys: F5 is already 刷新列表 (Qt's standard Refresh) and F1 is help by habit.
SERVICE_KEYS = ("Ctrl+1", "Ctrl+2", "Ctrl+3", "Ctrl+4", "Ctrl+5", "Ctrl+6", "Ctrl+7", "Ctrl+8", "Ctrl+9")


def first_input(widget: QWidget) -> QWidget | None:
    """The first widget inside ``widget`` that Tab would stop at (visible, enabled)."""
    current = widget.nextInFocusChain()
    while current is not None and current is not widget:
        if (widget.isAncestorOf(current) and current.focusPolicy() & Qt.FocusPolicy.TabFocus
                and current.isVisible() and current.isEnabled()):
            return current
        current = current.nextInFocusChain()
    return None


class MainWindow(QMainWindow):
    """The clerk's workspace after sign-in."""

    sig_service_requested = Signal(str)  # service id, whenever the clerk picks a service
    sig_settings_changed = Signal(object)  # the new Settings
    sig_actor_changed = Signal(object)  # the new Actor, after 切换用户

    # NOTE: the intake pages are built elsewhere; the app sets this hook, so the main window
    # never imports them (and a missing page is a message, not a crash).
    page_factory: Callable[[str], QWidget] | None = None
    _keep_unsaved = False  # set only while close_keeping_unsaved() closes the window

    def __init__(self, db: Database, actor: Actor, settings: Settings, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.actor = actor
        self.settings = settings
        self.setObjectName("main_window")
        self.services = registry.services()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("tabs")
        self.tabs.setTabsClosable(True)
        self.tabs.setDocumentMode(True)
        self.tabs.tabCloseRequested.connect(self._on_tab_close_requested)
        self.case_list = CaseListPanel(self._load_page)
        self.tabs.addTab(self.case_list, self.tr("案件列表"))
        self.tabs.tabBar().setTabButton(0, QTabBar.ButtonPosition.RightSide, None)
        self.fixed_pages: list[QWidget] = []
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self._build_service_panel())
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([SERVICE_PANEL_WIDTH, 1000])
        splitter.setChildrenCollapsible(False)
        self.setCentralWidget(splitter)
        self._build_menus()
        self._build_status_bar()
        self._update_title()
        fit_main_window(self)
        self.refresh_cases()

    # --- public API for the intake pages ---
    def add_page(self, widget: QWidget, title: str) -> int:
        """Add a closable tab, switch to it and return its index."""
        index = self.tabs.addTab(widget, title)
        self.tabs.setCurrentIndex(index)
        # NOTE: a new case starts in its first field, so the clerk can type at once (issue 12).
        focus = getattr(widget, "focus_first_field", None)
        if callable(focus):
            focus()
        return index

    def add_fixed_page(self, widget: QWidget, title: str) -> int:
        """A tab the clerk cannot close (work lists, search), kept beside the case list."""
        # NOTE: fixed tabs sit right after the case list, before any case or intake pages.
        index = self.tabs.insertTab(1 + len(self.fixed_pages), widget, title)
        self.tabs.tabBar().setTabButton(index, QTabBar.ButtonPosition.RightSide, None)
        self.fixed_pages.append(widget)
        return index

    def refresh_cases(self) -> None:
        self.case_list.refresh()

    def status_text(self) -> str:
        return "  ".join(label.text() for label in (self.status_clerk, self.status_window, self.status_db))

    # --- building ---
    def _build_service_panel(self) -> QWidget:
        panel = QWidget()
        panel.setObjectName("service_panel")
        panel.setMinimumWidth(240)
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(8, 8, 8, 8)
        heading = QLabel(self.tr("办理服务"))
        heading.setStyleSheet("font-size: 13pt; font-weight: bold;")
        layout.addWidget(heading)
        self.service_buttons: dict[str, QCommandLinkButton] = {}
        for n, (service_id, service) in enumerate(self.services.items()):
            button = QCommandLinkButton(service.name, service.description)
            button.setObjectName(f"service_{service_id}")
            button.setToolTip(service.description + self._shortcut_hint(n))
            font = button.font()
            font.setPointSizeF(SERVICE_POINT_SIZE)
            button.setFont(font)
            button.clicked.connect(lambda _checked=False, sid=service_id: self._on_service_clicked(sid))
            layout.addWidget(button)
            self.service_buttons[service_id] = button
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(panel)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # NOTE: an invisible Tab stop otherwise
        return scroll

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(self.tr("文件(&F)"))
        self.settings_action = QAction(self.tr("设置…"), self)
        self.settings_action.triggered.connect(self._on_settings_triggered)
        file_menu.addAction(self.settings_action)
        self.calendar_action = QAction(self.tr("节假日与调休…"), self)
        self.calendar_action.setObjectName("calendar_action")
        self.calendar_action.triggered.connect(self._on_calendar_triggered)
        # NOTE: hidden for clerks; the case layer refuses non-administrators anyway.
        self.calendar_action.setVisible(permissions.can(self.actor.account, "calendar"))
        file_menu.addAction(self.calendar_action)
        file_menu.addSeparator()
        self._add_session_actions(file_menu)
        file_menu.addSeparator()
        quit_action = QAction(self.tr("退出"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        service_menu = bar.addMenu(self.tr("服务(&S)"))
        self.service_actions: dict[str, QAction] = {}
        for n, (service_id, service) in enumerate(self.services.items()):
            action = QAction(service.name, self)
            action.setObjectName(f"service_action_{service_id}")
            if n < len(SERVICE_KEYS):
                action.setShortcut(QKeySequence(SERVICE_KEYS[n]))
            action.triggered.connect(lambda _checked=False, sid=service_id: self._on_service_clicked(sid))
            service_menu.addAction(action)
            self.service_actions[service_id] = action
        self._add_declared_actions(file_menu, service_menu)
        case_menu = bar.addMenu(self.tr("案件(&C)"))
        refresh = QAction(self.tr("刷新列表"), self)
        refresh.setShortcut(QKeySequence.StandardKey.Refresh)
        refresh.triggered.connect(self.refresh_cases)
        self._add_page_actions(case_menu)
        case_menu.addAction(refresh)
        help_menu = bar.addMenu(self.tr("帮助(&H)"))
        about = QAction(self.tr("关于 HallDesk"), self)
        about.triggered.connect(self._on_about_triggered)
        help_menu.addAction(about)

    def _build_status_bar(self) -> None:
        self.status_clerk = QLabel()
        self.status_clerk.setObjectName("status_clerk")
        self.status_window = QLabel()
        self.status_window.setObjectName("status_window")
        self.status_db = QLabel()
        self.status_db.setObjectName("status_db")
        bar = self.statusBar()
        bar.addWidget(self.status_clerk)
        bar.addWidget(self.status_window)
        bar.addPermanentWidget(self.status_db)
        self._update_status()

    def _update_status(self) -> None:
        account = self.actor.account
        self.status_clerk.setText(self.tr("经办人：%1（%2）").replace("%1", account.display_name)
                                  .replace("%2", account.role_label))
        self.status_window.setText(self.tr("窗口号：%1").replace("%1", self.actor.window))
        self.status_db.setText(self.tr("数据库：%1").replace("%1", self.db.location()))

    def _update_title(self) -> None:
        # NOTE: ends with the application's display name, so Qt does not append it a second time.
        self.setWindowTitle(self.tr("%1 %2号窗口 — HallDesk 政务窗口受理台")
                            .replace("%1", self.actor.hall).replace("%2", self.actor.window))

    def _load_page(self, offset: int, limit: int) -> list[CaseRow]:
        try:
            return page_rows(self.db, CaseFilter(), offset, limit)
        except EnvironmentFailure as exc:
            show_environment_failure(self, exc)
            return []

    # --- slots ---
    def _on_service_clicked(self, service_id: str) -> None:
        self.sig_service_requested.emit(service_id)
        # NOTE: getattr_static, so a plain function set on the class is not bound as a method.
        factory = inspect.getattr_static(self, "page_factory", None)
        if isinstance(factory, staticmethod):
            factory = factory.__func__
        if factory is None:
            show_info(self, self.tr("该服务暂未开放。"))
            return
        try:
            page = factory(service_id)
        except EnvironmentFailure as exc:
            show_environment_failure(self, exc)
            return
        self.add_page(page, self.services[service_id].name)

    def _on_tab_close_requested(self, index: int) -> None:
        widget = self.tabs.widget(index)
        if widget is self.case_list:
            return
        # NOTE: a page with unsaved input may refuse (it asks the clerk itself) via can_close().
        can_close = getattr(widget, "can_close", None)
        if callable(can_close) and not can_close():
            return
        self.tabs.removeTab(index)
        widget.deleteLater()

    # --- keyboard and sessions (issue 12) ---
    def _shortcut_hint(self, n: int) -> str:
        if n >= len(SERVICE_KEYS):
            return ""
        keys = QKeySequence(SERVICE_KEYS[n]).toString(QKeySequence.SequenceFormat.NativeText)
        return "\n" + self.tr("快捷键：%1").replace("%1", keys)

    def _add_page_actions(self, menu) -> None:
        self.search_action = QAction(self.tr("查询案件"), self)
        self.search_action.setObjectName("search_action")
        self.search_action.setShortcut(QKeySequence("Ctrl+F"))
        self.search_action.triggered.connect(self.open_search)
        self.close_page_action = QAction(self.tr("关闭当前页"), self)
        self.close_page_action.setObjectName("close_page_action")
        # NOTE: Ctrl+F4 too, as Windows programs close a document tab with it.
        self.close_page_action.setShortcuts([QKeySequence("Ctrl+W"), QKeySequence("Ctrl+F4")])
        self.close_page_action.triggered.connect(self.close_current_page)
        menu.addActions([self.search_action, self.close_page_action])
        menu.addSeparator()

    def _add_session_actions(self, menu) -> None:
        self.lock_action = QAction(self.tr("锁定"), self)
        self.lock_action.setObjectName("lock_action")
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.triggered.connect(self.lock_now)
        self.switch_user_action = QAction(self.tr("切换用户…"), self)
        self.switch_user_action.setObjectName("switch_user_action")
        self.switch_user_action.setShortcut(QKeySequence("Ctrl+Shift+L"))
        self.switch_user_action.triggered.connect(self.switch_user)
        menu.addActions([self.lock_action, self.switch_user_action])

    def close_current_page(self) -> None:
        """Ctrl+W: the same path as the tab's close button, so a page with unsaved input is asked."""
        self._on_tab_close_requested(self.tabs.currentIndex())

    def open_search(self) -> None:
        """Ctrl+F: the 查询 tab, with the focus in its first field (its text selected, ready to overtype)."""
        page = next((p for p in self.fixed_pages if p.objectName() == "search_panel"), None)
        if page is None:
            return
        self.tabs.setCurrentWidget(page)
        ensure_page = getattr(page, "ensure_page", None)  # NOTE: a tab built at its first show (issue 15)
        first = first_input(ensure_page() if callable(ensure_page) else page)
        if first is not None:
            first.setFocus(Qt.FocusReason.ShortcutFocusReason)
            if isinstance(first, QLineEdit):
                first.selectAll()

    def lock_now(self) -> None:
        """锁定: the idle lock's screen at once, with its rules (only this clerk's password unlocks)."""
        lock = getattr(self, "idle_lock", None)
        if lock is not None:
            lock.lock("manual")

    def close_pages(self) -> bool:
        """Close every case and intake page, newest first, each asked as by its close button; False if one stays."""
        for index in range(self.tabs.count() - 1, -1, -1):
            widget = self.tabs.widget(index)
            if widget is self.case_list or widget in self.fixed_pages:
                continue
            self._on_tab_close_requested(index)
            if self.tabs.indexOf(widget) != -1:
                self.tabs.setCurrentWidget(widget)
                return False
        return True

    def switch_user(self) -> bool:
        """切换用户: close the pages, let someone sign in, and carry on as them; True when the actor changed."""
        # NOTE: one question for all unsaved pages, as when quitting; then the pages close without asking.
        if not self.confirm_unsaved() or not self.close_pages():
            return False
        from desktop.cases import accounts
        from desktop.ui.login import LoginDialog

        account = LoginDialog.ask_switch(self.db, self.actor, self)
        if account is None:
            return False  # NOTE: cancelled: the clerk who was signed in stays signed in
        try:
            accounts.sign_out(self.db, self.actor.account, self.actor.window)
        except EnvironmentFailure:
            log.warning("sign-out not recorded", exc_info=True)
        self.set_actor(replace(self.actor, account=account))
        return True

    def set_actor(self, actor: Actor) -> None:
        """A new person at this window: status bar, title and what their role may see follow."""
        self.actor = actor
        self.calendar_action.setVisible(permissions.can(actor.account, "calendar"))
        self._show_declared_actions()
        self._update_status()
        self._update_title()
        self.refresh_cases()
        for page in self.fixed_pages:
            if hasattr(page, "refresh"):
                page.refresh()
        self.sig_actor_changed.emit(actor)

    # --- leaving with unsaved input (issue 12.4) ---
    def unsaved_pages(self) -> list[QWidget]:
        """The open pages whose input is not stored yet, in tab order."""
        pages = []
        for index in range(self.tabs.count()):
            check = getattr(self.tabs.widget(index), "has_unsaved_changes", None)
            if callable(check) and check():
                pages.append(self.tabs.widget(index))
        return pages

    def confirm_unsaved(self) -> bool:
        """One question for every page with unsaved input (保存草稿 / 放弃 / 取消); True when the program may go.

        Anything that ends the session (quit, sign-out, switching the user) calls this first.
        """
        from desktop.ui import unsaved

        pages = self.unsaved_pages()
        if pages:
            titles = [page.unsaved_title() if hasattr(page, "unsaved_title")
                      else self.tabs.tabText(self.tabs.indexOf(page)) for page in pages]
            choice = unsaved.KEEP if self._keep_unsaved else unsaved.ask(self, titles)
            for page in pages:
                if not page.close_unsaved(choice):
                    # NOTE: 取消, or a save that failed (its message was shown): the clerk stays, on that page.
                    self.tabs.setCurrentWidget(page)
                    return False
        for index in range(self.tabs.count()):
            stop = getattr(self.tabs.widget(index), "stop_autosave", None)
            if callable(stop):
                stop()
        return True

    def close_keeping_unsaved(self) -> bool:
        """Quit without the question: every unsaved page is kept as its autosave copy for the clerk's next start.

        NOTE: for the idle lock's 退出程序: whoever stands at the locked desk may not be the clerk, so
        neither the applicants' names nor 放弃 are offered to them.
        """
        self._keep_unsaved = True
        try:
            return self.close()
        finally:
            self._keep_unsaved = False

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        # NOTE: the window's ×, Alt+F4 and 文件 → 退出 (which calls close()) all arrive here.
        if self.confirm_unsaved():
            event.accept()
        else:
            event.ignore()

    def _on_settings_triggered(self) -> None:
        # NOTE: imported when the menu is used, like the other dialogs: not needed for the first paint.
        from desktop.ui.settings_dialog import SettingsDialog

        changed = SettingsDialog.ask(self.settings, self, self.actor.account, self.db)
        if changed is None:
            return
        self.settings = changed
        self.actor = replace(self.actor, window=changed.window_no, hall=changed.hall_name,
                             hall_address=changed.hall_address, hall_phone=changed.hall_phone)
        self._update_status()
        self._update_title()
        self.sig_settings_changed.emit(changed)

    def _add_declared_actions(self, file_menu, service_menu) -> None:
        """The menu items the services' UI packages declare (desktop.ui.menu_actions), by objectName.

        NOTE (issue 16): 文件's go above 节假日与调休… (an administrator's settings), 服务's after the services
        behind a separator; each is shown by its declared permission, as the calendar is.
        """
        from desktop.ui import menu_actions

        self.declared_actions: dict[str, QAction] = {}
        self._declared_permissions: dict[str, str | None] = {}
        declared = menu_actions.declared()
        if any(d.menu == menu_actions.SERVICE_MENU for d in declared):
            service_menu.addSeparator()
        for d in declared:
            action = QAction(d.text, self)
            action.setObjectName(d.object_name)
            action.triggered.connect(lambda _checked=False, opens=d.opens: opens(self))
            if d.menu == menu_actions.FILE_MENU:
                file_menu.insertAction(self.calendar_action, action)
            else:
                service_menu.addAction(action)
            self.declared_actions[d.object_name] = action
            self._declared_permissions[d.object_name] = d.permission
        self._show_declared_actions()

    def _show_declared_actions(self) -> None:
        for name, action in self.declared_actions.items():
            needs = self._declared_permissions[name]
            action.setVisible(needs is None or permissions.can(self.actor.account, needs))

    def _on_calendar_triggered(self) -> None:
        from desktop.ui.calendar_dialog import CalendarDialog

        CalendarDialog.ask(self.db, self.actor, self)

    def _on_about_triggered(self) -> None:
        show_info(self, self.tr("HallDesk 政务窗口受理台 %1\n\n郑州市政务服务大厅窗口受理程序，"
                                "无需联网即可使用。").replace("%1", __version__),
                  self.tr("关于 HallDesk"))
