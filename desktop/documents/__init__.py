"""Printed papers (回执、告知书、通知书) rendered with reportlab from a stored snapshot; no Qt, no database."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from desktop.documents.font import DocumentFontError, missing_glyphs
    from desktop.documents.kinds import DOCUMENT_KINDS
    from desktop.documents.render import render_pdf
    from desktop.documents.snapshot import validate_snapshot

__all__ = ["DOCUMENT_KINDS", "DocumentFontError", "missing_glyphs", "render_pdf", "validate_snapshot"]

# NOTE (issue 16): loaded on first use, so the case layer can register its services' paper kinds
# (desktop.documents.kinds.register) at start-up without loading reportlab, which waits for the first paper.
_WHERE = {"DocumentFontError": "font", "missing_glyphs": "font", "DOCUMENT_KINDS": "kinds",
          "render_pdf": "render", "validate_snapshot": "snapshot"}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(name)
    return getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
