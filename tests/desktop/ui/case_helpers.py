"""Helpers for the case view tests: people of a hall, an accepted case, driving modal dialogs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from modals import on_next_dialog
from pypdf import PdfReader
from PySide6.QtWidgets import QDialog

from desktop.cases import accounts, intake
from desktop.cases.dto import Actor
from desktop.cases.hall_context import HallContext
from forms import registry

HALL = "郑州市金水区政务服务中心"
PAST = datetime.now().replace(microsecond=0) - timedelta(days=14)


def make_people(db, admin) -> dict[str, Actor]:
    clerk = accounts.create_account(db, admin, "zhang", "张伟", "clerk", "secret-456", "secret-456")
    sup = accounts.create_account(db, admin, "li", "李娜", "supervisor", "secret-789", "secret-789")
    sup2 = accounts.create_account(db, admin, "zhao", "赵敏", "supervisor", "secret-000", "secret-000")
    return {"clerk": Actor(clerk, "03", HALL), "sup": Actor(sup, "05", HALL), "sup2": Actor(sup2, "06", HALL)}


def accept_example(db, actor, papers, service_id: str = "residence_permit", now: datetime = PAST, **changes):
    case = registry.get(service_id).example(now.date())
    answers = dict(case["answers"], **changes)
    return intake.accept(HallContext(db, actor, papers), service_id, answers, case["materials"], now=now)


def pdf_text(path) -> str:
    return "".join(p.extract_text() for p in PdfReader(path).pages)


def drive(kind: type, act: Callable[[QDialog], None]) -> None:
    """Run ``act`` on the next modal dialog of ``kind`` once it is open (tests never block on exec())."""
    on_next_dialog(kind, act, exclude_boxes=True)


def press(dialog: QDialog, name: str = "submit") -> None:
    dialog.findChild(object, name).click()


def error_text(dialog: QDialog, name: str = "error") -> str:
    label = dialog.findChild(object, name)
    return label.text() if label is not None and label.isVisible() else ""
