"""The one place that says where the shipped ``resources/`` folder is: the source tree or a frozen build."""

from __future__ import annotations

import sys
from pathlib import Path


def bundle_root() -> Path:
    """The folder the program's files were unpacked to: the repository, or PyInstaller's ``_internal``.

    NOTE: a PyInstaller build sets ``sys.frozen`` and ``sys._MEIPASS`` (onedir: ``<app>/_internal``);
    the spec (packaging/halldesk.spec) copies ``resources/`` and the migrations there under the same
    relative paths they have in the repository, so every caller asks this function and nothing else.
    """
    if getattr(sys, "frozen", False) and hasattr(sys, "_MEIPASS"):
        return Path(sys._MEIPASS)
    return Path(__file__).resolve().parent.parent


def resource_root() -> Path:
    """The shipped ``resources/`` folder: parameters, calendar, fonts, the font's licence."""
    return bundle_root() / "resources"


def resource(*parts: str) -> Path:
    """A path inside ``resources/`` (``resource("params", "remedies.toml")``)."""
    return resource_root().joinpath(*parts)
