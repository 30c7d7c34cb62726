"""管理 → 备份与恢复: the backup folder, rotation and interval, the backup passphrase, backup now, restore."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop import settings as settings_store
from desktop.cases import backups as backup, permissions
from desktop.cases.backups import BackupError, passphrase_problem
from desktop.cases.errors import ActionRefused, EnvironmentFailure
from desktop.ui.login import error_label, set_error
from desktop.ui.msgbox import ask_confirm, show_environment_failure, show_info
from desktop.ui.screen_fit import FitsScreen, qt_dialogs

BACKUP_FIELDS = ("backup_dir", "backup_keep", "backup_every_hours")


class PassphraseDialog(FitsScreen, QDialog):
    """A passphrase typed twice (setting it) or once (opening a backup); never shown, never saved."""

    def __init__(self, parent: QWidget | None = None, *, twice: bool, title: str, note: str = ""):
        super().__init__(parent)
        self.setObjectName("passphrase_dialog")
        self.setWindowTitle(title)
        self.twice = twice
        self.first = QLineEdit()
        self.first.setObjectName("passphrase")
        self.first.setEchoMode(QLineEdit.EchoMode.Password)
        self.first.setMinimumWidth(280)
        self.again = QLineEdit()
        self.again.setObjectName("passphrase_again")
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = error_label("passphrase_error")
        form = QFormLayout()
        form.addRow(self.tr("备份口令"), self.first)
        if twice:
            form.addRow(self.tr("再次输入"), self.again)
        form.addRow("", self.error)
        buttons = QDialogButtonBox()
        ok = buttons.addButton(self.tr("确定"), QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setObjectName("submit")
        ok.setDefault(True)
        buttons.addButton(self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self._on_ok_clicked)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        if note:
            label = QLabel(note)
            label.setWordWrap(True)
            label.setStyleSheet("color: #666;")
            layout.addWidget(label)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def _on_ok_clicked(self) -> None:
        if self.twice:
            problem = passphrase_problem(self.first.text(), self.again.text())
            if problem:
                set_error(self.error, problem)
                return
        elif not self.first.text():
            set_error(self.error, self.tr("请输入备份口令"))
            return
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, *, twice: bool, title: str, note: str = "") -> str | None:
        dialog = cls(parent, twice=twice, title=title, note=note)
        return dialog.first.text() if dialog.exec() == QDialog.DialogCode.Accepted else None


def _key_text() -> str:
    key = backup.key_info()
    if key is None:
        return "未设置：设置备份口令后才会备份"
    return f"已设置（密钥指纹 {key.fingerprint}，{key.created_on}）"


class BackupDialog(FitsScreen, QDialog):
    """Where backups go, how many are kept, how often; the passphrase; backup now; restore a backup."""

    def __init__(self, window, scheduler, *, confirm: Callable[[QWidget, str], bool] | None = None,
                 on_restored: Callable[[], None] | None = None):
        super().__init__(window)
        # NOTE: after a restore the program closes (every page holds the old data); tests pass their own.
        self.on_restored = on_restored or QApplication.quit
        self.window = window
        self.scheduler = scheduler
        self.confirm = confirm or (lambda parent, text: ask_confirm(parent, text, self.tr("从备份恢复"),
                                                                     self.tr("恢复"), self.tr("取消")))
        self.setObjectName("backup_dialog")
        self.setWindowTitle(self.tr("备份与恢复"))
        settings = window.settings
        self.backup_dir = QLineEdit(settings.backup_dir)
        self.backup_dir.setPlaceholderText(self.tr("例如 U 盘或网络共享上的文件夹"))
        self.backup_dir.setMinimumWidth(360)
        self.backup_keep = QSpinBox()
        self.backup_keep.setRange(0, 999)  # NOTE: validate() holds the rule, not the spin box
        self.backup_keep.setValue(settings.backup_keep)
        self.backup_keep.setSuffix(self.tr(" 份"))
        self.backup_every_hours = QSpinBox()
        self.backup_every_hours.setRange(0, 99)
        self.backup_every_hours.setValue(settings.backup_every_hours)
        self.backup_every_hours.setSuffix(self.tr(" 小时"))
        self.errors: dict[str, QLabel] = {}
        for key in BACKUP_FIELDS:
            getattr(self, key).setObjectName(key)
            self.errors[key] = error_label(f"{key}_error")
        browse = QPushButton(self.tr("浏览…"))
        browse.setObjectName("browse_backup_dir")
        browse.clicked.connect(self._on_browse_clicked)
        folder_row = QHBoxLayout()
        folder_row.setContentsMargins(0, 0, 0, 0)
        folder_row.addWidget(self.backup_dir, 1)
        folder_row.addWidget(browse)
        folder_box = QWidget()
        folder_box.setLayout(folder_row)
        self.key_label = QLabel(_key_text())
        self.key_label.setObjectName("key_status")
        set_key = QPushButton(self.tr("设置备份口令…"))
        set_key.setObjectName("set_passphrase")
        set_key.clicked.connect(self._on_set_passphrase_clicked)
        key_row = QHBoxLayout()
        key_row.setContentsMargins(0, 0, 0, 0)
        key_row.addWidget(self.key_label, 1)
        key_row.addWidget(set_key)
        key_box = QWidget()
        key_box.setLayout(key_row)

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.addRow(self.tr("备份文件夹"), folder_box)
        form.addRow("", self.errors["backup_dir"])
        form.addRow(self.tr("保留份数"), self.backup_keep)
        form.addRow("", self.errors["backup_keep"])
        form.addRow(self.tr("自动备份间隔"), self.backup_every_hours)
        form.addRow("", self.errors["backup_every_hours"])
        form.addRow(self.tr("备份口令"), key_box)
        schedule = QGroupBox(self.tr("定时备份"))
        schedule.setLayout(form)
        note = QLabel(self.tr(
            "程序运行期间按间隔自动备份，退出时再备份一次；超出保留份数的最早备份会被删除。"
            "备份文件经加密（AES-256-GCM），只有知道备份口令的人才能恢复；口令不保存在本机，"
            "遗失口令则备份无法恢复，请妥善保管。"))
        note.setObjectName("backup_note")
        note.setWordWrap(True)
        note.setStyleSheet("color: #666;")
        self.status = QLabel(self._status_text())
        self.status.setObjectName("backup_status")
        self.status.setWordWrap(True)

        # NOTE: the actions on the left, the dialog's own buttons on the right (保存设置 next to 关闭).
        self.backup_now = QPushButton(self.tr("立即备份"))
        self.backup_now.setObjectName("backup_now")
        self.backup_now.setAutoDefault(False)
        self.backup_now.clicked.connect(self._on_backup_now_clicked)
        restore = QPushButton(self.tr("从备份恢复…"))
        restore.setObjectName("restore")
        restore.setAutoDefault(False)
        restore.clicked.connect(self._on_restore_clicked)
        save = QPushButton(self.tr("保存设置"))
        save.setObjectName("save_backup_settings")
        save.setAutoDefault(False)
        save.clicked.connect(self.save)
        close = QPushButton(self.tr("关闭"))
        close.setObjectName("close")
        close.setDefault(True)
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.backup_now)
        buttons.addWidget(restore)
        buttons.addStretch(1)
        buttons.addWidget(save)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(schedule)
        layout.addWidget(note)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        scheduler.sig_finished.connect(self._on_backup_finished)

    def _require_admin(self) -> None:
        """ActionRefused unless the account is, in the database now, allowed to keep the hall settings."""
        with self.window.db.unit() as s:
            permissions.require(s, self.window.actor, "settings")

    def _status_text(self) -> str:
        outcome = self.scheduler.last_outcome
        if outcome is None:
            return self.tr("本次运行尚未备份。")
        head = self.tr("上次备份成功") if outcome.ok else self.tr("上次备份失败")
        return f"{head}（{outcome.at:%Y-%m-%d %H:%M}）：{outcome.message}"

    def edited(self):
        return self.window.settings.with_changes(
            backup_dir=self.backup_dir.text().strip(), backup_keep=self.backup_keep.value(),
            backup_every_hours=self.backup_every_hours.value())

    def save(self) -> bool:
        """Validate and keep the backup settings (administrators only; the settings audit records it)."""
        candidate = self.edited()
        errors = {k: v for k, v in settings_store.validate(candidate).items() if k in BACKUP_FIELDS}
        if not candidate.backup_dir:
            errors["backup_dir"] = self.tr("请选择备份文件夹（U 盘或网络共享）")
        elif not Path(candidate.backup_dir).is_absolute():
            errors["backup_dir"] = self.tr("请填写完整路径")
        for key, label in self.errors.items():
            set_error(label, errors.get(key, ""))
        if errors:
            return False
        if asdict(candidate) == asdict(self.window.settings):
            return True
        try:
            self._require_admin()
            settings_store.save(candidate)
        except ActionRefused as exc:
            set_error(self.errors["backup_dir"], exc.message)
            return False
        except EnvironmentFailure as exc:
            show_environment_failure(self, exc)
            return False
        self.window.settings = candidate
        self.window.sig_settings_changed.emit(candidate)
        return True

    def _on_browse_clicked(self) -> None:
        with qt_dialogs():
            folder = QFileDialog.getExistingDirectory(self, self.tr("选择备份文件夹"), self.backup_dir.text())
        if folder:
            self.backup_dir.setText(folder)

    def _on_set_passphrase_clicked(self) -> None:
        note = self.tr("至少 10 个字符。口令不会保存在本机；更换口令后，以前的备份仍用当时的口令恢复。")
        passphrase = PassphraseDialog.ask(self, twice=True, title=self.tr("设置备份口令"), note=note)
        if passphrase is None:
            return
        self.set_passphrase(passphrase)

    def set_passphrase(self, passphrase: str) -> None:
        try:
            self._require_admin()
            backup.set_passphrase(passphrase, passphrase)
        except (BackupError, ActionRefused) as exc:
            show_info(self, exc.message)
            return
        except OSError as exc:
            show_info(self, self.tr("无法保存备份密钥：") + str(exc.strerror))
            return
        self.key_label.setText(_key_text())

    def _on_backup_now_clicked(self) -> None:
        if not self.save():
            return
        if backup.load_key() is None:
            show_info(self, self.tr("请先设置备份口令。"))
            return
        if self.scheduler.run_in_background():
            self.backup_now.setEnabled(False)
            self.status.setText(self.tr("正在备份…"))
        else:
            self.status.setText(self.tr("正在进行另一次备份，请稍候。"))

    def _on_backup_finished(self, _outcome) -> None:
        self.backup_now.setEnabled(True)
        self.status.setText(self._status_text())

    def _on_restore_clicked(self) -> None:
        start = self.backup_dir.text() or str(Path.home())
        with qt_dialogs():
            path, _ = QFileDialog.getOpenFileName(self, self.tr("选择备份文件"), start,
                                                  self.tr("HallDesk 备份 (*.hdbk *.sqlite3)"))
        if not path:
            return
        passphrase = ""
        if Path(path).suffix == backup.SUFFIX:
            passphrase = PassphraseDialog.ask(self, twice=False, title=self.tr("输入备份口令"))
            if passphrase is None:
                return
        self.restore_from(Path(path), passphrase)

    def restore_from(self, path: Path, passphrase: str) -> bool:
        """Check the backup, ask, then replace the database and reopen it; the program then closes."""
        from desktop.cases.halldb import open_database

        w = self.window
        try:
            self._require_admin()
            with backup.opened(path, passphrase) as checked:
                text = self.tr("备份检查通过：{created}，结构版本 {revision}。\n"
                               "恢复将用它替换当前数据库（当前数据库另存为 .before-restore），"
                               "之后程序关闭，请重新启动并登录。确定恢复吗？").format(
                    created=checked.created, revision=checked.revision)
                if not self.confirm(self, text):
                    return False
                w.db.engine.dispose()  # NOTE: our own connections closed, or the old WAL stays open
                result = backup.replace_with(checked, w.db.url)
        except (BackupError, ActionRefused) as exc:
            show_info(self, exc.message, self.tr("从备份恢复"))
            return False
        except EnvironmentFailure as exc:
            show_environment_failure(self, exc)
            return False
        try:
            w.db = open_database(w.db.url)  # migrated to this version, so the sign-out at exit fits it
        except EnvironmentFailure as exc:
            show_environment_failure(self, exc)
        show_info(self, result.message() + "\n" + self.tr("程序将关闭，请重新启动 HallDesk。"), self.tr("从备份恢复"))
        self.accept()
        self.on_restored()
        return True
