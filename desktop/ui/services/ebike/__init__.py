"""电动自行车登记 in the UI: its menu items (登记状态查询, 号牌号段) and the dialogs they open, declared here.

NOTE (issue 16): the main window builds these from desktop.ui.menu_actions and names no service; the
dialogs (status_dialog.py, plate_dialog.py) are imported only when their item is chosen.
"""

from __future__ import annotations

from desktop.ui.menu_actions import FILE_MENU, SERVICE_MENU, MenuAction, declare


def _open_bike_status(window) -> None:
    from desktop.ui.services.ebike.status_dialog import BikeStatusDialog

    BikeStatusDialog.ask(window.db, window.actor, window.settings, window)


def _open_plate_series(window) -> None:
    from desktop.ui.services.ebike.plate_dialog import PlateSeriesDialog

    PlateSeriesDialog.ask(window.db, window.actor, window)


declare(MenuAction("bike_status_action", SERVICE_MENU, "电动自行车登记状态查询…", _open_bike_status))
# NOTE: the permission is the register's own, declared beside what it guards (desktop/cases/services/ebike/plates.py).
declare(MenuAction("plate_series_action", FILE_MENU, "号牌号段…", _open_plate_series, permission="plates"))
