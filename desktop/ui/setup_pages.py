"""The set-up's pages as plain widgets: the hall, the database, the printer (the wizard and the admin dialog share them)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtPrintSupport import QPrinterInfo
from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop import hall_db, paths
from desktop.settings import Settings, validate, validate_server
from desktop.ui.combos import ValueCombo
from desktop.ui.login import error_label, set_error

HALL_FIELDS = ("hall_name", "hall_address", "hall_phone", "window_no")
SERVER_FIELDS = ("db_host", "db_port", "db_name", "db_user", "db_password")
FIELD_WIDTH = 320


class _Form(QWidget):
    """A form whose fields each have a red message under them."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.errors: dict[str, QLabel] = {}

    def add_row(self, key: str, label: str, widget: QWidget) -> None:
        widget.setObjectName(key)
        self.errors[key] = error_label(f"{key}_error")
        self.form.addRow(label, widget)
        self.form.addRow("", self.errors[key])

    def show_errors(self, errors: dict[str, str]) -> bool:
        """Put each message next to its field; True when there were none."""
        for key, label in self.errors.items():
            set_error(label, errors.get(key, ""))
        return not any(key in self.errors for key in errors)


class HallForm(_Form):
    """Hall name, address and phone (on every paper), the window number (in every case number)."""

    def __init__(self, settings: Settings, parent: QWidget | None = None):
        super().__init__(parent)
        self.hall_name = QLineEdit(settings.hall_name)
        self.hall_address = QLineEdit(settings.hall_address)
        self.hall_address.setPlaceholderText(self.tr("印在每份文书上，例如：郑州市金水区××路××号"))
        self.hall_phone = QLineEdit(settings.hall_phone)
        self.hall_phone.setPlaceholderText("0371-67188888")
        self.window_no = QLineEdit(settings.window_no)
        self.window_no.setMaxLength(2)
        for edit in (self.hall_name, self.hall_address):
            edit.setMinimumWidth(FIELD_WIDTH)
        self.add_row("hall_name", self.tr("大厅名称"), self.hall_name)
        self.add_row("hall_address", self.tr("大厅地址"), self.hall_address)
        self.add_row("hall_phone", self.tr("联系电话"), self.hall_phone)
        self.add_row("window_no", self.tr("窗口号"), self.window_no)
        note = QLabel(self.tr("窗口号是案件编号的一部分，同一大厅的每台电脑应不同（01～99）。"))
        note.setWordWrap(True)
        note.setStyleSheet("color: #666;")
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(note)
        layout.addStretch(1)

    def apply(self, settings: Settings) -> Settings:
        return settings.with_changes(hall_name=self.hall_name.text().strip(),
                                     hall_address=self.hall_address.text().strip(),
                                     hall_phone=self.hall_phone.text().strip(),
                                     window_no=self.window_no.text().strip().zfill(2))

    def check(self, settings: Settings) -> bool:
        errors = {k: v for k, v in validate(self.apply(settings)).items() if k in HALL_FIELDS}
        return self.show_errors(errors)


class DatabaseForm(_Form):
    """Standalone (SQLite in the data folder) or the hall's PostgreSQL server, with a connection test."""

    def __init__(self, settings: Settings, parent: QWidget | None = None):
        super().__init__(parent)
        self.standalone = QRadioButton(self.tr("单机：数据保存在本机"))
        self.standalone.setObjectName("db_standalone")
        self.server = QRadioButton(self.tr("大厅服务器：多个窗口共用一个 PostgreSQL 数据库"))
        self.server.setObjectName("db_server")
        group = QButtonGroup(self)
        group.addButton(self.standalone)
        group.addButton(self.server)
        where = QLabel(self.tr("本机数据文件：") + str(paths.default_db_path()))
        where.setObjectName("standalone_path")
        where.setWordWrap(True)
        where.setStyleSheet("color: #666; margin-left: 22px;")
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.db_host = QLineEdit(settings.db_host)
        self.db_host.setPlaceholderText("192.168.1.10")
        self.db_port = QSpinBox()
        self.db_port.setRange(0, 99999)  # NOTE: validate_server says what is allowed, in one place
        self.db_port.setValue(settings.db_port)
        self.db_name = QLineEdit(settings.db_name)
        self.db_user = QLineEdit(settings.db_user)
        self.db_password = QLineEdit()
        self.db_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.db_password.setPlaceholderText(self.tr("不写入设置文件"))
        for edit in (self.db_host, self.db_name, self.db_user, self.db_password):
            edit.setMinimumWidth(FIELD_WIDTH)
        self.add_row("db_host", self.tr("服务器地址"), self.db_host)
        self.add_row("db_port", self.tr("端口"), self.db_port)
        self.add_row("db_name", self.tr("数据库名"), self.db_name)
        self.add_row("db_user", self.tr("用户名"), self.db_user)
        self.add_row("db_password", self.tr("密码"), self.db_password)
        self.test_button = QPushButton(self.tr("测试连接"))
        self.test_button.setObjectName("test_connection")
        self.test_button.clicked.connect(self.test)
        self.test_result = QLabel()
        self.test_result.setObjectName("test_result")
        self.test_result.setWordWrap(True)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addWidget(self.test_result, 1)
        secret_note = QLabel(self.tr("密码保存在系统密钥环中；没有可用的密钥环时，保存在仅本账号可读的文件中。"))
        secret_note.setObjectName("password_note")
        secret_note.setWordWrap(True)
        secret_note.setStyleSheet("color: #666;")
        self.server_box = QWidget()
        server_layout = QVBoxLayout(self.server_box)
        server_layout.setContentsMargins(22, 0, 0, 0)
        server_layout.addLayout(self.form)
        server_layout.addLayout(test_row)
        server_layout.addWidget(secret_note)
        layout = QVBoxLayout(self)
        layout.addWidget(self.standalone)
        layout.addWidget(where)
        layout.addWidget(self.server)
        layout.addWidget(self.server_box)
        layout.addStretch(1)
        (self.server if settings.db_mode == "server" else self.standalone).setChecked(True)
        self.server.toggled.connect(self._update)
        self._update()

    def _update(self) -> None:
        self.server_box.setEnabled(self.server.isChecked())

    def apply(self, settings: Settings) -> Settings:
        if not self.server.isChecked():
            return settings.with_changes(db_mode="standalone")
        return settings.with_changes(db_mode="server", db_host=self.db_host.text().strip(),
                                     db_port=self.db_port.value(), db_name=self.db_name.text().strip(),
                                     db_user=self.db_user.text().strip())

    def password(self) -> str:
        return self.db_password.text()

    def check(self, settings: Settings, *, need_password: bool = True) -> bool:
        """The fields are valid and, for a server, the connection test passed (it runs here)."""
        candidate = self.apply(settings)
        errors = validate_server(candidate)
        if candidate.db_mode == "server" and need_password and not self.password():
            errors["db_password"] = self.tr("请填写数据库密码")
        if not self.show_errors(errors):
            return False
        if candidate.db_mode == "server":
            return self.test(candidate)
        return True

    def test(self, candidate: Settings | None = None) -> bool:
        """Connect once with what is typed; the result is shown beside the button."""
        candidate = candidate if isinstance(candidate, Settings) else self.apply(Settings())
        errors = validate_server(candidate)
        if not self.show_errors(errors):
            return False
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            reason = hall_db.test_connection(hall_db.server_url(candidate, self.password()))
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.test_result.setStyleSheet("color: #c0392b;" if reason else "color: #1e8449;")
        self.test_result.setText(reason or self.tr("连接成功"))
        return reason is None


NO_PRINTER = ""


class PrinterForm(_Form):
    """The printer the print dialog starts with (the papers are always kept as PDF files too)."""

    def __init__(self, settings: Settings, parent: QWidget | None = None):
        super().__init__(parent)
        self.printer = ValueCombo()
        self.printer.add_choice(self.tr("系统默认打印机（打印时可另选）"), NO_PRINTER)
        default = QPrinterInfo.defaultPrinterName()
        for name in QPrinterInfo.availablePrinterNames():
            self.printer.add_choice(name + (self.tr("（系统默认）") if name == default else ""), name)
        if settings.printer_name and self.printer.index_of(settings.printer_name) < 0:
            # NOTE: a printer chosen earlier but not connected now stays chosen, marked as such.
            self.printer.add_choice(settings.printer_name + self.tr("（当前未连接）"), settings.printer_name)
        self.printer.set_value(settings.printer_name)
        self.printer.setMinimumWidth(FIELD_WIDTH)
        self.add_row("printer_name", self.tr("打印机"), self.printer)
        found = QLabel(self.tr("没有找到打印机：文书仍保存为 PDF 文件，连接打印机后可在“管理 → 数据库与打印机”中选择。")
                       if not QPrinterInfo.availablePrinterNames() else
                       self.tr("每份文书都同时保存为 PDF 文件。"))
        found.setObjectName("printer_note")
        found.setWordWrap(True)
        found.setStyleSheet("color: #666;")
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(found)
        layout.addStretch(1)

    def apply(self, settings: Settings) -> Settings:
        return settings.with_changes(printer_name=self.printer.value() or NO_PRINTER)
