"""Printing a paper on a real CUPS queue (cups-pdf): what comes out, and a queue that refuses or is paused (issue 17)."""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime

import pytest
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo
from qt_helpers import answer_next_box
from sqlalchemy import select

from desktop import print_queue
from desktop.cases import intake, print_jobs
from desktop.cases.dto import Actor
from desktop.cases.hall_context import HallContext
from desktop.store.models import AuditEvent
from desktop.ui.preview import PreviewDialog
from forms import registry

NOW = datetime(2026, 11, 25, 10, 0)
HALL = "郑州市金水区政务服务中心"


def _accepted(db, admin, tmp_path):
    case = registry.get("residence_permit").example(NOW.date())
    return intake.accept(HallContext(db, Actor(admin, "03", HALL), tmp_path),
                         "residence_permit", case["answers"], case["materials"],
                         now=NOW)


def _dialog(qtbot, db, admin, result) -> PreviewDialog:
    actor = Actor(admin, "03", HALL)
    record = lambda pages, printer: print_jobs.record_print_job(db, actor, result.paper.id, pages, printer)  # noqa: E731
    dialog = PreviewDialog(result.paper.pdf_path, "受理回执", record_print=record)
    qtbot.addWidget(dialog)
    return dialog


def _printer(queue) -> QPrinter:
    # The queue as Qt's CUPS plug-in lists it, as the print dialog would offer it.
    assert queue.name in QPrinterInfo.availablePrinterNames()
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPrinterName(queue.name)
    printer.setDocName("受理回执")
    return printer


def _printed(db) -> list[AuditEvent]:
    with db.read() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == "paper.printed")))


def test_a_paper_printed_on_a_real_queue_comes_out_whole_and_is_recorded(qtbot, db, admin, tmp_path, cups_queue):
    result = _accepted(db, admin, tmp_path)
    before = print_queue.job_ids(cups_queue.name)
    assert before is not None
    assert _dialog(qtbot, db, admin, result).print_to(_printer(cups_queue))
    (job,) = print_queue.job_ids(cups_queue.name) - before
    out = cups_queue.wait_for_output(job)
    reader = PdfReader(out)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4, as the paper
    (event,) = _printed(db)
    assert event.detail["document_id"] == result.paper.id and event.detail["printer"] == cups_queue.name
    if shutil.which("pdftoppm") and shutil.which("zbarimg"):
        # What came out of the spooler carries the case number its QR code encodes.
        png = tmp_path / "printed"
        subprocess.run(["pdftoppm", "-png", "-r", "100", "-f", "1", "-l", "1", str(out), str(png)], check=True)
        read = subprocess.run(["zbarimg", "-q", "--raw", str(png) + "-1.png"], capture_output=True, text=True)
        assert result.case.case_no in read.stdout.split()


def test_a_queue_that_rejects_jobs_is_told_and_nothing_is_recorded(qtbot, db, admin, tmp_path, cups_queue):
    result = _accepted(db, admin, tmp_path)
    before = print_queue.job_ids(cups_queue.name)
    cups_queue.reject()
    try:
        texts: list[str] = []
        answer_next_box(texts)
        assert not _dialog(qtbot, db, admin, result).print_to(_printer(cups_queue))
    finally:
        cups_queue.reject(False)
    assert texts and f"打印机“{cups_queue.name}”当前不接受打印任务" in texts[0]
    assert "PDF 已保存在" in texts[0]
    assert _printed(db) == [] and print_queue.job_ids(cups_queue.name) == before


def test_a_paused_printer_is_told_with_its_reason_before_anything_is_sent(qtbot, db, admin, tmp_path, cups_queue):
    result = _accepted(db, admin, tmp_path)
    before = print_queue.job_ids(cups_queue.name)
    cups_queue.pause("卡纸")
    try:
        texts: list[str] = []
        answer_next_box(texts)
        assert not _dialog(qtbot, db, admin, result).print_to(_printer(cups_queue))
    finally:
        cups_queue.pause(None)
    assert texts and f"打印机“{cups_queue.name}”已暂停（卡纸）" in texts[0]
    assert _printed(db) == [] and print_queue.job_ids(cups_queue.name) == before


def test_a_job_the_spooler_refused_is_seen_as_not_taken(cups_queue, tmp_path):
    # What the after-check sees when a job is refused between the check and the hand-over.
    before = print_queue.job_ids(cups_queue.name)
    paper = tmp_path / "x.txt"
    paper.write_text("x")
    cups_queue.reject()
    try:
        refused = subprocess.run(["lp", "-d", cups_queue.name, str(paper)], capture_output=True, text=True)
        assert refused.returncode != 0
        assert print_queue.took_new_job(cups_queue.name, before) is False
    finally:
        cups_queue.reject(False)
    taken = subprocess.run(["lp", "-d", cups_queue.name, str(paper)], capture_output=True, text=True)
    assert taken.returncode == 0
    assert print_queue.took_new_job(cups_queue.name, before) is True


@pytest.mark.parametrize("name", ["NoSuchQueue"])
def test_an_unknown_queue_is_not_refused_by_the_check(name, cups_queue):
    # lpstat cannot tell about a queue it does not know; Qt's own failure to begin says it then.
    assert print_queue.refusal(name) is None and print_queue.job_ids(name) is None


def test_the_set_up_offers_the_real_queue_and_keeps_the_choice(qtbot, cups_queue):
    from PySide6.QtWidgets import QLabel

    from desktop.settings import Settings
    from desktop.ui.setup_pages import PrinterForm

    form = PrinterForm(Settings())
    qtbot.addWidget(form)
    assert form.printer.index_of(cups_queue.name) > 0
    form.printer.set_value(cups_queue.name)
    assert form.apply(Settings()).printer_name == cups_queue.name
    assert "同时保存为 PDF" in form.findChild(QLabel, "printer_note").text()
