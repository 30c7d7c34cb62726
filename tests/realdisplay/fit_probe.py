"""Run in a child process on a real X display: open the main window, pages, the preview and every dialog, measure.

Usage: python fit_probe.py OUT_DIR — writes OUT_DIR/geometry.json and, with --screenshots, PNGs of the screen.
Each window is measured once the window manager has framed it: its frame against the screen's available
geometry, and the global rectangles of its buttons (and named labels) against the screen and the window.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from PySide6.QtCore import QPoint, QRect, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QApplication,
    QDialog,
    QGroupBox,
    QLabel,
    QTabBar,
    QWidget,
)

from desktop.cases.hall_context import HallContext

FRAME_TIMEOUT_S = 10.0

OUT = Path(sys.argv[1])
SCREENSHOTS = "--screenshots" in sys.argv
results: list[dict] = []


def rect(r: QRect) -> list[int]:
    return [r.x(), r.y(), r.width(), r.height()]


def frame_extents(window: QWidget) -> tuple[int, int, int, int] | None:
    """left, right, top, bottom of the frame, as the window manager announces it (_NET_FRAME_EXTENTS)."""
    out = subprocess.run(["xprop", "-id", str(int(window.winId())), "_NET_FRAME_EXTENTS"], capture_output=True,
                         text=True).stdout
    if "=" not in out:
        return None
    left, right, top, bottom = (int(v) for v in out.split("=", 1)[1].split(","))
    return left, right, top, bottom


def wait_framed(window: QWidget) -> QRect | None:
    """The frame's rectangle on screen once the window is mapped and framed by the window manager."""
    QTest.qWaitForWindowExposed(window, 10_000)
    deadline = time.monotonic() + FRAME_TIMEOUT_S
    while time.monotonic() < deadline:
        extents = frame_extents(window)
        if extents is not None:
            QTest.qWait(50)  # NOTE: one more round so a move or resize the WM made while framing is seen
            left, right, top, bottom = frame_extents(window)
            return window.geometry().adjusted(-left, -top, right, bottom)
        QTest.qWait(20)
    return None


def inside(outer: QRect, inner: QRect) -> bool:
    return outer.contains(inner.topLeft()) and outer.contains(inner.bottomRight())


def measure(name: str, window: QWidget, labels: tuple[str, ...] = ()) -> None:
    frame = wait_framed(window)
    screen = window.screen()
    area = screen.availableGeometry()
    client = window.geometry()
    controls = []
    for widget in [*window.findChildren(QAbstractButton), *(window.findChild(QLabel, n) for n in labels)]:
        if widget is None or not widget.isVisible() or widget.window() is not window:
            continue
        parent = widget.parentWidget()
        scrolled = False
        while parent is not None and parent is not window:  # a button inside a scrolled list may be out of view
            scrolled = scrolled or isinstance(parent, QAbstractScrollArea)
            parent = parent.parentWidget()
        if scrolled:
            continue
        bar = widget.parentWidget()
        if isinstance(bar, QTabBar) and not bar.rect().contains(widget.geometry()):
            continue  # the close button of a tab scrolled out of the tab bar (eight services' pages open)
        where = QRect(widget.mapToGlobal(QPoint(0, 0)), widget.size())
        controls.append({"name": widget.objectName() or getattr(widget, "text", lambda: "")(),
                         "rect": rect(where), "on_screen": inside(area, where), "in_window": inside(client, where)})
    entry = {"name": name, "framed": frame is not None, "available": rect(area), "frame": rect(frame or client),
             "geometry": rect(client), "frame_inside": frame is not None and inside(area, frame), "controls": controls,
             "maximized": window.isMaximized()}
    results.append(entry)
    if SCREENSHOTS:
        QApplication.processEvents()
        screen.grabWindow(0).save(str(OUT / f"{name}.png"))


def measure_modal(name: str, run, labels: tuple[str, ...] = ()) -> None:
    """``run`` opens a modal dialog (exec); it is measured once shown, then closed."""
    def probe(left: int = 500) -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QDialog) and dialog.isVisible():
            measure(name, dialog, labels)
            dialog.done(0)
        elif left:
            QTimer.singleShot(20, lambda: probe(left - 1))
        else:
            results.append({"name": name, "framed": False, "error": "never shown"})

    QTimer.singleShot(0, probe)
    run()


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    from desktop import paths

    paths.set_data_dir(Path(tempfile.mkdtemp(prefix="halldesk-fit-")))
    from desktop.app import create_application, setup_font
    from desktop.cases import accounts, intake
    from desktop.cases.dto import Actor
    from desktop.settings import Settings
    from desktop.store.database import open_database
    from desktop.ui.admin_menus import ReportDayDialog, install_admin_tools
    from desktop.ui.main_window import MainWindow
    from desktop.ui.pages import install_pages
    from forms import registry

    app = create_application()
    settings = Settings(hall_name="郑州市金水区政务服务中心", window_no="03",
                        output_dir=str(paths.data_dir() / "papers"))
    setup_font(app, settings)
    db = open_database(paths.data_dir() / "hall.sqlite3")
    admin = accounts.create_first_admin(db, "admin", "王丽", "secret-123", "secret-123", window="03")
    actor = Actor(admin, "03", settings.hall_name)
    window = MainWindow(db, actor, settings)
    install_pages(window)
    install_admin_tools(window)
    window.show()
    measure("main-window", window, ("status_clerk", "status_window", "status_db"))
    pages = {}
    for service_id in registry.services():
        window._on_service_clicked(service_id)
        pages[service_id] = window.tabs.currentWidget()
        measure(f"intake-{service_id}", window, ("status_db",))
    # Issue 13: the e-bike registration with its 现场查验 section in view and a mismatch recorded.
    bike = pages["ebike_registration"]
    window.tabs.setCurrentWidget(bike)
    example = registry.get("ebike_registration").example(date.today())
    bike.load(dict(example["answers"], inspect_motor="mismatch"), example["materials"])
    QApplication.processEvents()  # NOTE: laid out first, so the scroll reaches the section's last row
    bike.focus_field("inspect_note")
    QApplication.processEvents()
    box = next(b for b in bike.findChildren(QGroupBox) if b.title() == "现场查验")
    box.setObjectName("section_inspection")
    note = bike.findChild(QLabel, "error_inspect_note")
    measure("intake-ebike-inspection", window, ("status_db",))
    results[-1]["inspection"] = {
        "visible": box.isVisible(), "accept_text": bike.accept_button.text(),
        "box_in_window": inside(window.geometry(), QRect(box.mapToGlobal(QPoint(0, 0)), box.size())),
        "note_error": note.text() if note is not None and note.isVisible() else "",
        "refuse_enabled": bike.refuse_button.isEnabled(), "accept_enabled": bike.accept_button.isEnabled()}
    window.tabs.setCurrentWidget(pages["residence_permit"])
    measure("intake", window)

    # The preview with a real PDF: the receipt of an accepted example case.
    from desktop.ui.preview import PreviewDialog

    example = registry.get("residence_permit").example(date.today())
    result = intake.accept(HallContext(db, actor, settings.papers_dir(), None),
                           "residence_permit", example["answers"], example["materials"])
    preview = PreviewDialog(result.paper.pdf_path, result.paper.title, window)
    saved = next(label for label in preview.findChildren(QLabel) if label.text().startswith("已保存"))
    saved.setObjectName("saved_path")
    preview.show()
    measure("preview", preview, ("saved_path",))
    preview.close()

    from desktop.ui import case_dialogs
    from desktop.ui.accounts_dialog import AccountsDialog, NewAccountDialog
    from desktop.ui.calendar_dialog import CalendarDialog
    from desktop.ui.countersign import CountersignDialog
    from desktop.ui.crash import CrashDialog
    from desktop.ui.login import FirstAdminDialog, LoginDialog
    from desktop.ui.services.ebike.plate_dialog import PlateSeriesDialog
    from desktop.ui.services.ebike.status_dialog import BikeStatusDialog
    from desktop.ui.settings_dialog import SettingsDialog

    reasons = [(f"R{n:02d}", f"不符合第{n}项条件（郑政办〔2021〕8号 第{n}条）") for n in range(1, 13)]
    modal = {
        "login": lambda: LoginDialog.ask(db, "03"),
        "first-admin": lambda: FirstAdminDialog(db).exec(),
        "switch-user": lambda: LoginDialog.ask_switch(db, actor, window),
        "settings": lambda: SettingsDialog(settings, window, admin).exec(),
        "accounts": lambda: AccountsDialog(db, actor, window).exec(),
        "new-account": lambda: NewAccountDialog(db, actor, window).exec(),
        "calendar": lambda: CalendarDialog(db, actor, window).exec(),
        "plate-series": lambda: PlateSeriesDialog(db, actor, window).exec(),
        "bike-status": lambda: BikeStatusDialog(db, actor, None, window).exec(),
        "countersign": lambda: CountersignDialog(db, actor, "补打受理回执", window).exec(),
        "report-day": lambda: ReportDayDialog(window).exec(),
        "crash": lambda: CrashDialog("Traceback (most recent call last):\n" + "  frame\n" * 80, "/tmp/x.log",
                                     window).exec(),
        "supplement": lambda: case_dialogs.SupplementDialog.ask(
            [(m.key, m.label) for m in registry.get("startup_subsidy").materials], lambda *a: None, window),
        "refuse": lambda: case_dialogs.RefuseDialog.ask(reasons, lambda *a: None, window),
        "issue": lambda: case_dialogs.IssueDialog.ask("张伟", lambda *a: None, window),
        "extend": lambda: case_dialogs.ExtendDialog.ask(date.today(), lambda *a: None, window),
        "approve": lambda: case_dialogs.ApproveDialog.ask("JZ03261201000 1", lambda *a: None, window),
        "cancel-reason": lambda: case_dialogs.ReasonDialog.ask("撤销案件", "请填写撤销原因。", "撤销", lambda *a: None,
                                                              window),
        "rongque": lambda: case_dialogs.RongqueDialog.ask(
            [m.label for m in registry.get("startup_subsidy").materials][:8], date.today(), date.today(),
            lambda *a: None, window),
    }
    from PySide6.QtWidgets import QDialogButtonBox, QVBoxLayout

    from desktop.ui.msgbox import show_info
    from desktop.ui.screen_fit import FitsScreen

    class Oversized(FitsScreen, QDialog):
        """A dialog of ours that asks for more than any clerk's screen."""

    def oversized() -> int:
        """A dialog that asks for more than any clerk's screen: the one fitter must shrink it."""
        dialog = Oversized(window)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog)
        QVBoxLayout(dialog).addWidget(buttons)
        dialog.resize(2400, 1400)
        return dialog.exec()

    modal["oversized"] = oversized
    modal["no-printer"] = lambda: show_info(window, "没有找到可用的打印机。PDF 已保存在：\n" + str(result.paper.pdf_path))
    for name, run in modal.items():
        measure_modal(f"dialog-{name}", run)
    window.lock_now()
    measure("lock-screen", window.idle_lock.screen)
    (OUT / "geometry.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
