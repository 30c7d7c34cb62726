"""The three intake outcomes — accept, one-time notice, refusal — each one transaction with its paper."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

# NOTE: imported here, where facts and hooks run (lifecycle goes through this module too), so that
# the facts and hooks are registered before the first assessment or intake: the duplicate check's
# for every service, and every service package's (services.load() below, issue 16).
import desktop.cases.duplicates  # noqa: F401  (registers the duplicate check's facts for every service)
from desktop import heap
from desktop.cases import (
    at_window,
    deadlines,
    drafts,
    hooks,
    identifiers,
    input_guard,
    log_masking,
    numbers,
    papers,
    permissions,
    pledges,
    promised,
    services as _services,  # issue 16: the service packages, discovered (load() below)
    status,
)
from desktop.cases.calendars import calendar_for
from desktop.cases.dto import Actor, CaseSummary, PrintedPaper
from desktop.cases.errors import ActionRefused
from desktop.cases.facts import facts_for
from desktop.cases.hall_context import HallContext
from desktop.cases.queries import summary
from desktop.files import StagedFile, replace_file, stage_file
from desktop.store import audit, hall_section
from desktop.store.database import Database
from desktop.store.errors import EnvironmentFailure
from desktop.store.models import Account, AuditEvent, Case, Document
from forms import registry
from forms.model import Assessment, Decision
from forms.service import Service, assess, current_answers
from forms.values import AnswerError, usable_answers

_services.load()  # every service package under desktop/cases/services registers its facts and hooks


@dataclass(frozen=True)
class IntakeResult:
    case: CaseSummary
    assessment: Assessment
    paper: PrintedPaper | None
    extra_papers: tuple[PrintedPaper, ...] = ()


def assess_case(db: Database, service_id: str, answers: Mapping[str, Any], materials: Mapping[str, Any],
                today: date | None = None, case_id: int | None = None) -> Assessment:
    """Assess with the facts from the database and the calendar in force, for the screen (a read unit).

    What the clerk sees may be stale a moment later; the accept, notice and refusal assess again
    inside their own writing transaction, and that assessment is the one stored and printed."""
    service = registry.get(service_id)
    log_masking.watch(service_id, answers, ("typed", service_id, case_id))  # what the clerk is typing now
    with db.read() as s:
        # NOTE: facts are looked up with the answers that can be stored; the others are findings.
        facts = facts_for(s, service, usable_answers(service.fields, answers), case_id)
        params = promised.params_for(s, service)  # the hall's own 承诺办结时限 over the shipped default
    try:
        return assess(service, answers, materials, today or date.today(), facts, calendar_for(db), strict=False,
                      params=params)
    except AnswerError as exc:  # unknown keys or materials: the caller's mistake, said in Chinese
        raise ActionRefused(f"无法审查：{exc}") from None


def refuse_while_corrections_open(assessment: Assessment, action_label: str) -> None:
    """A refusal or notice must not be issued on data the clerk has to correct first (issue 12)."""
    wrong = assessment.corrections()
    if wrong:
        listed = "；".join(f.message for f in wrong)
        raise ActionRefused(f"以下信息有误，请先更正后再{action_label}：{listed}")


def _done_by(s: Session, row: Case) -> str:
    """Who moved the case out of draft, and when, from its audit event: "张伟（11号窗口）于2026-11-25 10:30"."""
    event = s.execute(select(AuditEvent.actor, AuditEvent.window, AuditEvent.at)
                      .where(AuditEvent.case_id == row.id, AuditEvent.action == f"case.{row.status}")
                      .order_by(AuditEvent.id.desc()).limit(1)).first()
    if event is None:
        return "其他窗口"
    name = s.scalar(select(Account.display_name).where(Account.username == event.actor)) or event.actor
    window = f"（{event.window}号窗口）" if event.window else ""
    return f"{name}{window}于{event.at:%Y-%m-%d %H:%M}"


def _locked_draft(s: Session, case_id: int | None) -> Case | None:
    """The draft being resumed, locked until the transaction ends; refused unless it is still a draft."""
    if not case_id:
        return None
    # NOTE: FOR UPDATE on PostgreSQL (SQLite's write unit already holds the write lock): a second
    # window resuming the same draft waits here, then finds it accepted and is refused.
    row = s.get(Case, case_id, with_for_update=True, populate_existing=True)
    if row is None:
        raise ActionRefused("要继续办理的案件不存在。")
    if row.status != status.DRAFT:
        verb = "受理" if row.status == status.ACCEPTED else f"办理为“{status.status_label(row.status)}”"
        raise ActionRefused(f"该案件已由{_done_by(s, row)}{verb}（案件号{row.case_no or '未编号'}），"
                            "不能再次受理。请刷新案件列表后打开该案件查看。")
    return row


def _store(s: Session, service: Service, actor: Actor, answers: Mapping[str, Any], materials: Mapping[str, Any],
           assessment: Assessment | None, case_status: str, case_id: int | None, now: datetime) -> Case:
    row = _locked_draft(s, case_id)
    if row is None:
        row = Case(service_id=service.service_id, window=actor.window, clerk_id=actor.account.id,
                   created_at=now, answers={}, materials={})
        s.add(row)
    row.status = case_status
    row.updated_at = now
    row.received_on = now.date()
    row.answers = dict(answers)
    row.materials = {k: v for k, v in materials.items() if v}
    row.applicant_name = (str(answers.get(service.name_key) or "").strip() or None)
    id_number = str(answers.get(service.id_key) or "").strip().upper()
    row.id_number = id_number or None
    row.phone = (str(answers.get(service.phone_key) or "").strip() or None)
    # NOTE (issue 16): the service's search identifiers typed on the form (Service.extra_index: kind ->
    # answer key) are findable from the first draft on; the service's hook may record better ones later.
    for kind, key in service.extra_index.items():
        identifiers.record(s, row, kind, str(answers.get(key) or ""))
    if assessment is not None:
        row.assessment = assessment.to_dict()
        row.decision = assessment.decision.value
        row.rules_version = assessment.rules_version
        row.calendar_version = assessment.calendar_version
    return row


def save_draft(db: Database, actor: Actor, service_id: str, answers: Mapping[str, Any],
               materials: Mapping[str, Any], case_id: int | None = None, now: datetime | None = None,
               autosave_id: int | None = None) -> CaseSummary:
    """Keep what the clerk typed so far; no paper, no case number yet (and drop the page's autosave copy)."""
    service = registry.get(service_id)
    answers = current_answers(service, answers)  # a draft saved under an older form (Service.upgrade_answers)
    input_guard.check_storable(service, answers, materials)
    now = now or datetime.now()
    with db.unit() as s:
        permissions.require(s, actor, "intake")
        row = _store(s, service, actor, answers, materials, None, status.DRAFT, case_id, now)
        s.flush()
        audit.append(s, "case.draft", actor=actor.account.username, window=actor.window, case_id=row.id,
                     detail={"service": service_id})
        drafts.forget(s, autosave_id)
        return summary(row)


def _finish(hall: HallContext, service_id: str, answers: Mapping[str, Any], materials: Mapping[str, Any],
            expected: Decision, case_status: str, kind: str, case_id: int | None, now: datetime | None,
            rongque_due: date | None = None, autosave_id: int | None = None) -> IntakeResult:
    # NOTE: the permission is checked once, first thing in the writing transaction below (before the
    # assessment, nothing written yet); a unit of its own before it cost a transaction per accept.
    db, actor, papers_dir, font_path = hall.db, hall.actor, hall.papers_folder(), hall.font_path
    service = registry.get(service_id)
    answers = current_answers(service, answers)
    input_guard.check_storable(service, answers, materials)
    now = now or datetime.now()
    calendar = calendar_for(db)

    fonts_ready(font_path)
    with paper_unit(db) as (s, written):
        permissions.require(s, actor, "intake")
        # NOTE: the draft (locked), the facts (their keys locked) and so the assessment are read in
        # the writing transaction: two windows resuming one draft, or accepting two claims of one
        # applicant, cannot both decide on what they read before the other committed.
        _locked_draft(s, case_id)
        facts = facts_for(s, service, usable_answers(service.fields, answers), case_id, for_update=True)
        try:
            assessment = assess(service, answers, materials, now.date(), facts, calendar, strict=False,
                                params=promised.params_for(s, service))  # the hall's 承诺办结时限, read here
        except AnswerError as exc:
            raise ActionRefused(f"无法审查：{exc}") from None
        if rongque_due is not None:
            if service.decided_at_window:  # NOTE: concluded in this sitting, nothing can be brought later
                raise ActionRefused("该事项当场办结，不适用容缺受理；请收齐材料后办理。")
            if not pledges.rongque_possible(assessment):
                raise ActionRefused("只有在仅缺少非核心材料时才能容缺受理；请先处理其他问题。")
            pledges.check_due(assessment, rongque_due, now.date())
        elif assessment.decision is not expected:
            raise ActionRefused(
                f"当前审查结论是“{assessment.decision.label}”，不能{_ACTION_LABEL[expected]}。请先处理列出的问题。"
            )
        if expected is not Decision.ACCEPT:
            refuse_while_corrections_open(assessment, _ACTION_LABEL[expected])
        typed_materials = {k: v for k, v in materials.items() if v}
        # NOTE: the glyph check runs on a draft snapshot before anything is written, so a name the
        # font cannot print stops the action instead of printing a blank.
        probe = _snapshot(kind, service, answers, typed_materials, assessment, "XX0000000000000", actor, now)
        lacking = _missing_glyphs(probe, font_path)
        if lacking:
            raise ActionRefused(
                f"字体中缺少这些字：{'、'.join(lacking)}，打印会出现空白。"
                "请在“设置”中选择包含这些字的字体（例如 Windows 的宋体-方正超大字符集）后再办理。"
            )
        # NOTE: a new case's number is taken before its row is added, so the INSERT carries it (and
        # the latest deadline) instead of an UPDATE of the row just inserted.
        case_no = numbers.allocate(s, service.code, actor.window, now.date()) if case_id is None else None
        row = _store(s, service, actor, answers, typed_materials, assessment, case_status, case_id, now)
        if case_status == status.ACCEPTED:
            row.accepted_on = now.date()
            row.due_on = deadlines.latest_due(assessment)
        if row.case_no is None:
            row.case_no = case_no or numbers.allocate(s, service.code, actor.window, now.date())
        s.flush()
        if case_status == status.ACCEPTED:
            deadlines.record(s, row, assessment)  # each deadline tracked on its own (issue 14)
        audit.append(s, f"case.{case_status}", actor=actor.account.username, window=actor.window,
                     case_id=row.id, detail={"service": service_id, "case_no": row.case_no,
                                             "decision": assessment.decision.value})
        drafts.forget(s, autosave_id)  # NOTE: same transaction: a stored case never leaves a copy to "recover"
        ctx = hooks.IntakeContext(s, row, service, answers, assessment, actor, now, facts)
        # NOTE (issue 13): a procedure decided at the window is inspected, registered and concluded
        # here, in this transaction (desktop/cases/at_window.py); the others only run their hook.
        at_once = case_status == status.ACCEPTED and service.decided_at_window
        extra = at_window.run(ctx) if at_once else hooks.run(case_status, ctx)
        snap = _snapshot(kind, service, answers, typed_materials, assessment, row.case_no, actor, now)
        if rongque_due is not None:
            papers.mark_rongque(snap, service, assessment, rongque_due)
        if extra.receipt_rows:
            snap["sections"].insert(0, {"heading": extra.rows_heading, "type": "table", "columns": ["项目", "内容"],
                                        "rows": list(extra.receipt_rows)})
            papers.fold_deadline_into_table(snap, "登记信息")
        if extra.finish_receipt is not None:
            extra.finish_receipt(snap)
        if case_status == status.ACCEPTED:
            extra.papers.extend(pledges.record(s, row, service, answers, typed_materials, assessment, actor, now,
                                               rongque_due))
        # NOTE: a case inserted by this transaction has no papers but those it records here, so their
        # copy numbers are counted here, not read (a resumed draft's are read: it may have a notice).
        copies: dict[str, int] | None = {} if case_id is None else None
        printed = [record_paper(s, row.id, snap, actor, now, papers_dir, font_path, written, copies)]
        for more in extra.papers:
            printed.append(record_paper(s, row.id, more, actor, now, papers_dir, font_path, written, copies))
        return IntakeResult(summary(row), assessment, printed[0], tuple(printed[1:]))


def fonts_ready(font_path: str | None) -> None:
    """Load the printing font before a paper's write unit begins.

    NOTE: a window's first paper parses the font (≈ 1.5 s); inside the unit that would hold the
    hall's write lock (SQLite) the whole time, and every other window would wait behind it."""
    from desktop import documents
    from desktop.documents.font import register_font

    try:
        register_font(font_path or None)
    except documents.DocumentFontError as exc:
        raise EnvironmentFailure(str(exc)) from exc
    _missing_glyphs({}, font_path)
    # NOTE: the first paper has loaded reportlab and parsed the font: the window's long-lived heap
    # is there now, out of the collector's way from here on (desktop/heap.py; once per process).
    heap.settle("papers")


def _missing_glyphs(snap: dict[str, Any], font_path: str | None) -> list[str]:
    from desktop import documents  # NOTE: reportlab loads on the first paper, not at start-up

    try:
        with hall_section.operation("glyph_check"):
            return documents.missing_glyphs(snap, font_path=font_path or None)
    except documents.DocumentFontError as exc:
        # NOTE: a font file deleted or broken after it was set is the machine's problem: a message
        # box that says what to do (EnvironmentFailure), not a crash; nothing has been written.
        raise EnvironmentFailure(str(exc)) from exc


@contextmanager
def paper_unit(db: Database) -> Iterator[tuple[Session, list[StagedFile]]]:
    """One transaction that writes papers: staged inside it, moved into place only after the commit.

    NOTE: a kill before the commit leaves no PDF under a paper's name (the staged file is removed by
    the next paper written in that folder), so no file with an applicant's data outlives its row.
    """
    written: list[StagedFile] = []
    try:
        with db.unit() as s:
            yield s, written
    except BaseException:
        for staged in written:
            staged.discard()  # the transaction failed after a file was written
        raise
    for staged in written:
        staged.promote()


def next_copy_no(s: Session, case_id: int, kind: str) -> int:
    """The copy number of the next print of this case's paper of this kind (1 for the first)."""
    return 1 + (s.scalar(select(func.max(Document.copy_no)).where(
        Document.case_id == case_id, Document.kind == kind)) or 0)


def record_paper(s: Session, case_id: int, snap: dict[str, Any], actor: Actor, now: datetime, papers_dir: Path,
                 font_path: str | None, written: list[StagedFile],
                 copies: dict[str, int] | None = None) -> PrintedPaper:
    """Render, register with the next copy number, audit and write one paper (caller's transaction).

    ``copies``: for a case this transaction inserted, the papers recorded so far by kind (counted, not read)."""
    from desktop import documents

    kind = snap["kind"]
    # NOTE: every paper, including those a hook adds, is checked against the font before it is
    # rendered; a character the font lacks aborts the whole transaction instead of printing a blank.
    lacking = _missing_glyphs(snap, font_path)
    if lacking:
        raise ActionRefused(
            f"“{snap['title']}”中有字体缺少的字：{'、'.join(lacking)}，打印会出现空白。"
            "请在“设置”中选择包含这些字的字体后再办理。"
        )
    with hall_section.operation("render"):
        pdf = documents.render_pdf(snap, font_path=font_path or None)
    if copies is None:
        copy_no = next_copy_no(s, case_id, kind)
    else:
        copy_no = copies[kind] = copies.get(kind, 0) + 1
    doc = Document(case_id=case_id, kind=kind, title=snap["title"], snapshot=snap, copy_no=copy_no,
                   printed_at=now, printed_by=actor.account.id, window=actor.window,
                   sha256=hashlib.sha256(pdf).hexdigest())
    s.add(doc)
    s.flush()
    # NOTE: "paper.made": the PDF exists; a print job is recorded apart (desktop/cases/print_jobs.py).
    audit.append(s, "paper.made", actor=actor.account.username, window=actor.window, case_id=case_id,
                 detail={"kind": kind, "copy_no": copy_no, "document_id": doc.id})
    # The file is written (staged) inside the transaction: if writing fails, nothing is stored.
    path = stage_pdf(papers_dir, snap["case_no"], kind, copy_no, pdf, written)
    return PrintedPaper(doc.id, case_id, kind, doc.title, copy_no, now, str(path))


_ACTION_LABEL = {Decision.ACCEPT: "受理", Decision.INCOMPLETE: "出具一次性告知书", Decision.REFUSE: "出具不予受理通知书"}


def _snapshot(kind: str, service: Service, answers, materials, assessment: Assessment, case_no: str,
              actor: Actor, now: datetime) -> dict[str, Any]:
    if kind == "receipt":
        return papers.receipt(service, dict(answers), dict(materials), assessment, case_no, actor, now)
    if kind == "incomplete_notice":
        return papers.incomplete_notice(service, dict(answers), assessment, case_no, actor, now)
    return papers.refusal(service, dict(answers), assessment, case_no, actor, now)


def pdf_name(case_no: str, kind: str, copy_no: int) -> str:
    """The file name of a printed paper; retention finds a case's files by the case number in front."""
    return f"{case_no}-{kind}-{copy_no}.pdf"


def write_pdf(folder: Path, case_no: str, kind: str, copy_no: int, pdf: bytes) -> Path:
    return replace_file(folder / pdf_name(case_no, kind, copy_no), pdf)


def stage_pdf(folder: Path, case_no: str, kind: str, copy_no: int, pdf: bytes, written: list[StagedFile]) -> Path:
    """Inside a paper_unit: the paper's final path; the file appears there when the unit commits."""
    with hall_section.operation("file_write"):
        staged = stage_file(folder / pdf_name(case_no, kind, copy_no), pdf)
    written.append(staged)
    return staged.target


def accept(hall: HallContext, service_id: str, answers, materials, *, case_id: int | None = None,
           now: datetime | None = None, autosave_id: int | None = None) -> IntakeResult:
    """Accept: case number, stored case, 受理回执 — or ActionRefused when the rules say otherwise."""
    return _finish(hall, service_id, answers, materials, Decision.ACCEPT, status.ACCEPTED, "receipt",
                   case_id, now, autosave_id=autosave_id)


def accept_with_pledge(hall: HallContext, service_id: str, answers, materials, *, due: date,
                       case_id: int | None = None, now: datetime | None = None,
                       autosave_id: int | None = None) -> IntakeResult:
    """容缺受理: accepted with non-core materials missing, on a signed pledge to bring them by ``due``."""
    return _finish(hall, service_id, answers, materials, Decision.ACCEPT, status.ACCEPTED, "receipt",
                   case_id, now, rongque_due=due, autosave_id=autosave_id)


def give_notice(hall: HallContext, service_id: str, answers, materials, *, case_id: int | None = None,
                now: datetime | None = None, autosave_id: int | None = None) -> IntakeResult:
    """Incomplete: the 一次性告知书 listing everything missing; the case stays a draft to resume."""
    return _finish(hall, service_id, answers, materials, Decision.INCOMPLETE, status.DRAFT,
                   "incomplete_notice", case_id, now, autosave_id=autosave_id)


def refuse(hall: HallContext, service_id: str, answers, materials, *, case_id: int | None = None,
           now: datetime | None = None, autosave_id: int | None = None) -> IntakeResult:
    """Not eligible: the 不予受理通知书 with reasons, basis and remedies."""
    return _finish(hall, service_id, answers, materials, Decision.REFUSE, status.NOT_ACCEPTED, "refusal",
                   case_id, now, autosave_id=autosave_id)
