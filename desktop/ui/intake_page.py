"""The intake page of one service, generated from its form definition; talks only to desktop.cases."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date
from functools import partial
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.cases import intake, intake_offers
from desktop.cases.dto import Actor
from desktop.cases.errors import ActionRefused, EnvironmentFailure
from desktop.cases.hall_context import HallContext
from desktop.cases.halldb import Database
from desktop.settings import Settings
from desktop.ui import msgbox
from desktop.ui.amounts_panel import AmountsPanel
from desktop.ui.field_widgets import FieldEditor, make_editor
from desktop.ui.findings_panel import FindingsPanel
from desktop.ui.intake_unsaved import UnsavedInput
from desktop.ui.materials_panel import MaterialsPanel
from desktop.ui.preview import PreviewDialog
from forms.model import Assessment, Kind
from forms.service import Service

log = logging.getLogger(__name__)
LABEL_MAX_WIDTH = 200  # a longer official label wraps to a second line
ASSESS_DELAY_MS = 150  # findings follow typing without re-assessing on every key


def layout_keys(service) -> frozenset[str]:
    """The answers the page's layout depends on: fields' visibility and materials' applicability."""
    conditions = [f.visible_when for f in service.fields] + [m.required_when for m in service.materials]
    return frozenset(c.key for c in conditions if c is not None)


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


class IntakePage(UnsavedInput, QWidget):
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
        self._layout_keys = layout_keys(self.service)
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
            editor.changed.connect(partial(self._on_changed, field.key))
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

        # NOTE (issue 13): a procedure decided at the window is registered and concluded at once; the
        # button says so (登记并发牌（当场办结）) instead of promising a review.
        at_once = self.service.decided_at_window
        accept_text = intake_offers.accept_label(self.service)
        self.accept_button = self._button(accept_text, "accept_button", "Ctrl+Return", self._on_accept_clicked)
        if at_once:
            self.accept_button.setToolTip(self.tr("现场查验一致后当场登记办结，打印回执和登记证明；无需审核"))
        self.notice_button = self._button("出具一次性告知书", "notice_button", "Ctrl+I", self._on_notice_clicked)
        refusal_title = intake_offers.paper_title(self.service, "refusal")
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

    def _on_changed(self, key: str | None = None) -> None:
        # NOTE: issue 15: which fields show and which materials apply depend on a few answers only
        # (the form's visible_when and the materials' required_when); a key typed into any other
        # field cannot change them, so the page is not walked at every keystroke (≈ 0.5 ms each).
        # reassess() walks it anyway once the typing pauses.
        if key is None or key in self._layout_keys:
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
        # NOTE: the case layer refuses these steps too; the buttons ask it which ones it would take.
        offered = intake_offers.offered(self.service, assessment)
        correct_first = intake_offers.must_correct_first(assessment)
        self.accept_button.setEnabled("accept" in offered)
        self.notice_button.setEnabled("notice" in offered)
        self.refuse_button.setEnabled("refuse" in offered)
        hint = self.tr("请先更正标红的错误信息") if correct_first else ""
        for button in (self.notice_button, self.refuse_button):
            button.setToolTip(hint)
        self._update_rongque(offered)

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
        try:
            result = action(self._hall(), self.service.service_id, self.values(), self.materials.values(),
                            case_id=self.case_id, autosave_id=self.autosave_id)
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

    def _hall(self) -> HallContext:
        """Built per action: a papers folder or font changed in 设置 counts from the next paper on."""
        return HallContext(self.db, self.actor, self.settings.papers_dir(), self.settings.font_path or None)

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

    def _update_rongque(self, offered: frozenset[str]) -> None:
        # NOTE: a read-only page (case accepted) has its materials panel disabled; never offer it there.
        self.rongque_button.setVisible(self.materials.isEnabled() and "rongque" in offered)

    def _on_rongque_clicked(self) -> None:
        from desktop.cases import pledges
        from desktop.ui.case_dialogs import RongqueDialog

        self.reassess()
        if self.assessment is None:
            return
        default, limit = pledges.default_due(self.assessment, date.today())
        missing = [m.label for m in self.assessment.missing_materials]
        result = RongqueDialog.ask(missing, default, limit, lambda due: intake.accept_with_pledge(
            self._hall(), self.service.service_id, self.values(), self.materials.values(), due=due,
            case_id=self.case_id, autosave_id=self.autosave_id), self)
        if result is None:
            return
        self._after_stored(result.case)
        self._show_result(result)
        self.set_read_only()
