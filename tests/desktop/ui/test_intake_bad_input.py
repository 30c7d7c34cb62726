"""Bad input typed into the real intake page is a message next to its field, never an exception."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLineEdit

from desktop.cases.dto import Actor
from desktop.settings import Settings
from desktop.ui.intake_page import IntakePage
from forms import registry


@pytest.fixture
def ebike_page(qtbot, db, admin, tmp_path):
    settings = Settings(window_no="03", output_dir=str(tmp_path / "papers"))
    page = IntakePage(db, Actor(admin, "03", settings.hall_name), settings, registry.get("ebike_registration"))
    qtbot.addWidget(page)
    page.resize(1280, 860)
    page.show()
    return page


@pytest.mark.parametrize("typed, message", [
    ("1e30", "数值过大"), ("1e999999", "数值过大"), ("NaN", "有限的数字"), ("Infinity", "有限的数字"),
    ("9" * 60, "数值过大"), ("1e-999999", "不能小于1"),
])
def test_huge_or_odd_numbers_in_the_speed_field_show_next_to_it(ebike_page, qtbot, typed, message):
    edit = ebike_page.findChild(QLineEdit, "field_max_speed")
    qtbot.keyClicks(edit, typed)  # ASCII only: keyClicks is safe here
    error = ebike_page.findChild(object, "error_max_speed")
    qtbot.waitUntil(lambda: error.isVisible(), timeout=3000)
    assert message in error.text() and "最高设计车速" in error.text()
    assert not ebike_page.accept_button.isEnabled()
    edit.clear()
    qtbot.keyClicks(edit, "25")
    qtbot.waitUntil(lambda: not error.isVisible(), timeout=3000)
