"""Nothing typed is lost: autosave after a pause, the close and quit prompt, 保存草稿 feedback, recovery."""

from __future__ import annotations

import re
import sqlite3
from datetime import date

import pytest
from modals import answer_box, on_next_dialog
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton
from qt_helpers import answer_next_box, type_text
from sqlalchemy import func, select

from desktop.cases import accounts, drafts, intake, queries
from desktop.cases.dto import Actor
from desktop.cases.hall_context import HallContext
from desktop.settings import Settings
from desktop.store.draft_models import DraftAutosave
from desktop.store.models import AuditEvent
from desktop.ui import recovery, unsaved
from desktop.ui.intake_page import IntakePage
from desktop.ui.main_window import MainWindow
from desktop.ui.pages import install_pages
from forms import registry

SERVICE = registry.get("residence_permit")
QUICK_MS = 30


@pytest.fixture
def settings(tmp_path):
    return Settings(hall_name="郑州市金水区政务服务中心", window_no="03", output_dir=str(tmp_path / "papers"))


@pytest.fixture
def actor(admin, settings):
    return Actor(admin, "03", settings.hall_name)


@pytest.fixture
def page(qtbot, db, actor, settings):
    widget = IntakePage(db, actor, settings, SERVICE)
    widget.autosave_delay_ms = QUICK_MS
    qtbot.addWidget(widget)
    widget.show()
    return widget


@pytest.fixture
def window(qtbot, db, actor, settings, monkeypatch):
    # NOTE: these tests answer every box themselves, so the prompts may show on the offscreen display.
    monkeypatch.setattr(unsaved, "ask_when_headless", True)
    win = MainWindow(db, actor, settings)
    install_pages(win)
    # NOTE: pytest-qt closes the window before fixtures are torn down; nobody answers a box then.
    qtbot.addWidget(win, before_close_func=lambda _w: setattr(unsaved, "ask_when_headless", False))
    win.show()
    return win


def line(page, key) -> QLineEdit:
    return page.findChild(QLineEdit, f"field_{key}")


def copies(db) -> list[DraftAutosave]:
    with db.unit() as s:
        return list(s.scalars(select(DraftAutosave).order_by(DraftAutosave.id)))


def audit_count(db) -> int:
    with db.unit() as s:
        return s.scalar(select(func.count()).select_from(AuditEvent))


def open_page(window, qtbot) -> IntakePage:
    window.service_actions["residence_permit"].trigger()
    page = window.tabs.currentWidget()
    assert isinstance(page, IntakePage)
    page.autosave_delay_ms = QUICK_MS
    return page


def answer_prompt(button_name: str, texts: list[str], *, optional: bool = False) -> None:
    """Click one button of the next close prompt (保存草稿 / 放弃 / 取消), recording its text."""
    answer_box(texts, button_name, name=unsaved.OBJECT_NAME, optional=optional)


# --- autosave ------------------------------------------------------------------------------
def test_autosave_writes_one_copy_after_the_pause_and_no_audit_rows(page, db, qtbot):
    before = audit_count(db)
    with qtbot.waitSignal(page.sig_autosaved, timeout=5000):
        type_text(line(page, "name"), "欧阳娜娜")
    rows = copies(db)
    assert [(r.service_id, r.answers.get("name"), r.case_id) for r in rows] == [("residence_permit", "欧阳娜娜", None)]
    assert re.fullmatch(r"已自动保存 \d\d:\d\d", page.findChild(object, "save_status").text())
    # More typing overwrites the same copy; the case list and the audit chain see nothing of it.
    with qtbot.waitSignal(page.sig_autosaved, timeout=5000):
        qtbot.keyClicks(line(page, "phone"), "13812345678")
    rows = copies(db)
    assert len(rows) == 1 and rows[0].answers["phone"] == "13812345678"
    assert audit_count(db) == before
    assert queries.list_cases(db, queries.CaseFilter(), 0, 10) == []


def test_keystrokes_only_restart_the_timer(page, db, qtbot):
    page.autosave_delay_ms = 60_000  # no pause long enough: nothing may be written while typing
    for ch in "4103051990":
        qtbot.keyClicks(line(page, "id_number"), ch)
    assert page._autosave_timer.isActive() and copies(db) == []


def test_untouched_page_and_page_typed_back_are_not_kept(page, db, qtbot):
    assert not page.has_unsaved_changes()
    assert page.autosave_now() is False and copies(db) == []
    with qtbot.waitSignal(page.sig_autosaved, timeout=5000):
        type_text(line(page, "name"), "李娜")
    assert len(copies(db)) == 1 and page.has_unsaved_changes()
    line(page, "name").clear()  # back to the empty page: the copy has nothing left to keep
    assert not page.has_unsaved_changes()
    page.autosave_now()
    assert copies(db) == [] and page.autosave_id is None


def test_no_autosave_while_a_dialog_is_open(page, db, qtbot):
    type_text(line(page, "name"), "李娜")
    seen: list[str] = []

    # The box stays up well past the autosave delay; nothing is written until it is closed.
    answer_box(None, 0, after_ms=QUICK_MS * 10, act=lambda box: seen.append(str(len(copies(db)))))
    from desktop.ui import msgbox

    with qtbot.waitSignal(page.sig_autosaved, timeout=5000):
        msgbox.show_info(page, "测试")
    assert seen == ["0"] and len(copies(db)) == 1


def test_locked_database_is_told_on_the_page_and_retried(page, db, qtbot, tmp_path):
    blocker = sqlite3.connect(tmp_path / "hall.sqlite3", timeout=0)
    blocker.execute("BEGIN EXCLUSIVE")
    page.autosave_retry_ms = QUICK_MS
    try:
        with qtbot.waitSignal(page.sig_autosave_failed, timeout=20000) as failed:
            type_text(line(page, "name"), "李娜")
        assert "占用" in failed.args[0]
        status = page.findChild(object, "save_status").text()
        assert "自动保存失败" in status and "重试" in status
        assert QApplication.activeModalWidget() is None  # quiet: no box for the clerk to dismiss
    finally:
        blocker.rollback()
        blocker.close()
    with qtbot.waitSignal(page.sig_autosaved, timeout=20000):
        pass
    assert [r.answers.get("name") for r in copies(db)] == ["李娜"]


def test_manual_save_while_locked_still_shows_the_message(page, db, qtbot, tmp_path):
    type_text(line(page, "name"), "李娜")
    blocker = sqlite3.connect(tmp_path / "hall.sqlite3", timeout=0)
    blocker.execute("BEGIN EXCLUSIVE")
    texts: list[str] = []
    try:
        answer_next_box(texts)
        assert page.save_draft_now() is False
    finally:
        blocker.rollback()
        blocker.close()
    assert texts and "占用" in texts[0]
    assert page.has_unsaved_changes()


# --- 保存草稿 -------------------------------------------------------------------------------
def test_save_draft_says_so_on_the_page_and_in_the_status_bar(window, db, qtbot):
    page = open_page(window, qtbot)
    with qtbot.waitSignal(page.sig_autosaved, timeout=5000):
        type_text(line(page, "name"), "欧阳娜娜")
    with qtbot.waitSignal(page.sig_draft_saved, timeout=5000) as saved:
        page.draft_button.click()
    assert re.fullmatch(r"草稿已保存 \d\d:\d\d:\d\d", page.findChild(object, "save_status").text())
    assert "草稿已保存" in window.statusBar().currentMessage() and "欧阳娜娜" in window.statusBar().currentMessage()
    assert copies(db) == []  # the draft holds it now; the copy went in the same transaction
    assert queries.get_case(db, saved.args[0].id).answers["name"] == "欧阳娜娜"
    assert not page.has_unsaved_changes()


def test_ctrl_s_saves_the_draft(page, db, qtbot):
    from PySide6.QtCore import Qt

    type_text(line(page, "name"), "李娜")
    with qtbot.waitSignal(page.sig_draft_saved, timeout=5000):
        qtbot.keyClick(line(page, "name"), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert page.findChild(object, "save_status").text().startswith("草稿已保存")


def test_accepted_page_keeps_no_copy_and_is_not_autosaved(page, db, qtbot):
    example = SERVICE.example(date.today())
    answers = dict(example["answers"])
    del answers["name"]
    page.load(answers, example["materials"])
    with qtbot.waitSignal(page.sig_autosaved, timeout=5000):
        type_text(line(page, "name"), "欧阳娜娜")
    assert len(copies(db)) == 1
    qtbot.waitUntil(lambda: page.accept_button.isEnabled(), timeout=3000)
    page.accept_button.click()
    page.preview.close()
    assert copies(db) == [] and not page.has_unsaved_changes()
    assert page.autosave_now() is False and copies(db) == []
    page._schedule_autosave()
    assert not page._autosave_timer.isActive()


def test_a_notice_takes_the_copy_and_later_typing_is_kept_again(page, db, qtbot):
    with qtbot.waitSignal(page.sig_autosaved, timeout=5000):
        type_text(line(page, "name"), "李娜")
    qtbot.waitUntil(lambda: page.notice_button.isEnabled(), timeout=3000)
    page.notice_button.click()
    page.preview.close()
    assert copies(db) == [] and not page.has_unsaved_changes()  # the noticed draft holds it
    with qtbot.waitSignal(page.sig_autosaved, timeout=5000):
        qtbot.keyClicks(line(page, "phone"), "13812345678")
    [copy] = copies(db)
    assert copy.case_id == page.case_id and copy.answers["phone"] == "13812345678"
    assert "phone" not in queries.get_case(db, page.case_id).answers  # the noticed case is unchanged


# --- closing a tab, quitting ---------------------------------------------------------------
def test_closing_a_tab_asks_and_cancel_keeps_it(window, db, qtbot):
    page = open_page(window, qtbot)
    type_text(line(page, "name"), "李娜")
    texts: list[str] = []
    answer_prompt("unsaved_cancel", texts)
    window._on_tab_close_requested(window.tabs.indexOf(page))
    assert texts == ["“居住证申领（李娜）”中有尚未保存的输入。"]
    assert window.tabs.indexOf(page) >= 0 and line(page, "name").text() == "李娜"


def test_closing_a_tab_with_save_draft_saves_then_closes(window, db, qtbot):
    page = open_page(window, qtbot)
    type_text(line(page, "name"), "李娜")
    answer_prompt("unsaved_save", [])
    window._on_tab_close_requested(window.tabs.indexOf(page))
    assert window.tabs.indexOf(page) == -1
    [case] = queries.list_cases(db, queries.CaseFilter(), 0, 10)
    assert case.status == "draft" and queries.get_case(db, case.id).answers["name"] == "李娜"


def test_discard_drops_the_autosave_copy_and_keeps_the_saved_draft(window, db, qtbot):
    page = open_page(window, qtbot)
    type_text(line(page, "name"), "李娜")
    assert page.save_draft_now()
    line(page, "name").clear()
    with qtbot.waitSignal(page.sig_autosaved, timeout=5000):
        type_text(line(page, "name"), "李娜娜")
    assert len(copies(db)) == 1
    answer_prompt("unsaved_discard", [])
    window._on_tab_close_requested(window.tabs.indexOf(page))
    assert window.tabs.indexOf(page) == -1 and copies(db) == []
    assert queries.get_case(db, page.case_id).answers["name"] == "李娜"  # what the clerk saved


def test_a_clean_tab_closes_without_asking(window, db, qtbot):
    page = open_page(window, qtbot)
    window._on_tab_close_requested(window.tabs.indexOf(page))  # a box would block here
    assert window.tabs.indexOf(page) == -1


def test_quit_asks_once_for_every_unsaved_page(window, db, qtbot):
    first = open_page(window, qtbot)
    type_text(line(first, "name"), "李娜")
    second = open_page(window, qtbot)
    type_text(line(second, "name"), "王芳")
    open_page(window, qtbot)  # untouched: not listed
    texts: list[str] = []
    answer_prompt("unsaved_cancel", texts)
    assert window.close() is False and window.isVisible()
    assert len(texts) == 1 and "2 个页面" in texts[0] and "李娜" in texts[0] and "王芳" in texts[0]
    answer_prompt("unsaved_save", texts)
    assert window.close() is True
    names = sorted(queries.get_case(db, c.id).answers["name"] for c in queries.list_cases(db, queries.CaseFilter(), 0, 10))
    assert len(texts) == 2 and names == ["李娜", "王芳"]
    assert copies(db) == []


def test_switch_user_asks_once_for_every_unsaved_page(window, db, qtbot):
    first = open_page(window, qtbot)
    type_text(line(first, "name"), "李娜")
    second = open_page(window, qtbot)
    type_text(line(second, "name"), "王芳")
    texts: list[str] = []
    answer_prompt("unsaved_cancel", texts)
    assert window.switch_user() is False
    assert len(texts) == 1 and "2 个页面" in texts[0]
    assert window.tabs.indexOf(first) != -1 and window.tabs.indexOf(second) != -1  # 取消 keeps both open


def test_quit_menu_action_goes_through_the_same_question(window, db, qtbot):
    page = open_page(window, qtbot)
    type_text(line(page, "name"), "李娜")
    texts: list[str] = []
    answer_prompt("unsaved_discard", texts)
    quit_action = next(a for a in window.findChildren(type(window.settings_action)) if a.text() == "退出")
    quit_action.trigger()
    assert texts and not window.isVisible()
    assert queries.list_cases(db, queries.CaseFilter(), 0, 10) == []


def test_quitting_from_the_idle_lock_keeps_the_input_without_asking(window, db, qtbot):
    page = open_page(window, qtbot)
    type_text(line(page, "name"), "李娜")
    asked: list[str] = []
    answer_prompt("unsaved_cancel", asked, optional=True)  # were it asked, 取消 would keep the window open
    assert window.close_keeping_unsaved() is True
    assert asked == [] and not window.isVisible()
    assert [r.answers.get("name") for r in copies(db)] == ["李娜"]  # offered back at the clerk's next start


def test_quit_without_a_screen_keeps_the_input_as_a_copy(db, actor, settings, qtbot):
    win = MainWindow(db, actor, settings)
    install_pages(win)
    qtbot.addWidget(win)
    win.show()
    page = open_page(win, qtbot)
    type_text(line(page, "name"), "李娜")
    assert win.close() is True  # offscreen nobody can answer: no box, nothing lost
    assert [r.answers.get("name") for r in copies(db)] == ["李娜"]


# --- recovery ------------------------------------------------------------------------------
def test_pending_copies_are_this_clerks_at_this_window_and_never_of_a_stored_case(db, actor, admin, tmp_path):
    other = accounts.create_account(db, admin, "liu", "刘洋", "clerk", "secret-456", "secret-456")
    drafts.autosave(db, Actor(other, "03", "大厅"), "residence_permit", {"name": "丙"}, {})  # another clerk
    drafts.autosave(db, actor, "residence_permit", {"name": "甲"}, {})
    drafts.autosave(db, Actor(admin, "05", "大厅"), "residence_permit", {"name": "乙"}, {})  # another window
    example = SERVICE.example(date.today())
    draft = intake.save_draft(db, actor, "residence_permit", example["answers"], example["materials"])
    drafts.autosave(db, actor, "residence_permit", example["answers"], example["materials"], case_id=draft.id)
    assert sorted(c.applicant_name for c in drafts.pending(db, actor)) == sorted(["甲", example["answers"]["name"]])
    intake.accept(HallContext(db, actor, tmp_path / "papers"),
                  "residence_permit", example["answers"], example["materials"], case_id=draft.id)
    # Accepted meanwhile (e.g. from the case list): that copy can no longer be resumed and is gone.
    assert [c.applicant_name for c in drafts.pending(db, actor)] == ["甲"]
    assert [c.applicant_name for c in drafts.pending(db, Actor(other, "03", "大厅"))] == ["丙"]


def _answer_recovery(button_name: str, seen: list[str]) -> None:
    def click(dialog) -> None:
        seen.append(dialog.windowTitle())
        seen.extend(dialog.list.item(i).text() for i in range(dialog.list.count()))
        dialog.findChild(QPushButton, button_name).click()

    on_next_dialog(recovery.RecoveryDialog, click)


def test_after_a_crash_the_copies_are_offered_and_come_back(db, actor, settings, qtbot, monkeypatch, tmp_path):
    from desktop.lastrun import AbnormalEnd

    # The session that died: a new case typed, and a saved draft changed after its save.
    saved = intake.save_draft(db, actor, "residence_permit", {"name": "王芳"}, {})
    dead = IntakePage(db, actor, settings, SERVICE)
    qtbot.addWidget(dead)
    type_text(line(dead, "name"), "欧阳娜娜")
    type_text(line(dead, "phone"), "13812345678")
    assert dead.autosave_now()
    drafts.autosave(db, actor, "residence_permit", {"name": "王芳", "phone": "13900001111"}, {}, case_id=saved.id)
    dead.stop_autosave()  # (the process is gone; its pages never close)

    monkeypatch.setattr(recovery, "offer_when_headless", True)
    win = MainWindow(db, actor, settings)
    install_pages(win)
    qtbot.addWidget(win)
    win.show()
    seen: list[str] = []
    _answer_recovery("recovery_restore", seen)
    previous = AbnormalEnd(12345, "2026-12-01T09:00:00", "", tmp_path / "fatal.log", tmp_path / "halldesk.log")
    assert recovery.offer_at_start(win, previous) is True
    assert seen[0] == "上次运行未正常结束" and len(seen) == 3 and any("欧阳娜娜" in s and "新案件" in s for s in seen)
    pages = [win.tabs.widget(i) for i in range(win.tabs.count()) if isinstance(win.tabs.widget(i), IntakePage)]
    by_name = {line(p, "name").text(): p for p in pages}
    assert set(by_name) == {"欧阳娜娜", "王芳"}
    assert line(by_name["欧阳娜娜"], "phone").text() == "13812345678" and by_name["欧阳娜娜"].case_id is None
    resumed = by_name["王芳"]
    assert resumed.case_id == saved.id and line(resumed, "phone").text() == "13900001111"
    assert all(p.has_unsaved_changes() for p in pages)  # restored, not yet saved
    assert resumed.save_draft_now()
    assert queries.get_case(db, saved.id).answers["phone"] == "13900001111"
    assert [c.applicant_name for c in drafts.pending(db, actor)] == ["欧阳娜娜"]  # still open, still unsaved


def test_later_keeps_the_copies_for_the_next_start(db, actor, settings, qtbot, monkeypatch):
    drafts.autosave(db, actor, "residence_permit", {"name": "李娜"}, {})
    monkeypatch.setattr(recovery, "offer_when_headless", True)
    win = MainWindow(db, actor, settings)
    install_pages(win)
    qtbot.addWidget(win)
    seen: list[str] = []
    _answer_recovery("recovery_later", seen)
    assert recovery.offer_at_start(win, None) is True
    assert seen[0] == "恢复未保存的输入"  # no abnormal end: only the pages are offered
    assert [c.applicant_name for c in drafts.pending(db, actor)] == ["李娜"]
    assert not any(isinstance(win.tabs.widget(i), IntakePage) for i in range(win.tabs.count()))


def test_nothing_to_tell_shows_nothing(db, actor, settings, qtbot, monkeypatch):
    monkeypatch.setattr(recovery, "offer_when_headless", True)
    win = MainWindow(db, actor, settings)
    qtbot.addWidget(win)
    assert recovery.offer_at_start(win, None) is True  # a dialog here would block the test


@pytest.mark.postgres
def test_copies_on_the_hall_server(pg_url, tmp_path):
    """Hall mode: the same copies, kept apart per clerk and window, dropped by the save in its transaction."""
    from desktop.store.database import open_database

    db = open_database(pg_url)
    try:
        admin = accounts.create_first_admin(db, "admin", "王丽", "secret-123", "secret-123")
        here, there = Actor(admin, "03", "大厅"), Actor(admin, "04", "大厅")
        first = drafts.autosave(db, here, "residence_permit", {"name": "李娜"}, {"id_card": "provided"})
        assert drafts.autosave(db, here, "residence_permit", {"name": "李娜娜"}, {}, autosave_id=first) == first
        drafts.autosave(db, there, "residence_permit", {"name": "王芳"}, {})
        [mine] = drafts.pending(db, here)
        assert (mine.id, mine.applicant_name, mine.materials) == (first, "李娜娜", {})
        case = intake.save_draft(db, here, "residence_permit", mine.answers, mine.materials, autosave_id=first)
        assert drafts.pending(db, here) == [] and [c.applicant_name for c in drafts.pending(db, there)] == ["王芳"]
        assert queries.get_case(db, case.id).answers["name"] == "李娜娜"
    finally:
        db.close()
