"""The findings panel: every finding with its outcome and basis; activating one focuses its field."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from desktop.cases import intake_offers
from desktop.ui.items import set_item
from forms.model import Assessment, Decision, Effect, Outcome

COLOURS = {
    Outcome.FAIL: "#b3261e",
    Outcome.MISSING: "#a15c00",
    Outcome.MANUAL: "#1f5fa8",
    Outcome.PASS: "#2e7d32",
    Outcome.NOT_APPLICABLE: "#666666",
}
MARKS = {Outcome.FAIL: "✗", Outcome.MISSING: "？", Outcome.MANUAL: "!", Outcome.PASS: "✓", Outcome.NOT_APPLICABLE: "–"}
DECISION_STYLE = {
    Decision.ACCEPT: ("#e8f5e9", "#2e7d32"),
    Decision.INCOMPLETE: ("#fff4e5", "#a15c00"),
    Decision.REFUSE: ("#fdecea", "#b3261e"),
}
FIELD_ROLE = Qt.ItemDataRole.UserRole


def _order(finding) -> int:
    # Problems first, in the order a clerk deals with them; passes last.
    if finding.outcome is Outcome.FAIL and finding.effect is Effect.REFUSE:
        return 0
    return {Outcome.FAIL: 1, Outcome.MISSING: 2, Outcome.MANUAL: 3, Outcome.PASS: 4, Outcome.NOT_APPLICABLE: 5}[
        finding.outcome]


def verdict(assessment: Assessment) -> str:
    """The banner's verdict in the procedure's own words, as the case layer names it (intake_offers.verdict)."""
    from forms import registry

    try:
        service = registry.get(assessment.service_id)
    except KeyError:
        service = None
    return intake_offers.verdict(service, assessment)


class FindingsPanel(QWidget):
    sig_field_activated = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.banner = QLabel(self)
        self.banner.setObjectName("decision_banner")
        self.banner.setWordWrap(True)
        self.list = QListWidget(self)
        self.list.setObjectName("findings_list")
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        self.list.itemActivated.connect(self._on_item_activated)
        self.list.itemClicked.connect(self._on_item_activated)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.banner)
        layout.addWidget(self.list, 1)

    def show_assessment(self, assessment: Assessment) -> None:
        bg, fg = DECISION_STYLE[assessment.decision]
        problems = len(assessment.failures())
        text = f"审查结论：{verdict(assessment)}"
        if problems:
            text += f"（{problems}项需处理）"
        self.banner.setText(text)
        self.banner.setStyleSheet(
            f"background:{bg}; color:{fg}; font-size:12pt; font-weight:bold; padding:8px; border-radius:4px;"
        )
        self.list.clear()
        for f in sorted(assessment.findings, key=_order):
            key = f.field or (f"material:{f.material}" if f.material else "")
            self.list.addItem(set_item(QListWidgetItem(), text=f"{MARKS[f.outcome]} {f.message}\n    依据：{f.basis}",
                                       foreground=COLOURS[f.outcome], tooltip=f"{f.outcome.label} · {f.rule_id}",
                                       data={FIELD_ROLE: key}))

    def _on_item_activated(self, item: QListWidgetItem) -> None:
        key = item.data(FIELD_ROLE)
        if key:
            self.sig_field_activated.emit(key)

    def messages(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]
