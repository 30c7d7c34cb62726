"""The calculation breakdown beside the form: each line's label, amount, formula and basis, and the total."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGroupBox, QLabel, QScrollArea, QVBoxLayout, QWidget

from forms.model import AmountLine, Assessment

CUT_COLOUR = "#b3261e"


def _line_html(line: AmountLine) -> str:
    colour = CUT_COLOUR if line.amount < 0 else "#000"
    detail = escape(line.formula) + (f"<br>依据：{escape(str(line.basis))}" if line.basis else "")
    return (f"<tr><td style='padding-top:4px'><b>{escape(line.label)}</b></td>"
            f"<td align='right' style='padding-top:4px; color:{colour}'><b>{line.amount:,.2f}</b></td></tr>"
            f"<tr><td colspan='2' style='color:#555; font-size:9pt'>{detail}</td></tr>")


class AmountsPanel(QGroupBox):
    """Read-only: the same lines the receipt and the calculation sheet print (assessment.amounts)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("amounts_panel")
        self.setTitle(self.tr("金额核算（元）"))
        # NOTE: a label in a scroll area rather than a table: formulas are long sentences and
        # wrap under their line, so label and amount stay on one row at any panel width.
        self.lines = QLabel(self)
        self.lines.setObjectName("amounts_lines")
        self.lines.setTextFormat(Qt.TextFormat.RichText)
        self.lines.setWordWrap(True)
        self.lines.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.lines.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.lines)
        scroll.setMinimumHeight(90)
        self.total = QLabel(self)
        self.total.setObjectName("amounts_total")
        self.total.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.total.setStyleSheet("font-size:12pt; font-weight:bold;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.total)
        self._rows: list[tuple[str, str, str, str]] = []

    def show_amounts(self, assessment: Assessment) -> None:
        lines = assessment.amounts
        self._rows = [(a.label, a.formula, f"{a.amount:,.2f}", str(a.basis or "")) for a in lines]
        body = "".join(_line_html(a) for a in lines)
        self.lines.setText(f"<table width='100%' cellspacing='0'>{body}</table>" if lines else "")
        total = assessment.total
        self.total.setText(self.tr("合计：") + ("—" if total is None else f"{total:,.2f} 元"))

    def rows(self) -> list[tuple[str, str, str, str]]:
        """What the clerk sees, line by line: label, formula, amount, basis (tests read it back)."""
        return list(self._rows)
