"""Connect the main window to the intake pages: new cases from the service list, opening listed cases."""

from __future__ import annotations

from desktop.cases import queries, status
from desktop.store.errors import EnvironmentFailure
from desktop.ui.main_window import MainWindow
from desktop.ui.msgbox import show_environment_failure
from forms import registry


def _new_page(window: MainWindow, service_id: str) -> "IntakePage":
    # NOTE: imported on first use: the page pulls in QtPdf and the rules' widgets (~40 ms),
    # which the first paint of the main window does not need.
    from desktop.ui.intake_page import IntakePage

    # Read db, actor and settings at call time: the settings dialog may have changed them.
    page = IntakePage(window.db, window.actor, window.settings, registry.get(service_id))
    page.sig_case_saved.connect(lambda _case: window.refresh_cases())
    return page


def open_case(window: MainWindow, case_id: int) -> "IntakePage | None":
    """A draft opens for resuming; any other case opens read-only with its answers and findings."""
    try:
        detail = queries.get_case(window.db, case_id)
    except EnvironmentFailure as exc:
        show_environment_failure(window, exc)
        return None
    page = _new_page(window, detail.summary.service_id)
    page.load(detail.answers, detail.materials, case_id=case_id)
    if detail.summary.status != status.DRAFT:
        page.set_read_only()
    title = detail.summary.case_no or f"草稿 {detail.summary.applicant_name}"
    window.add_page(page, title)
    return page


def install_pages(window: MainWindow) -> None:
    window.page_factory = lambda service_id: _new_page(window, service_id)
    window.case_list.sig_case_activated.connect(lambda case_id: open_case(window, case_id))
