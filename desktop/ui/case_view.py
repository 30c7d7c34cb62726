"""The view of one case after intake: header, answers, findings, papers, timeline and the next actions."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import Any

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.cases import actions, casefile, lifecycle, paper_files, pledges, privacy, reprints, status, worklists
from desktop.cases.dto import Actor, PrintedPaper
from desktop.cases.errors import ActionRefused, EnvironmentFailure
from desktop.cases.hall_context import HallContext
from desktop.cases.halldb import Database
from desktop.settings import Settings
from desktop.ui import case_dialogs, msgbox
from desktop.ui.case_dialogs import KEEP_OPEN
from desktop.ui.case_models import (
    AnswersModel,
    CaseDeadlinesModel,
    FindingsModel,
    PapersModel,
    PledgesModel,
    TimelineModel,
    TimelineRow,
    answer_rows,
    describe_event,
    outcome_text,
)
from desktop.ui.countersign import CountersignDialog
from desktop.ui.preview import PreviewDialog
from desktop.ui.tables import fit, table
from forms import registry
from forms.service import Service

log = logging.getLogger(__name__)
STATUS_COLOURS = {status.ACCEPTED: "#1d5fa8", status.SUPPLEMENT: "#b26a00", status.APPROVED: "#2e7d32",
                  status.ISSUED: "#555", status.REFUSED: "#b3261e", status.NOT_ACCEPTED: "#b3261e",
                  status.CANCELLED: "#777"}


class CaseView(QWidget):
    sig_case_changed = Signal(object)  # CaseSummary after an action

    def __init__(self, db: Database, actor: Actor, settings: Settings, case_id: int, parent: QWidget | None = None,
                 today: Callable[[], date] = date.today):
        super().__init__(parent)
        self._today = today  # injectable: the deadlines' states depend on the day
        self.setObjectName("case_view")
        self.db, self.actor, self.settings, self.case_id = db, actor, settings, case_id
        self.file: casefile.CaseFile | None = None
        self.revealed = False  # full ID and phone numbers on screen (after an audited reveal)
        self.previews: list[PreviewDialog] = []
        self.buttons: dict[str, QPushButton] = {}
        self._build()
        self.reload()

    # --- layout -------------------------------------------------------------------------
    def _build(self) -> None:
        header = QGroupBox(self.tr("案件信息"), self)
        grid = QGridLayout(header)
        grid.setHorizontalSpacing(14)
        self.values: dict[str, QLabel] = {}
        spec = [("case_no", "案件编号", 0, 0), ("service", "办理事项", 0, 2), ("status", "状态", 0, 4),
                ("applicant", "申请人", 1, 0), ("id_number", "证件号码", 1, 2), ("received_on", "收件日期", 2, 0),
                ("accepted_on", "受理日期", 2, 2), ("due_on", "办结期限", 2, 4), ("outcome", "办理结果", 3, 0)]
        for key, label, row, column in spec:
            caption = QLabel(self.tr(label) + self.tr("："), header)
            caption.setStyleSheet("color:#555;")
            value = QLabel("", header)
            value.setObjectName(f"value_{key}")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(caption, row, column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(value, row, column + 1, 1, 5 if key == "outcome" else 1)
            self.values[key] = value
        self.values["case_no"].setStyleSheet("font-size:13pt; font-weight:bold;")
        self.values["outcome"].setWordWrap(True)
        self.reveal_button = QPushButton(self.tr("显示完整号码"), header)
        self.reveal_button.setToolTip(self.tr("显示申请人完整的证件号码和联系电话；每次查看都记入审计日志"))
        self.reveal_button.setObjectName("reveal_button")
        self.reveal_button.clicked.connect(self._on_reveal_clicked)
        id_row = QHBoxLayout()
        id_row.addWidget(self.values["id_number"])
        id_row.addWidget(self.reveal_button)
        id_row.addStretch(1)
        grid.removeWidget(self.values["id_number"])
        grid.addLayout(id_row, 1, 3, 1, 3)
        for column in (1, 3, 5):
            grid.setColumnStretch(column, 1)

        self.answers_model = AnswersModel(self)
        self.answers_view = table(self.answers_model)
        self.answers_view.setObjectName("answers_table")
        self.answers_view.setColumnHidden(AnswersModel.Column.SECTION, True)  # NOTE: shown as the row's tooltip
        answers_box = QGroupBox(self.tr("申请信息"), self)
        QVBoxLayout(answers_box).addWidget(self.answers_view)

        self.tabs = QTabWidget(self)
        self.findings_model = FindingsModel(self)
        self.findings_view = table(self.findings_model)
        self.findings_view.setObjectName("findings_table")
        # NOTE: the message is what the clerk reads out; it takes the room, the basis wraps beside it.
        self.findings_view.horizontalHeader().setStretchLastSection(False)
        self.findings_view.horizontalHeader().setSectionResizeMode(FindingsModel.Column.MESSAGE,
                                                                   QHeaderView.ResizeMode.Stretch)
        self.decision_label = QLabel("", self)
        self.decision_label.setObjectName("assessment_decision")
        self.decision_label.setWordWrap(True)
        self.tabs.addTab(self._column(self.decision_label, self.findings_view), self.tr("审查意见"))
        self.papers_model = PapersModel(self)
        self.papers_view = table(self.papers_model)
        self.papers_view.setObjectName("papers_table")
        self.papers_view.doubleClicked.connect(lambda _index: self._on_preview_clicked())
        paper_bar = self._bar(("preview_button", "预览", self._on_preview_clicked),
                              ("reprint_button", "补打", self._on_reprint_clicked))
        self.tabs.addTab(self._column(self.papers_view, paper_bar), self.tr("文书"))
        self.timeline_model = TimelineModel(self)
        self.timeline_view = table(self.timeline_model)
        self.timeline_view.setObjectName("timeline_table")
        self.tabs.addTab(self.timeline_view, self.tr("办理过程"))
        self.pledges_model = PledgesModel(self)
        self.pledges_view = table(self.pledges_model)
        self.pledges_view.setObjectName("pledges_table")
        self.tabs.addTab(self.pledges_view, self.tr("承诺事项"))
        self.deadlines_model = CaseDeadlinesModel(self)
        self.deadlines_view = table(self.deadlines_model)
        self.deadlines_view.setObjectName("deadlines_table")
        self.tabs.addTab(self.deadlines_view, self.tr("办理期限"))

        for view in (self.answers_view, self.findings_view, self.timeline_view, self.pledges_view,
                     self.deadlines_view):
            # NOTE: these tables are short; rows follow their wrapped text whatever the width.
            view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        split = QSplitter(self)
        split.addWidget(answers_box)
        split.addWidget(self.tabs)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setChildrenCollapsible(False)
        split.setSizes([480, 620])

        steps = self._bar(
            ("supplement_button", "通知补正", self._on_supplement_clicked),
            ("receive_button", "补正材料已收到", self._on_receive_clicked),
            ("fulfil_button", "承诺材料已补齐", self._on_fulfil_clicked),
            ("approve_button", "批准", self._on_approve_clicked),
            ("decline_button", "不予许可", self._on_decline_clicked),
            ("issue_button", "发证/领取", self._on_issue_clicked),
            ("conclude_button", "补记办结", self._on_conclude_clicked),
            ("extend_button", "延长期限", self._on_extend_clicked),
            ("cancel_button", "撤销", self._on_cancel_clicked))
        layout = QVBoxLayout(self)
        layout.addWidget(header)
        layout.addWidget(split, 1)
        layout.addLayout(steps)

    def _bar(self, *specs: tuple[str, str, Callable[[], None]]) -> QHBoxLayout:
        bar = QHBoxLayout()
        bar.addStretch(1)
        for name, text, slot in specs:
            button = QPushButton(self.tr(text), self)
            button.setObjectName(name)
            button.clicked.connect(slot)
            bar.addWidget(button)
            self.buttons[name] = button
        return bar

    def _column(self, *parts) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        for part in parts:
            if isinstance(part, QWidget):
                layout.addWidget(part, 1 if isinstance(part, QTableView) else 0)
            else:
                layout.addLayout(part)
        return page

    # --- showing ------------------------------------------------------------------------
    def reload(self) -> None:
        try:
            self.file = casefile.load(self.db, self.case_id)
            papers = reprints.papers_of(self.db, self.case_id)
            events = worklists.timeline(self.db, self.case_id)
        except EnvironmentFailure as exc:
            msgbox.show_environment_failure(self, exc)
            return
        f, s = self.file, self.file.summary
        service = registry.get(s.service_id)
        self.values["case_no"].setText(s.case_no or "—")
        self.values["service"].setText(s.service_name)
        at_once = s.status == status.ISSUED and f.lifecycle.concluded_at_window
        self.values["status"].setText(s.status_label + (self.tr("（当场办结）") if at_once else ""))
        self.values["status"].setStyleSheet(f"font-weight:bold; color:{STATUS_COLOURS.get(s.status, '#333')};")
        self.values["applicant"].setText(s.applicant_name or "—")
        self.values["id_number"].setText(s.id_masked or "—")
        self.revealed = False  # a reload shows masked numbers again
        self.reveal_button.setVisible(bool(s.id_masked))
        self.reveal_button.setText(self.tr("显示完整号码"))
        self.values["received_on"].setText(s.received_on.isoformat())
        self.values["accepted_on"].setText(f.accepted_on.isoformat() if f.accepted_on else "—")
        due = s.due_on.isoformat() + (self.tr("（暂定）") if f.due_provisional else "") if s.due_on else "—"
        if f.closed_on:
            due = self.tr("已于%1办结").replace("%1", f.closed_on.isoformat())
        self.values["due_on"].setText(due)
        self.values["due_on"].setToolTip(f.due_explanation)
        self.values["outcome"].setText(outcome_text(self.file.lifecycle))
        self.answers_model.set_rows(answer_rows(service, f.answers))
        a = f.assessment
        self.decision_label.setText(self.tr("受理时审查结论：%1（%2审查，规则版本 %3）")
                                    .replace("%1", a.decision_label if a else "—")
                                    .replace("%2", a.assessed_on.isoformat() if a and a.assessed_on else "—")
                                    .replace("%3", a.rules_version if a else "—"))
        self.findings_model.set_rows(list(a.shown_findings) if a else [])
        self.papers_model.set_rows(papers)
        titles = {p.id: p.title for p in papers}
        self.timeline_model.set_rows([TimelineRow(e, describe_event(e, titles)) for e in events])
        self.pledges_model.set_rows(f.pledges)
        self.deadlines_model.today = self._today()
        self.deadlines_model.set_rows(f.deadlines)
        self.tabs.setTabVisible(3, bool(f.pledges))
        self.tabs.setTabVisible(4, bool(f.deadlines))
        for view in (self.papers_view, self.timeline_view, self.pledges_view, self.deadlines_view):
            fit(view)
        fit(self.answers_view, max_width=200)  # NOTE: long labels wrap; the answer gets the room
        fit(self.findings_view, max_width=170)
        # NOTE: fit() leaves the last column as wide as its text; the basis wraps instead, so the
        # message (what the clerk reads out, stretched) keeps the room.
        basis = self.findings_view.horizontalHeader()
        basis.resizeSection(FindingsModel.Column.BASIS, min(basis.sectionSize(FindingsModel.Column.BASIS), 190))
        self._update_buttons()

    def _words(self) -> tuple[str, str]:
        """The procedure's own names of the two review decisions (Service.approve_word / decline_word)."""
        try:
            service = registry.get(self.file.summary.service_id)
        except KeyError:  # a case of a service this HallDesk no longer offers: the generic words
            return Service.approve_word, Service.decline_word
        return service.approve_word, service.decline_word

    def _update_buttons(self) -> None:
        approve, decline = self._words()
        self.buttons["approve_button"].setText(self.tr(approve))
        self.buttons["decline_button"].setText(self.tr(decline))
        steps = actions.offered(self.file, self.actor.account)
        for step in actions.STEPS:
            self.buttons[f"{step}_button"].setVisible(step in steps)
        has_papers = self.papers_model.rowCount() > 0
        self.buttons["preview_button"].setEnabled(has_papers)
        self.buttons["reprint_button"].setEnabled(has_papers)

    # --- running actions ----------------------------------------------------------------
    def _call(self, action: Callable[[], Any]) -> Any:
        """Run a case-layer call outside a dialog: refusals and machine failures become messages."""
        try:
            return action()
        except ActionRefused as exc:
            msgbox.show_info(self, exc.message)
        except EnvironmentFailure as exc:
            msgbox.show_environment_failure(self, exc)
        return None

    def _done(self, result: Any) -> None:
        """After a step: show the papers it printed, reload, tell the lists."""
        if result is None:
            return
        for paper in getattr(result, "papers", ()):
            self._preview(paper.pdf_path, paper.title, paper.id)
        self.reload()
        self.sig_case_changed.emit(self.file.summary)

    def _preview(self, path: str, title: str, document_id: int) -> None:
        from desktop.cases import print_jobs

        def record(pages: int, printer: str) -> None:
            print_jobs.record_print_job(self.db, self.actor, document_id, pages, printer)
            self.reload()  # the timeline shows the print job

        dialog = PreviewDialog(path, title, self, record_print=record)
        # Closed previews delete themselves (desktop/ui/preview.py); their wrappers are let go here, after.
        self.previews = [d for d in self.previews if shiboken6.isValid(d)] + [dialog]
        dialog.open()  # NOTE: not blocking: the clerk keeps working while the paper prints

    def _hall(self) -> HallContext:
        """Built per step: a papers folder or font changed in 设置 counts from the next step on."""
        return HallContext(self.db, self.actor, self.settings.papers_dir(), self.settings.font_path or None)

    def _selected_paper(self) -> PrintedPaper | None:
        rows = self.papers_view.selectionModel().selectedRows()
        if rows:
            return self.papers_model.row_at(rows[0].row())
        return self.papers_model.row_at(0) if self.papers_model.rowCount() else None

    # --- slots --------------------------------------------------------------------------
    def _on_reveal_clicked(self) -> None:
        service = registry.get(self.file.summary.service_id)
        if self.revealed:
            self.revealed = False
            self.values["id_number"].setText(self.file.summary.id_masked or "—")
            self.answers_model.set_rows(answer_rows(service, self.file.answers))
            self.reveal_button.setText(self.tr("显示完整号码"))
            return
        full = self._call(lambda: privacy.reveal(self.db, self.actor, self.case_id))
        if full:
            self.revealed = True
            self.values["id_number"].setText(full.id_number or self.values["id_number"].text())
            self.answers_model.set_rows(answer_rows(service, full.answers))
            self.reveal_button.setText(self.tr("隐藏"))

    def _on_supplement_clicked(self) -> None:
        materials = [(m.key, m.label) for m in registry.get(self.file.summary.service_id).materials]
        result = case_dialogs.SupplementDialog.ask(materials, lambda items, reason: lifecycle.request_supplement(
            self._hall(), self.case_id, items, reason), self)
        self._done(result)

    def _on_receive_clicked(self) -> None:
        if not msgbox.ask_confirm(self, self.tr("确认申请人已交齐补正材料？办理期限将从明天起重新计算。")):
            return
        self._done(self._call(lambda: lifecycle.receive_supplement(self._hall(), self.case_id)))

    def _on_approve_clicked(self) -> None:
        self._done(case_dialogs.ApproveDialog.ask(self.file.summary.case_no or "", lambda note: lifecycle.approve(
            self._hall(), self.case_id, note), self, word=self._words()[0]))

    def _on_decline_clicked(self) -> None:
        try:
            reasons = lifecycle.decision_reasons(self.db, self.file.summary.service_id)
        except EnvironmentFailure as exc:
            msgbox.show_environment_failure(self, exc)
            return
        choices = [(r.code, f"{r.code}  {r.label}（{r.basis}）") for r in reasons]
        self._done(case_dialogs.RefuseDialog.ask(choices, lambda codes, text: lifecycle.refuse(
            self._hall(), self.case_id, codes, text), self, word=self._words()[1]))

    def _on_issue_clicked(self) -> None:
        self._done(case_dialogs.IssueDialog.ask(self.file.summary.applicant_name, lambda name, number, proxy:
                                                lifecycle.issue(self._hall(), self.case_id, name, number,
                                                                proxy), self))

    def _on_conclude_clicked(self) -> None:
        # NOTE (issue 13): a case accepted before its procedure was decided at the window: what it issues
        # was issued then, only the closing is recorded.
        if not msgbox.ask_confirm(self, self.tr("该案件受理时已登记生效并打印登记证明。确认补记为已办结？")):
            return
        self._done(self._call(lambda: lifecycle.conclude_at_window(self._hall(), self.case_id)))

    def _on_extend_clicked(self) -> None:
        self._done(case_dialogs.ExtendDialog.ask(self.file.summary.due_on, lambda days, reason: lifecycle.extend(
            self._hall(), self.case_id, days, reason), self))

    def _on_cancel_clicked(self) -> None:
        def submit(reason: str):
            lifecycle.check_cancel_reason(reason)  # before anyone is asked to countersign
            signer = CountersignDialog.ask(self.db, self.actor, self.tr("撤销案件"), self)
            if signer is None:
                return KEEP_OPEN
            return lifecycle.cancel(self._hall(), self.case_id, reason, signer)

        if actions.revokes(self.file):  # decided at the window: the registration is taken back
            title, intro = self.tr("撤销登记"), self.tr(
                "该登记已当场办结。撤销后登记自始无效，登记信息恢复为办理前的状态，并打印撤销登记决定书。"
                "仅在登记有误时撤销，需要审核人员复核。")
        else:
            title, intro = self.tr("撤销案件"), self.tr("撤销后案件即办结，不能恢复。需要审核人员复核。")
        self._done(case_dialogs.ReasonDialog.ask(title, intro, self.tr("撤销"), submit, self))

    def _on_preview_clicked(self) -> None:
        paper = self._selected_paper()
        if paper is None:
            return
        path = self._call(lambda: paper_files.pdf_for(self._hall(), paper.id))
        if path:
            self._preview(path, paper.title, paper.id)

    def _on_reprint_clicked(self) -> None:
        paper = self._selected_paper()
        if paper is None:
            return

        countersigned = reprints.needs_countersign(paper.kind)

        def submit(reason: str):
            reprints.check_reason(reason)  # before anyone is asked to countersign
            signer = None
            if countersigned:
                signer = CountersignDialog.ask(self.db, self.actor, self.tr("补打") + paper.title, self)
                if signer is None:
                    return KEEP_OPEN
            return reprints.reprint(self._hall(), paper.id, reason, signer)

        intro = self.tr("补打的文书与原件相同，另加“补打”标记和份次。")
        if countersigned:
            intro += self.tr("该文书是领取凭证类文书，补打需要审核人员复核。")
        copy = case_dialogs.ReasonDialog.ask(self.tr("补打") + paper.title, intro, self.tr("补打"), submit, self)
        if copy is not None:
            self._preview(copy.pdf_path, copy.title, copy.id)
            self.reload()
            self.sig_case_changed.emit(self.file.summary)

    def _on_fulfil_clicked(self) -> None:
        rows = self.pledges_view.selectionModel().selectedRows()
        candidates = [self.pledges_model.row_at(r.row()) for r in rows] or list(self.file.pledges)
        pledge = next((p for p in candidates if p.awaited), None)
        if pledge is None:
            msgbox.show_info(self, self.tr("请选择一项尚未补齐的容缺承诺。"))
            return
        if not msgbox.ask_confirm(self, self.tr("确认已收到“%1”？").replace("%1", pledge.material_label)):
            return
        if self._call(lambda: pledges.fulfil(self.db, self.actor, pledge.id) or True):
            self.reload()
            self.sig_case_changed.emit(self.file.summary)
