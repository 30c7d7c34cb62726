"""The settings dialog: hall name, window number, PDF folder, font file and the idle lock."""

from __future__ import annotations

from dataclasses import asdict

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop import settings as settings_store
from desktop.cases import permissions, sessions
from desktop.cases.dto import AccountInfo
from desktop.cases.errors import ActionRefused, EnvironmentFailure
from desktop.cases.halldb import Database
from desktop.settings import Settings
from desktop.ui.login import error_label, set_error
from desktop.ui.msgbox import show_environment_failure
from desktop.ui.screen_fit import FitsScreen, qt_dialogs

FIELDS = ("hall_name", "hall_address", "hall_phone", "window_no", "output_dir", "font_path", "idle_lock_minutes")


class SettingsDialog(FitsScreen, QDialog):
    """Edits a copy of the settings; saves them only when every field is valid."""

    def __init__(self, settings: Settings, parent: QWidget | None = None, account: AccountInfo | None = None,
                 db: Database | None = None):
        super().__init__(parent)
        self.original = settings
        self.account = account  # None before anyone signed in (tests, first start)
        # NOTE: with the database, a hall-setting change is checked against the account's role and state
        # as they are now, not as they were at sign-in (issue 18: the case layer trusts nothing the UI holds).
        self.db = db
        self.result_settings: Settings | None = None
        self.setObjectName("settings_dialog")
        self.setWindowTitle(self.tr("设置"))
        self.hall_name = QLineEdit(settings.hall_name)
        self.hall_address = QLineEdit(settings.hall_address)
        self.hall_address.setPlaceholderText(self.tr("印在每份文书上，例如：郑州市金水区××路××号"))
        self.hall_phone = QLineEdit(settings.hall_phone)
        self.hall_phone.setPlaceholderText("0371-67188888")
        self.hall_phone.setMaximumWidth(200)
        self.window_no = QLineEdit(settings.window_no)
        self.window_no.setMaxLength(2)
        self.window_no.setMaximumWidth(80)
        self.output_dir = QLineEdit(settings.output_dir)
        self.output_dir.setPlaceholderText(str(settings.papers_dir()))
        self.font_path = QLineEdit(settings.font_path)
        self.font_path.setPlaceholderText(self.tr("留空：使用自带字体"))
        self.idle_lock_minutes = QSpinBox()
        # NOTE: the spin box allows what validate() refuses, so the rule lives in one place.
        self.idle_lock_minutes.setRange(0, 999)
        self.idle_lock_minutes.setValue(settings.idle_lock_minutes)
        self.idle_lock_minutes.setSuffix(self.tr(" 分钟"))
        self.errors: dict[str, QLabel] = {}
        for key in FIELDS:
            getattr(self, key).setObjectName(key)
            self.errors[key] = error_label(f"{key}_error")
        self.hall_name.setMinimumWidth(320)
        browse_dir = QPushButton(self.tr("浏览…"))
        browse_dir.setObjectName("browse_output_dir")
        browse_dir.clicked.connect(self._on_browse_dir_clicked)
        browse_font = QPushButton(self.tr("浏览…"))
        browse_font.setObjectName("browse_font_path")
        browse_font.clicked.connect(self._on_browse_font_clicked)

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        rows = (
            ("hall_name", self.tr("大厅名称"), self.hall_name),
            ("hall_address", self.tr("大厅地址"), self.hall_address),
            ("hall_phone", self.tr("联系电话"), self.hall_phone),
            ("window_no", self.tr("窗口号"), self.window_no),
            ("output_dir", self.tr("PDF 输出文件夹"), _with_button(self.output_dir, browse_dir)),
            ("font_path", self.tr("字体文件"), _with_button(self.font_path, browse_font)),
            ("idle_lock_minutes", self.tr("自动锁定（分钟）"), self.idle_lock_minutes),
        )
        for key, label, widget in rows:
            form.addRow(label, widget)
            form.addRow("", self.errors[key])
        # NOTE: the case layer's permission table says who keeps the hall settings, not a role name here.
        locked = account is not None and not permissions.can(account, "settings")
        for key in sessions.ADMIN_SETTINGS:
            getattr(self, key).setEnabled(not locked)
        browse_dir.setEnabled(not locked)
        text = self.tr("更换字体文件后需重新启动 HallDesk 才生效。")
        if locked:
            text = self.tr(sessions.ADMIN_SETTINGS_MESSAGE) + "\n" + text
        note = QLabel(text)
        note.setObjectName("settings_note")
        note.setStyleSheet("color: #666;")
        buttons = QDialogButtonBox()
        save = buttons.addButton(self.tr("保存"), QDialogButtonBox.ButtonRole.AcceptRole)
        save.setObjectName("submit")
        save.setDefault(True)
        cancel = buttons.addButton(self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setAutoDefault(False)
        buttons.accepted.connect(self._on_save_clicked)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def edited(self) -> Settings:
        return self.original.with_changes(
            hall_name=self.hall_name.text().strip(),
            hall_address=self.hall_address.text().strip(),
            hall_phone=self.hall_phone.text().strip(),
            window_no=self.window_no.text().strip(),
            output_dir=self.output_dir.text().strip(),
            font_path=self.font_path.text().strip(),
            idle_lock_minutes=self.idle_lock_minutes.value(),
        )

    def _on_save_clicked(self) -> None:
        candidate = self.edited()
        errors = settings_store.validate(candidate)
        for key, label in self.errors.items():
            set_error(label, errors.get(key, ""))
        if errors:
            self.adjustSize()
            return
        try:
            if self.account is not None:
                sessions.check_settings_change(self.account, asdict(self.original), asdict(candidate), db=self.db)
            settings_store.save(candidate)
        except ActionRefused as exc:
            set_error(self.errors["hall_name"], exc.message)
            return
        except EnvironmentFailure as exc:
            show_environment_failure(self, exc)
            return
        self.result_settings = candidate
        self.accept()

    def _on_browse_dir_clicked(self) -> None:
        with qt_dialogs():
            folder = QFileDialog.getExistingDirectory(self, self.tr("选择 PDF 输出文件夹"),
                                                      self.output_dir.text() or str(self.original.papers_dir()))
        if folder:
            self.output_dir.setText(folder)

    def _on_browse_font_clicked(self) -> None:
        with qt_dialogs():
            path, _ = QFileDialog.getOpenFileName(self, self.tr("选择中文字体文件"), self.font_path.text(),
                                                  self.tr("TrueType 字体 (*.ttf *.ttc)"))
        if path:
            self.font_path.setText(path)

    @classmethod
    def ask(cls, settings: Settings, parent: QWidget | None = None,
            account: AccountInfo | None = None, db: Database | None = None) -> Settings | None:
        dialog = cls(settings, parent, account, db)
        return dialog.result_settings if dialog.exec() == QDialog.DialogCode.Accepted else None


def _with_button(edit: QLineEdit, button: QPushButton) -> QWidget:
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(edit, 1)
    row.addWidget(button)
    return box
