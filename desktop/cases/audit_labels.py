"""The Chinese names a service gives its own audit events: in the 审计日报 and in a case's timeline."""

from __future__ import annotations

import sys
from dataclasses import dataclass

from desktop.cases.registration import Registry


@dataclass(frozen=True)
class EventLabel:
    report: str  # the 审计日报's name of the event (says which register it touched)
    timeline: str  # the case timeline's shorter name, where the case is known


# NOTE (issue 16): the report and the timeline listed every e-bike and plate event by name; a service
# package now declares its events next to the hooks that write them, and a second declaration of one
# action fails at start-up, like every other registration of the seam.
_labels: Registry[str, EventLabel] = Registry("audit event label")


def declare(action: str, report: str, timeline: str | None = None) -> EventLabel:
    frame = sys._getframe(1)
    where = f"{frame.f_globals.get('__name__', '?')}:{frame.f_lineno}"
    return _labels.add(action, EventLabel(report, timeline or report), where)


def _loaded() -> Registry[str, EventLabel]:
    # NOTE: the 审计日报 is also made by the command line, where no intake ran to load the packages.
    from desktop.cases import services

    services.load()
    return _labels


def _label(action: str) -> EventLabel | None:
    return _loaded().get(action)


def report_label(action: str) -> str | None:
    label = _label(action)
    return label.report if label is not None else None


def timeline_label(action: str) -> str | None:
    label = _label(action)
    return label.timeline if label is not None else None


def declared() -> dict[str, EventLabel]:
    return dict(_loaded().items())
