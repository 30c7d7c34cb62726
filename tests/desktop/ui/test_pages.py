"""The main window opens intake pages for new cases and for cases picked from the list."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import QLineEdit

from desktop.cases import intake
from desktop.cases.dto import Actor
from desktop.cases.hall_context import HallContext
from desktop.settings import Settings
from desktop.ui.intake_page import IntakePage
from desktop.ui.main_window import MainWindow
from desktop.ui.pages import install_pages, open_case
from forms import registry


def _window(qtbot, db, admin, tmp_path) -> MainWindow:
    settings = Settings(window_no="03", output_dir=str(tmp_path / "papers"))
    window = MainWindow(db, Actor(admin, "03", settings.hall_name), settings)
    install_pages(window)
    qtbot.addWidget(window)
    return window


def test_service_opens_a_generated_page(qtbot, db, admin, tmp_path):
    window = _window(qtbot, db, admin, tmp_path)
    window._on_service_clicked("residence_permit")
    assert isinstance(window.tabs.currentWidget(), IntakePage)
    assert window.tabs.tabText(window.tabs.currentIndex()) == "居住证申领"


def test_draft_from_the_list_resumes_with_its_answers(qtbot, db, admin, tmp_path):
    draft = intake.save_draft(db, Actor(admin, "03", "大厅"), "residence_permit", {"name": "李娜"}, {})
    window = _window(qtbot, db, admin, tmp_path)
    page = open_case(window, draft.id)
    assert page.case_id == draft.id
    assert page.findChild(QLineEdit, "field_name").text() == "李娜"
    assert page.findChild(QLineEdit, "field_name").isEnabled()


def test_accepted_case_opens_in_the_case_view(qtbot, db, admin, tmp_path):
    from desktop.ui.case_view import CaseView

    now = datetime(2026, 11, 25, 10, 0)
    case = registry.get("residence_permit").example(now.date())
    done = intake.accept(HallContext(db, Actor(admin, "03", "大厅"), tmp_path),
                         "residence_permit", case["answers"], case["materials"],
                         now=now)
    window = _window(qtbot, db, admin, tmp_path)
    window.refresh_cases()
    with qtbot.waitSignal(window.case_list.sig_case_activated):
        window.case_list.sig_case_activated.emit(done.case.id)
    view = window.tabs.currentWidget()
    assert isinstance(view, CaseView) and window.tabs.tabText(window.tabs.currentIndex()) == done.case.case_no
    assert view.values["case_no"].text() == done.case.case_no
    # Opening it again switches to the same tab instead of a second view.
    count = window.tabs.count()
    assert open_case(window, done.case.id) is view and window.tabs.count() == count


def test_search_and_worklists_are_fixed_tabs(qtbot, db, admin, tmp_path):
    from desktop.ui.search_panel import SearchPanel
    from desktop.ui.worklists_page import WorklistsPage

    window = _window(qtbot, db, admin, tmp_path)
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert titles == ["案件列表", "查询", "待办"]
    search, worklists = window.tabs.widget(1), window.tabs.widget(2)
    assert search.page is None and worklists.page is None  # built at their first show (issue 15)
    window.show()
    qtbot.waitExposed(window)
    window.tabs.setCurrentIndex(2)
    assert isinstance(worklists.page, WorklistsPage) and worklists.page.isVisible() and search.page is None
    window.tabs.setCurrentIndex(1)
    assert isinstance(search.page, SearchPanel) and search.page.isVisible()
    window._on_service_clicked("residence_permit")
    assert window.tabs.currentIndex() == 3
