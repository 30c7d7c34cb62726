"""The intake page's unsaved input: dirty state, debounced autosave, 保存草稿 feedback, the close question."""

from __future__ import annotations

import logging
from datetime import datetime

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QMainWindow

from desktop.cases import drafts, intake, status
from desktop.cases.dto import CaseSummary
from desktop.cases.errors import ActionRefused, EnvironmentFailure
from desktop.ui import msgbox, unsaved

log = logging.getLogger(__name__)
# NOTE: autosave runs a few seconds after the last change, never on a keystroke: typing never waits
# for the disk, and a pause while the clerk listens to the applicant is when it happens.
AUTOSAVE_DELAY_MS = 3000
AUTOSAVE_RETRY_MS = 30000  # after a failure (database locked, disk full): quietly, on the page, later
STATUS_SECONDS = 5  # how long the main window's status bar repeats a save
STATUS_WIDTH = (240, 420)  # the save line's least and most width on the button bar


class UnsavedInput:
    """Mixed into IntakePage (issue 12.4): nothing typed is lost, and saving says it happened."""

    def _build_save_status(self, bar: QHBoxLayout) -> None:
        # NOTE: saves and autosave failures are told here, quietly: a box on every retry would stop typing.
        self.save_status = QLabel("", self)
        self.save_status.setObjectName("save_status")
        self.save_status.setStyleSheet("color:#555;")
        # NOTE: a long failure message wraps instead of pushing the action buttons off the bar.
        self.save_status.setWordWrap(True)
        self.save_status.setMinimumWidth(STATUS_WIDTH[0])
        self.save_status.setMaximumWidth(STATUS_WIDTH[1])
        bar.insertWidget(bar.indexOf(self.draft_button) + 1, self.save_status)

    def _setup_autosave(self) -> None:
        self.autosave_id: int | None = None  # this page's scratch copy (desktop.cases.drafts), if any
        self.autosave_delay_ms = AUTOSAVE_DELAY_MS
        self.autosave_retry_ms = AUTOSAVE_RETRY_MS
        self._finished = False  # accepted / refused / closed: nothing more to keep
        self._saved_state: tuple[dict, dict] | None = None
        self._autosaved_state: tuple[dict, dict] | None = None
        self._autosave_timer = QTimer(self)
        self._autosave_timer.setSingleShot(True)
        self._autosave_timer.timeout.connect(self._on_autosave_timeout)
        for editor in self.editors.values():
            editor.changed.connect(self._schedule_autosave)
        self.materials.sig_changed.connect(self._schedule_autosave)

    def _state(self) -> tuple[dict, dict]:
        return self.values(), self.materials.values()

    def _mark_saved(self) -> None:
        self._saved_state = self._state()
        self._autosave_timer.stop()

    def _schedule_autosave(self) -> None:
        # NOTE: the keystroke path only restarts a timer; reading the page waits for the pause.
        if not self._finished:
            self._autosave_timer.start(self.autosave_delay_ms)

    def has_unsaved_changes(self) -> bool:
        """Input that differs from what is stored (the saved draft, or the empty page)."""
        return not self._finished and self._state() != self._saved_state

    def unsaved_title(self) -> str:
        """How the close prompt names this page: the service and the applicant, if typed."""
        name = str(self.values().get(self.service.name_key) or "").strip()
        return f"{self.service.name}（{name}）" if name else self.service.name

    def _on_autosave_timeout(self) -> None:
        if self._finished:
            return
        if QApplication.activeModalWidget() is not None:
            # NOTE: never while the clerk answers a dialog (容缺's due date, a message, the close prompt,
            # the paper's preview): the action may be about to store the case. The intake calls
            # themselves run without an event loop, so no timer fires inside them.
            self._autosave_timer.start(self.autosave_delay_ms)
            return
        self.autosave_now()

    def autosave_now(self) -> bool:
        """Keep the page's input as its scratch copy; True when one was written."""
        if self._finished:
            return False  # accepted, refused or closed: the case (or nothing) is what is kept
        state = self._state()
        if state == self._saved_state:
            # NOTE: an untouched page is not saved; one typed back to what is stored needs no copy either.
            self._drop_autosave()
            return False
        if state == self._autosaved_state and self.autosave_id is not None:
            return False
        try:
            self.autosave_id = drafts.autosave(self.db, self.actor, self.service.service_id, state[0], state[1],
                                               case_id=self.case_id, autosave_id=self.autosave_id)
        except (EnvironmentFailure, ActionRefused) as exc:
            log.warning("autosave failed (%s): %s", self.service.service_id, exc.message)
            self._show_save_status(self.tr("自动保存失败：%1（稍后自动重试）").replace("%1", exc.message.rstrip("。")),
                                   error=True)
            self.sig_autosave_failed.emit(exc.message)
            self._autosave_timer.start(self.autosave_retry_ms)
            return False
        self._autosaved_state = state
        now = datetime.now()
        self._show_save_status(self.tr("已自动保存 %1").replace("%1", now.strftime("%H:%M")))
        self.sig_autosaved.emit(now)
        return True

    def _drop_autosave(self) -> None:
        if self.autosave_id is None:
            return
        try:
            drafts.discard(self.db, self.autosave_id)
        except EnvironmentFailure as exc:
            # NOTE: the copy stays and is offered at the next start: extra, never lost.
            log.warning("autosave copy %s not removed: %s", self.autosave_id, exc.message)
            return
        self.autosave_id, self._autosaved_state = None, None

    def _after_stored(self, case: CaseSummary) -> None:
        """The case layer stored the page (and deleted its copy in the same transaction)."""
        self.case_id = case.id
        self.autosave_id, self._autosaved_state = None, None
        if case.status != status.DRAFT:
            self._finished = True  # accepted or refused: the page is read-only from here on
        # NOTE: after a 一次性告知书 the case stays a draft and the page stays editable (the clerk may go
        # on, and 保存草稿 still works), so it is clean now but autosaved again if typed into: stopping
        # there would lose what the clerk types next. The copy never changes the noticed case itself.
        self._mark_saved()

    def save_draft_now(self) -> bool:
        """保存草稿: store the draft through the case layer and say so; a failure is shown in a box."""
        try:
            case: CaseSummary = intake.save_draft(self.db, self.actor, self.service.service_id, self.values(),
                                                  self.materials.values(), case_id=self.case_id,
                                                  autosave_id=self.autosave_id)
        except ActionRefused as exc:
            msgbox.show_info(self, exc.message)
            return False
        except EnvironmentFailure as exc:
            msgbox.show_environment_failure(self, exc)
            return False
        self._after_stored(case)
        text = self.tr("草稿已保存 %1").replace("%1", datetime.now().strftime("%H:%M:%S"))
        self._show_save_status(text)
        main = self.window()
        if isinstance(main, QMainWindow):
            main.statusBar().showMessage(f"{self.unsaved_title()}：{text}", STATUS_SECONDS * 1000)
        self.sig_case_saved.emit(case)
        self.sig_draft_saved.emit(case)
        return True

    def _show_save_status(self, text: str, error: bool = False) -> None:
        self.save_status.setStyleSheet("color:#b3261e;" if error else "color:#555;")
        self.save_status.setText(text)
        self.save_status.setToolTip(text)

    def can_close(self) -> bool:
        """Closing the tab (MainWindow asks): unsaved input asks 保存草稿 / 放弃 / 取消 first."""
        choice = unsaved.ask(self, [self.unsaved_title()]) if self.has_unsaved_changes() else unsaved.DISCARD
        if not self.close_unsaved(choice):
            return False
        self.stop_autosave()
        return True

    def stop_autosave(self) -> None:
        """The page is going: nothing more is autosaved (call after close_unsaved said yes)."""
        self._finished = True
        self._autosave_timer.stop()

    def close_unsaved(self, choice: str) -> bool:
        """Carry out the clerk's answer to the close prompt; True when the page may go."""
        if choice == unsaved.SAVE:
            if not self.save_draft_now():
                return False
        elif choice == unsaved.DISCARD:
            # NOTE: 放弃 deletes the autosave copy, also one that autosave alone made: the clerk said
            # so, in a box that named the page. A draft the clerk saved earlier stays as it was saved.
            self._drop_autosave()
        elif choice == unsaved.KEEP:
            self.autosave_now()  # nobody could answer: the copy is offered back at the next start
        else:
            return False
        return True

    def restore_autosave(self, copy: drafts.Autosave) -> None:
        """Put a scratch copy back on the page (after load() of its saved draft, if any): unsaved until saved."""
        saved = self._saved_state
        for key, editor in self.editors.items():
            editor.set_value(copy.answers.get(key))
        self.materials.load(copy.materials)
        self.reassess()
        self._autosave_timer.stop()
        # NOTE: the page takes the copy over: the next autosave overwrites it, 保存草稿 turns it into the draft.
        self.autosave_id = copy.id
        self._autosaved_state = self._state()
        self._saved_state = saved
        self._show_save_status(self.tr("已恢复 %1 自动保存的内容，尚未保存为草稿")
                               .replace("%1", copy.saved_at.strftime("%m-%d %H:%M")))

