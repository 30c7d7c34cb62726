"""The case list's columns: wide enough for every service's name and every state, fitted once, without reading rows."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt

from desktop.cases import status
from desktop.cases.status import LABELS
from desktop.ui import case_table
from desktop.ui.case_table import CELL_MARGIN, CaseListPanel, Column, column_texts
from forms import registry


def _rows() -> list[tuple]:
    """A row of every service in every state, with a real case number and ID number."""
    rows, n = [], 0
    for service_id in registry.services():
        code = registry.get(service_id).code
        for state in LABELS:
            n += 1
            rows.append((n, f"{code}0326120{n:05d}W", service_id, state, "欧阳娜娜", "410105199001011234",
                         date(2026, 12, 2).isoformat(), None if state == status.DRAFT else "2026-12-31"))
    return rows


class _CountingModel(case_table.CaseTableModel):
    """The list's own model, counting the cells the view asks for (a spy: the answers are the model's)."""

    asked = 0

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        type(self).asked += 1
        return super().data(index, role)


def _panel(qtbot, rows) -> CaseListPanel:
    panel = CaseListPanel(lambda offset, limit: rows[offset:offset + limit])
    qtbot.addWidget(panel)
    panel.resize(1366 - 310, 640)  # the list's share of a 1366×768 main window
    panel.show()
    panel.refresh()
    return panel


def test_every_service_and_state_fits_its_column_unelided(qtbot):
    rows = _rows()
    panel = _panel(qtbot, rows)
    view, model = panel.table, panel.model
    metrics = view.fontMetrics()
    assert model.rowCount() == len(rows) and not panel.is_empty()
    for row in range(model.rowCount()):
        for column in list(Column)[:-1]:  # the last one stretches
            text = model.index(row, column).data()
            assert metrics.horizontalAdvance(text) + CELL_MARGIN <= view.columnWidth(column), (column, text)
    # and the columns leave the last one room at 1366×768: no sideways scrolling
    assert sum(view.columnWidth(c) for c in list(Column)[:-1]) + 120 <= view.viewport().width()


def test_the_widths_are_fitted_once_without_reading_a_cell(qtbot, monkeypatch):
    monkeypatch.setattr(case_table, "CaseTableModel", _CountingModel)
    rows = _rows()
    _CountingModel.asked = 0
    panel = CaseListPanel(lambda offset, limit: rows[offset:offset + limit])
    qtbot.addWidget(panel)
    panel.refresh()  # not shown: nothing paints, so only a fit could ask for cells
    assert _CountingModel.asked == 0
    widths = [panel.table.columnWidth(c) for c in Column]
    panel.table.horizontalHeader().resizeSection(Column.APPLICANT, 200)  # the clerk widens a column
    rows.insert(0, (999, "JZ0326120999990", "residence_permit", status.ACCEPTED, "司马相如相如相如相如", "410105199001011234",
                    "2026-12-02", "2026-12-31"))
    panel.refresh()  # a case change: the rows are read again
    assert panel.model.rowCount() == len(rows)
    assert [panel.table.columnWidth(c) for c in Column][:3] == widths[:3]
    assert panel.table.columnWidth(Column.APPLICANT) == 200  # kept, not refitted to the long name


def test_the_texts_cover_every_service_name_and_state_label():
    texts = column_texts()
    assert set(texts[Column.SERVICE]) == {registry.get(s).name for s in registry.services()}
    assert {status.status_label(s, sid) for s in LABELS for sid in registry.services()} <= set(texts[Column.STATUS])
