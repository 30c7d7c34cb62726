"""Connect the main window to its pages: intake for new cases and drafts, the case view, work lists, search."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from desktop.cases import queries, status
from desktop.cases.errors import EnvironmentFailure
from desktop.ui.lazy_tab import LazyTab
from desktop.ui.main_window import MainWindow
from desktop.ui.msgbox import show_environment_failure
from forms import registry

if TYPE_CHECKING:
    from desktop.ui.intake_page import IntakePage


def _new_page(window: MainWindow, service_id: str) -> IntakePage:
    # NOTE: imported on first use: the page pulls in QtPdf and the rules' widgets (~40 ms),
    # which the first paint of the main window does not need.
    from desktop.ui.intake_page import IntakePage

    # Read db, actor and settings at call time: the settings dialog may have changed them.
    page = IntakePage(window.db, window.actor, window.settings, registry.get(service_id))
    page.sig_case_saved.connect(lambda _case: _cases_changed(window))
    return page


def _cases_changed(window: MainWindow) -> None:
    window.refresh_cases()
    for page in getattr(window, "fixed_pages", []):
        if hasattr(page, "refresh"):
            page.refresh()


def open_case(window: MainWindow, case_id: int):
    """A draft opens on its intake page for resuming; any other case opens in the case view."""
    from desktop.ui.case_view import CaseView

    for index in range(window.tabs.count()):
        widget = window.tabs.widget(index)
        if isinstance(widget, CaseView) and widget.case_id == case_id:
            window.tabs.setCurrentIndex(index)  # NOTE: one tab per case, so two views never disagree
            widget.reload()
            return widget
    try:
        detail = queries.get_case(window.db, case_id)
    except EnvironmentFailure as exc:
        show_environment_failure(window, exc)
        return None
    title = detail.summary.case_no or f"草稿 {detail.summary.applicant_name}"
    if detail.summary.status == status.DRAFT:
        page = _new_page(window, detail.summary.service_id)
        page.load(detail.answers, detail.materials, case_id=case_id)
    else:
        page = CaseView(window.db, window.actor, window.settings, case_id)
        page.sig_case_changed.connect(lambda _case: _cases_changed(window))
    window.add_page(page, title)
    return page


def install_pages(window: MainWindow) -> None:
    window.page_factory = lambda service_id: _new_page(window, service_id)
    window.case_list.sig_case_activated.connect(lambda case_id: open_case(window, case_id))

    def opening(page: QWidget) -> QWidget:
        page.sig_case_activated.connect(lambda case_id: open_case(window, case_id))
        return page

    def search() -> QWidget:
        from desktop.ui.search_panel import SearchPanel

        return opening(SearchPanel(window.db, actor=lambda: window.actor,
                                   exports_dir=lambda: window.settings.papers_dir() / "exports"))

    def worklists() -> QWidget:
        from desktop.ui.worklists_page import WorklistsPage

        return opening(WorklistsPage(window.db))

    # NOTE: built at their first show (desktop/ui/lazy_tab.py, issue 15); the titles are the pages'.
    window.add_fixed_page(LazyTab(search, "search_panel"), QCoreApplication.translate("SearchPanel", "查询"))
    window.add_fixed_page(LazyTab(worklists, "worklists_page"), QCoreApplication.translate("WorklistsPage", "待办"))
