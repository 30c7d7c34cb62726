"""The one question asked before unsaved input would go: 保存草稿 / 放弃 / 取消."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop.ui.msgbox import MessageBox, headless

SAVE, DISCARD, CANCEL, KEEP = "save", "discard", "cancel", "keep"
OBJECT_NAME = "unsaved_prompt"
# NOTE: on an offscreen display nobody can answer a box, and a close that waits for an answer would
# hang (a test's teardown closes its windows). There the input is kept as an autosave copy instead
# (KEEP) — offered back at the next start, as after a crash. Tests that answer the box set this.
ask_when_headless = False


def _tr(text: str) -> str:
    return QCoreApplication.translate("unsaved", text)


def ask(parent: QWidget | None, titles: list[str]) -> str:
    """SAVE, DISCARD or CANCEL from the clerk (Esc and the window's × are 取消); KEEP when nobody can answer."""
    if headless() and not ask_when_headless:
        return KEEP
    if len(titles) == 1:
        text = _tr("“%1”中有尚未保存的输入。").replace("%1", titles[0])
    else:
        text = _tr("以下 %1 个页面有尚未保存的输入：").replace("%1", str(len(titles))) + "\n" + "\n".join(
            f"  · {t}" for t in titles)
    box = MessageBox(QMessageBox.Icon.Question, _tr("有未保存的输入"), text, QMessageBox.StandardButton.NoButton,
                      parent)
    box.setObjectName(OBJECT_NAME)
    box.setInformativeText(_tr("保存草稿：保存后关闭，以后可在案件列表中继续办理。\n"
                               "放弃：不保存，直接关闭。\n取消：回到页面继续填写。"))
    save = box.addButton(_tr("保存草稿"), QMessageBox.ButtonRole.AcceptRole)
    save.setObjectName("unsaved_save")
    discard = box.addButton(_tr("放弃"), QMessageBox.ButtonRole.DestructiveRole)
    discard.setObjectName("unsaved_discard")
    cancel = box.addButton(_tr("取消"), QMessageBox.ButtonRole.RejectRole)
    cancel.setObjectName("unsaved_cancel")
    # NOTE: Enter keeps the input (the safe choice); Esc goes back to the page.
    box.setDefaultButton(save)
    box.setEscapeButton(cancel)
    box.exec()
    clicked = box.clickedButton()
    if clicked is save:
        return SAVE
    if clicked is discard:
        return DISCARD
    return CANCEL
