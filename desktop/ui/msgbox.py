"""The message boxes: environment failures in plain Chinese, information, and yes/no questions."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop.cases.errors import ActionRefused, EnvironmentFailure
from desktop.ui.screen_fit import FitsScreen

log = logging.getLogger(__name__)
T = TypeVar("T")
OBJECT_NAME = "halldesk_msgbox"


class MessageBox(FitsScreen, QMessageBox):
    """Every message box of HallDesk: a QMessageBox fitted to its screen when shown."""


def _tr(text: str) -> str:
    return QCoreApplication.translate("msgbox", text)


def headless() -> bool:
    """True when nobody can see or click a window (offscreen or minimal platform)."""
    return QGuiApplication.platformName() in ("offscreen", "minimal")


def _box(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str,
         detail: str = "") -> QMessageBox:
    box = MessageBox(icon, title, text, QMessageBox.StandardButton.NoButton, parent)
    # NOTE: a fixed objectName lets tests find the open box with QApplication.activeModalWidget().
    box.setObjectName(OBJECT_NAME)
    if detail:
        box.setDetailedText(detail)
    return box


def show_environment_failure(parent: QWidget | None, exc: EnvironmentFailure) -> None:
    """THE one place a known machine failure (database locked, disk full, …) is shown."""
    log.warning("environment failure: %s (%s)", exc.message, getattr(exc, "detail", ""))
    box = _box(parent, QMessageBox.Icon.Warning, _tr("无法完成操作"), exc.message,
               getattr(exc, "detail", ""))
    box.addButton(_tr("知道了"), QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def attempt(parent: QWidget | None, action: Callable[[], T]) -> tuple[bool, T | None]:
    """Run a case-layer call: a refusal is shown as information, a machine failure by its box.

    (True, the result) when it went through, (False, None) when the clerk was told why not.
    """
    try:
        return True, action()
    except ActionRefused as exc:
        show_info(parent, exc.message)
    except EnvironmentFailure as exc:
        show_environment_failure(parent, exc)
    return False, None


def show_info(parent: QWidget | None, text: str, title: str = "") -> None:
    box = _box(parent, QMessageBox.Icon.Information, title or _tr("提示"), text)
    box.addButton(_tr("知道了"), QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def show_error(parent: QWidget | None, text: str, title: str = "") -> None:
    """A fatal start-up message (no font, …) that is neither an environment failure nor a bug."""
    box = _box(parent, QMessageBox.Icon.Critical, title or _tr("HallDesk 无法启动"), text)
    box.addButton(_tr("退出"), QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def ask_confirm(parent: QWidget | None, text: str, title: str = "", yes: str = "",
                no: str = "") -> bool:
    """True when the clerk chose ``yes``; closing the box counts as no."""
    box = _box(parent, QMessageBox.Icon.Question, title or _tr("请确认"), text)
    yes_button = box.addButton(yes or _tr("确定"), QMessageBox.ButtonRole.YesRole)
    no_button = box.addButton(no or _tr("取消"), QMessageBox.ButtonRole.NoRole)
    box.setDefaultButton(no_button)
    box.setEscapeButton(no_button)
    box.exec()
    return box.clickedButton() is yes_button
