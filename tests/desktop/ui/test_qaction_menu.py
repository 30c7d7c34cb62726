"""No code reaches a menu through QAction.menu(): PySide6 6.9.3 (the release build's Qt) deletes that menu with its wrapper.

NOTE: seen on 6.9.3 with the main window: after `[a.menu().title() for a in bar.actions()]` and a
gc.collect(), every menu of the bar was invalid (shiboken6.isValid False); on 6.11.3 all stayed.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
_CALL = re.compile(r"\.menu\(\)")


def test_no_module_calls_qaction_menu():
    offenders = [f"{path.relative_to(ROOT)}:{n}" for folder in ("desktop", "forms", "bench", "tests", "packaging")
                 for path in sorted((ROOT / folder).rglob("*.py")) if path.resolve() != Path(__file__).resolve()
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if _CALL.search(line.split("#", 1)[0])]  # NOTE: a comment may name the call
    assert offenders == []

