"""Table models of the case view and the work lists: answers, findings, papers, timeline, pledges."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import IntEnum
from typing import Any

from desktop.cases import case_rows, worklists
from desktop.cases.casefile import PledgeInfo
from desktop.cases.deadlines import DeadlineInfo
from desktop.cases.dto import PrintedPaper
from desktop.cases.stored import Lifecycle, StoredFinding
from desktop.cases.worklists import DeadlineDue, DeadlineRow, PledgeDue, TimelineEvent
from desktop.ui.row_models import NO_VALUE, RowsModel
from forms.model import Field, Kind
from forms.service import Service


@dataclass(frozen=True)
class AnswerRow:
    section: str
    label: str
    value: str


def format_answer(field: Field, value: Any) -> str:
    """An answer as the clerk reads it: choice labels, 是/否, table rows on lines.

    ID and phone numbers arrive masked (desktop.cases.casefile) unless the clerk revealed them.
    """
    if value is None or value == "" or value == []:
        return NO_VALUE
    if field.kind is Kind.CHOICE:
        return field.choice_label(value)
    if field.kind is Kind.BOOL:
        return "是" if value else "否"
    if field.kind is Kind.TABLE:
        lines = []
        for row in value:
            parts = [f"{c.label}：{format_answer(c, row.get(c.key))}" for c in field.columns if c.key in row]
            lines.append("，".join(parts))
        return "\n".join(lines) or NO_VALUE
    return str(value)


def answer_rows(service: Service, answers: Mapping[str, Any]) -> list[AnswerRow]:
    return [AnswerRow(f.section or "申请信息", f.label, format_answer(f, answers.get(f.key)))
            for f in service.fields if f.is_visible(answers) and answers.get(f.key) not in (None, "", [])]


class AnswersModel(RowsModel[AnswerRow]):
    class Column(IntEnum):
        SECTION = 0
        LABEL = 1
        VALUE = 2

    def headers(self):
        return {self.Column.SECTION: self.tr("栏目"), self.Column.LABEL: self.tr("项目"),
                self.Column.VALUE: self.tr("内容")}

    def cell(self, row: AnswerRow, column: IntEnum) -> str:
        return (row.section, row.label, row.value)[column]

    def tooltip(self, row: AnswerRow, column: IntEnum) -> str | None:
        return f"{row.section} — {row.label}"


class FindingsModel(RowsModel[StoredFinding]):
    """Findings of the stored assessment (as stored with the case; the rules are not run again)."""

    class Column(IntEnum):
        OUTCOME = 0
        MESSAGE = 1
        BASIS = 2

    def headers(self):
        return {self.Column.OUTCOME: self.tr("结论"), self.Column.MESSAGE: self.tr("审查意见"),
                self.Column.BASIS: self.tr("依据")}

    def cell(self, row: StoredFinding, column: IntEnum) -> str:
        if column is self.Column.OUTCOME:
            return row.outcome_label
        if column is self.Column.MESSAGE:
            return row.message
        return row.basis or NO_VALUE

    def warn(self, row: StoredFinding, column: IntEnum) -> bool:
        return column is self.Column.OUTCOME and row.needs_attention

    def tooltip(self, row: StoredFinding, column: IntEnum) -> str | None:
        return row.message if column is self.Column.MESSAGE else None


class PapersModel(RowsModel[PrintedPaper]):
    class Column(IntEnum):
        TITLE = 0
        COPY_NO = 1
        PRINTED_AT = 2

    def headers(self):
        return {self.Column.TITLE: self.tr("文书"), self.Column.COPY_NO: self.tr("份次"),
                self.Column.PRINTED_AT: self.tr("打印时间")}

    def cell(self, row: PrintedPaper, column: IntEnum) -> str:
        if column is self.Column.TITLE:
            return row.title
        if column is self.Column.COPY_NO:
            return self.tr("第%1份").replace("%1", str(row.copy_no)) + (self.tr("（补打）") if row.copy_no > 1 else "")
        return row.printed_at.strftime("%Y-%m-%d %H:%M")


def describe_event(event: TimelineEvent, titles: Mapping[int, str]) -> str:
    """The timeline's 办理事项: the action and the few details a clerk needs."""
    d = event.detail
    extra = []
    if d.items:
        extra.append("、".join(d.items))
    if d.reason_codes:
        extra.append("理由代码 " + "、".join(d.reason_codes))
    if d.reason:
        extra.append(d.reason)
    if d.days:
        extra.append(f"延长{d.days}个工作日至{d.to}")
    if d.document_id is not None:
        extra.append(f"{titles.get(d.document_id, d.kind)} 第{d.copy_no}份")
    if d.pages:
        extra.append(f"{d.pages}页" + (f"，{d.printer}" if d.printer else ""))
    if d.by_proxy:
        extra.append("代领")
    if d.material:
        extra.append(d.material)
    text = event.label + ("：" + "；".join(extra) if extra else "")
    if d.countersign:
        text += f"（复核：{d.countersign}）"
    return text


def _day(value: date | None) -> str:
    return value.isoformat() if value else NO_VALUE


def outcome_text(life: Lifecycle) -> str:
    """The header's 办理结果: supplements, the decision, the hand-over, a cancellation, extensions."""
    parts = []
    if life.supplements:
        last = life.supplements[-1]
        parts.append(f"{_day(last.requested_on)}通知补正"
                     + (f"，{_day(last.received_on)}收到补正材料" if last.received_on else ""))
    decision = life.decision
    if decision:
        parts.append(f"{_day(decision.on)} {decision.by} {'批准' if decision.approved else '不予许可'}")
    inspection = life.inspection
    if inspection:
        passed = "通过" if inspection.passed else "未通过"
        parts.append(f"{_day(inspection.on)} {inspection.by} 现场查验{passed}")
    issue = life.issue
    if issue and issue.at_window:
        # NOTE (issue 13): decided at the window, what the service issues was handed over there.
        parts.append(f"{_day(issue.on)} {issue.by} " + ("补记办结" if issue.legacy else "当场办结"))
    elif issue:
        proxy = "（代领）" if issue.by_proxy else ""
        parts.append(f"{_day(issue.on)} 由 {issue.receiver_name}{proxy} 领取，证件号码 {issue.receiver_id_masked}")
    cancel = life.cancel
    if cancel:
        what = "撤销登记" if cancel.revoked else "撤销"
        parts.append(f"{_day(cancel.on)} {what}：{cancel.reason}（复核：{cancel.countersign}）")
    for ext in life.extensions:
        parts.append(f"{_day(ext.on)} 延长至 {_day(ext.to)}：{ext.reason}")
    return "；".join(parts) or NO_VALUE


@dataclass(frozen=True)
class TimelineRow:
    event: TimelineEvent
    what: str


class TimelineModel(RowsModel[TimelineRow]):
    class Column(IntEnum):
        AT = 0
        ACTOR = 1
        WINDOW = 2
        WHAT = 3

    def headers(self):
        return {self.Column.AT: self.tr("时间"), self.Column.ACTOR: self.tr("经办人"),
                self.Column.WINDOW: self.tr("窗口"), self.Column.WHAT: self.tr("办理事项")}

    def cell(self, row: TimelineRow, column: IntEnum) -> str:
        e = row.event
        return (e.at.strftime("%Y-%m-%d %H:%M"), e.actor or NO_VALUE, e.window or NO_VALUE, row.what)[column]

    def tooltip(self, row: TimelineRow, column: IntEnum) -> str | None:
        return row.what if column is self.Column.WHAT else None


class PledgesModel(RowsModel[PledgeInfo]):
    """The pledges of one case (容缺 with a due date, 告知承诺 without)."""

    class Column(IntEnum):
        MATERIAL = 0
        KIND = 1
        DUE_ON = 2
        STATE = 3

    def headers(self):
        return {self.Column.MATERIAL: self.tr("材料"), self.Column.KIND: self.tr("方式"),
                self.Column.DUE_ON: self.tr("补齐期限"), self.Column.STATE: self.tr("状态")}

    def cell(self, row: PledgeInfo, column: IntEnum) -> str:
        if column is self.Column.MATERIAL:
            return row.material_label
        if column is self.Column.KIND:
            return row.kind_label
        if column is self.Column.DUE_ON:
            return row.due_on.isoformat() if row.due_on else NO_VALUE
        if row.fulfilled_on:
            return self.tr("已于%1补齐").replace("%1", row.fulfilled_on.isoformat())
        return self.tr("待补齐") if row.due_on else self.tr("已承诺")


class CaseDeadlinesModel(RowsModel[DeadlineInfo]):
    """The deadlines of one case, each with its own state (issue 14): running past due in red."""

    class Column(IntEnum):
        LABEL = 0
        DUE_ON = 1
        STATE = 2
        EXPLANATION = 3

    def __init__(self, parent=None):
        super().__init__(parent)
        self.today = date.today()  # the case view sets its own day before each load

    def headers(self):
        return {self.Column.LABEL: self.tr("期限"), self.Column.DUE_ON: self.tr("到期日"),
                self.Column.STATE: self.tr("状态"), self.Column.EXPLANATION: self.tr("计算方式及依据")}

    def cell(self, row: DeadlineInfo, column: IntEnum) -> str:
        if column is self.Column.LABEL:
            return row.label
        if column is self.Column.DUE_ON:
            return row.due_on.isoformat() + (self.tr("（暂定）") if row.provisional else "")
        if column is self.Column.STATE:
            return row.label_on(self.today)
        return "；".join(part for part in (row.explanation, row.basis) if part)

    def warn(self, row: DeadlineInfo, column: IntEnum) -> bool:
        return row.overdue_on(self.today) and column in (self.Column.DUE_ON, self.Column.STATE)


class PledgeDueModel(RowsModel[PledgeDue]):
    """容缺 pledges coming due across the hall, overdue ones in red."""

    class Column(IntEnum):
        CASE_NO = 0
        APPLICANT = 1
        MATERIAL = 2
        DUE_ON = 3
        STATE = 4

    def headers(self):
        return {self.Column.CASE_NO: self.tr("案件编号"), self.Column.APPLICANT: self.tr("申请人"),
                self.Column.MATERIAL: self.tr("承诺补齐的材料"), self.Column.DUE_ON: self.tr("补齐期限"),
                self.Column.STATE: self.tr("状态")}

    def cell(self, row: PledgeDue, column: IntEnum) -> str:
        if column is self.Column.CASE_NO:
            return row.case.case_no or NO_VALUE
        if column is self.Column.APPLICANT:
            return row.case.applicant_name
        if column is self.Column.MATERIAL:
            return row.material_label
        if column is self.Column.DUE_ON:
            return row.due_on.isoformat()
        return self.tr("已逾期") if row.overdue else self.tr("即将到期")

    def warn(self, row: PledgeDue, column: IntEnum) -> bool:
        return row.overdue and column in (self.Column.DUE_ON, self.Column.STATE)


class DeadlineDueModel(RowsModel[DeadlineRow]):
    """Deadlines due soon or overdue across the hall: which deadline of which case (issue 14), overdue in red.

    NOTE (issue 15): rows as read (desktop.cases.worklists.DeadlineRow), each cell formatted when
    the view asks for it; ``row_at`` and the row role give the frozen, masked DeadlineDue.
    """

    class Column(IntEnum):
        CASE_NO = 0
        APPLICANT = 1
        DEADLINE = 2
        DUE_ON = 3
        STATUS = 4

    def __init__(self, parent=None):
        super().__init__(parent)
        self.today = date.today()  # the work lists set their own day with the rows

    def set_rows(self, rows: Sequence[DeadlineRow], today: date | None = None) -> None:
        if today is not None:
            self.today = today
        super().set_rows(rows)

    def headers(self):
        return {self.Column.CASE_NO: self.tr("案件编号"), self.Column.APPLICANT: self.tr("申请人"),
                self.Column.DEADLINE: self.tr("期限"), self.Column.DUE_ON: self.tr("到期日"),
                self.Column.STATUS: self.tr("状态")}

    def cell(self, row: DeadlineRow, column: IntEnum) -> str:
        if column is self.Column.CASE_NO:
            return case_rows.case_no(worklists.case_of(row)) or NO_VALUE
        if column is self.Column.APPLICANT:
            return case_rows.applicant(worklists.case_of(row))
        if column is self.Column.DEADLINE:
            return row[worklists.DEADLINE_LABEL]
        if column is self.Column.DUE_ON:
            provisional = self.tr("（暂定）") if row[worklists.DEADLINE_PROVISIONAL] else ""
            return case_rows.day_text(row[worklists.DEADLINE_DUE]) + provisional
        return case_rows.status_text(worklists.case_of(row))

    def tooltip(self, row: DeadlineRow, column: IntEnum) -> str | None:
        return case_rows.service_name(worklists.case_of(row))

    def warn(self, row: DeadlineRow, column: IntEnum) -> bool:
        return column in (self.Column.DEADLINE, self.Column.DUE_ON) and worklists.deadline_overdue(row, self.today)

    def item(self, row: DeadlineRow) -> DeadlineDue:
        return worklists.deadline_due(row, self.today)
