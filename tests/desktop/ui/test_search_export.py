"""The 导出清单 button of the 查询 tab: enabled for supervisors with a result, a masked CSV, told where it went."""

from __future__ import annotations

from datetime import datetime

import pytest
from case_helpers import accept_example, make_people
from qt_helpers import answer_next_box

from desktop.ui.search_panel import SearchPanel

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")
NOW = datetime(2026, 11, 25, 10, 0)


@pytest.fixture
def people(db, admin, tmp_path):
    people = make_people(db, admin)
    accept_example(db, people["clerk"], tmp_path / "papers", now=NOW)
    return people


def _panel(qtbot, db, actor, folder) -> SearchPanel:
    panel = SearchPanel(db, actor=lambda: actor, exports_dir=lambda: folder)
    qtbot.addWidget(panel)
    panel.resize(1280, 800)
    panel.show()
    return panel


def test_supervisor_exports_the_result(qtbot, db, people, tmp_path):
    panel = _panel(qtbot, db, people["sup"], tmp_path / "exports")
    assert panel.export_button.isVisible() and not panel.export_button.isEnabled()
    panel.search_button.click()
    assert panel.count_label.text() == "共找到 1 件" and panel.export_button.isEnabled()
    texts: list[str] = []
    answer_next_box(texts)
    panel.export_button.click()
    [written] = list((tmp_path / "exports").glob("*.csv"))
    assert texts and "已导出 1 件案件" in texts[0] and str(written) in texts[0]
    content = written.read_text(encoding="utf-8-sig")
    assert "410305********1234" in content and "410305199001011234" not in content
    panel.grab().save(str(tmp_path / "search-export.png"))
    panel.clear()
    assert not panel.export_button.isEnabled()


def test_clerk_sees_the_button_disabled(qtbot, db, people, tmp_path):
    panel = _panel(qtbot, db, people["clerk"], tmp_path / "exports")
    panel.search_button.click()
    assert panel.count_label.text() == "共找到 1 件"
    assert panel.export_button.isVisible() and not panel.export_button.isEnabled()
    assert not (tmp_path / "exports").exists()
