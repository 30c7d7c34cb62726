"""Menu items a service's UI package adds to the main window (文件, 服务): declared, discovered, built generically."""

# NOTE: never call QAction.menu() to reach a menu: under PySide6 6.9.3, the release build's Qt
# (packaging/linux/release-pins.txt), the QMenu it returns is deleted when that Python wrapper goes,
# and the menu bar loses the menu. Keep the QMenu that addMenu() returned, or find it among the menu
# bar's children. tests/desktop/ui/test_qaction_menu.py keeps the tree free of the call.

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from desktop.cases.registration import Registry, caller

FILE_MENU, SERVICE_MENU = "file", "service"  # the main window's 文件 and 服务 menus


@dataclass(frozen=True)
class MenuAction:
    """One menu item: where it goes, what it says, who sees it, and what it opens."""

    object_name: str  # the QAction's objectName, unique over every package, e.g. "plate_series_action"
    menu: str  # FILE_MENU (an administrator's settings, above 节假日与调休…) or SERVICE_MENU (after the services)
    text: str  # what the clerk reads, e.g. "号牌号段…"
    # Called with the main window (its db, actor, settings; the dialog's parent) when the item is chosen.
    # NOTE: a package imports its dialog inside this function, so the main window's first paint loads none.
    opens: Callable[[Any], None]
    # A permission key (desktop.cases.permissions, a service may declare its own); None: everyone sees it.
    # Hiding is for the clerk's eyes only: the case layer refuses the action to a role without it anyway.
    permission: str | None = None


_actions: Registry[str, MenuAction] = Registry("menu action")


def declare(action: MenuAction) -> MenuAction:
    """Register a menu item; the same objectName twice raises DuplicateRegistration (at start-up)."""
    if action.menu not in (FILE_MENU, SERVICE_MENU):
        raise ValueError(f"menu action {action.object_name!r}: unknown menu {action.menu!r}")
    return _actions.add(action.object_name, action, caller())


def declared(menu: str | None = None) -> list[MenuAction]:
    """Every declared item (of ``menu``), in the packages' load order, then declaration order."""
    from desktop.ui import services

    services.load()
    return [a for a in _actions.values() if menu is None or a.menu == menu]
