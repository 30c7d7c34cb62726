"""At start: tell the clerk the last session died, and offer back the pages it had not saved."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.cases import drafts, queries
from desktop.cases.errors import EnvironmentFailure
from desktop.lastrun import AbnormalEnd
from desktop.ui.msgbox import ask_confirm, headless, show_environment_failure
from desktop.ui.screen_fit import FitsScreen

log = logging.getLogger(__name__)
RESTORE, LATER, DISCARD = "restore", "later", "discard"
# NOTE: as in desktop.ui.unsaved: offscreen nobody can answer, so nothing is offered there (the copies
# wait for a start with a screen); tests that answer the dialog themselves set this.
offer_when_headless = False


def describe(copy: drafts.Autosave) -> str:
    """One line of the list: service, applicant (as typed; no ID number), when it was autosaved."""
    name = copy.applicant_name or "（未填写申请人姓名）"
    kind = "续办草稿" if copy.case_id is not None else "新案件"
    return f"{copy.service_name} — {name}　{kind}，自动保存于 {copy.saved_at:%m-%d %H:%M}"


class RecoveryDialog(FitsScreen, QDialog):
    """The one dialog at start: 上次运行未正常结束 (with the log file) and the pages to 恢复 / 稍后 / 放弃."""

    def __init__(self, copies: list[drafts.Autosave], previous: AbnormalEnd | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("recovery_dialog")
        self.copies = copies
        self.choice = LATER
        self.setWindowTitle(self.tr("上次运行未正常结束") if previous else self.tr("恢复未保存的输入"))
        layout = QVBoxLayout(self)
        if previous is not None:
            if previous.fatal_trace:
                text = self.tr("HallDesk 上次运行时因程序错误意外退出。错误记录已写入日志文件：\n%1\n"
                               "如果问题再次出现，请把这个文件发给技术支持人员。").replace("%1", str(previous.fatal_log))
            else:
                text = self.tr("HallDesk 上次运行没有正常退出（可能是程序被强制结束、电脑断电或死机）。\n"
                               "运行记录在日志文件：%1").replace("%1", str(previous.log_file))
            about = QLabel(text, self)
            about.setObjectName("recovery_abnormal")
            about.setWordWrap(True)
            about.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(about)
        self.list = QListWidget(self)
        self.list.setObjectName("recovery_list")
        buttons = QDialogButtonBox(self)
        if copies:
            intro = QLabel(self.tr("以下页面在程序退出时还没有保存，系统已自动保存了一份。"
                                   "勾选要恢复的页面，恢复后请核对并保存："), self)
            intro.setWordWrap(True)
            layout.addWidget(intro)
            for copy in copies:
                item = QListWidgetItem(describe(copy), self.list)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked)
            layout.addWidget(self.list, 1)
            later_hint = QLabel(self.tr("选择“稍后”：自动保存的内容保留，下次启动时再次提示。"), self)
            later_hint.setStyleSheet("color:#555;")
            layout.addWidget(later_hint)
            self.restore_button = buttons.addButton(self.tr("恢复"), QDialogButtonBox.ButtonRole.AcceptRole)
            self.restore_button.setObjectName("recovery_restore")
            self.restore_button.setDefault(True)
            later = buttons.addButton(self.tr("稍后"), QDialogButtonBox.ButtonRole.RejectRole)
            later.setObjectName("recovery_later")
            self.discard_button = buttons.addButton(self.tr("放弃所选"), QDialogButtonBox.ButtonRole.DestructiveRole)
            self.discard_button.setObjectName("recovery_discard")
            self.discard_button.clicked.connect(self._on_discard_clicked)
        else:
            self.list.hide()
            none = QLabel(self.tr("没有需要恢复的未保存输入。"), self)
            layout.addWidget(none)
            ok = buttons.addButton(self.tr("知道了"), QDialogButtonBox.ButtonRole.AcceptRole)
            ok.setDefault(True)
        buttons.accepted.connect(self._on_accepted)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(640, 360 if copies else 200)

    def selected(self) -> list[drafts.Autosave]:
        return [copy for index, copy in enumerate(self.copies)
                if self.list.item(index).checkState() == Qt.CheckState.Checked]

    def _on_accepted(self) -> None:
        self.choice = RESTORE
        self.accept()

    def _on_discard_clicked(self) -> None:
        if not self.selected():
            return
        if ask_confirm(self, self.tr("所选页面自动保存的内容将被删除，无法找回。确定放弃吗？"),
                       yes=self.tr("放弃"), no=self.tr("返回")):
            self.choice = DISCARD
            self.accept()


def restore(window, copy: drafts.Autosave):
    """Open the copy on a new intake page in ``window`` (over its saved draft, if it had one)."""
    page = window.page_factory(copy.service_id)
    title = copy.service_name
    if copy.case_id is not None:
        detail = queries.get_case(window.db, copy.case_id)
        page.load(detail.answers, detail.materials, case_id=copy.case_id)
        title = detail.summary.case_no or f"草稿 {detail.summary.applicant_name or ''}".strip()
    page.restore_autosave(copy)
    window.add_page(page, title)
    return page


def offer_at_start(window, previous: AbnormalEnd | None) -> bool:
    """After sign-in: say the last session died and offer this clerk's unsaved pages back.

    True when the clerk saw the dialog (or there was nothing to tell); the reopened pages are tabs.
    """
    try:
        copies = drafts.pending(window.db, window.actor)
    except EnvironmentFailure as exc:
        show_environment_failure(window, exc)
        copies = []
    if previous is None and not copies:
        return True
    if headless() and not offer_when_headless:
        log.info("%d autosaved page(s) waiting; not offered on a headless display", len(copies))
        return False
    dialog = RecoveryDialog(copies, previous, window)
    dialog.exec()
    if dialog.choice == DISCARD:
        for copy in dialog.selected():
            try:
                drafts.discard(window.db, copy.id)
            except EnvironmentFailure as exc:
                show_environment_failure(window, exc)
                break
        return True
    if dialog.choice != RESTORE:
        return True
    pages = []
    for copy in dialog.selected():
        try:
            pages.append(restore(window, copy))
        except EnvironmentFailure as exc:
            show_environment_failure(window, exc)
            break
        except KeyError:
            log.warning("autosave copy %s: its case is gone", copy.id)
    log.info("restored %d autosaved page(s)", len(pages))
    return True
