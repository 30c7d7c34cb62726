"""The crash channel: unhandled exceptions are logged and shown in a dialog the clerk can copy."""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop import __version__
from desktop.logs import mask_personal
from desktop.ui.msgbox import headless
from desktop.ui.screen_fit import FitsScreen

log = logging.getLogger("halldesk.crash")


class CrashDialog(FitsScreen, QDialog):
    """Shows the traceback with a 复制 button and where the log file is."""

    def __init__(self, details: str, log_path: Path | str, parent: QWidget | None = None):
        # NOTE: imported here: PySide6 creates every enum of the Qt namespace at its first use (≈ 25 ms),
        # which the crash handler, installed before the sign-in dialog, must not cost (issue 15).
        from PySide6.QtCore import Qt

        super().__init__(parent)
        self.setObjectName("crash_dialog")
        self.setWindowTitle(self.tr("HallDesk 出现意外错误"))
        self.resize(680, 460)
        intro = QLabel(self.tr(
            "程序遇到了一个意外错误。已保存的案件不受影响，正在填写的内容每隔几秒自动保存一次。\n"
            "请点击“复制”，把下面的内容发给技术支持人员。"))
        intro.setWordWrap(True)
        self.details = QPlainTextEdit(details)
        self.details.setObjectName("crash_details")
        self.details.setReadOnly(True)
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        where = QLabel(self.tr("日志文件：%1").replace("%1", str(log_path)))
        where.setObjectName("crash_log_path")
        where.setWordWrap(True)
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox()
        self.copy_button = buttons.addButton(self.tr("复制"), QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.setObjectName("crash_copy")
        close = buttons.addButton(self.tr("关闭"), QDialogButtonBox.ButtonRole.RejectRole)
        close.setDefault(True)
        self.copy_button.clicked.connect(self._on_copy_clicked)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.details, 1)
        layout.addWidget(where)
        layout.addWidget(buttons)

    def _on_copy_clicked(self) -> None:
        QGuiApplication.clipboard().setText(self.details.toPlainText())
        self.copy_button.setText(self.tr("已复制"))


def format_details(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> str:
    text = "".join(traceback.format_exception(exc_type, exc, tb))
    return mask_personal(f"HallDesk {__version__}\n{text}")


class CrashHandler:
    """``sys.excepthook``: log, then show one CrashDialog (never a second one on top)."""

    def __init__(self, log_path: Path | str):
        self.log_path = log_path
        self._showing = False
        self._previous = sys.excepthook

    def install(self) -> None:
        sys.excepthook = self

    def __call__(self, exc_type, exc, tb) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            self._previous(exc_type, exc, tb)
            return
        log.critical("unhandled exception", exc_info=(exc_type, exc, tb))
        details = format_details(exc_type, exc, tb)
        # NOTE: nobody can close a modal dialog on an offscreen display; stderr is the channel there.
        if QApplication.instance() is None or headless() or self._showing:
            print(details, file=sys.stderr)
            return
        self._showing = True
        try:
            CrashDialog(details, self.log_path, QApplication.activeWindow()).exec()
        finally:
            self._showing = False


def install_crash_handler(log_path: Path | str) -> CrashHandler:
    handler = CrashHandler(log_path)
    handler.install()
    return handler
