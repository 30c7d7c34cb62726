"""Printed papers (回执、告知书、通知书) rendered with reportlab from a stored snapshot; no Qt, no database."""

from desktop.documents.font import DocumentFontError, missing_glyphs
from desktop.documents.kinds import DOCUMENT_KINDS
from desktop.documents.render import render_pdf
from desktop.documents.snapshot import validate_snapshot

__all__ = ["DOCUMENT_KINDS", "DocumentFontError", "missing_glyphs", "render_pdf", "validate_snapshot"]
