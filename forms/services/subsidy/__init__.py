"""返乡入乡创业补贴 (郑政办〔2021〕13号): form, facts, claim rules and calculations, and its service (service.py)."""

from __future__ import annotations

import importlib
from typing import Any


def __getattr__(name: str) -> Any:
    # NOTE: SERVICE is loaded when forms.registry asks for it, so importing a calculation alone stays light.
    if name == "SERVICE":
        return importlib.import_module(f"{__name__}.service").SERVICE
    raise AttributeError(name)
