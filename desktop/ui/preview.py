"""Preview a printed paper (its pages rendered by QPdfDocument) and print it through QPrinter (or say where the PDF is)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from desktop import print_queue
from desktop.ui import msgbox
from desktop.ui.page_view import PageView
from desktop.ui.screen_fit import FitsScreen, fit_to_screen

log = logging.getLogger(__name__)
PREFERRED_SIZE = QSize(820, 960)


class PrintFailed(Exception):
    """The paper could not be printed; the message is for the clerk."""


def print_pdf(pdf_path: str | Path, printer: QPrinter) -> int:
    """Render every page of the PDF onto ``printer``; returns the number of pages printed."""
    document = QPdfDocument()
    if document.load(str(pdf_path)) != QPdfDocument.Error.None_:
        raise PrintFailed(f"无法读取要打印的文件：{pdf_path}")
    # NOTE: a named printer (not a PDF file) goes through the system's spooler, which Qt does not
    # hear refuse a job: asked before and after (desktop/print_queue.py).
    queue = "" if printer.outputFileName() else printer.printerName()
    jobs_before = None
    if queue:
        refused = print_queue.refusal(queue)
        if refused:
            raise PrintFailed(refused)
        jobs_before = print_queue.job_ids(queue)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    printer.setFullPage(True)
    painter = QPainter()
    if not painter.begin(printer):
        raise PrintFailed("打印机无法开始打印，请检查打印机是否联机、是否有纸。")
    try:
        dpi = min(printer.resolution(), 300)
        target = printer.pageLayout().fullRectPixels(printer.resolution())
        for page in range(document.pageCount()):
            if page:
                printer.newPage()
            points = document.pagePointSize(page)
            size = QSize(int(points.width() / 72 * dpi), int(points.height() / 72 * dpi))
            image = document.render(page, size)
            painter.drawImage(target, image, image.rect())
    finally:
        ended = painter.end()  # NOTE: here Qt hands the job to the spooler (or writes the PDF file)
    if not ended or printer.printerState() == QPrinter.PrinterState.Error:
        raise PrintFailed("打印机没有完成这份打印任务，请检查打印机是否联机、是否有纸后重新打印。")
    if queue and print_queue.took_new_job(queue, jobs_before) is False:
        raise PrintFailed(f"打印机“{queue}”没有收到这份打印任务（打印系统未登记），请检查打印机后重新打印。")
    return document.pageCount()


class _PrintDialog(FitsScreen, QPrintDialog):
    """Qt's print dialog, fitted to the screen like every dialog of HallDesk."""


class PreviewDialog(FitsScreen, QDialog):
    """Shows the paper; 打印 sends it to a printer, and the PDF on disk is always kept."""

    sig_printed = Signal(int, str)  # pages, printer name: only after the printer took the job

    def __init__(self, pdf_path: str | Path, title: str, parent: QWidget | None = None,
                 record_print: Callable[[int, str], None] | None = None):
        super().__init__(parent)
        self.pdf_path = Path(pdf_path)
        # NOTE: a stored paper's print job is recorded by the case layer through this callback
        # (papers that are not case documents, like the 审计日报 preview, pass none).
        self.record_print = record_print
        self.setWindowTitle(self.tr("预览：") + title)
        # NOTE: a page wide and tall when the screen allows; at 1366×768 it shrinks so 打印/关闭 and the
        # saved path stay on screen (the page scrolls inside the view).
        fit_to_screen(self, PREFERRED_SIZE)
        self.document = QPdfDocument(self)
        self.document.load(str(self.pdf_path))
        self.view = PageView(self.document, self)
        self.view.setObjectName("pdf_view")
        where = QLabel(self.tr("已保存：") + str(self.pdf_path), self)
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        where.setStyleSheet("color:#555;")
        buttons = QDialogButtonBox(self)
        self.print_button = buttons.addButton(self.tr("打印"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.print_button.setObjectName("print_button")
        self.print_button.setShortcut("Ctrl+P")
        close = buttons.addButton(self.tr("关闭"), QDialogButtonBox.ButtonRole.RejectRole)
        close.setObjectName("close_button")
        self.print_button.clicked.connect(self._on_print_clicked)
        close.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(where)
        layout.addWidget(buttons)
        # NOTE: a closed preview is deleted with its document: kept as a hidden child of its page or
        # case view, it lived until that tab closed. Owners must keep their Python reference until
        # the C++ object is gone (shiboken6.isValid): dropping the wrapper of a Python subclass while
        # its C++ object still waited for deletion crashed the process in ~QObject.
        self.finished.connect(self.deleteLater)

    def _on_print_clicked(self) -> None:
        if not QPrinterInfo.availablePrinters():
            msgbox.show_info(self, self.tr("没有找到可用的打印机。PDF 已保存在：\n") + str(self.pdf_path))
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        from desktop import settings as settings_store

        # NOTE: the printer chosen at set-up (管理 → 数据库与打印机) starts selected, when it is connected.
        chosen = settings_store.load().printer_name
        if chosen and chosen in QPrinterInfo.availablePrinterNames():
            printer.setPrinterName(chosen)
        dialog = _PrintDialog(printer, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.print_to(printer)

    def print_to(self, printer: QPrinter) -> bool:
        """Print; on failure the clerk is told plainly and pointed at the saved PDF."""
        try:
            pages = print_pdf(self.pdf_path, printer)
        except PrintFailed as exc:
            log.warning("print failed: %s", exc)
            msgbox.show_info(self, f"{exc}\nPDF 已保存在：\n{self.pdf_path}")
            return False
        printer_name = printer.printerName() or printer.outputFileName() or ""
        if self.record_print is not None:
            from desktop.cases.errors import ActionRefused, EnvironmentFailure

            try:
                self.record_print(pages, printer_name)
            except ActionRefused as exc:
                msgbox.show_info(self, exc.message)
            except EnvironmentFailure as exc:
                # The paper did print; only its record failed: say so plainly.
                msgbox.show_environment_failure(self, exc)
        self.sig_printed.emit(pages, printer_name)
        return True
