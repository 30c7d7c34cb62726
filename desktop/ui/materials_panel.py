"""The materials checklist: one tick per material, with data sharing or a pledge where allowed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QCheckBox, QGridLayout, QGroupBox, QLabel, QWidget

from desktop.ui.combos import ValueCombo
from forms.model import MaterialState
from forms.service import Service


class _TickLabel(QLabel):
    """A material's name that wraps, and ticks its box when clicked, as a check box's own text would."""

    def __init__(self, text: str, box: QCheckBox, parent: QWidget):
        super().__init__(text, parent)
        self._box = box
        self.setWordWrap(True)
        self.setBuddy(box)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._box.isEnabled():
            self._box.toggle()
            self._box.setFocus()
        super().mouseReleaseEvent(event)


class MaterialsPanel(QGroupBox):
    sig_changed = Signal()

    def __init__(self, service: Service, parent: QWidget | None = None):
        super().__init__(self.tr("收取材料"), parent)
        self.service = service
        self._boxes: dict[str, QCheckBox] = {}
        self._modes: dict[str, ValueCombo] = {}
        self._labels: dict[str, QLabel] = {}
        grid = QGridLayout(self)
        grid.setColumnStretch(1, 1)
        grid.setHorizontalSpacing(4)
        for row, m in enumerate(service.materials):
            # NOTE: the name is a wrapping label beside a bare check box, because a check box's own
            # text never wraps: the longest official names would otherwise squeeze the form.
            box = QCheckBox(self)
            box.setObjectName(f"material_{m.key}")
            box.setAccessibleName(m.label)
            tip = f"依据：{m.basis}" + (f"\n{m.help}" if m.help else "")
            box.setToolTip(tip)
            box.toggled.connect(self.sig_changed)
            label = _TickLabel(m.label, box, self)
            label.setObjectName(f"material_label_{m.key}")
            label.setToolTip(tip)
            grid.addWidget(box, row, 0, Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(label, row, 1)
            self._boxes[m.key] = box
            self._labels[m.key] = label
            if m.shareable or m.pledge_allowed:
                mode = ValueCombo(self)
                mode.setObjectName(f"material_mode_{m.key}")
                mode.add_choice(self.tr("纸质"), MaterialState.PROVIDED.value)
                if m.shareable:
                    mode.add_choice(self.tr("信息共享核验"), MaterialState.SHARED.value)
                if m.pledge_allowed:
                    mode.add_choice(self.tr("告知承诺"), MaterialState.PLEDGED.value)
                mode.currentIndexChanged.connect(self.sig_changed)
                grid.addWidget(mode, row, 2, Qt.AlignmentFlag.AlignVCenter)
                self._modes[m.key] = mode
        self._hint = QLabel(self.tr("灰色材料在当前情形下不需要。"), self)
        self._hint.setStyleSheet("color: #666;")
        grid.addWidget(self._hint, len(service.materials), 0, 1, 3)

    def values(self) -> dict[str, str]:
        out = {}
        for key, box in self._boxes.items():
            if box.isChecked() and box.isEnabled():
                mode = self._modes.get(key)
                out[key] = mode.value() if mode else MaterialState.PROVIDED.value
        return out

    def load(self, values: Mapping[str, Any]) -> None:
        for key, box in self._boxes.items():
            state = values.get(key)
            box.setChecked(bool(state))
            mode = self._modes.get(key)
            if mode and state:
                mode.set_value(state)

    def update_applicable(self, answers: Mapping[str, Any]) -> None:
        """Grey out materials not needed for these answers (alternatives stay available)."""
        alternatives = {alt for m in self.service.materials for alt in m.alternatives}
        for m in self.service.materials:
            needed = m.is_required(answers) or m.key in alternatives
            self._boxes[m.key].setEnabled(needed)
            self._labels[m.key].setEnabled(needed)
            if m.key in self._modes:
                self._modes[m.key].setEnabled(needed)

    def focus_material(self, key: str) -> None:
        if key in self._boxes:
            self._boxes[key].setFocus()
