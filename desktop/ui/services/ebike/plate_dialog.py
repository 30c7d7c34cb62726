"""The administrator's 号牌号段 dialog: the register mode, the hall pool, and each window's own blocks (issue 13)."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.cases.dto import Actor
from desktop.cases.errors import ActionRefused, EnvironmentFailure, InputError
from desktop.cases.halldb import Database
from desktop.cases.services.ebike import plates
from desktop.ui.admin_tabs import fill, rows_table, selected_row
from desktop.ui.login import error_label, set_error
from desktop.ui.msgbox import ask_confirm, show_environment_failure
from desktop.ui.screen_fit import FitsScreen, fit_to_screen

MODE_TEXT = {
    True: "单机模式：本机数据库只供本窗口使用。号牌只从分配给本窗口的号段发放，没有号段时不能发放号牌。",
    False: "大厅模式：大厅各窗口使用同一个数据库。有号段的窗口先用自己的号段，其他窗口使用大厅共用号段。",
}


class PlateSeriesDialog(FitsScreen, QDialog):
    """The administrator sets where plates come from; every change is audited by the case layer."""

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None):
        super().__init__(parent)
        self.db, self.actor = db, actor
        self.blocks: list[plates.PlateBlockView] = []
        self.setObjectName("plate_series_dialog")
        self.setWindowTitle(self.tr("号牌号段"))
        layout = QVBoxLayout(self)
        layout.addWidget(self._mode_box())
        layout.addWidget(self._pool_box())
        layout.addWidget(self._blocks_box(), 1)
        self.error = error_label("error")
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        fit_to_screen(self, QSize(900, 680))
        self.refresh()

    # --- the three parts ---------------------------------------------------------------------

    def _mode_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("登记库"), self)
        self.mode = QLabel("", box)
        self.mode.setObjectName("mode")
        self.mode.setWordWrap(True)
        self.mode_button = QPushButton("", box)
        self.mode_button.setObjectName("mode_button")
        self.mode_button.clicked.connect(self._on_mode_clicked)
        row = QHBoxLayout(box)
        row.addWidget(self.mode, 1)
        row.addWidget(self.mode_button)
        return box

    def _pool_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("大厅共用号段（仅大厅模式）"), self)
        self.current = QLabel("", box)
        self.current.setObjectName("current")
        self.current.setWordWrap(True)
        self.prefix = QLineEdit("郑A", box)
        self.prefix.setObjectName("prefix")
        self.width_box = QSpinBox(box)
        self.width_box.setObjectName("width")
        self.width_box.setRange(1, 9)
        self.width_box.setValue(5)
        save = QPushButton(self.tr("保存大厅号段"), box)
        save.setObjectName("save_series")
        save.clicked.connect(self._on_save_clicked)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("号牌前缀"), box))
        row.addWidget(self.prefix)
        row.addWidget(QLabel(self.tr("号码位数"), box))
        row.addWidget(self.width_box)
        row.addStretch(1)
        row.addWidget(save)
        column = QVBoxLayout(box)
        column.addWidget(self.current)
        column.addLayout(row)
        return box

    def _blocks_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("窗口号段（由管理员按大厅的号段分配表分给各窗口，互不重叠）"), self)
        self.source = QLabel("", box)
        self.source.setObjectName("source")
        self.source.setWordWrap(True)
        self.table = rows_table([self.tr("窗口"), self.tr("号段"), self.tr("下一个号牌"), self.tr("剩余"),
                                 self.tr("状态"), self.tr("分配人"), self.tr("分配时间")], "blocks")
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.block_window = QLineEdit(self.actor.window, box)
        self.block_window.setObjectName("block_window")
        self.block_window.setMaxLength(2)
        self.block_prefix = QLineEdit("郑A", box)
        self.block_prefix.setObjectName("block_prefix")
        self.block_width = QSpinBox(box)
        self.block_width.setObjectName("block_width")
        self.block_width.setRange(1, 9)
        self.block_width.setValue(5)
        self.first_no = QLineEdit(box)
        self.first_no.setObjectName("first_no")
        self.first_no.setPlaceholderText(self.tr("例如 10000"))
        self.last_no = QLineEdit(box)
        self.last_no.setObjectName("last_no")
        self.last_no.setPlaceholderText(self.tr("例如 19999"))
        self.field_errors = {k: error_label(f"{k}_error")
                             for k in ("block_window", "block_prefix", "width", "first_no", "last_no")}
        for widget in (self.block_window, self.block_prefix, self.block_width, self.first_no, self.last_no):
            widget.setMaximumWidth(220)
        hint = QLabel(self.tr("单机模式下各电脑看不到彼此的号段：请按大厅的号段分配表分配，每个窗口号只在一台电脑上使用。"
                              "本机能看到的重叠号段会被拒绝。"), box)
        hint.setWordWrap(True)
        hint.setStyleSheet("color:#555;")
        form = QFormLayout()
        for key, label, widget in (("block_window", self.tr("窗口号"), self.block_window),
                                   ("block_prefix", self.tr("号牌前缀"), self.block_prefix),
                                   ("width", self.tr("号码位数"), self.block_width),
                                   ("first_no", self.tr("起始号码"), self.first_no),
                                   ("last_no", self.tr("截止号码"), self.last_no)):
            cell = QVBoxLayout()
            cell.addWidget(widget)
            cell.addWidget(self.field_errors[key])
            form.addRow(label, cell)
        assign = QPushButton(self.tr("分配号段"), box)
        assign.setObjectName("assign_block")
        assign.clicked.connect(self._on_assign_clicked)
        close = QPushButton(self.tr("停用选中的号段"), box)
        close.setObjectName("close_block")
        close.clicked.connect(self._on_close_block_clicked)
        actions = QVBoxLayout()
        actions.addWidget(assign)
        actions.addWidget(close)
        actions.addStretch(1)
        lower = QHBoxLayout()
        lower.addLayout(form)
        lower.addWidget(hint, 1)
        lower.addLayout(actions)
        column = QVBoxLayout(box)
        column.addWidget(self.source)
        column.addWidget(self.table, 1)
        column.addLayout(lower)
        return box

    # --- reading and writing -------------------------------------------------------------------

    def refresh(self) -> None:
        try:
            standalone = plates.is_standalone(self.db)
            self.blocks = plates.list_blocks(self.db)
            source = plates.source_text(self.db, self.actor.window)
            try:
                series = plates.current_series(self.db)
                pool = (f"大厅号段：{series.prefix} + {series.width}位数字，下一个号牌 {series.next_plate}"
                        f"（跳过各窗口号段），剩余 {series.remaining} 个")
                self.prefix.setText(series.prefix)
                self.width_box.setValue(series.width)
            except ActionRefused as exc:
                pool = exc.message
        except EnvironmentFailure as exc:
            show_environment_failure(self, exc)
            return
        self.standalone = standalone
        self.mode.setText(MODE_TEXT[standalone])
        self.mode_button.setText(self.tr("改为大厅模式…") if standalone else self.tr("改为单机模式…"))
        self.current.setText(pool + ("（单机模式下不使用）" if standalone else ""))
        self.source.setText(self.tr("本窗口：") + source)
        fill(self.table, self.blocks, lambda b: (
            b.window, b.range_text, "" if b.remaining == 0 else plates.format_plate(b.prefix, b.width, b.next_no),
            str(b.remaining), b.state_label, b.assigned_by, b.assigned_at.strftime("%Y-%m-%d %H:%M")),
            lambda b: False)
        self.table.resizeColumnsToContents()

    def _run(self, action) -> bool:
        """Run a case-layer change: field errors next to their fields, refusals on the error line."""
        for label in self.field_errors.values():
            set_error(label, "")
        set_error(self.error, "")
        try:
            action()
        except InputError as exc:
            for key, message in exc.errors.items():
                label = self.field_errors.get(key)
                if label is not None:
                    set_error(label, message)
                else:
                    set_error(self.error, message)
            return False
        except ActionRefused as exc:
            set_error(self.error, exc.message)
            return False
        except EnvironmentFailure as exc:
            show_environment_failure(self, exc)
            return False
        self.refresh()
        return True

    def _on_save_clicked(self) -> None:
        def save() -> None:
            try:
                plates.set_series(self.db, self.actor.account, self.prefix.text(), self.width_box.value(),
                                  self.actor.window)
            except InputError as exc:  # the pool's own fields have no labels of their own
                raise ActionRefused("；".join(exc.errors.values())) from None

        self._run(save)

    def _on_assign_clicked(self) -> None:
        if self._run(lambda: plates.assign_block(
                self.db, self.actor.account, self.block_window.text(), self.block_prefix.text(),
                self.block_width.value(), self.first_no.text(), self.last_no.text(), self.actor.window)):
            self.first_no.clear()
            self.last_no.clear()

    def _on_close_block_clicked(self) -> None:
        block = selected_row(self.table, self.blocks)
        if block is None:
            set_error(self.error, self.tr("请先在列表中选择要停用的号段。"))
            return
        if not ask_confirm(self, f"停用{block.window}号窗口的号段{block.range_text}？停用后不再发放，"
                                 "未发放的号码也不会再分给其他窗口。", yes=self.tr("停用")):
            return
        self._run(lambda: plates.close_block(self.db, self.actor.account, block.id, self.actor.window))

    def _on_mode_clicked(self) -> None:
        to_shared = self.standalone
        text = ("只有当大厅所有窗口都使用这一个数据库时才能改为大厅模式；各窗口各用一个数据库时改为大厅模式，"
                "两台电脑会发出相同的号牌。确定改为大厅模式？" if to_shared else
                "改为单机模式后，本机只从分配给本窗口的号段发放号牌。确定改为单机模式？")
        if ask_confirm(self, text, yes=self.tr("确定")):
            self._run(lambda: plates.set_register_mode(self.db, self.actor.account, to_shared, self.actor.window))

    @classmethod
    def ask(cls, db: Database, actor: Actor, parent: QWidget | None = None) -> bool:
        return cls(db, actor, parent).exec() == QDialog.DialogCode.Accepted
