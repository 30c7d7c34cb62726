"""The intake page of one service, generated from its form definition; talks only to desktop.cases."""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any, Mapping

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.cases import drafts, intake, status
from desktop.cases.dto import Actor, CaseSummary
from desktop.cases.errors import ActionRefused
from desktop.settings import Settings
from desktop.store.database import Database
from desktop.store.errors import EnvironmentFailure
from desktop.ui import msgbox, unsaved
from desktop.ui.amounts_panel import AmountsPanel
from desktop.ui.field_widgets import FieldEditor, make_editor
from desktop.ui.findings_panel import FindingsPanel
from desktop.ui.materials_panel import MaterialsPanel
from desktop.ui.preview import PreviewDialog
from forms.model import Assessment, Decision, Kind
from forms.service import Service

log = logging.getLogger(__name__)
LABEL_MAX_WIDTH = 200  # a longer official label wraps to a second line
ASSESS_DELAY_MS = 150  # findings follow typing without re-assessing on every key
# NOTE: autosave runs a few seconds after the last change, never on a keystroke: typing never waits
# for the disk, and a pause while the clerk listens to the applicant is when it happens.
AUTOSAVE_DELAY_MS = 3000
AUTOSAVE_RETRY_MS = 30000  # after a failure (database locked, disk full): quietly, on the page, later
STATUS_SECONDS = 5  # how long the main window's status bar repeats a save
STATUS_WIDTH = (240, 420)  # the save line's least and most width on the button bar


class _EnterMovesOn(QObject):
    """Enter in a line edit, a closed dropdown or a material's tick moves to the next field, as on paper forms."""

    # NOTE: a table handles Enter itself (next cell, then out: field_widgets.TableEditor); an open
    # dropdown's list takes the key before the combo sees it, so Enter there still picks the entry.
    KINDS = (QLineEdit, QComboBox, QCheckBox)

    def eventFilter(self, obj, event):  # noqa: N802 - Qt override
        if (event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and not event.modifiers() & Qt.KeyboardModifier.ControlModifier and isinstance(obj, self.KINDS)):
            obj.focusNextChild()
            return True
        return False


class IntakePage(QWidget):
    sig_case_saved = Signal(object)  # CaseSummary
    sig_paper_ready = Signal(str)  # PDF path
    sig_autosaved = Signal(object)  # datetime of the autosave
    sig_autosave_failed = Signal(str)  # the plain message shown on the page
    sig_draft_saved = Signal(object)  # CaseSummary, after 保存草稿

    def __init__(self, db: Database, actor: Actor, settings: Settings, service: Service,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(f"intake_{service.service_id}")
        self.db, self.actor, self.settings, self.service = db, actor, settings, service
        self.case_id: int | None = None
        self.assessment: Assessment | None = None
        self.preview: PreviewDialog | None = None
        self.extra_previews: list[PreviewDialog] = []
        self.amounts_panel: AmountsPanel | None = None
        self.editors: dict[str, FieldEditor] = {}
        self._rows: dict[str, tuple[QLabel, QWidget, QLabel]] = {}
        self._section_boxes: dict[str, QGroupBox] = {}
        self._enter = _EnterMovesOn(self)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(ASSESS_DELAY_MS)
        self._timer.timeout.connect(self.reassess)
        self._build()
        self._setup_autosave()
        self.reassess()
        self._mark_saved()

    # --- layout -------------------------------------------------------------------------
    def _build(self) -> None:
        form = QWidget(self)
        form_layout = QVBoxLayout(form)
        title = QLabel(f"<b style='font-size:15pt'>{self.service.name}</b>"
                       f"<br><span style='color:#555'>{self.service.description}</span>", form)
        title.setWordWrap(True)
        form_layout.addWidget(title)
        groups: dict[str, QGridLayout] = {}
        for field in self.service.fields:
            section = field.section or "申请信息"
            if section not in groups:
                box = QGroupBox(section, form)
                grid = QGridLayout(box)
                grid.setColumnStretch(1, 1)
                grid.setVerticalSpacing(2)
                groups[section] = grid
                self._section_boxes[section] = box
                form_layout.addWidget(box)
            grid = groups[section]
            row = grid.rowCount()
            editor = make_editor(field, form)
            label = QLabel(field.label + ("" if not field.required or field.visible_when else " *"), form)
            label.setBuddy(editor.focus_widget)
            if field.help:
                label.setToolTip(field.help)
                editor.focus_widget.setToolTip(field.help)
            error = QLabel("", form)
            error.setObjectName(f"error_{field.key}")
            error.setStyleSheet("color:#b3261e;")
            error.setWordWrap(True)
            error.hide()
            align = Qt.AlignmentFlag.AlignTop if field.kind is Kind.TABLE else Qt.AlignmentFlag.AlignVCenter
            grid.addWidget(label, row, 0, align)
            grid.addWidget(editor.widget, row, 1)
            grid.addWidget(error, row + 1, 1)
            editor.changed.connect(self._on_changed)
            editor.focus_widget.installEventFilter(self._enter)
            self.editors[field.key] = editor
            self._rows[field.key] = (label, editor.widget, error)
        form_layout.addStretch(1)
        self._align_labels(groups.values())
        scroll = QScrollArea(self)
        scroll.setObjectName("form_scroll")
        scroll.setWidgetResizable(True)
        scroll.setWidget(form)

        self.materials = MaterialsPanel(self.service, self)
        self.materials.sig_changed.connect(self._on_changed)
        self.findings = FindingsPanel(self)
        self.findings.sig_field_activated.connect(self.focus_field)
        side = QWidget(self)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.findings, 2)
        if self.service.amounts:
            # NOTE: the breakdown follows typing like the findings do, so the clerk can read the
            # amount to the applicant before anything is printed.
            self.amounts_panel = AmountsPanel(side)
            side_layout.addWidget(self.amounts_panel, 2)
        # NOTE: the checklist scrolls (its names wrap; a long list would otherwise be squeezed), so
        # the page still fits a 1366×768 screen.
        materials = QScrollArea(side)
        materials.setObjectName("materials_scroll")
        materials.setWidgetResizable(True)
        materials.setFrameShape(QScrollArea.Shape.NoFrame)
        materials.setWidget(self.materials)
        materials.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        side_layout.addWidget(materials, 2 if self.service.amounts else 3)

        split = QSplitter(self)
        split.setObjectName("intake_split")
        split.addWidget(scroll)
        split.addWidget(side)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        # NOTE: the form and the findings side start at 55:45 whatever their size hints (a long
        # material name must not squeeze the form); the clerk can drag the handle.
        split.setSizes([550, 450])

        self.accept_button = self._button("受理并打印回执", "accept_button", "Ctrl+Return", self._on_accept_clicked)
        self.notice_button = self._button("出具一次性告知书", "notice_button", "Ctrl+I", self._on_notice_clicked)
        refusal_title = self.service.paper_titles.get("refusal", "不予受理通知书")
        self.refuse_button = self._button(f"出具{refusal_title}", "refuse_button", "Ctrl+R", self._on_refuse_clicked)
        self.draft_button = self._button("保存草稿", "draft_button", "Ctrl+S", self._on_draft_clicked)
        bar = QHBoxLayout()
        bar.addWidget(self.draft_button)
        bar.addStretch(1)
        for b in (self.refuse_button, self.notice_button, self.accept_button):
            bar.addWidget(b)
        self._build_rongque(bar)
        self._build_save_status(bar)
        self.accept_button.setStyleSheet("font-weight:bold; padding:6px 16px;")
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addLayout(bar)
        self._install_keyboard()

    def _align_labels(self, grids) -> None:
        """One label column width for every section, so the fields line up down the page."""
        labels = [row[0] for row in self._rows.values()]
        # NOTE: capped so one long official label does not push every field to the right; it wraps.
        width = min(max((label.sizeHint().width() for label in labels), default=0), LABEL_MAX_WIDTH)
        for label in labels:
            label.setWordWrap(True)
            label.setMaximumWidth(LABEL_MAX_WIDTH)
        for grid in grids:
            grid.setColumnMinimumWidth(0, width)

    def _button(self, text: str, name: str, shortcut: str, slot) -> QPushButton:
        button = QPushButton(self.tr(text) + f"  ({QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)})", self)
        button.setObjectName(name)
        button.clicked.connect(slot)
        QShortcut(QKeySequence(shortcut), self, activated=button.click)
        return button

    # --- values in and out (Picard's option pages: load / values / show_findings) --------
    def load(self, answers: Mapping[str, Any], materials: Mapping[str, Any], case_id: int | None = None) -> None:
        self.case_id = case_id
        for key, editor in self.editors.items():
            editor.set_value(answers.get(key))
        self.materials.load(materials)
        self.reassess()
        self._mark_saved()  # what was just loaded is what is stored

    def values(self) -> dict[str, Any]:
        return {k: e.value() for k, e in self.editors.items() if e.value() not in ("", None, [])}

    def _on_changed(self) -> None:
        self._update_visibility()
        self._timer.start()

    def _update_visibility(self) -> None:
        answers = {k: e.value() for k, e in self.editors.items()}
        shown: set[str] = set()
        for field in self.service.fields:
            visible = field.is_visible(answers)
            if visible:
                shown.add(field.section or "申请信息")
            for w in self._rows[field.key][:2]:
                w.setVisible(visible)
            if not visible:
                self._rows[field.key][2].hide()
        self.materials.update_applicable(answers)
        for section, box in self._section_boxes.items():
            box.setVisible(section in shown)  # no empty frames for sections of other claim types

    def reassess(self) -> None:
        self._timer.stop()
        self._update_visibility()
        try:
            self.assessment = intake.assess_case(self.db, self.service.service_id, self.values(),
                                                 self.materials.values(), case_id=self.case_id)
        except EnvironmentFailure as exc:
            msgbox.show_environment_failure(self, exc)
            return
        self.show_findings(self.assessment)

    def show_findings(self, assessment: Assessment) -> None:
        self.findings.show_assessment(assessment)
        if self.amounts_panel is not None:
            self.amounts_panel.show_amounts(assessment)
        errors: dict[str, list[str]] = {}
        for f in assessment.failures():
            if f.field:
                errors.setdefault(f.field.split("[")[0], []).append(f.message)
        for key, (_, _, label) in self._rows.items():
            if key in errors and self._rows[key][1].isVisible():
                label.setText("；".join(errors[key]))
                label.show()
            else:
                label.hide()
        d = assessment.decision
        # NOTE: the case layer refuses these papers too; the buttons only say so sooner.
        correct_first = bool(assessment.corrections())
        self.accept_button.setEnabled(d is Decision.ACCEPT)
        self.notice_button.setEnabled(d is Decision.INCOMPLETE and not correct_first)
        self.refuse_button.setEnabled(d is Decision.REFUSE and not correct_first)
        hint = self.tr("请先更正标红的错误信息") if correct_first else ""
        for button in (self.notice_button, self.refuse_button):
            button.setToolTip(hint)
        self._update_rongque(assessment)

    # --- keyboard (issue 12): first field, Enter, jumping to a finding -----------------------
    def _install_keyboard(self) -> None:
        # NOTE: a scroll area takes a Tab stop of its own that shows nothing; the fields inside are the stops.
        for area in self.findChildren(QScrollArea):
            area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for widget in (*self.materials.findChildren(QCheckBox), *self.materials.findChildren(QComboBox)):
            widget.installEventFilter(self._enter)

    def first_field(self) -> QWidget | None:
        """The first field the clerk can type into now (conditional fields that are hidden do not count)."""
        for field in self.service.fields:
            editor = self.editors[field.key]
            if editor.widget.isVisibleTo(self) and editor.focus_widget.isEnabled():
                return editor.focus_widget
        return None

    def focus_first_field(self) -> None:
        """Where a new (or resumed) case starts: the first visible field, scrolled into view."""
        widget = self.first_field()
        if widget is not None:
            widget.setFocus(Qt.FocusReason.TabFocusReason)
            self.findChild(QScrollArea, "form_scroll").ensureWidgetVisible(widget)

    def focus_field(self, key: str) -> None:
        """Jump to a finding's field (or material) and scroll it into view."""
        if key.startswith("material:"):
            material = key.split(":", 1)[1]
            self.materials.focus_material(material)
            box = self.materials.findChild(QCheckBox, f"material_{material}")
            if box is not None:
                self.findChild(QScrollArea, "materials_scroll").ensureWidgetVisible(box)
            return
        editor = self.editors.get(key.split("[")[0])
        if editor is not None:
            editor.focus_widget.setFocus(Qt.FocusReason.OtherFocusReason)
            # NOTE: the whole row (the editor with its label and error line) comes into view, not only the box.
            self.findChild(QScrollArea, "form_scroll").ensureWidgetVisible(editor.widget)

    # --- actions ------------------------------------------------------------------------
    def _run(self, action) -> None:
        self.reassess()
        kwargs = dict(case_id=self.case_id, papers_dir=self.settings.papers_dir(),
                      font_path=self.settings.font_path or None, autosave_id=self.autosave_id)
        try:
            result = action(self.db, self.actor, self.service.service_id, self.values(), self.materials.values(),
                            **kwargs)
        except ActionRefused as exc:
            msgbox.show_info(self, exc.message)
            return
        except EnvironmentFailure as exc:
            msgbox.show_environment_failure(self, exc)
            return
        log.info("case %s %s (%s)", result.case.id, result.case.status, self.service.service_id)
        self._after_stored(result.case)
        self._show_result(result)
        if result.case.status != "draft":
            self.set_read_only()

    def _show_result(self, result) -> None:
        """After intake, notice, refusal or 容缺: tell the lists, open the paper and any extra papers."""
        self.case_id = result.case.id
        self.sig_case_saved.emit(result.case)
        self.sig_paper_ready.emit(result.paper.pdf_path)
        self.preview = self._paper_preview(result.paper)
        self.preview.open()  # not modal-blocking: the clerk can look and print, tests go on
        # Papers a service adds (e.g. the 补贴核定表) open too, so each can be printed.
        self.extra_previews = [self._paper_preview(p) for p in result.extra_papers]
        for dialog in self.extra_previews:
            dialog.open()

    def _paper_preview(self, paper) -> PreviewDialog:
        from desktop.cases import print_jobs

        return PreviewDialog(paper.pdf_path, paper.title, self, record_print=lambda pages, printer:
                             print_jobs.record_print_job(self.db, self.actor, paper.id, pages, printer))

    def set_read_only(self) -> None:
        for editor in self.editors.values():
            editor.widget.setEnabled(False)
        self.materials.setEnabled(False)
        for b in (self.accept_button, self.notice_button, self.refuse_button, self.draft_button):
            b.setEnabled(False)
        self.rongque_button.hide()  # NOTE: the case is stored; a pledge can no longer be offered here

    def _on_accept_clicked(self) -> None:
        self._run(intake.accept)

    def _on_notice_clicked(self) -> None:
        self._run(intake.give_notice)

    def _on_refuse_clicked(self) -> None:
        self._run(intake.refuse)

    def _on_draft_clicked(self) -> None:
        self.save_draft_now()

    # --- 容缺受理 (issue #6) ---------------------------------------------------------------
    def _build_rongque(self, bar: QHBoxLayout) -> None:
        self.rongque_button = QPushButton(self.tr("容缺受理"), self)
        self.rongque_button.setObjectName("rongque_button")
        self.rongque_button.setToolTip(self.tr("仅缺少非核心材料时，申请人签署承诺书后先予受理"))
        self.rongque_button.clicked.connect(self._on_rongque_clicked)
        self.rongque_button.hide()
        bar.insertWidget(bar.indexOf(self.notice_button) + 1, self.rongque_button)

    def _update_rongque(self, assessment: Assessment) -> None:
        from desktop.cases import pledges

        # NOTE: a read-only page (case accepted) has its materials panel disabled; never offer it there.
        self.rongque_button.setVisible(self.materials.isEnabled() and pledges.rongque_possible(assessment))

    def _on_rongque_clicked(self) -> None:
        from desktop.cases import pledges
        from desktop.ui.case_dialogs import RongqueDialog

        self.reassess()
        if self.assessment is None:
            return
        default, limit = pledges.default_due(self.assessment, date.today())
        missing = [m.label for m in self.assessment.missing_materials]
        result = RongqueDialog.ask(missing, default, limit, lambda due: intake.accept_with_pledge(
            self.db, self.actor, self.service.service_id, self.values(), self.materials.values(), due=due,
            case_id=self.case_id, papers_dir=self.settings.papers_dir(), font_path=self.settings.font_path or None,
            autosave_id=self.autosave_id), self)
        if result is None:
            return
        self._after_stored(result.case)
        self._show_result(result)
        self.set_read_only()

    # --- unsaved input: dirty state, autosave, 保存草稿, closing (issue 12.4) -----------------
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
