"""居住证申领 (郑政办〔2021〕8号): its form (form.py) and its service — rules, materials, papers (service.py)."""

from __future__ import annotations

import importlib
from typing import Any


def __getattr__(name: str) -> Any:
    # NOTE: SERVICE is loaded when forms.registry asks for it, so importing the form alone stays light.
    if name == "SERVICE":
        return importlib.import_module(f"{__name__}.service").SERVICE
    raise AttributeError(name)
