"""Preview with QPdfView and printing through QPrinter (to a PDF file, as tests have no printer)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter
from qt_helpers import answer_next_box
from sqlalchemy import select

from desktop.cases import intake, print_jobs
from desktop.cases.dto import Actor
from desktop.cases.hall_context import HallContext
from desktop.store.models import AuditEvent
from desktop.ui.preview import PreviewDialog, PrintFailed, print_pdf
from forms import registry

NOW = datetime(2026, 11, 25, 10, 0)


def _accept(db, admin, tmp_path):
    case = registry.get("residence_permit").example(NOW.date())
    return intake.accept(HallContext(db, Actor(admin, "03", "郑州市金水区政务服务中心"), tmp_path), "residence_permit",
                         case["answers"], case["materials"], now=NOW)


def _receipt(db, admin, tmp_path) -> str:
    return _accept(db, admin, tmp_path).paper.pdf_path


def _actions(db) -> list[str]:
    with db.unit() as s:
        return list(s.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def _record(db, admin, paper):
    actor = Actor(admin, "03", "郑州市金水区政务服务中心")
    return lambda pages, printer: print_jobs.record_print_job(db, actor, paper.id, pages, printer)


def test_making_a_paper_is_not_printing_it_and_a_sent_job_is_recorded(qtbot, db, admin, tmp_path):
    result = _accept(db, admin, tmp_path)
    assert "paper.made" in _actions(db) and "paper.printed" not in _actions(db)
    dialog = PreviewDialog(result.paper.pdf_path, "受理回执", record_print=_record(db, admin, result.paper))
    qtbot.addWidget(dialog)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "job.pdf"))
    assert dialog.print_to(printer)
    with db.unit() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "paper.printed")).one()
        assert event.case_id == result.case.id
        assert event.detail["document_id"] == result.paper.id and event.detail["pages"] == 1


def test_a_failed_print_records_nothing(qtbot, db, admin, tmp_path):
    result = _accept(db, admin, tmp_path)
    Path(result.paper.pdf_path).write_bytes(b"damaged")  # the job cannot even start
    dialog = PreviewDialog(result.paper.pdf_path, "受理回执", record_print=_record(db, admin, result.paper))
    qtbot.addWidget(dialog)
    printer = QPrinter()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "job.pdf"))
    texts: list[str] = []
    answer_next_box(texts)
    assert not dialog.print_to(printer)
    assert texts and "无法读取" in texts[0]
    assert "paper.printed" not in _actions(db)


def test_print_to_pdf_printer(qtbot, db, admin, tmp_path):
    source = _receipt(db, admin, tmp_path)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    assert print_pdf(source, printer) == 1
    assert len(PdfReader(out).pages) == 1


def test_preview_shows_pages_and_prints(qtbot, db, admin, tmp_path):
    source = _receipt(db, admin, tmp_path)
    dialog = PreviewDialog(source, "受理回执")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.document.pageCount() == 1
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "out.pdf"))
    with qtbot.waitSignal(dialog.sig_printed, timeout=5000) as printed:
        assert dialog.print_to(printer)
    assert printed.args[0] == 1


def test_unreadable_file_is_a_plain_failure(qapp, tmp_path):
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"not a pdf")
    printer = QPrinter()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "x.pdf"))
    try:
        print_pdf(bad, printer)
    except PrintFailed as exc:
        assert "无法读取" in str(exc)
    else:
        raise AssertionError("a broken PDF must not print")
