"""The self-test's driver (``hall-desk selftest``): a timer that answers whatever the program shows."""

from __future__ import annotations

import secrets
import sys
import traceback
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QApplication

from desktop import paths

STEP_MS = 50  # how often the driver looks at what the program shows


def application() -> QApplication:
    """The QApplication the program's start-up reuses (desktop.app.create_application)."""
    return QApplication.instance() or QApplication([sys.argv[0]])


class Driver:
    """A timer that answers whatever the program shows: wizard, sign-in, main window, previews."""

    def __init__(self, out: Path, services: tuple[str, ...], admin: str, printer: str | None = None):
        self.out, self.admin_name = out, admin
        # NOTE: a real printer's queue name (CUPS): every paper is printed there too, so IT staff see
        # the installed program's print path reach the PC's printer, not only a PDF file.
        self.printer_name = printer
        self.queued: list[dict] = []
        # NOTE: the policy asks for letters AND digits; a random token alone has no digit one time in 15.
        self.password = f"Sel-{secrets.token_urlsafe(12)}-{secrets.randbelow(10)}"
        self.cases: list[dict] = []
        self.problems: list[str] = []
        self.printed: list[str] = []
        self.queue = list(services)
        self.finished = False
        self.carried: dict = {}  # what one service's case leaves for a later one (desktop.cases.selftest_plans)
        self.timer = None

    def start(self) -> None:
        from PySide6.QtCore import QTimer

        self.timer = QTimer()
        self.timer.setInterval(STEP_MS)
        self.timer.timeout.connect(self._step)
        self.timer.start()

    def report(self, code: int) -> dict:
        return {"exit_code": code, "data_dir": str(paths.data_dir()), "cases": self.cases,
                "printed": self.printed, "queued": self.queued, "problems": self.problems}

    def _step(self) -> None:
        from PySide6.QtWidgets import QApplication, QMessageBox

        from desktop.ui.login import LoginDialog
        from desktop.ui.preview import PreviewDialog
        from desktop.ui.setup_wizard import SetupWizard

        try:
            modal = QApplication.activeModalWidget()
            if isinstance(modal, SetupWizard):
                self._wizard(modal)
            elif isinstance(modal, LoginDialog):
                modal.edits["username"].setText(self.admin_name)
                modal.edits["password"].setText(self.password)
                modal._on_submit()
            elif isinstance(modal, QMessageBox):
                self.problems.append(f"程序提示：{modal.text()}")
                modal.reject()
            elif isinstance(modal, PreviewDialog):
                # NOTE: each paper opens in a window-modal preview (open()): print it, close it.
                self._print(modal)
                modal.close()
            elif modal is not None:
                self.problems.append(f"未预期的窗口：{type(modal).__name__} {modal.windowTitle()}")
                modal.reject()
            else:
                window = _main_window()
                if window is not None and not self.finished:
                    self._main(window)
        except Exception:  # noqa: BLE001 - a driver bug is a failed self-test, reported, never a hang
            self.problems.append(traceback.format_exc())
            self._quit()

    def _wizard(self, wizard) -> None:
        from PySide6.QtWidgets import QLabel, QWizard

        from desktop.ui.setup_wizard import ADMIN as ADMIN_PAGE, DATABASE, HALL, PRINTER

        page = wizard.currentId()
        if page == HALL:
            wizard.hall.hall_name.setText("HallDesk 自检大厅")
            wizard.hall.hall_address.setText("郑州市金水区自检路1号")
            wizard.hall.hall_phone.setText("0371-12345")
            wizard.hall.window_no.setText("01")
        elif page == DATABASE:
            wizard.database.standalone.setChecked(True)
        elif page == ADMIN_PAGE:
            for key, value in (("username", self.admin_name), ("display_name", "自检管理员"), ("password", self.password),
                               ("password2", self.password)):
                wizard.admin.edits[key].setText(value)
        before = (page, len(self.problems))
        if wizard.currentPage().nextId() == -1:
            wizard.button(QWizard.WizardButton.FinishButton).click()
        else:
            wizard.next()
        if wizard.isVisible() and wizard.currentId() == before[0] and page != PRINTER:
            shown = [label.text() for label in wizard.currentPage().findChildren(QLabel)
                     if label.objectName().endswith("_error") and label.text()]
            self.problems.append(f"设置向导停在第 {page + 1} 页" + (f"：{'；'.join(shown)}" if shown else ""))
            wizard.reject()

    def _main(self, window) -> None:
        if not self.queue:
            self._quit(window)
            return
        self._accept(window, self.queue.pop(0))

    def _accept(self, window, service_id: str) -> None:
        from desktop.cases import selftest_plans
        from forms.registry import get as get_service

        # NOTE (issue 16): what a service needs besides its example (a set-up first, answers carried from an
        # earlier case) is its package's self-test plan; the driver names no service.
        plan = selftest_plans.plan(service_id)
        plan.setup(window.db, window.actor)
        example = get_service(service_id).example(date.today())
        answers = dict(example["answers"])
        plan.answers(answers, self.carried)
        window.service_actions[service_id].trigger()
        page = window.tabs.currentWidget()
        page.load(answers, example["materials"])
        if not page.accept_button.isEnabled():
            self.problems.append(f"{service_id}：示例案件不能受理（受理按钮不可用）")
            return
        page.accept_button.click()
        if page.case_id is None:
            self.problems.append(f"{service_id}：受理没有生成案件")
            return
        from desktop.cases import queries

        case = queries.get_case(window.db, page.case_id)
        paper = getattr(getattr(page, "preview", None), "pdf_path", None)
        self.cases.append({"service": service_id, "case_id": page.case_id, "case_no": case.summary.case_no,
                           "status": case.summary.status, "paper": str(paper) if paper else None})
        plan.accepted(window.db, page.case_id, answers, self.carried)

    def _print(self, preview) -> None:
        from PySide6.QtPrintSupport import QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        target = self.out / f"printed-{len(self.printed) + 1:02d}-{Path(preview.pdf_path).stem}.pdf"
        printer.setOutputFileName(str(target))
        if preview.print_to(printer) and target.is_file():
            self.printed.append(str(target))
        else:
            self.problems.append(f"打印失败：{preview.pdf_path}")
        if self.printer_name:
            from PySide6.QtPrintSupport import QPrinterInfo

            if self.printer_name not in QPrinterInfo.availablePrinterNames():
                self.problems.append(f"没有找到打印机：{self.printer_name}")
                return
            real = QPrinter(QPrinter.PrinterMode.HighResolution)
            real.setPrinterName(self.printer_name)
            real.setDocName(Path(preview.pdf_path).stem)
            if preview.print_to(real):
                self.queued.append({"paper": str(preview.pdf_path), "printer": self.printer_name})
            else:
                self.problems.append(f"打印机 {self.printer_name} 打印失败：{preview.pdf_path}")

    def _quit(self, window=None) -> None:
        self.finished = True
        self.timer.stop()
        from PySide6.QtWidgets import QApplication

        if window is not None:
            window.close()
        QApplication.quit()


def _main_window():
    from PySide6.QtWidgets import QApplication

    from desktop.ui.main_window import MainWindow

    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, MainWindow) and widget.isVisible():
            return widget
    return None
