"""Preview with QPdfView and printing through QPrinter (to a PDF file, as tests have no printer)."""

from __future__ import annotations

from datetime import datetime

from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter

from desktop.cases import intake
from desktop.cases.dto import Actor
from desktop.ui.preview import PreviewDialog, PrintFailed, print_pdf
from forms import registry

NOW = datetime(2026, 11, 25, 10, 0)


def _receipt(db, admin, tmp_path) -> str:
    case = registry.get("residence_permit").example(NOW.date())
    result = intake.accept(db, Actor(admin, "03", "郑州市金水区政务服务中心"), "residence_permit",
                           case["answers"], case["materials"], now=NOW, papers_dir=tmp_path)
    return result.paper.pdf_path


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
    assert printed.args == [1]


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
